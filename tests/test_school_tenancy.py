"""Tenancy rules of the school portal found in review: a former teacher loses mentor access,
lessons cannot name strangers, and linking an existing account never discloses its owner."""

from __future__ import annotations

import sqlalchemy as sa

from tests.conftest import Api
from tests.helpers import outbox
from tests.school_setup import ADMIN, SANDRA, TEACHER, TIM, link_guardian, pupil_id, subject_id

CARD = "query($id: ID!) { node(id: $id) { ... on Pupil { studentNumber } } }"


async def test_a_teacher_who_left_is_no_longer_mentor(api: Api) -> None:
    tim = await pupil_id(api, TIM)
    teacher = await api.login(TEACHER)  # mentor of 3A
    assert (await api.data(CARD, {"id": tim}, teacher))["node"] is not None
    # The administration takes the teacher's roles away, as it would when someone leaves.
    admin = await api.login(ADMIN)
    held = await api.data("{ viewer { roleAssignments { id role } } }", token=teacher)
    for assignment in held["viewer"]["roleAssignments"]:
        revoked = await api.data(
            "mutation($a: ID!) { revokeRole(assignmentId: $a) { errors { message } } }",
            {"a": assignment["id"]},
            admin,
        )
        assert revoked["revokeRole"]["errors"] == [], assignment
    again = await api.login(TEACHER)
    assert (await api.data(CARD, {"id": tim}, again))["node"] is None


async def test_a_lesson_cannot_name_someone_who_is_not_a_teacher_here(api: Api) -> None:
    teacher = await api.login(TEACHER)
    stranger = await api.person_id("lotte.jansen@example.org")  # an academy learner
    async with api.database.transaction() as s:
        from persistence.school.models import SchoolSubject

        subject = (await s.execute(sa.select(SchoolSubject).limit(1))).scalars().one()
    q = """mutation($c: ID!, $s: ID!, $t: ID) { scheduleLesson(input: {classId: $c, subjectId: $s,
      date: "2026-12-01", startTime: "08:30", endTime: "09:20", firstLessonHour: 1, teacherId: $t}) { lesson { id } errors { code field } } }"""
    variables = {
        "c": await api.unit_id("3A"),
        "s": await subject_id(api, subject.code, subject.school_year),
        "t": stranger,
    }
    refused = (await api.data(q, variables, teacher))["scheduleLesson"]
    assert refused == {"lesson": None, "errors": [{"code": "NOT_FOUND", "field": "teacherId"}]}
    own = await api.person_id(TEACHER)
    assert (await api.data(q, {**variables, "t": own}, teacher))["scheduleLesson"]["errors"] == []


async def test_linking_an_existing_account_never_names_its_owner(api: Api) -> None:
    admin = await api.login(ADMIN)
    tim = await pupil_id(api, TIM)
    wrong = (
        await link_guardian(api, admin, tim, "orgbeheer@zorgacademie.example", "Iemand", "Anders")
    )["linkGuardian"]
    assert wrong["errors"][0]["code"] == "CONFLICT"
    assert (
        "Olga" not in wrong["errors"][0]["message"] and "Dijk" not in wrong["errors"][0]["message"]
    )
    clash = (await link_guardian(api, admin, tim, SANDRA, "Peter", "Bos"))["linkGuardian"]
    assert "Sandra" not in clash["errors"][0]["message"]


async def test_an_existing_account_is_told_when_linked_or_registered(api: Api) -> None:
    admin = await api.login(ADMIN)
    tim = await pupil_id(api, TIM)
    linked = (
        await link_guardian(api, admin, tim, "kees.degroot@veendam.example", "Kees", "Groot")
    )["linkGuardian"]
    assert linked["errors"] == []
    assert [m.template for m in await outbox(api.database, "kees.degroot@veendam.example")] == [
        "added_to_unit"
    ]
