"""The operations each portal screen sends (`tests/operations/*.graphql`, issue 17): each one
is valid against the schema and fits the static cost budget, so no screen can be refused.

Add a file per screen, named `<portal>_<screen>.graphql` with one named operation and a
comment line saying which screen it is.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from graphql import OperationDefinitionNode, parse, validate

from schema.build import build_schema
from schema.core.cost import operation_cost

OPERATIONS = sorted((Path(__file__).parent / "operations").glob("*.graphql"))
PORTALS = ("core", "academy", "school", "institute", "meldcode")
BUDGET = 50_000
SCHEMA = build_schema()


def test_every_portal_screen_has_operations() -> None:
    portals = {p.name.split("_", 1)[0] for p in OPERATIONS}
    assert portals == set(PORTALS)  # every portal, the institute and meldcode included
    assert len(OPERATIONS) >= 55


@pytest.mark.parametrize("path", OPERATIONS, ids=[p.stem for p in OPERATIONS])
def test_operation_is_valid_and_within_budget(path: Path) -> None:
    text = path.read_text()
    assert text.startswith("# Screen: "), "say which screen sends it"
    document = parse(text)
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    assert len(operations) == 1 and operations[0].name is not None
    errors = validate(SCHEMA._schema, document)
    assert errors == [], [e.message for e in errors]
    cost = operation_cost(SCHEMA._schema, document, {}, operations[0].name.value)
    assert 0 < cost <= BUDGET, cost


def operation_costs() -> dict[str, int]:
    """Each screen's cost, for `make security`."""
    out = {}
    for path in OPERATIONS:
        document = parse(path.read_text())
        op = next(d for d in document.definitions if isinstance(d, OperationDefinitionNode))
        out[path.stem] = operation_cost(
            SCHEMA._schema, document, {}, op.name.value if op.name else None
        )
    return out


def test_operation_cost_figures() -> None:
    costs = operation_costs()
    name, top = max(costs.items(), key=lambda kv: kv[1])
    print(f"\noperations: {len(costs)} screens, highest cost {top} ({name}) of {BUDGET}")
    assert top <= BUDGET
