"""Every error class of the engine, in one place: each carries a message a facilitator can act on."""


class PortfolioError(Exception):
    """Base of every error caused by bad input rather than a bug."""


class UnknownElement(PortfolioError):
    """An id that is not in the catalog."""


class InvalidAmount(PortfolioError):
    """An amount that is negative, not a number, or not finite."""


class BudgetMismatch(PortfolioError):
    """Allocations that do not add up to the budget."""


class InvalidAssumptions(PortfolioError):
    """An assumptions table with a missing, unknown or out-of-range value."""


class InputFormatError(PortfolioError):
    """A file that cannot be read as the expected format."""


class StorageError(PortfolioError):
    """A database file that cannot be opened or migrated."""


class DatabaseBusy(StorageError):
    """Another process held the write lock for longer than the busy timeout: try again."""


class DiskFull(StorageError):
    """The disk holding the database (or its journal) has no room left."""


class UnknownColumn(PortfolioError):
    """A field name that is not a column of the table: refused, never put into SQL."""


class InvalidConstraints(PortfolioError):
    """A constraints document that is malformed or refers to something unknown."""


class InfeasibleConstraints(PortfolioError):
    """Constraints that no portfolio can meet at once."""


class NotAllowed(PortfolioError):
    """An action the workshop's state or the person's role does not allow."""


class NotFound(PortfolioError):
    """A workshop, participant or proposal that does not exist."""


class VoterCodeRefused(NotAllowed):
    """A voter code this vote does not accept online (unknown, or used on a paper ballot): pages count these to slow guessing."""


class BallotExists(NotAllowed):
    """A voter code that already voted, cast again without saying to replace its ballot: the page asks before replacing."""


class NotAuthorized(PortfolioError):
    """A write attempted without the role it needs, or a wrong passcode or code."""


class TooManyAttempts(NotAuthorized):
    """Sign-in refused for now: too many recent failures from this client or on this scope."""


class StewardNotConfigured(NotAuthorized):
    """The installation has no data steward passcode yet."""


class KeyMissing(PortfolioError):
    """The installation key is missing, empty or too short: nothing keyed can be checked or written until it is restored."""


class RecordMismatch(PortfolioError):
    """A write refused because the row it builds on was changed behind the application's back."""


class RecordBroken(PortfolioError):
    """The vote's stored record does not match its audit chain: nothing is counted or published."""


class UsageError(PortfolioError):
    """Command-line arguments that do not make a valid command."""


class VerificationFailed(Exception):
    """Exit code 1: the audit chain or the stored record does not check out (not bad input, so not a PortfolioError)."""
