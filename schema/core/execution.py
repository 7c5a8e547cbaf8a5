"""Compiled execution: selections of plain synchronous reads run as a loop of closures.

graphql-core completes every field of every object generically: a resolve info, a path, the
`complete_value` dispatch, awaitable checks. For an object type and a selection whose every
field is *compilable* — a synchronous direct resolver (schema.core.direct) or `__typename`,
no arguments, a leaf, a list or a concrete object type that is itself compilable — the
executor below builds a plan once per field position and runs it per object: resolve with
one shared info per position, coerce leaves, build the dicts. Abstract types, arguments,
async resolvers and `@defer`/`@stream` stay on the generic path.

The fallback rule: the plan is all or nothing per object. When anything unusual happens
while it runs (a resolver raises, returns an awaitable or an exception, a non-null field is
null, `is_type_of` says no, a leaf does not coerce), its result is discarded and graphql-core
completes that object (or list) itself; the reads are pure lookups on primed loaders, so
running them again is safe, and errors, paths and null propagation are graphql-core's own.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import Enum
from math import isfinite
from typing import Any

from graphql import (
    GraphQLBoolean,
    GraphQLEnumType,
    GraphQLFloat,
    GraphQLID,
    GraphQLInt,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLScalarType,
    GraphQLString,
)
from graphql.execution.executor import to_nodes
from graphql.pyutils import Path
from graphql.type.introspection import TypeNameMetaFieldDef
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext

from schema.core.plain import Bail, discard, is_plain

Complete = Callable[[Any], Any]

_MIN_INT, _MAX_INT = -(2**31), 2**31 - 1


class CompiledExecutor(StrawberryGraphQLCoreExecutionContext):
    """strawberry's executor with compiled plans for the selections that allow them."""

    compiled = 0  # objects and lists completed by a plan, in this process
    fallbacks = 0  # plans that bailed out to the generic path

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        middleware = self.middleware_manager
        # A middleware must see every resolver call; @stream changes how lists complete.
        self._enabled = (
            middleware is None or not middleware.middlewares
        ) and self.schema.get_directive("stream") is None
        self._objects: dict[tuple[int, int], tuple[Any, Complete | None]] = {}
        self._lists: dict[tuple[int, int], tuple[Any, Complete | None]] = {}

    def complete_object_value(
        self,
        return_type: GraphQLObjectType,
        field_details_list: Any,
        info: Any,
        path: Path,
        result: Any,
        position_context: Any,
    ) -> Any:
        if self._enabled and position_context is None:
            plan = self._object_plan(return_type, field_details_list, path)
            if plan is not None:
                try:
                    completed = plan(result)
                except Exception:
                    CompiledExecutor.fallbacks += 1
                else:
                    CompiledExecutor.compiled += 1
                    return completed
        return super().complete_object_value(
            return_type, field_details_list, info, path, result, position_context
        )

    def complete_list_value(
        self,
        return_type: GraphQLList[Any],
        field_details_list: Any,
        info: Any,
        path: Path,
        result: Any,
        position_context: Any,
    ) -> Any:
        if self._enabled and position_context is None and result.__class__ in (list, tuple):
            key = (id(return_type), id(field_details_list))
            cached = self._lists.get(key)
            if cached is None:
                item = self._completer(return_type.of_type, field_details_list, path.add_key(0))
                plan = None if item is None else _list_of(item, nullable=False)
                self._lists[key] = cached = (field_details_list, plan)
            plan = cached[1]
            if plan is not None:
                try:
                    completed = plan(result)
                except Exception:
                    CompiledExecutor.fallbacks += 1
                else:
                    CompiledExecutor.compiled += 1
                    return completed
        return super().complete_list_value(
            return_type, field_details_list, info, path, result, position_context
        )

    # --- planning: once per field position and execution ---

    def _completer(self, type_: Any, field_details_list: Any, path: Path) -> Complete | None:
        """A function completing a resolved value of `type_`, or None if not compilable."""
        nullable = True
        if isinstance(type_, GraphQLNonNull):
            nullable, type_ = False, type_.of_type
        if isinstance(type_, GraphQLList):
            item = self._completer(type_.of_type, field_details_list, path.add_key(0))
            return None if item is None else _list_of(item, nullable=nullable)
        if isinstance(type_, GraphQLScalarType | GraphQLEnumType):
            return _leaf(type_, nullable=nullable)
        if isinstance(type_, GraphQLObjectType):
            plan = self._object_plan(type_, field_details_list, path)
            return None if plan is None else _object(plan, nullable=nullable)
        return None  # interfaces and unions: graphql-core resolves the runtime type

    def _object_plan(
        self, parent_type: GraphQLObjectType, field_details_list: Any, path: Path
    ) -> Complete | None:
        key = (id(parent_type), id(field_details_list))
        cached = self._objects.get(key)
        if cached is not None:
            return cached[1]
        grouped_field_set, new_defer_usages, _forbidden = self.collect_subfields(
            parent_type, field_details_list
        )
        plan = None
        if not new_defer_usages:
            fields = []
            for response_name, sub_details in grouped_field_set.items():
                field = self._field(parent_type, response_name, sub_details, path)
                if field is None:
                    break
                fields.append(field)
            else:
                first = self.build_resolve_info(
                    TypeNameMetaFieldDef, to_nodes(field_details_list), parent_type, path
                )
                plan = _object_code(parent_type, fields, first)
        self._objects[key] = (field_details_list, plan)
        return plan

    def _field(
        self,
        parent_type: GraphQLObjectType,
        response_name: str,
        field_details_list: Any,
        path: Path,
    ) -> tuple[str, Any, Complete | None] | None:
        """(response name, resolve, complete) of one field position; None if not compilable."""
        node = field_details_list[0].node
        name = node.name.value
        if name == "__typename":
            return (response_name, parent_type.name, None)
        field_def = self.schema.get_field(parent_type, name)
        if field_def is None or field_def.args or node.arguments:
            return None
        bind = getattr(field_def.resolve, "bind", None)
        if bind is None:
            return None
        field_path = Path(path, response_name, parent_type.name)
        complete = self._completer(field_def.type, field_details_list, field_path)
        if complete is None:
            return None
        info = self.build_resolve_info(
            field_def, to_nodes(field_details_list), parent_type, field_path
        )
        return (response_name, bind(info), complete)


