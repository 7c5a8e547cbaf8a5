"""One statement per relation group for a guardian's children, before their fields resolve.

The children statement (`links_by_guardian`) brought each child's person, class, location with
its details and the class's mentors: `prime_children` puts them in the loaders. Then, for the
pupil fields a request selects (with their arguments): the lessons of every child's agenda, the
grades, the attendance, one statement each. The pupil's fields peek at these loaders and resolve
synchronously (no coroutine per object); a pupil reached any other way loads through the same
loaders.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from domain.core.errors import DomainError
from domain.school.timetable import AgendaView
from persistence.school import queries as q
from persistence.school.models import pk
from resolvers.context import Context
from resolvers.school.access import PupilView
from resolvers.school.agenda import agenda_key
from resolvers.school.attendance import attendance_key


def prime_children(ctx: Context, rows: Iterable[q.GuardianRow]) -> None:
    """What the children statement read, into the loaders the pupil's fields peek at."""
    loaders, school = ctx.loaders, ctx.loaders.school
    for row in rows:
        loaders.person_by_id.prime(pk(row.person), row.person)
        loaders.unit_by_id.prime(pk(row.class_unit), row.class_unit)
        school.pupil_by_id.prime(pk(row.pupil), row.pupil)
        school.mentors_by_class.prime(pk(row.class_unit), row.mentors)
        if row.class_unit.parent_id is not None:
            loaders.unit_by_id.prime(row.class_unit.parent_id, row.location)
            school.location_details.prime(row.class_unit.parent_id, row.details)


@dataclass
class PupilFields:
    """The pupil fields a request selects that read a relation group, with their arguments."""

    agendas: list[tuple[AgendaView, date | None, date | None]] = field(default_factory=list)
    attendances: list[tuple[date | None, date | None]] = field(default_factory=list)
    results: bool = False


async def prefetch_pupils(ctx: Context, views: Sequence[PupilView], wanted: PupilFields) -> None:
    """Load what the selected fields of these pupils will read, one statement per group."""
    school = ctx.loaders.school
    if wanted.agendas:
        await school.lessons_by_class_range.load_many(
            list(
                dict.fromkeys(
                    agenda_key(v.class_unit, view, day, end)[1]
                    for v in views
                    for view, day, end in wanted.agendas
                )
            )
        )
    if wanted.results:
        await school.results_by_pupil.load_many([pk(v.pupil) for v in views])
    keys: list[tuple[int, datetime, datetime]] = []
    for first, last in wanted.attendances:
        try:
            keys.extend(attendance_key(v.pupil, first, last).key for v in views)
        except DomainError:
            continue  # a period too long: the field itself answers with the error
    if keys:
        await school.attendance_by_pupil.load_many(list(dict.fromkeys(keys)))
