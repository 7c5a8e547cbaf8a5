"""Issue 12: the school portal as a parent, a teacher and the administration meet it.

Teachers see only their classes' pupils, only legal representatives get access, a lesson opens
by ID for everyone who sees it in an agenda, the administration corrects data, a withdrawn
feed stays revoked, consent has a history, attendance counts lesson hours, latestGrades.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import sqlalchemy as sa

from domain.school.grades import school_year_of
from domain.school.timetable import local_date
from persistence.core.models import AuditEvent
from persistence.types import utcnow
from tests.conftest import Api
from tests.school_setup import (
    ADMIN,
    EVA,
    NOOR,
    NOORD_TEACHER,
    SANDRA,
    TEACHER,
    TIM,
    activate,
    link_guardian,
    ok,
    pupil_id,
    register_pupil,
    subject_id,
    teach,
    years_ago,
)

DEWIT = "s.dewit@lindenhove.example"  # Centrum: mentor of 3B, teaches 3A its German lessons

CARD = "query($id: ID!) { node(id: $id) { ... on Pupil { displayName phone className } } }"
NODES = "query($ids: [ID!]!) { nodes(ids: $ids) { ... on Pupil { displayName } } }"
CLASS_PUPILS = """query($c: ID!) { classPupils(classId: $c) { totalCount
  nodes { displayName } } }"""
CHILDREN = """{ myChildren { firstName legalRepresentative accessAllowed accessReason message
  pupil { id displayName } } }"""
LESSON = """query($id: ID!) { node(id: $id) { ... on TimetableLesson { id date startTime
  endTime firstLessonHour lastLessonHour room teacherCode teacherName className
  subject { code name } homework } } }"""
AGENDA = """query($id: ID!) { node(id: $id) { ... on Pupil { agenda(view: WEEK) {
  days { lessons { id subject { code } } } } } } }"""
CREATE_FEED = """mutation($p: ID!) { createCalendarFeed(pupilId: $p) {
  url calendarFeed { id } errors { code field } } }"""
SET_REPRESENTATIVE = """mutation($l: ID!, $r: Boolean!) {
  setLegalRepresentative(guardianLinkId: $l, legalRepresentative: $r) {
    guardianLink { legalRepresentative guardianSeesData accessReason }
    errors { code field message } } }"""
LINK_AS = """mutation($p: ID!, $e: String!, $r: Boolean!) {
  linkGuardian(input: {pupilId: $p, email: $e, givenName: "Stief", familyName: "Ouder",
                       legalRepresentative: $r}) {
    guardianLink { id legalRepresentative } errors { code field message } } }"""


def _year() -> int:
    return school_year_of(local_date(utcnow())).start_year


async def _audit(api: Api, kind: str) -> list[AuditEvent]:
    async with api.database.transaction() as s:
        stmt = sa.select(AuditEvent).where(AuditEvent.kind == kind).order_by(AuditEvent.id)
        return list((await s.execute(stmt)).scalars())


async def _node(api: Api, query: str, node_id: str, token: str) -> Any:
    return (await api.data(query, {"id": node_id}, token))["node"]


# --- 1: a teacher sees only the pupils of their own classes ------------------------------------


async def test_a_teacher_sees_only_the_pupils_of_own_classes(api: Api) -> None:
    admin = await api.login(ADMIN)
    today = local_date(utcnow())
    aziz = await register_pupil(
        api, admin, "3B", "aziz@leerling.example", "Aziz", years_ago(today, 15), "900101"
    )
    tim = await pupil_id(api, TIM)
    c3a, c3b = await api.unit_id("3A"), await api.unit_id("3B")
    mulder = await api.login(TEACHER)  # mentor of 3A, teaches no lesson of 3B
    # Not through node, nodes or the class list: a teacher of the location without a lesson of
    # 3B works inside the location, so the list answers FORBIDDEN (not NOT_FOUND).
    assert await _node(api, CARD, aziz, mulder) is None
    assert (await api.data(NODES, {"ids": [aziz, tim]}, mulder))["nodes"] == [
        None,
        {"displayName": "Tim Bos"},
    ]
    refused = await api.query(CLASS_PUPILS, {"c": c3b}, mulder)
    assert refused["data"] is None
    assert refused["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    own = (await api.data(CLASS_PUPILS, {"c": c3a}, mulder))["classPupils"]
    assert own["totalCount"] == 2 and {p["displayName"] for p in own["nodes"]} == {
        "Tim Bos",
        "Noor de Jong",
    }
    # A teacher of another location: the class does not exist for them.
    noord = await api.login(NOORD_TEACHER)
    elsewhere = await api.query(CLASS_PUPILS, {"c": c3a}, noord)
    assert elsewhere["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    assert await _node(api, CARD, tim, noord) is None

    # Sven de Wit teaches 3A (German) without being its mentor, and mentors 3B.
    dewit = await api.login(DEWIT)
    assert (await _node(api, CARD, tim, dewit))["displayName"] == "Tim Bos"
    assert (await _node(api, CARD, aziz, dewit))["displayName"] == "Aziz Test"
    assert (await api.data(CLASS_PUPILS, {"c": c3a}, dewit))["classPupils"]["totalCount"] == 2
    # As staff of the class he sees the exam result the exam board has not finalised yet.
    exam = """query($id: ID!) { node(id: $id) { ... on Pupil {
      resultsMatrix(kind: EXAM_ORIENTED) { subjects { grades { name } } } } } }"""
    names = [
        g["name"]
        for s in (await _node(api, exam, tim, dewit))["resultsMatrix"]["subjects"]
        for g in s["grades"]
    ]
    assert "Schoolexamen leesvaardigheid" in names

    # A lesson Mulder taught in 3B last school year grants nothing this year ...
    schedule = """mutation($c: ID!, $s: ID!, $d: Date!, $t: ID) { scheduleLesson(input: {
      classId: $c, subjectId: $s, date: $d, startTime: "10:30", endTime: "11:20",
      firstLessonHour: 3, teacherId: $t}) { lesson { id } errors { code field } } }"""
    last_year = {
        "c": c3b,
        "s": await subject_id(api, "WI", _year() - 1),
        "d": f"{_year()}-03-02",
        "t": await api.person_id(TEACHER),
    }
    await ok(api, schedule, last_year, admin, "scheduleLesson")
    assert await _node(api, CARD, aziz, mulder) is None
    # ... one this school year makes 3B's pupils his, from his next request on.
    await teach(api, admin, TEACHER, "3B")
    assert (await _node(api, CARD, aziz, mulder))["displayName"] == "Aziz Test"
    assert (await api.data(CLASS_PUPILS, {"c": c3b}, mulder))["classPupils"]["totalCount"] == 1
    # Guardians of a pupil stay hidden from a teacher who is not the mentor.
    guardians = "query($id: ID!) { node(id: $id) { ... on Pupil { guardians { id } } } }"
    body = await api.query(guardians, {"id": tim}, dewit)
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert body["errors"][0]["path"] == ["node", "guardians"]


# --- 2: only legal representatives get access ----------------------------------------------


async def test_only_a_legal_representative_gets_access(api: Api) -> None:
    admin = await api.login(ADMIN)
    tim = await pupil_id(api, TIM)
    linked = await ok(
        api, LINK_AS, {"p": tim, "e": "stief@example.org", "r": False}, admin, "linkGuardian"
    )
    link = linked["guardianLink"]
    assert link["legalRepresentative"] is False
    stief = await activate(api, "stief@example.org")
    # Recorded, and told why, but shown nothing: not by the dashboard, node, nodes, a lesson.
    (child,) = (await api.data(CHILDREN, token=stief))["myChildren"]
    assert child["firstName"] == "Tim" and child["legalRepresentative"] is False
    assert child["accessAllowed"] is False and child["pupil"] is None
    assert child["accessReason"] == "NOT_LEGAL_REPRESENTATIVE" and child["message"]
    assert await _node(api, CARD, tim, stief) is None
    assert (await api.data(NODES, {"ids": [tim]}, stief))["nodes"] == [None]
    sandra = await api.login(SANDRA)
    lesson = (await _node(api, AGENDA, tim, sandra))["agenda"]["days"][0]["lessons"][0]["id"]
    assert await _node(api, LESSON, lesson, stief) is None
    feed = (await api.data(CREATE_FEED, {"p": tim}, stief))["createCalendarFeed"]
    assert feed["errors"] == [{"code": "NOT_FOUND", "field": "pupilId"}]

    # Nobody but the administration changes the link.
    mentor = await api.login(TEACHER)
    for token in (mentor, sandra, stief):
        body = await api.query(SET_REPRESENTATIVE, {"l": link["id"], "r": True}, token)
        assert body["errors"][0]["extensions"]["code"] in {"FORBIDDEN", "NOT_FOUND"}, body
        assert body["data"] is None or body["data"]["setLegalRepresentative"]["errors"]
    marked = await ok(
        api, SET_REPRESENTATIVE, {"l": link["id"], "r": True}, admin, "setLegalRepresentative"
    )
    assert marked["guardianLink"] == {
        "legalRepresentative": True,
        "guardianSeesData": True,
        "accessReason": "PUPIL_MINOR",
    }
    assert (await _node(api, CARD, tim, stief))["displayName"] == "Tim Bos"
    (child,) = (await api.data(CHILDREN, token=stief))["myChildren"]
    assert child["accessReason"] == "PUPIL_MINOR" and child["pupil"]["displayName"] == "Tim Bos"
    url = (await ok(api, CREATE_FEED, {"p": tim}, stief, "createCalendarFeed"))["url"]
    path = url.removeprefix("http://portaal.test")
    assert (await api.client.get(path)).status_code == 200

    # No longer a representative: nothing, and the feed is gone for good.
    await ok(
        api, SET_REPRESENTATIVE, {"l": link["id"], "r": False}, admin, "setLegalRepresentative"
    )
    assert await _node(api, CARD, tim, stief) is None
    assert (await api.client.get(path)).status_code == 404
    await ok(api, SET_REPRESENTATIVE, {"l": link["id"], "r": True}, admin, "setLegalRepresentative")
    assert (await api.client.get(path)).status_code == 404
    events = await _audit(api, "GUARDIAN_LINK_UPDATED")
    assert [e.detail.rsplit(" ", 1)[-1] for e in events] == ["yes", "no", "yes"]
    assert {e.subject_person_id for e in events} == {
        int(await _person_pk(api, "stief@example.org"))
    }


async def _person_pk(api: Api, email: str) -> int:
    from domain.core.ids import decode_global_id

    return decode_global_id(await api.person_id(email))[1]


# --- 3: a lesson opens by ID for everyone who sees it in an agenda --------------------------


async def test_a_guardian_opens_a_lesson_of_the_childs_agenda_by_id(api: Api) -> None:
    sandra = await api.login(SANDRA)
    tim, eva = await pupil_id(api, TIM), await pupil_id(api, EVA)
    days = (await _node(api, AGENDA, tim, sandra))["agenda"]["days"]
    ids = [lesson["id"] for day in days for lesson in day["lessons"]]
    assert len(ids) == 22  # the demo week of 3A
    detail = await _node(api, LESSON, ids[0], sandra)
    assert detail["id"] == ids[0] and detail["className"] == "3A"
    assert detail["teacherName"] in {"Rik Mulder", "Sven de Wit"} and detail["subject"]["name"]
    nodes = "query($ids: [ID!]!) { nodes(ids: $ids) { ... on TimetableLesson { id } } }"
    assert [n["id"] for n in (await api.data(nodes, {"ids": ids}, sandra))["nodes"]] == ids
    # The same lesson for the pupil, a classmate, the class's teachers and the administration.
    for email in (TIM, NOOR, TEACHER, DEWIT, ADMIN):
        token = await api.login(email)
        assert (await _node(api, LESSON, ids[0], token))["id"] == ids[0], email
    # Not for a guardian of someone else, nor a pupil of another class.
    for email in (EVA, "lotte.jansen@example.org"):
        assert await _node(api, LESSON, ids[0], await api.login(email)) is None, email

    # Eva (18) has not consented: her class's lessons stay closed to her mother ...
    admin = await api.login(ADMIN)
    eva_days = (await _node(api, AGENDA, eva, admin))["agenda"]["days"]
    eva_lesson = next(lesson["id"] for day in eva_days for lesson in day["lessons"])
    assert await _node(api, LESSON, eva_lesson, sandra) is None
    assert await _node(api, LESSON, eva_lesson, await api.login(TEACHER)) is None  # Centrum
    # ... until Eva consents for her.
    eva_token = await api.login(EVA)
    record = """{ myPupilRecord { guardians { id guardianEmail } } }"""
    links = {
        g["guardianEmail"]: g["id"]
        for g in (await api.data(record, token=eva_token))["myPupilRecord"]["guardians"]
    }
    give = """mutation($l: ID!) { giveGuardianConsent(guardianLinkId: $l) {
      errors { code } } }"""
    await ok(api, give, {"l": links[SANDRA]}, eva_token, "giveGuardianConsent")
    assert (await _node(api, LESSON, eva_lesson, sandra))["className"] == "4H"
    # A class's lesson never makes its other pupils visible to a guardian.
    assert await _node(api, CARD, await pupil_id(api, NOOR), sandra) is None


# --- 4: the administration corrects data --------------------------------------------------------

UPDATE = """mutation($input: UpdatePupilInput!) { updatePupil(input: $input) {
  pupil { displayName phone address { street postcode city } studentNumber dateOfBirth
          programme enrolments { schoolYearStart programme } }
  errors { code field message } } }"""
MOVE = """mutation($p: ID!, $c: ID!) { movePupil(input: {pupilId: $p, classId: $c}) {
  pupil { className enrolments { schoolYearStart className } } errors { code field message } } }"""
RECORD = """mutation($p: ID!, $c: ID!, $g: String!, $y: [Int!]!) { recordEnrolment(input: {
  pupilId: $p, classId: $c, programme: $g, schoolYears: $y}) {
  enrolments { id schoolYearStart className programme active }
  errors { code field message } } }"""
END = """mutation($e: ID!, $d: Date!) { endEnrolment(enrolmentId: $e, endedOn: $d) {
  enrolments { id endedOn active } errors { code field message } } }"""
OVERVIEW = """query($id: ID!, $e: ID) { node(id: $id) { ... on Pupil {
  enrolments { id schoolYearStart programme active endedOn }
  resultsOverview(enrolmentId: $e) { enrolment { id } schoolYears
    subjects { code years { schoolYear average } } } } } }"""


async def test_the_administration_corrects_a_pupils_details(api: Api) -> None:
    admin = await api.login(ADMIN)
    tim = await pupil_id(api, TIM)
    before = await _node(api, CARD, tim, admin)
    changes = {
        "pupilId": tim,
        "phone": "06 98765432",
        "street": "Beukenlaan 3",
        "postcode": "3522 ab",
        "studentNumber": "240118",  # Noor's
    }
    # One refusal leaves everything as it was, the phone included.
    refused = (await api.data(UPDATE, {"input": changes}, admin))["updatePupil"]
    assert refused["pupil"] is None
    assert [(e["code"], e["field"]) for e in refused["errors"]] == [
        ("ALREADY_EXISTS", "studentNumber")
    ]
    assert "240118" in refused["errors"][0]["message"]
    assert await _node(api, CARD, tim, admin) == before
    future = str(local_date(utcnow()) + timedelta(days=1))
    bad = await api.data(UPDATE, {"input": {"pupilId": tim, "dateOfBirth": future}}, admin)
    assert [(e["code"], e["field"]) for e in bad["updatePupil"]["errors"]] == [
        ("INVALID", "dateOfBirth")
    ]
    blank = await api.data(UPDATE, {"input": {"pupilId": tim, "familyName": " "}}, admin)
    assert blank["updatePupil"]["errors"][0]["field"] == "familyName"

    changes["studentNumber"] = "240199"
    changes["programme"] = "havo Natuur en Gezondheid"
    done = await ok(api, UPDATE, {"input": changes}, admin, "updatePupil")
    pupil = done["pupil"]
    assert pupil["phone"] == "06 98765432" and pupil["studentNumber"] == "240199"
    assert pupil["address"] == {"street": "Beukenlaan 3", "postcode": "3522 AB", "city": "Utrecht"}
    # The current enrolment follows the programme; last year's stays as it was.
    programmes = {e["schoolYearStart"]: e["programme"] for e in pupil["enrolments"]}
    assert programmes == {_year(): "havo Natuur en Gezondheid", _year() - 1: "havo"}
    # Guardians see the corrected card at once.
    sandra = await api.login(SANDRA)
    assert (await _node(api, CARD, tim, sandra))["phone"] == "06 98765432"
    (event,) = await _audit(api, "PUPIL_UPDATED")
    assert event.detail == "changed: phone, postcode, programme, street, student_number"
    assert event.actor_person_id == await _person_pk(api, ADMIN)
    # A teacher or guardian may not correct anything.
    for token in (await api.login(TEACHER), sandra):
        body = await api.query(UPDATE, {"input": {"pupilId": tim, "phone": "1"}}, token)
        assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert (await _node(api, CARD, tim, admin))["phone"] == "06 98765432"


async def test_the_administration_moves_a_pupil_to_another_class(api: Api) -> None:
    admin = await api.login(ADMIN)
    tim = await pupil_id(api, TIM)
    mulder, dewit = await api.login(TEACHER), await api.login(DEWIT)
    c3a, c3b = await api.unit_id("3A"), await api.unit_id("3B")
    same = (await api.data(MOVE, {"p": tim, "c": c3a}, admin))["movePupil"]
    assert [(e["code"], e["field"]) for e in same["errors"]] == [("INVALID", "input.classId")]
    for not_a_class in ("Locatie Centrum", "Regio Zuid"):
        wrong = await api.data(MOVE, {"p": tim, "c": await api.unit_id(not_a_class)}, admin)
        assert wrong["movePupil"]["errors"][0]["code"] == "NOT_FOUND", not_a_class
    moved = await ok(api, MOVE, {"p": tim, "c": c3b}, admin, "movePupil")
    assert moved["pupil"]["className"] == "3B"
    classes = {e["schoolYearStart"]: e["className"] for e in moved["pupil"]["enrolments"]}
    assert classes == {_year(): "3B", _year() - 1: "3B"}
    # Access follows the class: 3A's mentor loses Tim, 3B's mentor gains him.
    assert await _node(api, CARD, tim, mulder) is None
    assert (await _node(api, CARD, tim, dewit))["className"] == "3B"
    assert (await api.data(CLASS_PUPILS, {"c": c3a}, mulder))["classPupils"]["totalCount"] == 1
    # The PUPIL role moved too: Tim now sees 3B's timetable, and no longer 3A's.
    tim_token = await api.login(TIM)
    roles = "{ viewer { roleAssignments { role unit { name } } } }"
    held = (await api.data(roles, token=tim_token))["viewer"]["roleAssignments"]
    assert held == [{"role": "PUPIL", "unit": {"name": "3B"}}]
    sandra = await api.login(SANDRA)
    days = (await _node(api, AGENDA, tim, sandra))["agenda"]["days"]
    assert [lesson for day in days for lesson in day["lessons"]] == []  # 3B has no demo lessons
    # Grades stay Tim's.
    results = """query($id: ID!) { node(id: $id) { ... on Pupil {
      latestGrades { totalCount } } } }"""
    assert (await _node(api, results, tim, sandra))["latestGrades"]["totalCount"] == 10
    (event,) = await _audit(api, "PUPIL_MOVED")
    assert event.detail == "from 3A to 3B"


async def test_earlier_enrolments_feed_the_results_overview_and_can_end(api: Api) -> None:
    admin = await api.login(ADMIN)
    today = local_date(utcnow())
    year = _year()
    ravi = await register_pupil(
        api, admin, "3A", "ravi@leerling.example", "Ravi", years_ago(today, 16), "900102"
    )
    # A grade of last school year, in a test of last year's subject.
    teacher = await api.login(TEACHER)  # mentor of 3A
    assess = """mutation($s: ID!, $c: ID!) { createAssessment(input: {subjectId: $s, classId: $c,
      name: "Eindtoets", weight: "1"}) { assessment { id } errors { code } } }"""
    test = await ok(
        api,
        assess,
        {"s": await subject_id(api, "NE", year - 1), "c": await api.unit_id("3A")},
        teacher,
        "createAssessment",
    )
    grade = """mutation($a: ID!, $p: ID!, $d: Date!) { recordGrade(input: {assessmentId: $a,
      pupilId: $p, grade: "6.8", takenOn: $d}) { ok errors { code } } }"""
    last_june = f"{year}-06-15"
    await ok(
        api,
        grade,
        {"a": test["assessment"]["id"], "p": ravi, "d": last_june},
        teacher,
        "recordGrade",
    )
    before = (await _node(api, OVERVIEW, ravi, admin))["resultsOverview"]
    assert before["schoolYears"] == [f"{year}-{year + 1}"] and before["subjects"] == []

    c3b = await api.unit_id("3B")
    variables = {"p": ravi, "c": c3b, "g": "havo", "y": [year - 1]}
    # Refused without a trace: a year with an enrolment already, a future year, no years.
    for years, code in (
        ([year - 1, year], "ALREADY_EXISTS"),
        ([year + 1], "INVALID"),
        ([], "INVALID"),
    ):
        refused = (await api.data(RECORD, {**variables, "y": years}, admin))["recordEnrolment"]
        assert [(e["code"], e["field"]) for e in refused["errors"]] == [
            (code, "input.schoolYears")
        ], years
    assert len((await _node(api, OVERVIEW, ravi, admin))["enrolments"]) == 1
    foreign = await api.data(RECORD, {**variables, "c": await api.unit_id("Regio Zuid")}, admin)
    assert foreign["recordEnrolment"]["errors"][0]["code"] == "NOT_FOUND"
    recorded = await ok(api, RECORD, variables, admin, "recordEnrolment")
    assert [
        (e["schoolYearStart"], e["className"], e["active"]) for e in recorded["enrolments"]
    ] == [(year - 1, "3B", True)]
    overview = (await _node(api, OVERVIEW, ravi, admin))["resultsOverview"]
    assert overview["schoolYears"] == [f"{year - 1}-{year}", f"{year}-{year + 1}"]
    assert overview["subjects"] == [
        {"code": "NE", "years": [{"schoolYear": f"{year - 1}-{year}", "average": "6.8"}]}
    ]
    (event,) = await _audit(api, "ENROLMENT_RECORDED")
    assert event.detail == f"havo: {year - 1}-{year}"

    # Ending this year's enrolment: it stays in the history, no longer active; the overview
    # then opens with the one still running.
    card = await _node(api, OVERVIEW, ravi, admin)
    current = next(e for e in card["enrolments"] if e["schoolYearStart"] == year)
    outside = await api.data(END, {"e": current["id"], "d": f"{year - 1}-12-01"}, admin)
    assert [(e["code"], e["field"]) for e in outside["endEnrolment"]["errors"]] == [
        ("INVALID", "endedOn")
    ]
    ended = await ok(api, END, {"e": current["id"], "d": str(today)}, admin, "endEnrolment")
    assert ended["enrolments"] == [{"id": current["id"], "endedOn": str(today), "active": False}]
    again = (await api.data(END, {"e": current["id"], "d": str(today)}, admin))["endEnrolment"]
    assert [(e["code"], e["field"]) for e in again["errors"]] == [("CONFLICT", "enrolmentId")]
    card = await _node(api, OVERVIEW, ravi, admin)
    assert card["resultsOverview"]["enrolment"]["id"] == recorded["enrolments"][0]["id"]
    assert len(await _audit(api, "ENROLMENT_ENDED")) == 1
    # Only the administration records or ends enrolments.
    body = await api.query(END, {"e": current["id"], "d": str(today)}, teacher)
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"


# --- 5 and 6: consent history, and a withdrawn feed stays revoked -------------------------------

CONSENT = """{ myPupilRecord { id guardians { id guardianEmail consentGiven consentGivenAt
  consentWithdrawnAt consentHistory { given changedAt changedByName changedByPupil } } } }"""
GIVE = """mutation($l: ID!) { giveGuardianConsent(guardianLinkId: $l) { errors { code } } }"""
WITHDRAW = """mutation($l: ID!) { withdrawGuardianConsent(guardianLinkId: $l) {
  errors { code } } }"""


async def test_withdrawn_feed_stays_revoked_and_consent_has_a_history(api: Api) -> None:
    admin = await api.login(ADMIN)
    today = local_date(utcnow())
    lisa = await register_pupil(
        api, admin, "3A", "lisa18@leerling.example", "Lisa", years_ago(today, 19), "900103"
    )
    await link_guardian(api, admin, lisa, "moeder@example.org", "Moeder")
    mother = await activate(api, "moeder@example.org")
    lisa_token = await activate(api, "lisa18@leerling.example")

    async def link() -> dict[str, Any]:
        record = (await api.data(CONSENT, token=lisa_token))["myPupilRecord"]
        return dict(record["guardians"][0])

    assert (await link())["consentHistory"] == []
    link_id = (await link())["id"]
    await ok(api, GIVE, {"l": link_id}, lisa_token, "giveGuardianConsent")
    old_url = (await ok(api, CREATE_FEED, {"p": lisa}, mother, "createCalendarFeed"))["url"]
    old = old_url.removeprefix("http://portaal.test")
    assert (await api.client.get(old)).status_code == 200

    await ok(api, WITHDRAW, {"l": link_id}, lisa_token, "withdrawGuardianConsent")
    assert (await api.client.get(old)).status_code == 404
    state = await link()
    assert state["consentGiven"] is False and state["consentGivenAt"] is None
    assert state["consentWithdrawnAt"] is not None

    # Consent again: the old URL stays dead; a new feed works.
    await ok(api, GIVE, {"l": link_id}, lisa_token, "giveGuardianConsent")
    assert (await api.client.get(old)).status_code == 404
    assert await _node(api, CARD, lisa, mother) is not None
    feeds = "query($id: ID!) { node(id: $id) { ... on Pupil { calendarFeeds { id } } } }"
    assert (await _node(api, feeds, lisa, mother))["calendarFeeds"] == []
    new_url = (await ok(api, CREATE_FEED, {"p": lisa}, mother, "createCalendarFeed"))["url"]
    assert new_url != old_url
    assert (await api.client.get(new_url.removeprefix("http://portaal.test"))).status_code == 200

    # The current state, no stale withdrawal beside it; the history newest first.
    state = await link()
    assert state["consentGiven"] is True and state["consentWithdrawnAt"] is None
    history = state["consentHistory"]
    assert [h["given"] for h in history] == [True, False, True]
    assert all(h["changedByName"] == "Lisa Test" and h["changedByPupil"] for h in history)
    assert history[0]["changedAt"] == state["consentGivenAt"]
    assert history[0]["changedAt"] >= history[1]["changedAt"] >= history[2]["changedAt"]
    # The administration reads the same history; the mentor sees the link but not its history.
    by_id = """query($id: ID!) { node(id: $id) { ... on Pupil { guardians {
      consentHistory { given } } } } }"""
    admin_view = await _node(api, by_id, lisa, admin)
    assert [h["given"] for h in admin_view["guardians"][0]["consentHistory"]] == [True, False, True]
    body = await api.query(by_id, {"id": lisa}, await api.login(TEACHER))
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert body["errors"][0]["path"][-1] == "consentHistory"
    # The guardian reads neither.
    assert (await api.query(by_id, {"id": lisa}, mother))["errors"][0]["extensions"][
        "code"
    ] == "FORBIDDEN"


# --- 7: attendance counts lesson hours ---------------------------------------------------------


async def test_attendance_counts_lesson_hours(api: Api) -> None:
    admin = await api.login(ADMIN)
    today = local_date(utcnow())
    pupil = await register_pupil(
        api, admin, "3B", "uren@leerling.example", "Uri", years_ago(today, 15), "900104"
    )
    c3b = await api.unit_id("3B")
    wi = await subject_id(api, "WI", _year())
    schedule = """mutation($c: ID!, $s: ID!, $d: Date!, $f: Time!, $t: Time!, $h: Int!,
      $l: Int) { scheduleLesson(input: {classId: $c, subjectId: $s, date: $d, startTime: $f,
      endTime: $t, firstLessonHour: $h, lastLessonHour: $l}) { lesson { id } errors { code } } }"""
    day = str(today - timedelta(days=today.weekday() + 7))  # Monday of last week
    lessons = {}
    for name, start, end, first, last in (
        ("double", "08:30", "10:10", 1, 2),
        ("third", "10:30", "11:20", 3, None),
        ("fourth", "11:20", "12:10", 4, None),
    ):
        variables = {"c": c3b, "s": wi, "d": day, "f": start, "t": end, "h": first, "l": last}
        lessons[name] = (await ok(api, schedule, variables, admin, "scheduleLesson"))["lesson"][
            "id"
        ]
    register = """mutation($l: ID!, $p: [ID!]!) { registerAttendance(lessonId: $l,
      absentPupilIds: $p) { errors { code } } }"""
    for name, lesson in lessons.items():
        absent = [pupil] if name == "double" else []
        await ok(api, register, {"l": lesson, "p": absent}, admin, "registerAttendance")
    attendance = """query($id: ID!, $d: Date!) { node(id: $id) { ... on Pupil {
      attendance(firstDay: $d, lastDay: $d) { registeredLessons absentLessons
        registeredLessonHours absentLessonHours absencePercent presencePercent
        weeks { absences { lessonHour lessonHours } } } } } }"""
    found = (await api.data(attendance, {"id": pupil, "d": day}, admin))["node"]["attendance"]
    # By hand: 4 lesson hours registered, the double lesson (2 hours) missed: 2/4 = 50 %,
    # where counting lessons would say 1/3 = 33.3 %.
    assert found == {
        "registeredLessons": 3,
        "absentLessons": 1,
        "registeredLessonHours": 4,
        "absentLessonHours": 2,
        "absencePercent": "50.0",
        "presencePercent": "50.0",
        "weeks": [{"absences": [{"lessonHour": 1, "lessonHours": 2}]}],
    }
    # The field says what it counts, for the frontend's docs panel.
    described = """{ __type(name: "Attendance") { fields { name description } } }"""
    fields = {
        f["name"]: f["description"]
        for f in (await api.data(described, token=admin))["__type"]["fields"]
    }
    assert "lesson hours" in fields["absencePercent"] and "2 hours" in fields["absencePercent"]


# --- 8: the latest grades, across subjects, paged --------------------------------------------

LATEST = """query($id: ID!, $n: Int, $a: String, $k: AssessmentKind) { node(id: $id) {
  ... on Pupil { latestGrades(first: $n, after: $a, kind: $k) { totalCount
    pageInfo { hasNextPage endCursor }
    nodes { name testName grade takenOn attempt kind finalised subject { code } } } } } }"""


async def test_latest_grades_ordered_paged_and_hidden_exams_left_out(api: Api) -> None:
    tim = await pupil_id(api, TIM)
    today = local_date(utcnow())
    sandra = await api.login(SANDRA)

    async def latest(token: str, **args: Any) -> dict[str, Any]:
        variables = {"id": tim, **args}
        return dict((await api.data(LATEST, variables, token))["node"]["latestGrades"])

    first = await latest(sandra, n=3)
    # The demo: Spreekbeurt 5 days ago, the resit of Hoofdstuk 2 8 days ago, Eindversie 12;
    # the unfinalised school exam of 3 days ago is not there for a guardian.
    assert [(g["name"], g["subject"]["code"], g["attempt"]) for g in first["nodes"]] == [
        ("Spreekbeurt", "NE", 1),
        ("Hoofdstuk 2", "WI", 2),
        ("Eindversie", "NE", 1),
    ]
    assert first["nodes"][0]["takenOn"] == str(today - timedelta(days=5))
    assert first["totalCount"] == 10 and first["pageInfo"]["hasNextPage"] is True
    rest = await latest(sandra, n=100, a=first["pageInfo"]["endCursor"])
    assert len(rest["nodes"]) == 7 and rest["pageInfo"]["hasNextPage"] is False
    every = first["nodes"] + rest["nodes"]
    assert [g["takenOn"] for g in every] == sorted((g["takenOn"] for g in every), reverse=True)
    assert not any(g["kind"] == "EXAM_ORIENTED" and not g["finalised"] for g in every)
    assert (await latest(sandra, k="REGULAR"))["totalCount"] == 9  # without the listening exam
    # Staff of the class see the unfinalised exam result first.
    mentor = await latest(await api.login(TEACHER), n=1)
    assert mentor["nodes"][0]["name"] == "Schoolexamen leesvaardigheid"
    assert mentor["totalCount"] == 11
    # Same visibility as the card: nothing for a teacher of another location.
    noord = await api.login(NOORD_TEACHER)
    assert (await api.data(LATEST, {"id": tim, "n": 3}, noord))["node"] is None
    too_many = await api.query(LATEST, {"id": tim, "n": 101}, sandra)
    assert too_many["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
