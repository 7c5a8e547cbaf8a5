"""School root fields and mutations bound with `@requires(on: …)`: a unit or object outside your
reach answers exactly like a missing one; a role inside it that is not the required one is
FORBIDDEN; rules narrower than the binding (mentor, the pupil's own consent) still hold."""

from __future__ import annotations

from datetime import date

from domain.core.ids import decode_expected
from domain.core.orgtree import OrgUnitKind
from domain.core.roles import SCHOOL_STAFF, Relation, RelationFact, Requirement, Viewer, allows
from domain.school.timetable import local_date
from persistence.core.models import OrgUnit
from persistence.school.models import ClassMentor
from persistence.types import utcnow
from schema.core.org import OrgUnitNode
from tests.conftest import Api
from tests.school_setup import (
    ADMIN,
    NOOR,
    NOORD_TEACHER,
    SANDRA,
    TEACHER,
    TIM,
    link_guardian,
    ok,
    register_pupil,
    subject_id,
    years_ago,
)

NOT_FOUND = "Dit bestaat niet, of je mag het niet zien."
MISSING_CLASS = "T3JnVW5pdDo5OTk5"  # OrgUnit:9999

SCHEDULE = """mutation($c: ID!, $s: ID!) { scheduleLesson(input: {classId: $c, subjectId: $s,
  date: "2026-12-01", startTime: "08:30", endTime: "09:20", firstLessonHour: 1}) {
  lesson { id } errors { code field message } } }"""
HOMEWORK = """mutation($l: ID!) { setHomework(lessonId: $l, homework: "Lezen") {
  lesson { homework } errors { code field message } } }"""
PUPILS = "query($c: ID!) { classPupils(classId: $c) { totalCount } }"
GIVE = """mutation($l: ID!) { giveGuardianConsent(guardianLinkId: $l) {
  guardianLink { consentGiven } errors { code field } } }"""
HANDLE = """mutation($a: ID!) { handleAbsence(absenceId: $a, reason: "Ziek", authorised: true,
  handled: true) { absence { reason } errors { code field } } }"""
GUARDIANS = "{ myPupilRecord { guardians { id } } }"


def _year() -> int:
    today = local_date(utcnow())
    return today.year if today.month >= 8 else today.year - 1


async def test_a_class_outside_your_reach_answers_like_a_missing_one(api: Api) -> None:
    noord = await api.login(NOORD_TEACHER)  # TEACHER on Locatie Noord only
    wi = await subject_id(api, "WI", _year())
    answers = [
        (await api.data(SCHEDULE, {"c": c, "s": wi}, noord))["scheduleLesson"]
        for c in (await api.unit_id("3A"), MISSING_CLASS, "not-an-id")
    ]
    assert answers[0] == answers[1] == answers[2]
    assert answers[0] == {
        "lesson": None,
        "errors": [{"code": "NOT_FOUND", "field": "input.classId", "message": NOT_FOUND}],
    }
    # The same for a query: a top-level NOT_FOUND, whether the class exists or not.
    for c in (await api.unit_id("3A"), MISSING_CLASS):
        body = await api.query(PUPILS, {"c": c}, noord)
        assert body["data"] is None
        assert body["errors"][0]["extensions"]["code"] == "NOT_FOUND"


def test_a_class_nodes_scope_names_the_class_so_its_mentor_matches() -> None:
    def node(kind: OrgUnitKind, unit_id: int) -> OrgUnitNode:
        return OrgUnitNode.from_row(OrgUnit(id=unit_id, kind=kind, name="x", path=f"/1/{unit_id}/"))

    class_scope = node(OrgUnitKind.CLASS, 23).scope
    assert class_scope.class_unit_id == 23
    assert node(OrgUnitKind.LOCATION, 23).scope.class_unit_id is None
    # A mentor of class 23 with no role anywhere: the relation alone decides.
    mentor = Viewer(
        person_id=7,
        facts=(RelationFact(Relation.MENTOR, "class_unit_id", frozenset({23})),),
    )
    staff_or_mentor = Requirement.of(SCHOOL_STAFF, [Relation.MENTOR])
    assert allows(mentor, staff_or_mentor, class_scope)
    assert not allows(mentor, staff_or_mentor, node(OrgUnitKind.CLASS, 24).scope)


async def test_the_mentor_of_a_class_reads_its_pupils(api: Api) -> None:
    admin = await api.login(ADMIN)
    mentor = await api.login(TEACHER)  # Rik Mulder, mentor of 3A
    class_3a = await api.unit_id("3A")
    everyone = (await api.data(PUPILS, {"c": class_3a}, admin))["classPupils"]["totalCount"]
    assert everyone > 0
    assert (await api.data(PUPILS, {"c": class_3a}, mentor))["classPupils"] == {
        "totalCount": everyone
    }


