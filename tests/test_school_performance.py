"""A guardian's dashboard costs a constant number of SQL statements, however many children."""

from __future__ import annotations

from domain.school.grades import school_year_of
from domain.school.timetable import local_date
from persistence.types import utcnow
from tests.conftest import Api
from tests.school_setup import (
    ADMIN,
    NOOR,
    TEACHER,
    TIM,
    activate,
    link_guardian,
    ok,
    pupil_id,
    register_pupil,
    subject_id,
    years_ago,
)

# Dashboard + pupil card + week agenda + results (matrix, overview, latest grades) + attendance,
# all children.
DASHBOARD = """{ myChildren { firstName accessAllowed accessReason message pupil {
  id displayName studentNumber phone programme className
  address { street postcode city }
  location { name phone address { street postcode city } }
  mentors { displayName }
  enrolments { schoolYear className programme }
  agenda(view: WEEK) { firstDay days { date lessons { subject { code name } room teacherCode
    teacherName className startTime endTime attendanceRegistered hasHomework homework } } }
  resultsMatrix { schoolYear subjects { subject { id code name } average testCount
    grades { name testName grade weight takenOn attempt isSubTest } } }
  resultsOverview { schoolYears subjects { code name years { schoolYear average testCount } } }
  latestGrades(first: 10) { totalCount pageInfo { hasNextPage endCursor }
    edges { cursor node { name grade takenOn attempt subject { code name } } } }
  attendance { registeredLessons absencePercent presencePercent
    weeks { isoWeek absences { date lessonHour subjectName authorised handled lesson { room } } } }
} } }"""


LATEST = DASHBOARD[DASHBOARD.index("  latestGrades") : DASHBOARD.index("  attendance {")]


async def _statements(api: Api, token: str, query: str = DASHBOARD) -> tuple[int, int]:
    await api.data(query, token=token)  # a first request may touch the token's last use
    data = await api.data(query, token=token)
    visible = sum(1 for c in data["myChildren"] if c["pupil"] is not None)
    return api.last_statements, visible


async def test_guardian_dashboard_statement_count_is_constant(api: Api) -> None:
    admin = await api.login(ADMIN)
    today = local_date(utcnow())
    # A third child in another class at another location (4H, Locatie Noord).
    kim = await register_pupil(
        api, admin, "4H", "kim@leerling.example", "Kim", years_ago(today, 16), "900020"
    )
    tim, noor = await pupil_id(api, TIM), await pupil_id(api, NOOR)
    for pupil in (tim,):
        assert (await link_guardian(api, admin, pupil, "een@example.org", "Een"))["linkGuardian"][
            "errors"
        ] == []
    for pupil in (tim, noor, kim):
        assert (await link_guardian(api, admin, pupil, "drie@example.org", "Drie"))["linkGuardian"][
            "errors"
        ] == []
    one = await activate(api, "een@example.org")
    three = await activate(api, "drie@example.org")

    one_child, seen = await _statements(api, one)
    assert seen == 1
    three_children, seen = await _statements(api, three)
    assert seen == 3
    assert three_children == one_child, (one_child, three_children)
    # The latest grades come from the batch the results already load: not one statement more.
    without_latest, _ = await _statements(api, three, DASHBOARD.replace(LATEST, ""))
    assert without_latest == three_children, (without_latest, three_children)

    # Many more grades for the children changes nothing either.
    teacher = await api.login(TEACHER)
    year = school_year_of(today).start_year
    c3a = await api.unit_id("3A")
    for code in ("BI", "DU"):
        subject = await subject_id(api, code, year)
        for n in range(6):
            created = await ok(
                api,
                """mutation($s: ID!, $c: ID!, $n: String!) { createAssessment(input: {subjectId: $s,
                classId: $c, name: $n, weight: "2"}) { assessment { id } errors { code } } }""",
                {"s": subject, "c": c3a, "n": f"Toets {n}"},
                teacher,
                "createAssessment",
            )
            for pupil in (tim, noor):
                await ok(
                    api,
                    """mutation($a: ID!, $p: ID!, $d: Date!) { recordGrade(input: {assessmentId: $a,
                    pupilId: $p, grade: "7.5", takenOn: $d}) { ok errors { code } } }""",
                    {"a": created["assessment"]["id"], "p": pupil, "d": str(today)},
                    teacher,
                    "recordGrade",
                )
    many_grades, _ = await _statements(api, three)
    assert many_grades == three_children, (three_children, many_grades)
    # The number itself, so a regression shows up in review: authentication (token, roles,
    # school relations) plus one batch per relation; latestGrades reuses the grades' batch.
    assert three_children <= 20, three_children


# The bench's dashboard (bench/queries.py): pupil card, location, mentors, week agenda with
# teachers, results matrix and attendance with absences.
BENCH_DASHBOARD = """query($date: Date!, $firstDay: Date!) { myChildren { firstName message pupil {
  displayName className location { name address { city } } mentors { displayName }
  agenda(view: WEEK, date: $date) { days { lessons { subject { code } teacherName className } } }
  resultsMatrix { subjects { average grades { grade isSubTest } } }
  attendance(firstDay: $firstDay) { registeredLessons absencePercent
    weeks { absences { date subjectName } } }
} } }"""


async def test_the_bench_dashboard_costs_six_statements_for_one_child_and_for_three(
    api: Api,
) -> None:
    admin = await api.login(ADMIN)
    today = local_date(utcnow())
    kim = await register_pupil(
        api, admin, "4H", "kim@leerling.example", "Kim", years_ago(today, 16), "900020"
    )
    tim, noor = await pupil_id(api, TIM), await pupil_id(api, NOOR)
    await link_guardian(api, admin, tim, "een@example.org", "Een")
    for pupil in (tim, noor, kim):
        await link_guardian(api, admin, pupil, "drie@example.org", "Drie")
    one = await activate(api, "een@example.org")
    three = await activate(api, "drie@example.org")
    first = str(school_year_of(today).first_day)
    counts = {}
    for token, children in ((one, 1), (three, 3)):
        variables = {"date": str(today), "firstDay": first}
        await api.data(BENCH_DASHBOARD, variables, token=token)
        data = await api.data(BENCH_DASHBOARD, variables, token=token)
        assert sum(1 for c in data["myChildren"] if c["pupil"]) == children
        counts[children] = api.last_statements
    # Authentication, school relations, the children (cards, locations, mentors), the agenda's
    # lessons with teachers, the grades, the attendance: one statement each, for any children.
    assert counts[1] == counts[3] <= 6, counts
