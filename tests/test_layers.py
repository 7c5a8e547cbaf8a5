"""The service and schema layers never import the composition root, not even for types:
settings reach them through the context (import-linter skips TYPE_CHECKING imports)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _imports(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.append(node.module)
    return names


@pytest.mark.parametrize("layer", ["resolvers", "schema", "persistence", "domain"])
def test_no_layer_below_the_composition_root_imports_it(layer: str) -> None:
    offending = [
        f"{path.relative_to(ROOT)}: {name}"
        for path in sorted((ROOT / layer).rglob("*.py"))
        for name in _imports(path)
        if name == "portaal" or name.startswith("portaal.")
    ]
    assert offending == []