async def test_a_mentor_row_of_someone_not_teaching_there_grants_nothing(api: Api) -> None:
    # A mentor counts only while a teacher of the class's location or school; Joke Dekker
    # teaches at Noord only, so a stored mentorship of 3A (Centrum) does not reach 3A.
    noord = await api.login(NOORD_TEACHER)
    class_3a = await api.unit_id("3A")
    async with api.database.transaction() as s:
        s.add(
            ClassMentor(
                class_unit_id=decode_expected(class_3a, "OrgUnit"),
                teacher_person_id=decode_expected(await api.person_id(NOORD_TEACHER), "Person"),
            )
        )
    body = await api.query(PUPILS, {"c": class_3a}, noord)
    assert body["data"] is None
    assert body["errors"][0]["extensions"]["code"] == "NOT_FOUND"


async def test_a_lesson_of_another_location_is_not_found_and_unchanged(api: Api) -> None:
    teacher = await api.login(TEACHER)
    noord = await api.login(NOORD_TEACHER)
    wi = await subject_id(api, "WI", _year())
    lesson = (
        await ok(api, SCHEDULE, {"c": await api.unit_id("3A"), "s": wi}, teacher, "scheduleLesson")
    )["lesson"]["id"]
    refused = (await api.data(HOMEWORK, {"l": lesson}, noord))["setHomework"]
    assert refused == {
        "lesson": None,
        "errors": [{"code": "NOT_FOUND", "field": "lessonId", "message": NOT_FOUND}],
    }
    done = await ok(api, HOMEWORK, {"l": lesson}, teacher, "setHomework")
    assert done["lesson"] == {"homework": "Lezen"}


async def test_a_role_inside_the_unit_that_is_not_the_required_one_is_forbidden(api: Api) -> None:
    teacher = await api.login(TEACHER)  # TEACHER on Locatie Centrum: not SCHOOL_ADMIN
    body = await api.query(
        """mutation($c: ID!) { registerPupil(input: {classId: $c, email: "x@example.org",
        givenName: "X", familyName: "Y", studentNumber: "1", dateOfBirth: "2012-01-01"}) {
        errors { code } } }""",
        {"c": await api.unit_id("3A")},
        teacher,
    )
    assert body["data"] is None
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"


async def test_consent_is_the_pupils_own_not_a_classmates(api: Api) -> None:
    admin = await api.login(ADMIN)
    born: date = years_ago(local_date(utcnow()), 19)
    lisa = await register_pupil(api, admin, "3A", "lisa.b@leerling.example", "Lisa", born, "900021")
    linked = await link_guardian(api, admin, lisa, "ouder.lisa@example.org", "Ouder")
    assert linked["linkGuardian"]["errors"] == []
    link = linked["linkGuardian"]["guardianLink"]["id"]
    # Noor, a classmate, holds PUPIL on 3A too: she passes the binding but it is not her link.
    noor = await api.login(NOOR)
    refused = (await api.data(GIVE, {"l": link}, noor))["giveGuardianConsent"]
    assert refused == {
        "guardianLink": None,
        "errors": [{"code": "NOT_FOUND", "field": "guardianLinkId"}],
    }
    tim_link = (await api.data(GUARDIANS, token=await api.login(TIM)))["myPupilRecord"][
        "guardians"
    ][0]
    assert (await api.data(GIVE, {"l": tim_link["id"]}, noor))["giveGuardianConsent"] == refused


async def test_only_the_mentor_or_the_administration_handles_an_absence(api: Api) -> None:
    admin = await api.login(ADMIN)
    teacher = await api.login(TEACHER)  # mentor of 3A, teaches at Centrum (3A and 3B)
    sandra = await api.login(SANDRA)
    wi = await subject_id(api, "WI", _year())
    aziz = await register_pupil(
        api,
        admin,
        "3B",
        "aziz.b@leerling.example",
        "Aziz",
        years_ago(local_date(utcnow()), 15),
        "900022",
    )
    # The teacher teaches this lesson of 3B, so 3B's pupils are theirs to register.
    taught = SCHEDULE.replace("$s: ID!)", "$s: ID!, $t: ID)").replace(
        "firstLessonHour: 1", "firstLessonHour: 1, teacherId: $t"
    )
    variables = {"c": await api.unit_id("3B"), "s": wi, "t": await api.person_id(TEACHER)}
    lesson = (await ok(api, taught, variables, teacher, "scheduleLesson"))["lesson"]["id"]
    register = """mutation($l: ID!, $p: [ID!]!) { registerAttendance(lessonId: $l, absentPupilIds: $p) {
      absences { id } errors { code } } }"""
    absence = (await ok(api, register, {"l": lesson, "p": [aziz]}, teacher, "registerAttendance"))[
        "absences"
    ][0]["id"]
    # A teacher of 3B who is not its mentor reaches the absence but may not handle it.
    body = await api.query(HANDLE, {"a": absence}, teacher)
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    # A guardian holds no staff role at all.
    assert (await api.query(HANDLE, {"a": absence}, sandra))["errors"][0]["extensions"][
        "code"
    ] == "FORBIDDEN"
    done = await ok(api, HANDLE, {"a": absence}, admin, "handleAbsence")
    assert done["absence"] == {"reason": "Ziek"}
