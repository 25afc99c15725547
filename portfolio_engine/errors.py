"""Domain errors: each carries a message a facilitator can act on."""


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
