"""The layers hold: pages call services and draw (no storage, no audit, no error text matching, figures only in
ui/charts.py), and no module reaches into another module's private names."""

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PAGES = sorted((ROOT / "pages").glob("*.py"))
OWN = ("portfolio_engine", "pages", "ui")  # the repository's own packages; the standard library's privates are not ours to judge
FIGURES = re.compile(r"\bgo\.(Figure|Scatter|Bar|Pie|Heatmap)\(|make_subplots\(")


def imported_modules(tree: ast.AST) -> set[str]:
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            names |= {f"{node.module}.{a.name}" for a in node.names}
    return names


def test_no_page_imports_storage_or_the_audit_module():
    for page in PAGES:
        used = imported_modules(ast.parse(page.read_text()))
        wrong = [m for m in used if m.startswith(("portfolio_engine.storage", "portfolio_engine.record.audit"))]
        assert not wrong, f"{page.name} imports {wrong}: call a service instead"


def text_matches(tree: ast.AST) -> list[str]:
    """Inside `except ... as err:`, comparisons with the error's text (`"..." in str(err)`, `str(err).startswith(...)`)."""
    def is_text(node: ast.AST, name: str) -> bool:
        return (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "str" and len(node.args) == 1
                and isinstance(node.args[0], ast.Name) and node.args[0].id == name) or (
            isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == name and node.attr == "args")

    found = []
    for handler in (n for n in ast.walk(tree) if isinstance(n, ast.ExceptHandler) and n.name):
        for node in (n for statement in handler.body for n in ast.walk(statement)):
            compared = isinstance(node, ast.Compare) and any(is_text(side, handler.name) for side in (node.left, *node.comparators))
            searched = isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and is_text(node.func.value, handler.name)
            if compared or searched:
                found.append(ast.unparse(node))
    return found


def test_no_page_branches_on_the_text_of_an_error():
    for page in PAGES:
        found = text_matches(ast.parse(page.read_text()))
        assert not found, f"{page.name} matches error text ({found}): catch the error's class"


def test_the_error_text_check_finds_the_old_vote_page():
    old = "try:\n    cast()\nexcept PortfolioError as err:\n    if 'voter code' in str(err):\n        pass\n    st.error(plain(str(err)))\n"
    assert text_matches(ast.parse(old)) == ["'voter code' in str(err)"]


def test_every_figure_is_built_in_ui_charts():
    for page in PAGES:
        found = FIGURES.search(page.read_text())
        assert found is None, f"{page.name} builds a figure ({found.group(0)}): add it to ui/charts.py"


def own_modules(tree: ast.AST) -> dict[str, str]:
    """Names bound to the repository's own modules in a file: alias -> module."""
    bound = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            bound |= {(a.asname or a.name): a.name for a in node.names if a.name.startswith(OWN)}
        elif isinstance(node, ast.ImportFrom) and node.module and node.module.startswith(OWN):
            bound |= {(a.asname or a.name): f"{node.module}.{a.name}" for a in node.names}
    return bound


def _private(name: str) -> bool:
    """A leading underscore, except dunders and gettext's `_` (the translation function's conventional name)."""
    return name.startswith("_") and not name.startswith("__") and name != "_"


def private_uses(path: Path) -> list[str]:
    """`from our.module import _name`, and `module._name` on one of our modules."""
    tree = ast.parse(path.read_text())
    found = [f"from {n.module} import {a.name}" for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.module
             and n.module.startswith(OWN) for a in n.names if _private(a.name)]
    modules = own_modules(tree)
    found += [f"{n.value.id}.{n.attr}" for n in ast.walk(tree) if isinstance(n, ast.Attribute) and isinstance(n.value, ast.Name)
              and n.value.id in modules and _private(n.attr)]
    return found


def test_no_module_uses_another_modules_private_names():
    files = [f for package in OWN for f in sorted((ROOT / package).rglob("*.py"))]
    offenders = {str(f.relative_to(ROOT)): uses for f in files if (uses := private_uses(f))}
    assert not offenders, f"make these public (with a docstring) or move them: {offenders}"


def test_the_private_name_check_finds_both_forms(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text("from portfolio_engine.record.workshops import _workshop_row\nfrom portfolio_engine.record import exports\n"
                      "import argparse\nexports._csv([], [])\nargparse._SubParsersAction\n")
    assert private_uses(sample) == ["from portfolio_engine.record.workshops import _workshop_row", "exports._csv"]
