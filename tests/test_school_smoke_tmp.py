from tests.conftest import Api
from tests.school_setup import SANDRA, TEACHER

Q = """{ myChildren { firstName accessAllowed accessReason message pupil { id displayName studentNumber phone
  address { street postcode city } programme className location { name phone address { street city } }
  mentors { displayName } enrolments { schoolYear className programme }
  resultsMatrix { schoolYear subjects { subject { id code name } average testCount grades { name testName grade weight attempt isSubTest } } }
  resultsOverview { schoolYears subjects { code years { schoolYear average testCount } } }
  attendance { registeredLessons absentLessons absencePercent presencePercent weeks { isoWeek absences { date lessonHour subjectName reason authorised handled } } }
  agenda { firstDay lastDay days { date lessons { subject { name } room teacherCode teacherName className startTime endTime attendanceRegistered homework } } }
} } }"""

async def test_smoke(api: Api) -> None:
    import json
    t = await api.login(SANDRA)
    body = await api.query(Q, token=t)
    print(json.dumps(body, indent=1)[:6000])
    print("STATEMENTS", api.last_statements)
    assert "errors" not in body
