"""Direct resolvers: fields that need none of strawberry's per-call glue call their method.

strawberry wraps every field that has a resolver method in the same chain: it builds an
`Info`, converts arguments, folds the field extensions and only then calls the method —
about 10 µs per field, more than graphql-core itself spends. Most of our fields are a method
with no arguments (`def title(self)`) whose permission was decided once for the object
(`guard_types`), or whose extensions are a `Guard` of its own (no `on`) and/or `Produces`. For those the schema's resolver
is replaced by a direct call of the method, with the same checks: the result is the same,
only the glue goes. Fields with arguments, with other extensions (a bound `Guard(on=…)`,
`LoginRequired`, a mutation's input) or with exception handlers keep strawberry's resolver.
"""

from __future__ import annotations

from collections.abc import Callable
from inspect import isawaitable
from operator import attrgetter
from typing import Any

from graphql import GraphQLObjectType
from strawberry.schema.schema_converter import GraphQLCoreConverter

from schema.core.permissions import Guard, Produces

Resolve = Callable[..., Any]


def direct_resolvers(schema: Any) -> int:
    """Give every eligible field of `schema` (a strawberry Schema) a direct resolver; how many."""
    converter = schema.schema_converter
    info_class = schema.config.info_class
    default = schema.config.default_resolver
    changed = 0
    for graphql_type in schema._schema.type_map.values():
        if not isinstance(graphql_type, GraphQLObjectType) or graphql_type.name.startswith("__"):
            continue
        for graphql_field in graphql_type.fields.values():
            field = (graphql_field.extensions or {}).get(GraphQLCoreConverter.DEFINITION_BACKREF)
            if field is None or converter._get_field_exception_handlers(field):
                continue
            resolve = _direct(field, info_class, default)
            if resolve is not None:
                graphql_field.resolve = resolve
                changed += 1
    return changed


def _direct(field: Any, info_class: Any, default: Any) -> Resolve | None:
    extensions = list(field.extensions)
    produces = extensions.pop() if extensions and isinstance(extensions[-1], Produces) else None
    guard = extensions.pop() if extensions and isinstance(extensions[-1], Guard) else None
    if extensions or field.arguments or (guard is not None and guard.on is not None):
        return None
    resolver = field.base_resolver
    if resolver is None:
        if default is not getattr:
            return None
        call: Resolve = _attribute(attrgetter(field.python_name))
    else:
        if resolver.parent_parameter or resolver.root_parameter:
            return None
        call = _method(field, resolver, info_class)
    is_async = resolver is not None and resolver.is_async
    if produces is not None:
        call = _checked(call, produces, is_async=is_async)
    if guard is not None:
        call = _guarded(call, guard)
    return call


def _guarded(call: Resolve, guard: Guard) -> Resolve:
    """`call` after the field's own requirement (a `Guard` without `on`) is met by the source."""

    def resolve(source: Any, info: Any) -> Any:
        guard.check(source, info)
        return call(source, info)

    return resolve


def _attribute(get: Callable[[Any], Any]) -> Resolve:
    def resolve(source: Any, _info: Any) -> Any:
        return get(source)

    return resolve


def _method(field: Any, resolver: Any, info_class: Any) -> Resolve:
    fn = resolver.wrapped_func
    has_self = resolver.self_parameter is not None
    info_name = resolver.info_parameter.name if resolver.info_parameter else None
    if info_name is None:
        if has_self:
            return lambda source, _info: fn(source)
        return lambda _source, _info: fn()

    def resolve(source: Any, info: Any) -> Any:
        kwargs = {info_name: info_class(_raw_info=info, _field=field)}
        return fn(source, **kwargs) if has_self else fn(**kwargs)

    return resolve


def _checked(call: Resolve, produces: Produces, *, is_async: bool) -> Resolve:
    """`call` with the Produces check of each object it returns (see schema.core.permissions)."""
    if is_async:

        async def resolve_async(source: Any, info: Any) -> Any:
            return produces.check(await call(source, info), info)

        return resolve_async

    def resolve(source: Any, info: Any) -> Any:
        result = call(source, info)
        if isawaitable(result):
            # A sync field whose data was not prefetched loads it: check once it arrives.
            return produces._check_later(result, info)
        return produces.check(result, info)

    return resolve
