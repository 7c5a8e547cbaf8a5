"""The schema object and its production-safe extensions."""

from __future__ import annotations

from typing import Any

import strawberry
from strawberry.extensions import (
    AddValidationRules,
    MaxAliasesLimiter,
    MaxTokensLimiter,
    ParserCache,
    QueryDepthLimiter,
    ValidationCache,
)
from strawberry.extensions.disable_introspection import DisableIntrospection
from strawberry.schema.config import StrawberryConfig

from schema.areas import NODE_TYPES
from schema.core.cost import cost_limiter
from schema.core.direct import direct_resolvers
from schema.core.execution import CompiledExecutor
from schema.core.lengths import StringLengthLimiter
from schema.core.permissions import check_produced_objects, guard_types
from schema.mutation import Mutation
from schema.query import Query
from schema.subscription import Subscription

TYPES: list[Any] = NODE_TYPES


def _reachable(roots: list[Any]) -> list[Any]:
    """Every object type reachable from the roots through field types and generic arguments."""
    from strawberry.types.base import StrawberryList, StrawberryOptional, has_object_definition
    from strawberry.types.lazy_type import LazyType

    seen: dict[int, Any] = {}
    stack = list(roots)
    while stack:
        t = stack.pop()
        while isinstance(t, StrawberryOptional | StrawberryList | LazyType):
            t = t.resolve_type() if isinstance(t, LazyType) else t.of_type
        stack.extend(getattr(t, "__args__", ()))
        t = getattr(t, "__origin__", t)
        if not has_object_definition(t) or id(t) in seen:
            continue
        seen[id(t)] = t
        stack.extend(f.type for f in t.__strawberry_definition__.fields)
    return list(seen.values())


def _prepare_permissions() -> None:
    types = _reachable([Query, Mutation, *TYPES])
    guard_types(types)
    check_produced_objects(types)


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
    max_cost: int = 50_000,
    introspection: bool = True,
    compiled: bool = True,
) -> strawberry.Schema:
    # Extensions are passed as factories: a shared instance would leak state between requests.
    # The limits' rule classes are made once: the validation cache is keyed by the rules too,
    # and a limiter made per request makes new rule classes, so nothing would ever be cached.
    rules = [
        *QueryDepthLimiter(max_depth=max_depth).validation_rules,
        *MaxAliasesLimiter(max_alias_count=max_aliases).validation_rules,
    ]
    extensions: list[Any] = [
        # Parsing and validating the same document again is wasted work: clients repeat a few.
        lambda: ParserCache(maxsize=512),
        lambda: ValidationCache(maxsize=512),
        lambda: AddValidationRules(rules),
        lambda: MaxTokensLimiter(max_token_count=max_tokens),
        cost_limiter(max_cost),
        StringLengthLimiter,  # hardening (issue 17)
    ]
    if not introspection:
        extensions.append(DisableIntrospection)
    _prepare_permissions()
    schema = PortaalSchema(
        query=Query,
        mutation=Mutation,
        subscription=Subscription,
        types=TYPES,
        extensions=extensions,
        config=StrawberryConfig(auto_camel_case=True),
        # Selections of plain synchronous reads run as compiled plans (schema.core.execution).
        execution_context_class=CompiledExecutor if compiled else None,
    )
    # Fields that need none of strawberry's per-call glue call their method directly.
    direct_resolvers(schema)
    return schema


def print_sdl() -> str:
    return build_schema().as_str() + "\n"
