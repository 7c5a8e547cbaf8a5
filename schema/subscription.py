"""The root Subscription type: one class per business area, merged (graphql-transport-ws)."""

from __future__ import annotations

from strawberry.tools import merge_types

from schema.areas import SUBSCRIPTION_PARTS

Subscription = merge_types("Subscription", SUBSCRIPTION_PARTS)
Subscription.__strawberry_definition__.description = (  # type: ignore[attr-defined]
    "Progress of long work, pushed over a websocket on /graphql (graphql-transport-ws); "
    "the same answers can be polled."
)
