"""The root Mutation type: one class per business area, merged."""

from __future__ import annotations

from strawberry.tools import merge_types

from schema.areas import MUTATION_PARTS

Mutation = merge_types("Mutation", MUTATION_PARTS)
Mutation.__strawberry_definition__.description = (  # type: ignore[attr-defined]
    "Everything you can change. Each mutation is atomic."
)
