"""Which pupil fields a dashboard selects, with their arguments, so their data loads up front.

`resolvers.school.prefetch` loads one statement per relation group from what this finds; a
field it misses still resolves, by loading on its own.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date
from enum import Enum
from typing import Any

from graphql import FieldNode, FragmentSpreadNode, InlineFragmentNode, VariableNode

from domain.school.timetable import AgendaView
from resolvers.school.prefetch import PupilFields
from schema.core.info import Info


def _fields(raw: Any, selections: Iterable[Any]) -> Iterator[FieldNode]:
    """The field nodes of a selection, through fragments (as strawberry's `selected_fields`)."""
    for node in selections:
        if isinstance(node, FieldNode):
            yield node
        elif isinstance(node, InlineFragmentNode):
            yield from _fields(raw, node.selection_set.selections)
        elif isinstance(node, FragmentSpreadNode):
            yield from _fields(raw, raw.fragments[node.name.value].selection_set.selections)


def _children(raw: Any, node: FieldNode) -> Iterator[FieldNode]:
    return _fields(raw, node.selection_set.selections if node.selection_set else ())


def _arguments(raw: Any, node: FieldNode) -> dict[str, Any]:
    """A field's arguments: a variable's coerced value, else the literal's text."""
    variables = getattr(raw.variable_values, "coerced", raw.variable_values)
    return {
        a.name.value: variables.get(a.value.name.value)
        if isinstance(a.value, VariableNode)
        else getattr(a.value, "value", None)
        for a in node.arguments or ()
    }


def _date(value: Any) -> date | None:
    """A Date argument: parsed when it came as a variable, the literal's text otherwise."""
    return date.fromisoformat(value) if isinstance(value, str) else value


def _view(value: Any) -> AgendaView:
    return AgendaView(value.value if isinstance(value, Enum) else value or "WEEK")


def pupil_fields(info: Info, path: tuple[str, ...] = ("pupil",)) -> PupilFields:
    """The relation-group fields selected on the Pupil reached by `path` below this field.

    Read from the document's nodes, not strawberry's `selected_fields`: that converts the
    whole selection below the field (every lesson and grade field), ten times the work."""
    raw = info._raw_info
    nodes = list(raw.field_nodes)
    for name in path:
        nodes = [f for n in nodes for f in _children(raw, n) if f.name.value == name]
    wanted = PupilFields()
    for node in (f for n in nodes for f in _children(raw, n)):
        name = node.name.value
        if name == "agenda":
            args = _arguments(raw, node)
            wanted.agendas.append(
                (_view(args.get("view")), _date(args.get("date")), _date(args.get("endDate")))
            )
        elif name == "attendance":
            args = _arguments(raw, node)
            wanted.attendances.append((_date(args.get("firstDay")), _date(args.get("lastDay"))))
        elif name == "resultsMatrix":
            wanted.results = True
    return wanted
