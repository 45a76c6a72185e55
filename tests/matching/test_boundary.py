"""The engine stays free of the product: ``matching/`` imports nothing of ours but itself."""

from __future__ import annotations

import ast
from pathlib import Path

ENGINE = Path(__file__).resolve().parents[2] / "matching"
PRODUCT = ("marketplace", "challenges", "procurement", "flask", "flask_sqlalchemy", "sqlalchemy")


def _imports(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found.add(node.module)
    return found


def test_the_engine_imports_nothing_of_the_product():
    modules = sorted(ENGINE.rglob("*.py"))
    offending = {
        f"{path.relative_to(ENGINE.parent)}: {name}"
        for path in modules
        for name in _imports(path)
        if name.split(".")[0] in PRODUCT
    }

    assert len(modules) >= 8  # the test reads the real package
    assert offending == set()


def test_the_check_would_catch_an_upward_import(tmp_path):
    module = tmp_path / "bad.py"
    module.write_text("from marketplace.matches.models import IndexedDocument\nimport flask\n")

    assert {n.split(".")[0] for n in _imports(module)} & set(PRODUCT) == {"marketplace", "flask"}
