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
from datetime import UTC, date, datetime
from enum import Enum
from types import CodeType
from typing import Any, NamedTuple

from graphql import (
    ExecutionResult,
    GraphQLBoolean,
    GraphQLEnumType,
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
        # The HTTP view writes its body with orjson, which writes a date or UTC datetime just
        # as `isoformat` does, nine times faster: such values pass through (see `_leaf`).
        extra = getattr(self.context_value, "extra", None)
        self._native_dates = bool(extra and extra.get(NATIVE_DATES))
        self._objects: dict[tuple[int, int], tuple[Any, Complete | None]] = {}
        self._lists: dict[tuple[int, int], tuple[Any, Complete | None]] = {}

    def build_response(self, data: Any) -> Any:
        response = super().build_response(data)
        if isinstance(response, ExecutionResult):  # done (incremental delivery goes on)
            # graphql-core's executor is a reference cycle (its async helpers are its bound
            # methods), and it held the plans and the context: the request's whole graph of
            # loaders and rows waited for the cycle collector (0.7 ms of a page's 14).
            self._objects.clear()
            self._lists.clear()
            self.context_value = None
        return response

    def complete_object_value(
        self,
        return_type: GraphQLObjectType,
        field_details_list: Any,
        info: Any,
        path: Path,
        result: Any,
        position_context: Any,
    ) -> Any:
        if self._enabled and position_context is None and is_plain(result.__class__):
            plan = self._object_plan(return_type, field_details_list, path)
            completed = _run(plan, result)
            if completed is not _BAILED:
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
        # The list is graphql-core's (its resolver ran already): a plan may not close an
        # awaitable in it that the generic path will await, so those go there untouched.
        if (
            self._enabled
            and position_context is None
            and result.__class__ in (list, tuple)
            and _settled(result)
        ):
            key = (id(return_type), id(field_details_list))
            cached = self._lists.get(key)
            if cached is None:
                item = self._completer(return_type.of_type, field_details_list, path.add_key(0))
                plan = None if item is None else _list_of(item, nullable=False).function
                self._lists[key] = cached = (field_details_list, plan)
            completed = _run(cached[1], result)
            if completed is not _BAILED:
                return completed
        return super().complete_list_value(
            return_type, field_details_list, info, path, result, position_context
        )

    # --- planning: once per field position and execution ---

    def _completer(self, type_: Any, field_details_list: Any, path: Path) -> Completion | None:
        """How to complete a resolved value of `type_`, or None if not compilable."""
        nullable = True
        if isinstance(type_, GraphQLNonNull):
            nullable, type_ = False, type_.of_type
        if isinstance(type_, GraphQLList):
            item = self._completer(type_.of_type, field_details_list, path.add_key(0))
            return None if item is None else _list_of(item, nullable=nullable)
        if isinstance(type_, GraphQLScalarType | GraphQLEnumType):
            return _leaf(type_, nullable=nullable, native_dates=self._native_dates)
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
    ) -> tuple[str, Any, Completion | None] | None:
        """(response name, resolve, completion) of one field position; None if not compilable."""
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


_BAILED = object()


def _run(plan: Complete | None, result: Any) -> Any:
    """The plan's completion of `result`, or `_BAILED` when there is no plan or it bailed out."""
    if plan is None:
        return _BAILED
    try:
        completed = plan(result)
    except Exception:
        CompiledExecutor.fallbacks += 1
        return _BAILED
    CompiledExecutor.compiled += 1
    return completed


def _settled(items: list[Any] | tuple[Any, ...]) -> bool:
    """Whether no item (of nested lists too) is an awaitable, async iterable or exception."""
    for item in items:
        cls = item.__class__
        if cls is list or cls is tuple:
            if not _settled(item):
                return False
        elif not is_plain(cls):
            return False
    return True


class Completion(NamedTuple):
    """How one position completes a resolved value: a function, and the same as inline code."""

    function: Complete
    # Code completing the variable `{v}` in place, with the function available as `{c}`.
    code: str


