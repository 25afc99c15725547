"""Entry point for `python -m portfolio_engine`; counting commands start without the heavy modules."""

import sys

if sys.argv[1:2] and sys.argv[1] in ("pb", "aggregate"):
    import argparse

    from portfolio_engine.cli.count import main as lean_main
    from portfolio_engine.errors import PortfolioError

    class _Parser(argparse.ArgumentParser):
        def error(self, message: str) -> None:  # type: ignore[override]
            raise PortfolioError(f"{message} (see --help)")

    sys.exit(lean_main(sys.argv[1:], _Parser))

from portfolio_engine.cli.main import main  # noqa: E402

sys.exit(main(sys.argv[1:]))
