"""Worker functions for the concurrent-submission benchmark (importable by spawned processes)."""

import os
import sys
import types


def plain_main() -> None:
    """AppTest leaves a page script as __main__; spawned workers would re-run it. Give them a plain one."""
    main = sys.modules["__main__"]
    if getattr(main, "__file__", "") and not str(main.__file__).endswith("run.py"):
        sys.modules["__main__"] = types.ModuleType("__main__")


def cast_batch(db: str, vote_id: str, codes: list[str]) -> None:
    os.environ["PORTFOLIO_DB"] = db
    from portfolio_engine.model.catalog import load_catalog
    from portfolio_engine.voting.votes import cast

    catalog = load_catalog()
    for code in codes:
        cast(catalog, vote_id, code, {"allocations": {"humane_housing": 66, "acute_care": 34}})
