"""What a page of enrolments read with it, into the loaders its fields peek at.

The page statement brought each enrolment's event and course (and the people, when asked);
one more statement loads every unit the enrolments' and events' scopes need. The fields then
resolve synchronously; an enrolment reached any other way still loads through the same loaders.
"""

from __future__ import annotations

from collections.abc import Sequence

from persistence.institute import queries as q
from persistence.institute.models import pk
from resolvers.context import Context
from resolvers.institute import scopes


async def prime_enrolments(ctx: Context, rows: Sequence[q.EnrolmentDetails]) -> None:
    loaders, institute = ctx.loaders, ctx.loaders.institute
    institute.event_by_id.prime_many({pk(d.event): d.event for d in rows})
    institute.course_by_id.prime_many({pk(d.course): d.course for d in rows})
    loaders.person_by_id.prime_many(
        {pk(p): p for d in rows for p in (d.participant, d.enrolled_by) if p is not None}
    )
    units = {scopes.enrolment_unit_id(d.enrolment) for d in rows}
    units |= {d.event.institute_id for d in rows}
    units |= {d.event.for_org_unit_id for d in rows if d.event.for_org_unit_id}
    units |= {d.course.institute_id for d in rows}
    await loaders.unit_by_id.load_many(list(units))
