"""The school's Node types and how `node(id:)` loads each."""

from __future__ import annotations

from typing import Any

from schema.core.node import plain, register_node
from schema.school.agenda import CalendarFeedNode, TimetableLessonNode
from schema.school.attendance import AbsenceNode
from schema.school.pupils import GuardianLinkNode, PupilEnrolmentNode, PupilNode
from schema.school.results import SchoolAssessmentNode, SchoolSubjectNode

register_node("Pupil", PupilNode.build, lambda ctx: ctx.loaders.school.pupil_by_id)


register_node(
    "PupilEnrolment", PupilEnrolmentNode.build, lambda ctx: ctx.loaders.school.enrolment_by_id
)


register_node("GuardianLink", GuardianLinkNode.build, lambda ctx: ctx.loaders.school.link_by_id)


register_node(
    "SchoolSubject", SchoolSubjectNode.build, lambda ctx: ctx.loaders.school.subject_by_id
)


register_node(
    "SchoolAssessment",
    SchoolAssessmentNode.build,
    lambda ctx: ctx.loaders.school.assessment_by_id,
)


register_node("Absence", AbsenceNode.build, lambda ctx: ctx.loaders.school.absence_by_id)


register_node(
    "TimetableLesson", TimetableLessonNode.build, lambda ctx: ctx.loaders.school.lesson_by_id
)


register_node(
    "CalendarFeed", plain(CalendarFeedNode.from_row), lambda ctx: ctx.loaders.school.feed_by_id
)


SCHOOL_TYPES: list[Any] = [
    PupilNode,
    PupilEnrolmentNode,
    GuardianLinkNode,
    SchoolSubjectNode,
    SchoolAssessmentNode,
    AbsenceNode,
    TimetableLessonNode,
    CalendarFeedNode,
]
