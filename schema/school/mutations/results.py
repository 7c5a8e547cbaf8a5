"""Subjects, tests and grades."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import strawberry

from domain.school.grades import AssessmentKind as DomainKind
from resolvers.school import results as school_results
from schema.core.payloads import arg, attempt
from schema.core.permissions import requires
from schema.school.enums import AssessmentKind
from schema.school.fields import ADMIN, STAFF
from schema.school.payloads import AssessmentPayload, GradePayload, SubjectPayload, _id
from schema.school.results import SchoolAssessmentNode, SchoolSubjectNode


@strawberry.type
class SchoolResultMutations:
    @requires(ADMIN, description="Add a subject for a school year.")
    async def create_subject(
        self,
        info: strawberry.Info,
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
        STAFF,
        description="Add a test for a class, or a sub-test of a test (one level deep); a "
        "sub-test has its test's kind.",
    )
    async def create_assessment(
        self,
        info: strawberry.Info,
        subject_id: Annotated[strawberry.ID, arg("The subject.")],
        class_id: Annotated[strawberry.ID, arg("The class.")],
        name: Annotated[str, arg("Name of the test.")],
        weight: Annotated[str, arg("Weight, e.g. '2' or '0.5' (at most two decimals).")] = "1",
        kind: Annotated[AssessmentKind, arg("Regular or exam-oriented.")] = AssessmentKind.REGULAR,
        parent_id: Annotated[
            strawberry.ID | None, arg("The test this is a sub-test of; null for a test.")
        ] = None,
    ) -> AssessmentPayload:
        async def work() -> AssessmentPayload:
            row = await school_results.create_assessment(
                info.context,
                _id(subject_id, "SchoolSubject", "subjectId"),
                _id(class_id, "OrgUnit", "classId"),
                name,
                weight,
                DomainKind(kind.value),
                _id(parent_id, "SchoolAssessment", "parentId") if parent_id else None,
            )
            return AssessmentPayload(assessment=await SchoolAssessmentNode.build(info.context, row))

        return await attempt(AssessmentPayload, work)

    @requires(
        ADMIN,
        description="Record that the exam board finalised a test's results: from now on "
        "guardians and the pupil see them.",
    )
    async def finalise_assessment(
        self,
        info: strawberry.Info,
        assessment_id: Annotated[strawberry.ID, arg("The test.")],
    ) -> AssessmentPayload:
        async def work() -> AssessmentPayload:
            row = await school_results.finalise_assessment(
                info.context, _id(assessment_id, "SchoolAssessment", "assessmentId")
            )
            return AssessmentPayload(assessment=await SchoolAssessmentNode.build(info.context, row))

        return await attempt(AssessmentPayload, work)

    @requires(
        STAFF,
        description="Record a pupil's grade for a test without sub-tests (or a sub-test); "
        "the same attempt again replaces it.",
    )
    async def record_grade(
        self,
        info: strawberry.Info,
        assessment_id: Annotated[strawberry.ID, arg("The test or sub-test.")],
        pupil_id: Annotated[strawberry.ID, arg("The pupil (of the test's class).")],
        grade: Annotated[str, arg("1.0 to 10.0 with at most one decimal; '7,5' is accepted.")],
        taken_on: Annotated[date, arg("The day the grade was obtained.")],
        attempt_number: Annotated[
            int, strawberry.argument(name="attempt", description="Attempt ('poging'), from 1.")
        ] = 1,
    ) -> GradePayload:
        async def work() -> GradePayload:
            await school_results.record_grade(
                info.context,
                _id(assessment_id, "SchoolAssessment", "assessmentId"),
                _id(pupil_id, "Pupil", "pupilId"),
                grade,
                taken_on,
                attempt_number,
            )
            return GradePayload(ok=True)

        return await attempt(GradePayload, work)
