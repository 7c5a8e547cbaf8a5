"""School portal: weighted averages with sub-tests, hidden exam results, attendance, agenda."""

from __future__ import annotations

from typing import Any

from domain.school.grades import school_year_of
from domain.school.timetable import local_date
from persistence.types import utcnow
from tests.conftest import Api
from tests.school_setup import (
    ADMIN,
    NOORD_TEACHER,
    SANDRA,
    TEACHER,
    TIM,
    ok,
    pupil_id,
    register_pupil,
    subject_id,
    teach,
    years_ago,
)

MATRIX = """query($id: ID!, $k: AssessmentKind!) { node(id: $id) { ... on Pupil {
  resultsMatrix(kind: $k) { subjects { subject { code } average testCount
    grades { name testName grade weight attempt isSubTest finalised } } } } } }"""
EXPLAIN = """query($id: ID!, $s: ID!, $k: AssessmentKind!) { node(id: $id) { ... on Pupil {
  averageExplanation(subjectId: $s, kind: $k) { subjectName average plainMean plainMeanOfEntered
    reasons sentence tests { name grade gradeExact weight weightSharePercent contribution attempt
      parts { name grade weight weightSharePercent } } } } } }"""
ASSESS = """mutation($s: ID!, $c: ID!, $n: String!, $w: String!, $k: AssessmentKind!, $p: ID) {
  createAssessment(input: {subjectId: $s, classId: $c, name: $n, weight: $w, kind: $k,
                            parentId: $p}) {
    assessment { id name weight kind } errors { code field message } } }"""
GRADE = """mutation($a: ID!, $p: ID!, $g: String!, $t: Date!, $n: Int!) {
  recordGrade(input: {assessmentId: $a, pupilId: $p, grade: $g, takenOn: $t, attempt: $n}) {
    ok errors { code field message } } }"""
SCHEDULE = """mutation($c: ID!, $s: ID!, $d: Date!, $from: Time!, $to: Time!, $h: Int!, $hw: String) {
  scheduleLesson(input: {classId: $c, subjectId: $s, date: $d, startTime: $from, endTime: $to,
                         firstLessonHour: $h, room: "1.23", teacherCode: "MUL", homework: $hw}) {
    lesson { id date startTime startsAt } errors { code field message } } }"""
AGENDA = """query($id: ID!, $v: AgendaView!, $d: Date, $e: Date) { node(id: $id) { ... on Pupil {
  agenda(view: $v, date: $d, endDate: $e) { view firstDay lastDay
    days { date lessons { subject { code } date startTime endTime startsAt endsAt firstLessonHour
      room teacherCode className attendanceRegistered hasHomework homework } } } } } }"""
ATTENDANCE = """query($id: ID!, $f: Date, $l: Date) { node(id: $id) { ... on Pupil {
  attendance(firstDay: $f, lastDay: $l) { firstDay lastDay registeredLessons absentLessons
    absencePercent presencePercent
    weeks { isoWeek year week monday
      absences { id date isoWeek lessonHour subjectName reason authorised handled } } } } } }"""


def _year() -> int:
    return school_year_of(local_date(utcnow())).start_year


async def _matrix(api: Api, pupil: str, token: str, kind: str) -> dict[str, Any]:
    data = await api.data(MATRIX, {"id": pupil, "k": kind}, token)
    return {s["subject"]["code"]: s for s in data["node"]["resultsMatrix"]["subjects"]}


