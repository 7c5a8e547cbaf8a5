"""Static query cost, checked before execution against a per-request budget.

A field costs 1 plus its children's cost times how many objects it can return: the `first` /
`last` of a connection (default 20, at most 100), the IDs of `nodes`, or an estimate for a
plain list. A document over the budget is refused before anything runs; every answer reports
`extensions.cost` (requested and limit), as GitHub's and Saleor's APIs do.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLSchema,
    InlineFragmentNode,
    ListValueNode,
    OperationDefinitionNode,
    SelectionSetNode,
    VariableNode,
    get_named_type,
)
from graphql.execution import ExecutionResult as GraphQLExecutionResult
from graphql.language import IntValueNode
from strawberry.extensions import SchemaExtension

from resolvers.core.i18n import N_, translate

TOO_COSTLY = N_(
    "This query would cost {requested} points; the limit is {limit}. "
    "Ask for smaller pages or fewer fields."
)
DEFAULT_PAGE = 20
MAX_PAGE = 100
# Plain lists (a learner's enrolments, a day's lessons) are short; this is their expected size.
LIST_ESTIMATE = 5


class QueryCost:
    """Computes the cost of one operation of a parsed document."""

    def __init__(self, schema: GraphQLSchema, document: Any, variables: dict[str, Any]) -> None:
        self.schema = schema
        self.variables = variables or {}
        self.fragments = {
            d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
        }

    def of_operation(self, operation: OperationDefinitionNode) -> int:
        root = self.schema.get_root_type(operation.operation)
        return self._selections(operation.selection_set, root, frozenset()) if root else 0

    def _selections(
        self, selection_set: SelectionSetNode | None, parent: Any, seen: frozenset[str]
    ) -> int:
        if selection_set is None:
            return 0
        return sum(
            self._field(node, parent, seen) for node in self._fields(selection_set, parent, seen)
        )

    def _fields(
        self, selection_set: SelectionSetNode, parent: Any, seen: frozenset[str]
    ) -> Iterator[Any]:
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                yield selection
            elif isinstance(selection, InlineFragmentNode):
                yield from self._fields(selection.selection_set, parent, seen)
            elif isinstance(selection, FragmentSpreadNode):
                name = selection.name.value
                fragment = self.fragments.get(name)
                if fragment is not None and name not in seen:
                    yield from self._fields(fragment.selection_set, parent, seen | {name})

    def _field(self, node: FieldNode, parent: Any, seen: frozenset[str]) -> int:
        definition = getattr(parent, "fields", {}).get(node.name.value)
        if definition is None or node.selection_set is None:
            return 1
        child = get_named_type(definition.type)
        if not isinstance(child, GraphQLObjectType):
            # An interface or union (Node): cost it as the most expensive of its types.
            types = self.schema.get_possible_types(child) if child is not None else []
            inner = max((self._selections(node.selection_set, t, seen) for t in types), default=0)
        else:
            inner = self._selections(node.selection_set, child, seen)
        return 1 + self._multiplier(node, definition, parent) * inner

    def _multiplier(self, node: FieldNode, definition: Any, parent: Any) -> int:
        if parent.name.endswith("Connection") and node.name.value in ("edges", "nodes"):
            return 1  # the page size was counted on the connection field itself
        arguments = {a.name.value: a.value for a in node.arguments or ()}
        if "first" in definition.args or "last" in definition.args:
            size = self._int(arguments.get("first")) or self._int(arguments.get("last"))
            return min(size or DEFAULT_PAGE, MAX_PAGE)
        if "ids" in arguments:
            ids = arguments["ids"]
            if isinstance(ids, ListValueNode):
                return max(len(ids.values), 1)
            value = self._value(ids)
            return max(len(value), 1) if isinstance(value, list) else MAX_PAGE
        field_type = definition.type
        if isinstance(field_type, GraphQLNonNull):
            field_type = field_type.of_type
        return LIST_ESTIMATE if isinstance(field_type, GraphQLList) else 1

    def _value(self, value: Any) -> Any:
        if isinstance(value, VariableNode):
            return self.variables.get(value.name.value)
        return value

    def _int(self, value: Any) -> int | None:
        if value is None:
            return None
        if isinstance(value, IntValueNode):
            return int(value.value)
        resolved = self._value(value)
        return resolved if isinstance(resolved, int) and resolved > 0 else None


def operation_cost(
    schema: GraphQLSchema,
    document: Any,
    variables: dict[str, Any] | None,
    operation_name: str | None,
) -> int:
    """The cost of the operation a request runs (the named one, or the only one)."""
    cost = QueryCost(schema, document, variables or {})
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    chosen = [
        o
        for o in operations
        if operation_name is None or (o.name and o.name.value == operation_name)
    ]
    return cost.of_operation(chosen[0]) if chosen else 0


def cost_limiter(budget: int) -> type[SchemaExtension]:
    """A schema extension refusing operations that cost more than `budget`."""

    class CostLimiter(SchemaExtension):
        requested = 0

        def on_execute(self) -> Iterator[None]:
            ctx = self.execution_context
            if ctx.graphql_document is not None:
                self.requested = operation_cost(
                    ctx.schema._schema, ctx.graphql_document, ctx.variables, ctx.operation_name
                )
                if self.requested > budget:
                    ctx.result = GraphQLExecutionResult(
                        data=None,
                        errors=[
                            GraphQLError(
                                translate(TOO_COSTLY, requested=self.requested, limit=budget),
                                extensions={"code": "BAD_USER_INPUT"},
                            )
                        ],
                    )
            yield

        def get_results(self) -> dict[str, Any]:
            return {"cost": {"requested": self.requested, "limit": budget}}

    return CostLimiter
