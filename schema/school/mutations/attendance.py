"""Registering attendance and handling absences."""

from __future__ import annotations

from typing import Annotated

import strawberry

from domain.core.roles import SCHOOL_STAFF, Relation
from resolvers.school import attendance as school_attendance
from schema.core.info import Info
from schema.core.payloads import arg, attempt
from schema.core.permissions import requires
from schema.school.attendance import AbsenceNode
from schema.school.payloads import AbsencePayload, LessonPayload, _id, _lesson_node


@strawberry.type
class SchoolAttendanceMutations:
    @requires(
        SCHOOL_STAFF,
        on="lessonId",
        description="Register attendance for a lesson: the pupils named were absent (at most "
        "100). New absences have no reason yet: unauthorised and not handled.",
    )
    async def register_attendance(
        self,
        info: Info,
        lesson_id: Annotated[strawberry.ID, arg("The lesson.")],
        absent_pupil_ids: Annotated[
            list[strawberry.ID], arg("Pupils of the class who were absent.")
        ],
    ) -> LessonPayload:
        async def work() -> LessonPayload:
            lesson, absences = await school_attendance.register_attendance(
                info.context,
                _id(lesson_id, "TimetableLesson", "lessonId"),
                [_id(p, "Pupil", "absentPupilIds") for p in absent_pupil_ids],
            )
            node = await _lesson_node(info, lesson)
            built = [await AbsenceNode.build(info.context, a) for a in absences]
            return LessonPayload(lesson=node, absences=built)

        return await attempt(LessonPayload, work)

    @requires(
        SCHOOL_STAFF,
        [Relation.MENTOR],
        on="absenceId",
        description="As the class's mentor (or the administration): record an absence's reason, "
        "whether it is authorised and whether it is handled. Without a reason it stays "
        "unauthorised and not handled.",
    )
    async def handle_absence(
        self,
        info: Info,
        absence_id: Annotated[strawberry.ID, arg("The absence.")],
        reason: Annotated[str | None, arg("The reason; null while not known.")],
        authorised: Annotated[bool, arg("Authorised ('geoorloofd').")],
        handled: Annotated[bool, arg("Handled ('afgehandeld').")],
    ) -> AbsencePayload:
        async def work() -> AbsencePayload:
            row = await school_attendance.handle_absence(
                info.context, _id(absence_id, "Absence", "absenceId"), reason, authorised, handled
            )
            return AbsencePayload(absence=await AbsenceNode.build(info.context, row))

        return await attempt(AbsencePayload, work)