async def test_hidden_exam_results_never_reach_the_family(api: Api) -> None:
    tim = await pupil_id(api, TIM)
    # The demo: English has a finalised exam-oriented listening test (6.9, weight 1) and an
    # unfinalised school exam (5.4, weight 2).
    for email in (SANDRA, TIM):
        family = await api.login(email)
        exam = await _matrix(api, tim, family, "EXAM_ORIENTED")
        assert [g["name"] for g in exam["EN"]["grades"]] == ["Kijk- en luistertoets"]
        assert exam["EN"]["average"] == "6.9" and exam["EN"]["testCount"] == 1
        regular = await _matrix(api, tim, family, "REGULAR")
        assert [g["name"] for g in regular["EN"]["grades"]] == ["Woordentoets"]
        en = await subject_id(api, "EN", _year())
        explained = await api.data(EXPLAIN, {"id": tim, "s": en, "k": "EXAM_ORIENTED"}, family)
        lines = explained["node"]["averageExplanation"]["tests"]
        assert [t["name"] for t in lines] == ["Kijk- en luistertoets"]
    # Staff of the class see both; the average counts the hidden one for them.
    for email in (TEACHER, ADMIN):
        staff = await api.login(email)
        exam = await _matrix(api, tim, staff, "EXAM_ORIENTED")
        assert [g["name"] for g in exam["EN"]["grades"]] == [
            "Kijk- en luistertoets",
            "Schoolexamen leesvaardigheid",
        ]
        # (6.9 · 1 + 5.4 · 2) / 3 = 5.9
        assert exam["EN"]["average"] == "5.9"
    # Once the exam board finalises it, the family sees it too.
    admin = await api.login(ADMIN)
    assessments = await _assessment_ids(api, "Schoolexamen leesvaardigheid")
    for aid in assessments:
        await ok(
            api,
            "mutation($a: ID!) { finaliseAssessment(assessmentId: $a) { assessment { finalised } errors { code } } }",
            {"a": aid},
            admin,
            "finaliseAssessment",
        )
    sandra = await api.login(SANDRA)
    exam = await _matrix(api, tim, sandra, "EXAM_ORIENTED")
    assert exam["EN"]["average"] == "5.9" and exam["EN"]["testCount"] == 2


async def _assessment_ids(api: Api, name: str) -> list[str]:
    import sqlalchemy as sa

    from domain.core.ids import encode_global_id
    from persistence.school.models import SchoolAssessment

    async with api.database.transaction() as s:
        ids = (
            await s.execute(sa.select(SchoolAssessment.id).where(SchoolAssessment.name == name))
        ).scalars()
        return [encode_global_id("SchoolAssessment", i) for i in ids]


