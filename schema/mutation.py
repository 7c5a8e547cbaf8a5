"""The root Mutation type: one class per business area, merged."""

from __future__ import annotations

import strawberry
from strawberry.tools import merge_types

from schema.mutations.access import AccessMutations
from schema.mutations.accounts import AccountMutations
from schema.mutations.background import BackgroundMutations
from schema.mutations.messages import MessageMutations

Mutation = merge_types(
    "Mutation", (AccountMutations, AccessMutations, BackgroundMutations, MessageMutations)
)
Mutation.__strawberry_definition__.description = (
    "Everything you can change. Each mutation is atomic."  # type: ignore[attr-defined]
)
_ = strawberry
