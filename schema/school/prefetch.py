"""Which pupil fields a dashboard selects, with their arguments, so their data loads up front.

`resolvers.school.prefetch` loads one statement per relation group from what this finds; a
field it misses still resolves, by loading on its own.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date
from enum import Enum
from typing import Any

from strawberry.types.nodes import FragmentSpread, InlineFragment, SelectedField

from domain.school.timetable import AgendaView
from resolvers.school.prefetch import PupilFields
from schema.core.info import Info


def _fields(selections: Iterable[Any]) -> Iterator[SelectedField]:
    for node in selections:
        if isinstance(node, SelectedField):
            yield node
        elif isinstance(node, InlineFragment | FragmentSpread):
            yield from _fields(node.selections)


def _date(value: Any) -> date | None:
    """A Date argument: parsed when it came as a variable, the literal's text otherwise."""
    return date.fromisoformat(value) if isinstance(value, str) else value


def _view(value: Any) -> AgendaView:
    return AgendaView(value.value if isinstance(value, Enum) else value or "WEEK")


def pupil_fields(info: Info, path: tuple[str, ...] = ("pupil",)) -> PupilFields:
    """The relation-group fields selected on the Pupil reached by `path` below this field."""
    nodes = list(_fields(info.selected_fields))
    for name in path:
        nodes = [f for n in nodes for f in _fields(n.selections) if f.name == name]
    wanted = PupilFields()
    for node in (f for n in nodes for f in _fields(n.selections)):
        args = node.arguments
        if node.name == "agenda":
            wanted.agendas.append(
                (_view(args.get("view")), _date(args.get("date")), _date(args.get("endDate")))
            )
        elif node.name == "attendance":
            wanted.attendances.append((_date(args.get("firstDay")), _date(args.get("lastDay"))))
        elif node.name == "resultsMatrix":
            wanted.results = True
    return wanted
