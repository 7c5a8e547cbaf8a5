"""The schema object and its production-safe extensions."""

from __future__ import annotations

from typing import Any

import strawberry
from strawberry.extensions import (
    MaxAliasesLimiter,
    MaxTokensLimiter,
    QueryDepthLimiter,
)
from strawberry.extensions.disable_introspection import DisableIntrospection
from strawberry.schema.config import StrawberryConfig

from schema.areas import NODE_TYPES
from schema.mutation import Mutation
from schema.query import Query

TYPES: list[Any] = NODE_TYPES


class PortaalSchema(strawberry.Schema):
    def process_errors(self, errors: list[Any], execution_context: Any = None) -> None:
        # Expected errors are answers, not incidents; unexpected ones are logged where they
        # are masked (portaal.errors), once, with their traceback.
        return None


def build_schema(
    *,
    max_depth: int = 15,
    max_aliases: int = 30,
    max_tokens: int = 4000,
    introspection: bool = True,
) -> strawberry.Schema:
    # Extensions are passed as factories: a shared instance would leak state between requests.
    extensions: list[Any] = [
        lambda: QueryDepthLimiter(max_depth=max_depth),
        lambda: MaxAliasesLimiter(max_alias_count=max_aliases),
        lambda: MaxTokensLimiter(max_token_count=max_tokens),
    ]
    if not introspection:
        extensions.append(DisableIntrospection)
    return PortaalSchema(
        query=Query,
        mutation=Mutation,
        types=TYPES,
        extensions=extensions,
        config=StrawberryConfig(auto_camel_case=True),
    )


def print_sdl() -> str:
    return build_schema().as_str() + "\n"
