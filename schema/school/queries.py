"""School root queries for families and staff."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import strawberry

from domain.core.ids import decode_expected
from domain.core.roles import SCHOOL_STAFF, Relation, Scope
from domain.school.timetable import AgendaView as DomainView
from resolvers.core.i18n import translate
from resolvers.core.pagination import keep
from resolvers.school import agenda as school_agenda
from resolvers.school import pupils as school_pupils
from resolvers.school.prefetch import prefetch_pupils
from schema.core.info import Info
from schema.core.pagination import AFTER, BEFORE, FIRST, LAST, page_request, to_connection
from schema.core.payloads import arg
from schema.core.permissions import authenticated, requires
from schema.core.relay import Connection
from schema.school.agenda import Agenda
from schema.school.enums import AgendaView, GuardianAccessReason
from schema.school.prefetch import pupil_fields
from schema.school.pupils import ChildAccess, PupilNode


@strawberry.type
class SchoolQueries:
    @authenticated(
        description="Your linked children as a guardian (at most 20): for each, whether you "
        "see the child's data today and why. An 18+ child without consent shows only a first "
        "name and the reason."
    )
    async def my_children(self, info: Info) -> list[ChildAccess]:
        ctx = info.context
        children = await school_pupils.my_children(ctx)
        scope = Scope(person_id=ctx.viewer.person_id)
        views = [c.pupil for c in children if c.pupil is not None]
        nodes = {n.row.id: n for n in map(PupilNode.of, views) if ctx.allows(n.READ, n.scope)}
        # One statement per relation group for all children, so their fields resolve at once.
        await prefetch_pupils(ctx, [n.view for n in nodes.values()], pupil_fields(info))
        return [
            ChildAccess(
                scope=scope,
                first_name=c.first_name,
                legal_representative=c.legal_representative,
                access_allowed=c.access.allowed,
                access_reason=GuardianAccessReason(c.access.reason.value),
                message=translate(c.access.message),  # in the viewer's language
                pupil=nodes.get(c.pupil.pupil.id) if c.pupil else None,
            )
            for c in children
        ]

    @authenticated(description="Your own pupil record, when you are a pupil; null otherwise.")
    async def my_pupil_record(self, info: Info) -> PupilNode | None:
        row = await school_pupils.my_pupil_record(info.context)
        return await PupilNode.build(info.context, row) if row else None

    @requires(
        SCHOOL_STAFF,
        [Relation.MENTOR, Relation.TEACHES],
        on="classId",
        description="Pupils of a class, by name: for the school administration, the class's "
        "mentor and the teachers who teach a lesson of the class this school year. Another "
        "teacher of the location gets FORBIDDEN; anyone else NOT_FOUND.",
    )
    async def class_pupils(
        self,
        info: Info,
        class_id: Annotated[strawberry.ID, arg("The class.")],
        first: Annotated[int | None, FIRST] = None,
        after: Annotated[str | None, AFTER] = None,
        last: Annotated[int | None, LAST] = None,
        before: Annotated[str | None, BEFORE] = None,
    ) -> Connection[PupilNode]:
        page = await school_pupils.class_pupils(
            info.context,
            decode_expected(class_id, "OrgUnit", "classId"),
            page_request(first, after, last, before),
        )
        nodes = {n.row.id: n for n in await PupilNode.visible(info, page.items)}
        visible = keep(page, lambda p: p.id in nodes)
        return to_connection(visible, lambda p: nodes[p.id])

    @requires(
        SCHOOL_STAFF,
        [Relation.MENTOR, Relation.TEACHES],
        on="classId",
        description="The agenda of a class, for its staff and mentor (families use "
        "`Pupil.agenda`).",
    )
    async def class_agenda(
        self,
        info: Info,
        class_id: Annotated[strawberry.ID, arg("The class.")],
        view: Annotated[AgendaView, arg("WEEK (default), WORK_WEEK or LIST.")] = AgendaView.WEEK,
        date_: Annotated[
            date | None,
            strawberry.argument(
                name="date", description="A day in the week to show; null for today."
            ),
        ] = None,
        end_date: Annotated[date | None, arg("LIST only: the last day.")] = None,
    ) -> Agenda:
        ctx = info.context
        unit = await school_pupils.class_unit(ctx, decode_expected(class_id, "OrgUnit", "classId"))
        found = await school_agenda.agenda(ctx, unit, None, DomainView(view.value), date_, end_date)
        return Agenda.make(found, school_agenda.lesson_scope(unit, None))