async def test_weighted_average_with_sub_tests_matches_hand_computation(api: Api) -> None:
    admin = await api.login(ADMIN)
    teacher = await api.login(TEACHER)
    today = local_date(utcnow())
    pupil = await register_pupil(
        api, admin, "3B", "rekenen@leerling.example", "Ravi", years_ago(today, 14), "900010"
    )
    await teach(api, admin, TEACHER, "3B")  # a teacher of 3B sees its pupils' results
    ne = await subject_id(api, "NE", _year())
    c3b = await api.unit_id("3B")

    async def test(name: str, weight: str, parent: str | None = None) -> str:
        variables = {"s": ne, "c": c3b, "n": name, "w": weight, "k": "REGULAR", "p": parent}
        payload = await ok(api, ASSESS, variables, teacher, "createAssessment")
        return str(payload["assessment"]["id"])

    async def grade(assessment: str, value: str, attempt: int = 1) -> dict[str, Any]:
        variables = {"a": assessment, "p": pupil, "g": value, "t": str(today), "n": attempt}
        return dict((await api.data(GRADE, variables, teacher))["recordGrade"])

    reading = await test("Lezen", "1")
    writing = await test("Schrijven", "2")
    draft = await test("Opzet", "1", writing)
    final = await test("Eindversie", "3", writing)
    talk = await test("Spreekbeurt", "1")
    assert (await grade(reading, "7.0"))["ok"]
    assert (await grade(draft, "6,0"))["ok"]  # a Dutch decimal comma is accepted
    assert (await grade(final, "8.1"))["ok"]
    assert (await grade(talk, "4.0"))["ok"]
    assert (await grade(talk, "5.5", attempt=2))["ok"]  # the resit counts
    # A composed test takes no grade of its own; grades stay on the 1-10 scale, one decimal.
    assert (await grade(writing, "7.0"))["errors"][0]["code"] == "INVALID"
    assert (await grade(reading, "10.5"))["errors"][0]["field"] == "grade"
    assert (await grade(reading, "7.25"))["errors"][0]["field"] == "grade"

    # By hand: Schrijven = (6.0·1 + 8.1·3) / 4 = 7.575 (shown 7.6)
    # average = (7.0·1 + 7.575·2 + 5.5·1) / 4 = 27.65 / 4 = 6.9125 → 6.9
    # plain mean of the shown test grades = (7.0 + 7.6 + 5.5) / 3 = 6.7
    # plain mean of the grades entered = (7.0 + 6.0 + 8.1 + 5.5) / 4 = 6.65 → 6.7
    sandra_view = await _matrix(api, pupil, teacher, "REGULAR")
    assert sandra_view["NE"]["average"] == "6.9" and sandra_view["NE"]["testCount"] == 3
    shown = [(g["name"], g["grade"], g["isSubTest"]) for g in sandra_view["NE"]["grades"]]
    assert ("Opzet", "6.0", True) in shown and ("Spreekbeurt", "5.5", False) in shown
    explained = (await api.data(EXPLAIN, {"id": pupil, "s": ne, "k": "REGULAR"}, teacher))["node"][
        "averageExplanation"
    ]
    assert explained["average"] == "6.9"
    assert explained["plainMean"] == "6.7"
    assert explained["plainMeanOfEntered"] == "6.7"
    assert explained["reasons"] == ["UNEQUAL_WEIGHTS", "COMPOSED_TESTS", "ROUNDING"]
    lines = {t["name"]: t for t in explained["tests"]}
    assert lines["Schrijven"]["gradeExact"] == "7.5750"
    assert lines["Schrijven"]["weightSharePercent"] == "50.0"
    assert lines["Schrijven"]["contribution"] == "3.7875"
    assert [(p["name"], p["weightSharePercent"]) for p in lines["Schrijven"]["parts"]] == [
        ("Opzet", "25.0"),
        ("Eindversie", "75.0"),
    ]
    assert lines["Spreekbeurt"]["attempt"] == 2
    total = sum(float(t["contribution"]) for t in explained["tests"])
    assert abs(total - 6.9125) < 1e-9
    assert "wijkt af van het gewone gemiddelde 6,7" in explained["sentence"]  # Dutch, comma

    # A teacher of another location cannot grade this class.
    noord = await api.login(NOORD_TEACHER)
    refused = (
        await api.data(
            GRADE, {"a": reading, "p": pupil, "g": "9.0", "t": str(today), "n": 1}, noord
        )
    )["recordGrade"]
    assert refused["errors"][0]["code"] == "NOT_FOUND" and refused["ok"] is False