def _object_code(
    parent_type: GraphQLObjectType, fields: list[tuple[str, Any, Complete | None]], info: Any
) -> Complete:
    """The plan of one object position: a function building the object's dict in one go."""
    namespace: dict[str, Any] = {"Bail": Bail, "is_type_of": parent_type.is_type_of, "info": info}
    items = []
    for i, (response_name, resolve, complete) in enumerate(fields):
        if complete is None:  # __typename
            namespace[f"t{i}"] = resolve
            items.append(f"{response_name!r}: t{i}")
        else:
            namespace[f"r{i}"], namespace[f"c{i}"] = resolve, complete
            items.append(f"{response_name!r}: c{i}(r{i}(source))")
    check = "    if not is_type_of(source, info):\n        raise Bail\n"
    code = (
        "def plan(source):\n"
        + (check if parent_type.is_type_of else "")
        + f"    return {{{', '.join(items)}}}\n"
    )
    exec(code, namespace)  # noqa: S102 - generated from the schema's own names
    return namespace["plan"]  # type: ignore[no-any-return]


def _object(plan: Complete, *, nullable: bool) -> Complete:
    def complete(value: Any) -> Any:
        if value is None:
            if nullable:
                return None
            raise Bail
        if not is_plain(value.__class__):
            discard(value)
            raise Bail
        return plan(value)

    return complete


def _list_of(item: Complete, *, nullable: bool) -> Complete:
    def complete(value: Any) -> Any:
        if value is None:
            if nullable:
                return None
            raise Bail
        if value.__class__ not in (list, tuple):
            # Another iterable, an awaitable or an exception: graphql-core's business.
            discard(value)
            raise Bail
        return [item(v) for v in value]

    return complete


def _leaf(type_: GraphQLScalarType | GraphQLEnumType, *, nullable: bool) -> Complete:
    coerce = type_.coerce_output_value
    exact = _exact(type_)

    def complete(value: Any) -> Any:
        if value is None:
            if nullable:
                return None
            raise Bail
        if exact(value):
            return value
        cls = value.__class__
        if not is_plain(cls):
            discard(value)
            raise Bail
        coerced = coerce(value)
        if coerced is None or not is_plain(coerced.__class__):
            raise Bail  # Undefined and None are errors graphql-core words itself
        return coerced

    if isinstance(type_, GraphQLEnumType):
        return _memoised_enum(complete)
    return complete


def _exact(type_: Any) -> Callable[[Any], bool]:
    """A test for values graphql-core's coercion of `type_` returns unchanged."""
    if type_ is GraphQLString or type_ is GraphQLID:
        return lambda v: v.__class__ is str
    if type_ is GraphQLBoolean:
        return lambda v: v.__class__ is bool
    if type_ is GraphQLInt:
        return lambda v: v.__class__ is int and _MIN_INT <= v <= _MAX_INT
    if type_ is GraphQLFloat:
        return lambda v: v.__class__ is float and isfinite(v)
    return lambda _v: False


def _memoised_enum(complete: Complete) -> Complete:
    """Enum members are singletons: coerce each one once."""
    seen: dict[int, tuple[Any, Any]] = {}

    def memoised(value: Any) -> Any:
        hit = seen.get(id(value))
        if hit is not None and hit[0] is value:
            return hit[1]
        coerced = complete(value)
        if isinstance(value, Enum):
            seen[id(value)] = (value, coerced)
        return coerced

    return memoised