def _object_code(
    parent_type: GraphQLObjectType, fields: list[tuple[str, Any, Completion | None]], info: Any
) -> Complete:
    """The plan of one object position: a function building the object's dict in one go."""
    namespace: dict[str, Any] = {
        "Bail": Bail,
        "discard": discard,
        "is_plain": is_plain,
        "is_type_of": parent_type.is_type_of,
        "info": info,
    }
    lines = [
        "def plan(source):",
        "    if source is None:",
        "        raise Bail",
        "    if not is_plain(source.__class__):",
        "        discard(source)",
        "        raise Bail",
    ]
    if parent_type.is_type_of:
        lines += ["    if not is_type_of(source, info):", "        raise Bail"]
    items = []
    for i, (response_name, resolve, completion) in enumerate(fields):
        if completion is None:  # __typename
            namespace[f"t{i}"] = resolve
            items.append(f"{response_name!r}: t{i}")
            continue
        namespace[f"r{i}"], namespace[f"c{i}"] = resolve, completion.function
        lines.append(f"    v{i} = r{i}(source)")
        code = completion.code.format(v=f"v{i}", c=f"c{i}")
        lines += [f"    {line}" for line in code.splitlines()]
        items.append(f"{response_name!r}: v{i}")
    lines.append(f"    return {{{', '.join(items)}}}")
    exec(_code("\n".join(lines)), namespace)  # noqa: S102 - generated from the schema's names
    # Popped: a function in its own globals is a cycle, left for the collector to find.
    return namespace.pop("plan")  # type: ignore[no-any-return]


_CODE: dict[str, CodeType] = {}
_CODE_ENTRIES = 4096


def _code(source: str) -> CodeType:
    """Compiling is the costly part of planning and the source repeats: keep its code."""
    code = _CODE.get(source)
    if code is None:
        if len(_CODE) >= _CODE_ENTRIES:  # documents are few; this only bounds the worst case
            _CODE.clear()
        code = _CODE[source] = compile(source, "<compiled plan>", "exec")
    return code


def _object(plan: Complete, *, nullable: bool) -> Completion:
    # The plan itself refuses None, awaitables and exceptions.
    if not nullable:
        return Completion(plan, _CALL)
    return Completion(
        lambda v: None if v is None else plan(v), "if {v} is not None:\n    {v} = {c}({v})"
    )


def _list_of(item: Completion, *, nullable: bool) -> Completion:
    each = item.function

    def complete(value: Any) -> Any:
        if value is None:
            if nullable:
                return None
            raise Bail
        if value.__class__ not in (list, tuple):
            # Another iterable, an awaitable or an exception: graphql-core's business.
            discard(value)
            raise Bail
        return [each(v) for v in value]

    return Completion(complete, _CALL)


def _leaf(
    type_: GraphQLScalarType | GraphQLEnumType, *, nullable: bool, native_dates: bool = False
) -> Completion:
    coerce = type_.coerce_output_value

    def complete(value: Any) -> Any:
        if value is None:
            if nullable:
                return None
            raise Bail
        cls = value.__class__
        if not is_plain(cls):
            discard(value)
            raise Bail
        coerced = coerce(value)
        if coerced is None or not is_plain(coerced.__class__):
            raise Bail  # Undefined and None are errors graphql-core words itself
        return coerced

    if isinstance(type_, GraphQLEnumType):
        return Completion(_memoised_enum(complete), _CALL)
    native = _NATIVE.get(type_.name) if native_dates else None
    if native is not None:
        return Completion(native(complete), _CALL)
    exact = _EXACT.get(type_)
    if exact is None:
        return Completion(complete, _CALL)
    # Values graphql-core's coercion returns unchanged skip the call.
    test = f"{{v}} is not None and not ({exact})" if nullable else f"not ({exact})"
    return Completion(complete, f"if {test}:\n    {{v}} = {{c}}({{v}})")


_CALL = "{v} = {c}({v})"
_EXACT = {
    GraphQLString: "{v}.__class__ is str",
    GraphQLID: "{v}.__class__ is str",
    GraphQLBoolean: "{v}.__class__ is bool",
    GraphQLInt: f"{{v}}.__class__ is int and {_MIN_INT} <= {{v}} <= {_MAX_INT}",
}


def _native_datetime(complete: Complete) -> Complete:
    def passed(value: Any) -> Any:
        if value.__class__ is datetime and value.tzinfo is UTC:
            return value
        return complete(value)

    return passed


def _native_date(complete: Complete) -> Complete:
    def passed(value: Any) -> Any:
        return value if value.__class__ is date else complete(value)

    return passed


# The request's context says the encoder is orjson (portaal/app.py): values it writes exactly
# as the scalar's `isoformat` would (tests/unit/test_native_dates.py) stay objects until then.
NATIVE_DATES = "native_dates"
_NATIVE = {"DateTime": _native_datetime, "Date": _native_date}


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