async def test_attendance_percentages_match_hand_counts(api: Api) -> None:
    admin = await api.login(ADMIN)
    teacher = await api.login(TEACHER)
    today = local_date(utcnow())
    pupil = await register_pupil(
        api, admin, "3B", "afwezig@leerling.example", "Aziz", years_ago(today, 15), "900011"
    )
    await teach(api, admin, TEACHER, "3B")  # a teacher of 3B this school year
    c3b = await api.unit_id("3B")
    wi = await subject_id(api, "WI", _year())
    # Eight lessons over two ISO weeks (2025-W10 and W11), hours 1 and 2 on four days.
    days = ["2025-03-03", "2025-03-05", "2025-03-10", "2025-03-12"]
    lessons = {}
    for day in days:
        for hour, (start, end) in ((1, ("08:30", "09:20")), (2, ("09:20", "10:10"))):
            variables = {"c": c3b, "s": wi, "d": day, "from": start, "to": end, "h": hour}
            payload = await ok(api, SCHEDULE, variables, teacher, "scheduleLesson")
            lessons[(day, hour)] = payload["lesson"]["id"]
    register = """mutation($l: ID!, $p: [ID!]!) { registerAttendance(lessonId: $l, absentPupilIds: $p) {
      absences { id authorised handled reason } errors { code field message } } }"""
    # Attendance is registered for 6 of the 8 lessons (not the 2nd hours of 5 and 12 March);
    # Aziz missed 2 of those.
    absent = {("2025-03-03", 2), ("2025-03-12", 1)}
    unregistered = {("2025-03-05", 2), ("2025-03-12", 2)}
    for key in [k for k in lessons if k not in unregistered]:
        variables = {"l": lessons[key], "p": [pupil] if key in absent else []}
        payload = await ok(api, register, variables, teacher, "registerAttendance")
        for absence in payload["absences"]:
            # Recorded without a reason: unauthorised and not handled.
            assert absence == {
                "id": absence["id"],
                "authorised": False,
                "handled": False,
                "reason": None,
            }
    data = await api.data(ATTENDANCE, {"id": pupil, "f": "2025-03-01", "l": "2025-03-16"}, admin)
    found = data["node"]["attendance"]
    # By hand: 6 registered lessons, 2 absent: 2/6 = 33.3 % absent, 66.7 % present.
    assert found["registeredLessons"] == 6 and found["absentLessons"] == 2
    assert found["absencePercent"] == "33.3" and found["presencePercent"] == "66.7"
    weeks = found["weeks"]
    assert [(w["isoWeek"], w["week"], w["monday"]) for w in weeks] == [
        ("2025-W11", 11, "2025-03-10"),
        ("2025-W10", 10, "2025-03-03"),
    ]
    first = weeks[1]["absences"][0]
    assert (first["date"], first["lessonHour"], first["subjectName"]) == (
        "2025-03-03",
        2,
        "Wiskunde",
    )
    # Only the first week by hand: 3 registered lessons, 1 absent.
    week10 = await api.data(ATTENDANCE, {"id": pupil, "f": "2025-03-03", "l": "2025-03-09"}, admin)
    w10 = week10["node"]["attendance"]
    assert (w10["registeredLessons"], w10["absentLessons"], w10["absencePercent"]) == (3, 1, "33.3")

    # Handling: the mentor of 3B (made so now) records a reason; a reason is needed first.
    await ok(
        api,
        """mutation($c: ID!, $t: ID!) { setClassMentor(classId: $c, teacherId: $t) { ok errors { code message } } }""",
        {"c": c3b, "t": await api.person_id(TEACHER)},
        admin,
        "setClassMentor",
    )
    teacher = await api.login(TEACHER)  # the viewer's mentor relation is computed per request
    handle = """mutation($a: ID!, $r: String, $au: Boolean!, $h: Boolean!) {
      handleAbsence(absenceId: $a, reason: $r, authorised: $au, handled: $h) {
        absence { reason authorised handled } errors { code field message } } }"""
    absence_id = first["id"]
    no_reason = await api.data(handle, {"a": absence_id, "r": None, "au": True, "h": True}, teacher)
    assert no_reason["handleAbsence"]["errors"][0]["field"] == "reason"
    done = await ok(
        api, handle, {"a": absence_id, "r": "Ziek", "au": True, "h": True}, teacher, "handleAbsence"
    )
    assert done["absence"] == {"reason": "Ziek", "authorised": True, "handled": True}
    noord = await api.login(NOORD_TEACHER)
    other = await api.data(handle, {"a": absence_id, "r": "x", "au": False, "h": True}, noord)
    assert other["handleAbsence"]["errors"][0]["code"] == "NOT_FOUND"


async def test_demo_absences_in_every_state(api: Api) -> None:
    sandra = await api.login(SANDRA)
    tim = await pupil_id(api, TIM)
    found = (await api.data(ATTENDANCE, {"id": tim}, sandra))["node"]["attendance"]
    states = {
        (a["reason"] is not None, a["authorised"], a["handled"])
        for w in found["weeks"]
        for a in w["absences"]
    }
    assert states == {
        (False, False, False),
        (True, True, True),
        (True, False, True),
        (True, True, False),
    }
    assert found["absentLessons"] == 5


