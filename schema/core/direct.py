"""Direct resolvers: fields that need none of strawberry's per-call glue call their method.

strawberry wraps every field that has a resolver method in the same chain: it builds an
`Info`, converts arguments, folds the field extensions and only then calls the method —
about 10 µs per field, more than graphql-core itself spends. Most of our fields are a method
with no arguments (`def title(self)`) whose permission was decided once for the object
(`guard_types`), or whose extensions are a `Guard` of its own (no `on`) and/or `Produces`. For those the schema's resolver
is replaced by a direct call of the method, with the same checks: the result is the same,
only the glue goes. Fields with arguments, with other extensions (a bound `Guard(on=…)`,
`LoginRequired`, a mutation's input) or with exception handlers keep strawberry's resolver.

Each direct resolver of a synchronous method also carries `bind(info)`: the same read as a
one-argument function for one field position, with `info` shared by every object there; the
compiled executor (schema.core.execution) uses it, and it raises `Bail` where the resolver
would raise or return something that is not plain data.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from inspect import isawaitable
from operator import attrgetter
from typing import Any

from graphql import GraphQLObjectType
from strawberry.schema.schema_converter import GraphQLCoreConverter

from schema.core.permissions import Guard, Produces
from schema.core.plain import Bail, discard, is_plain

Resolve = Callable[..., Any]
Bind = Callable[[Any], Callable[[Any], Any]]


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
    bind: Bind | None
    if resolver is None:
        if default is not getattr:
            return None
        get = attrgetter(field.python_name)
        call: Resolve = _attribute(get)
        bind = lambda _info: get  # noqa: E731
    else:
        if resolver.parent_parameter or resolver.root_parameter:
            return None
        call = _method(field, resolver, info_class)
        bind = None if resolver.is_async else _bind_method(field, resolver, info_class)
    is_async = resolver is not None and resolver.is_async
    if produces is not None:
        call = _checked(call, produces, is_async=is_async)
        bind = bind and _bind_checked(bind, produces)
    if guard is not None:
        call = _guarded(call, guard)
        bind = bind and _bind_guarded(bind, guard)
    call.bind = bind  # type: ignore[attr-defined]
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


def _bind_method(field: Any, resolver: Any, info_class: Any) -> Bind:
    fn = resolver.wrapped_func
    has_self = resolver.self_parameter is not None
    info_name = resolver.info_parameter.name if resolver.info_parameter else None

    def bind(info: Any) -> Callable[[Any], Any]:
        if info_name is None:
            return fn if has_self else lambda _source: fn()
        # One strawberry Info per field position: nothing in it depends on the object.
        kwargs = {info_name: info_class(_raw_info=info, _field=field)}
        return partial(fn, **kwargs) if has_self else lambda _source: fn(**kwargs)

    return bind


def _bind_guarded(bind: Bind, guard: Guard) -> Bind:
    requirement = guard.requirement

    def bound(info: Any) -> Callable[[Any], Any]:
        call, allows = bind(info), info.context.allows

        def resolve(source: Any) -> Any:
            if not allows(requirement, getattr(source, "scope", None)):
                raise Bail  # the generic path raises the refusal, with its path
            return call(source)

        return resolve

    return bound


def _bind_checked(bind: Bind, produces: Produces) -> Bind:
    """`bind` with Produces' check; plain objects are checked here, anything else by Produces."""

    def bound(info: Any) -> Callable[[Any], Any]:
        call, allows = bind(info), info.context.allows

        def allowed(obj: Any) -> None:
            cls = obj.__class__
            read = _READ.get(cls, _UNKNOWN)
            if read is _UNKNOWN:
                read = _read_of(cls)
            if read is _OTHER:
                produces.check(obj, info)
            elif read is not None and not allows(read, obj.scope):
                raise Bail

        def resolve(source: Any) -> Any:
            result = call(source)
            if result is None:
                return None
            cls = result.__class__
            if cls is list:
                for obj in result:
                    if obj is not None:
                        allowed(obj)
            elif is_plain(cls):
                allowed(result)
            else:
                discard(result)
                raise Bail
            return result

        return resolve

    return bound


_UNKNOWN, _OTHER = object(), object()
# Per class: its READ (None: no requirement), or _OTHER when Produces must look inside
# (a list, a connection, anything not a strawberry object type).
_READ: dict[type, Any] = {}


def _read_of(cls: type) -> Any:
    definition = getattr(cls, "__strawberry_definition__", None)
    names = {f.python_name for f in definition.fields} if definition is not None else set()
    other = (
        definition is None
        or not is_plain(cls)
        or {"edges", "page_info"} & (names | set(dir(cls)))
        or any("__getattr__" in vars(c) for c in cls.__mro__)
    )
    read = _OTHER if other else getattr(cls, "READ", None)
    _READ[cls] = read
    return read
