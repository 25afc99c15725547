"""errors.py: every error class of the engine is defined there and nowhere else."""

import ast
from pathlib import Path

import portfolio_engine
from portfolio_engine import errors

ENGINE = Path(portfolio_engine.__file__).resolve().parent
ERRORS = {name for name, value in vars(errors).items() if isinstance(value, type) and issubclass(value, BaseException)}


def _error_classes(path: Path) -> list[str]:
    """Classes defined in a module whose bases include an exception (a built-in one or one of errors.py)."""
    bases = ERRORS | {"Exception", "ValueError", "RuntimeError", "KeyError", "LookupError"}
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [node.name for node in ast.walk(tree) if isinstance(node, ast.ClassDef)
            and any(isinstance(b, ast.Name | ast.Attribute) and (b.id if isinstance(b, ast.Name) else b.attr) in bases for b in node.bases)]


def test_every_error_class_lives_in_errors():
    elsewhere = {str(p.relative_to(ENGINE)): found for p in ENGINE.rglob("*.py") if p.name != "errors.py" and (found := _error_classes(p))}
    assert elsewhere == {}


def test_errors_keep_their_family():
    assert issubclass(errors.VoterCodeRefused, errors.NotAllowed)
    assert issubclass(errors.TooManyAttempts, errors.NotAuthorized) and issubclass(errors.StewardNotConfigured, errors.NotAuthorized)
    assert issubclass(errors.DiskFull, errors.StorageError) and issubclass(errors.DatabaseBusy, errors.StorageError)
    assert not issubclass(errors.VerificationFailed, errors.PortfolioError)  # exit code 1, not bad input