async def test_week_agenda_across_week_boundary_and_dst(api: Api) -> None:
    admin = await api.login(ADMIN)
    teacher = await api.login(TEACHER)
    today = local_date(utcnow())
    pupil = await register_pupil(
        api, admin, "3B", "agenda@leerling.example", "Anna", years_ago(today, 13), "900012"
    )
    c3b = await api.unit_id("3B")
    en = await subject_id(api, "EN", _year())
    # Clocks go back on Sunday 26 October 2025 (03:00 CEST → 02:00 CET).
    plan = [
        ("2025-10-20", "08:30", "09:20", 1, "Learn words 1-20"),  # CEST, UTC+2
        ("2025-10-24", "14:00", "14:50", 7, None),
        ("2025-10-26", "23:30", "23:55", 9, None),  # Sunday night after the change: CET
        ("2025-10-27", "00:15", "00:45", 1, None),  # Monday just after midnight: next week
        ("2025-10-27", "08:30", "09:20", 1, None),  # CET, UTC+1
    ]
    for day, start, end, hour, homework in plan:
        variables = {
            "c": c3b,
            "s": en,
            "d": day,
            "from": start,
            "to": end,
            "h": hour,
            "hw": homework,
        }
        await ok(api, SCHEDULE, variables, teacher, "scheduleLesson")
    # A wall-clock time that does not exist (spring forward) is refused.
    missing = {"c": c3b, "s": en, "d": "2025-03-30", "from": "02:30", "to": "03:30", "h": 1}
    refused = (await api.data(SCHEDULE, missing, teacher))["scheduleLesson"]
    assert refused["errors"][0]["field"] == "startTime"

    week = (await api.data(AGENDA, {"id": pupil, "v": "WEEK", "d": "2025-10-22"}, admin))["node"][
        "agenda"
    ]
    assert (week["firstDay"], week["lastDay"]) == ("2025-10-20", "2025-10-26")
    assert [d["date"] for d in week["days"]] == [f"2025-10-{n}" for n in range(20, 27)]
    by_day = {d["date"]: d["lessons"] for d in week["days"]}
    monday = by_day["2025-10-20"][0]
    assert (monday["startTime"], monday["startsAt"]) == ("08:30:00", "2025-10-20T06:30:00+00:00")
    assert monday["hasHomework"] and monday["homework"] == "Learn words 1-20"
    assert (monday["room"], monday["teacherCode"], monday["className"]) == ("1.23", "MUL", "3B")
    sunday = by_day["2025-10-26"][0]
    # 23:30 CET is 22:30 UTC: still Sunday, still this week (a fixed +2 would say Monday).
    assert (sunday["startTime"], sunday["startsAt"]) == ("23:30:00", "2025-10-26T22:30:00+00:00")
    assert sum(len(lessons) for lessons in by_day.values()) == 3

    work_week = await api.data(AGENDA, {"id": pupil, "v": "WORK_WEEK", "d": "2025-10-26"}, admin)
    days = work_week["node"]["agenda"]["days"]
    assert [d["date"] for d in days] == [f"2025-10-{n}" for n in range(20, 25)]
    assert [len(d["lessons"]) for d in days] == [1, 0, 0, 0, 1]

    following = await api.data(AGENDA, {"id": pupil, "v": "WEEK", "d": "2025-10-27"}, admin)
    next_monday = following["node"]["agenda"]["days"][0]
    assert next_monday["date"] == "2025-10-27"
    # 00:15 CET on Monday is 23:15 UTC on Sunday: it belongs to Monday, the next week.
    assert [(lesson["startTime"], lesson["startsAt"]) for lesson in next_monday["lessons"]] == [
        ("00:15:00", "2025-10-26T23:15:00+00:00"),
        ("08:30:00", "2025-10-27T07:30:00+00:00"),
    ]

    listed = await api.data(
        AGENDA, {"id": pupil, "v": "LIST", "d": "2025-10-24", "e": "2025-10-28"}, admin
    )
    assert [d["date"] for d in listed["node"]["agenda"]["days"]] == [
        "2025-10-24",
        "2025-10-26",
        "2025-10-27",
    ]
    too_long = await api.query(
        AGENDA, {"id": pupil, "v": "LIST", "d": "2025-01-01", "e": "2025-12-31"}, admin
    )
    assert too_long["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
