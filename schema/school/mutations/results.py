"""Subjects, tests and grades."""

from __future__ import annotations

from typing import Annotated

import strawberry

from domain.core.roles import SCHOOL_ADMINS, SCHOOL_STAFF
from domain.school.grades import AssessmentKind as DomainKind
from resolvers.school import results as school_results
from schema.core.info import Info
from schema.core.payloads import arg, attempt
from schema.core.permissions import requires
from schema.school.inputs import CreateAssessmentInput, RecordGradeInput
from schema.school.payloads import AssessmentPayload, GradePayload, SubjectPayload, _id
from schema.school.results import SchoolAssessmentNode, SchoolSubjectNode


@strawberry.type
class SchoolResultMutations:
    @requires(SCHOOL_ADMINS, on="schoolId", description="Add a subject for a school year.")
    async def create_subject(
        self,
        info: Info,
        school_id: Annotated[strawberry.ID, arg("The school (OrgUnit of kind SCHOOL).")],
        school_year: Annotated[int, arg("First calendar year of the school year (2025).")],
        code: Annotated[str, arg("Short code, e.g. 'NE'.")],
        name: Annotated[str, arg("Name, e.g. 'Nederlands'.")],
    ) -> SubjectPayload:
        async def work() -> SubjectPayload:
            row = await school_results.create_subject(
                info.context, _id(school_id, "OrgUnit", "schoolId"), school_year, code, name
            )
            return SubjectPayload(subject=await SchoolSubjectNode.build(info.context, row))

        return await attempt(SubjectPayload, work)

    @requires(
        SCHOOL_STAFF,
        on="input.classId",
        description="Add a test for a class, or a sub-test of a test (one level deep); a "
        "sub-test has its test's kind.",
    )
    async def create_assessment(
        self, info: Info, input: Annotated[CreateAssessmentInput, arg("The test and its class.")]
    ) -> AssessmentPayload:
        async def work() -> AssessmentPayload:
            row = await school_results.create_assessment(
                info.context,
                _id(input.class_id, "OrgUnit", "input.classId"),
                school_results.AssessmentInput(
                    subject_id=_id(input.subject_id, "SchoolSubject", "subjectId"),
                    name=input.name,
                    weight=input.weight,
                    kind=DomainKind(input.kind.value),
                    parent_id=_id(input.parent_id, "SchoolAssessment", "parentId")
                    if input.parent_id
                    else None,
                ),
            )
            return AssessmentPayload(assessment=await SchoolAssessmentNode.build(info.context, row))

        return await attempt(AssessmentPayload, work)

    @requires(
        SCHOOL_ADMINS,
        on="assessmentId",
        description="Record that the exam board finalised a test's results: from now on "
        "guardians and the pupil see them.",
    )
    async def finalise_assessment(
        self,
        info: Info,
        assessment_id: Annotated[strawberry.ID, arg("The test.")],
    ) -> AssessmentPayload:
        async def work() -> AssessmentPayload:
            row = await school_results.finalise_assessment(
                info.context, _id(assessment_id, "SchoolAssessment", "assessmentId")
            )
            return AssessmentPayload(assessment=await SchoolAssessmentNode.build(info.context, row))

        return await attempt(AssessmentPayload, work)

    @requires(
        SCHOOL_STAFF,
        on="input.assessmentId",
        description="Record a pupil's grade for a test without sub-tests (or a sub-test); "
        "the same attempt again replaces it.",
    )
    async def record_grade(
        self, info: Info, input: Annotated[RecordGradeInput, arg("The grade and its test.")]
    ) -> GradePayload:
        async def work() -> GradePayload:
            await school_results.record_grade(
                info.context,
                _id(input.assessment_id, "SchoolAssessment", "input.assessmentId"),
                school_results.GradeInput(
                    pupil_id=_id(input.pupil_id, "Pupil", "pupilId"),
                    grade=input.grade,
                    taken_on=input.taken_on,
                    attempt=input.attempt,
                ),
            )
            return GradePayload(ok=True)

        return await attempt(GradePayload, work)
