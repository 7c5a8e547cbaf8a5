"""Every string argument has a maximum length by what it means (issue 17, point 1).

The body limit (1 MB) keeps out huge requests; this keeps out long strings where none belong,
before anything runs: a 900 kB "given name" would otherwise reach the resolvers, the database
and every mail it is put in. The limit of an argument or input field follows from its name
through one table (`MEANINGS`); a name not in it gets `DEFAULT`. Domain rules may be stricter
(a name at most 100, a password 256) and then give their own, more specific message — these
caps sit above them and only stop what no rule would ever accept.

Refused before execution with a top-level `BAD_USER_INPUT` whose extensions name the
argument (`field`, e.g. `input.givenName`), its `meaning` and `maxLength`.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from graphql import (
    ArgumentNode,
    FieldNode,
    GraphQLError,
    ListValueNode,
    ObjectValueNode,
    StringValueNode,
    VariableNode,
    visit,
)
from graphql.execution import ExecutionResult as GraphQLExecutionResult
from graphql.language import Visitor
from strawberry.extensions import SchemaExtension

from resolvers.core.i18n import N_, translate

# meaning → (maximum characters, the argument and input-field names that have it). A meaning
# is a message id: the error names it in the reader's language, `extensions.meaning` in English.
MEANINGS: dict[str, tuple[int, frozenset[str]]] = {
    N_("email"): (254, frozenset({"email", "emails"})),  # RFC 5321's path limit
    N_("id"): (200, frozenset({"id", "ids", "after", "before"})),  # global IDs and cursors
    N_("name"): (
        300,
        frozenset(
            {
                "name",
                "givenName",
                "namePrefix",
                "familyName",
                "senderName",
                "title",
                "moduleTitle",
                "subject",
                "city",
                "street",
                "programme",
                "room",
                "search",
            }
        ),
    ),
    N_("code"): (
        50,
        frozenset(
            {
                "code",
                "colour",
                "kind",
                "number",
                "postcode",
                "registerCode",
                "studentNumber",
                "teacherCode",
                "grade",
                "weight",
                "phone",
            }
        ),
    ),
    N_("secret"): (
        1_000,
        frozenset(
            {
                "password",
                "newPassword",
                "oldPassword",
                "confirmation",
                "token",
                "deviceToken",
                "idempotencyKey",
            }
        ),
    ),
    N_("free text"): (
        50_000,
        frozenset(
            {
                "body",
                "description",
                "introduction",
                "closing",
                "homework",
                "reason",
                "options",
                "text",
            }
        ),
    ),
}
DEFAULT = (N_("short text"), 1_000)
# Arguments named ...Id / ...Ids are IDs.
_BY_NAME = {
    name: (meaning, limit) for meaning, (limit, names) in MEANINGS.items() for name in names
}
# Pasted lists of addresses (addUsers' `text`) are longer than free text: 5,000 lines.
_OVERRIDES = {"text": (N_("pasted addresses or free text"), 5_000 * 256)}


def limit_of(name: str) -> tuple[str, int]:
    """(meaning, maximum length) of an argument or input field called `name`."""
    if name in _OVERRIDES:
        return _OVERRIDES[name]
    if name in _BY_NAME:
        return _BY_NAME[name]
    if name.endswith(("Id", "Ids")):
        return "id", MEANINGS["id"][0]
    return DEFAULT


TOO_LONG = N_("{field} is too long: at most {limit} characters ({meaning}).")


class _TooLong(Exception):
    def __init__(self, path: str, meaning: str, limit: int) -> None:
        self.path, self.meaning, self.limit = path, meaning, limit


def _check_python(path: str, name: str, value: Any) -> None:
    if isinstance(value, str):
        meaning, limit = limit_of(name)
        if len(value) > limit:
            raise _TooLong(path, meaning, limit)
    elif isinstance(value, list):
        for item in value:
            _check_python(path, name, item)
    elif isinstance(value, dict):
        for key, item in value.items():
            _check_python(f"{path}.{key}", str(key), item)


def _check_node(path: str, name: str, node: Any, variables: dict[str, Any]) -> None:
    if isinstance(node, StringValueNode):
        _check_python(path, name, node.value)
    elif isinstance(node, ListValueNode):
        for item in node.values:
            _check_node(path, name, item, variables)
    elif isinstance(node, ObjectValueNode):
        for field in node.fields:
            _check_node(f"{path}.{field.name.value}", field.name.value, field.value, variables)
    elif isinstance(node, VariableNode):
        _check_python(path, name, variables.get(node.name.value))


def check_lengths(arguments: list[ArgumentNode], variables: dict[str, Any] | None) -> None:
    """Raise _TooLong for the first string argument over its meaning's limit."""
    values: dict[str, Any] = variables or {}
    for argument in arguments:
        name = argument.name.value
        _check_node(name, name, argument.value, values)


def arguments_of(document: Any) -> list[ArgumentNode]:
    """Every field argument of the document, in document order."""
    found: list[ArgumentNode] = []

    class Arguments(Visitor):
        def enter_field(self, node: FieldNode, *_: Any) -> None:
            found.extend(node.arguments or ())

    visit(document, Arguments())
    return found


# Keyed on the query text (the parser cache hands out one document per text): walking the
# document on every request cost about 0.5 ms for a screen's query.
_ARGUMENTS: dict[str, list[ArgumentNode]] = {}
_ARGUMENTS_MAX = 512


def _cached_arguments(query: str | None, document: Any) -> list[ArgumentNode]:
    if not query:
        return arguments_of(document)
    found = _ARGUMENTS.get(query)
    if found is None:
        if len(_ARGUMENTS) >= _ARGUMENTS_MAX:
            _ARGUMENTS.clear()
        found = _ARGUMENTS[query] = arguments_of(document)
    return found


class StringLengthLimiter(SchemaExtension):
    """Refuses, before execution, an operation with a string argument over its limit."""

    def on_execute(self) -> Iterator[None]:
        ctx = self.execution_context
        if ctx.graphql_document is not None:
            try:
                arguments = _cached_arguments(ctx.query, ctx.graphql_document)
                check_lengths(arguments, ctx.variables)
            except _TooLong as e:
                ctx.result = GraphQLExecutionResult(
                    data=None,
                    errors=[
                        GraphQLError(
                            translate(
                                TOO_LONG, field=e.path, limit=e.limit, meaning=translate(e.meaning)
                            ),
                            extensions={
                                "code": "BAD_USER_INPUT",
                                "field": e.path,
                                "meaning": e.meaning,
                                "maxLength": e.limit,
                            },
                        )
                    ],
                )
        yield
