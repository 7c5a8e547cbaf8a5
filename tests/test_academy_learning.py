"""The learner's side of the academy and what follows from it: lessons and progress, the exam
(pass mark 70, at most 2 resits, review shown once), certificates with the highest score,
accreditation reports, refreshers at +3/+6 months, the report aggregates and the magazine."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from domain.core.ids import encode_global_id
from persistence.academy.models import Enrolment, ExamAttempt, Learner
from persistence.background.models import Job, OutboxMail
from persistence.core.models import Person
from persistence.types import utcnow
from portaal.worker import Worker
from tests.conftest import Api, make_settings
from tests.helpers import outbox

MINE = """{ myEnrolments { id status progressPercent examAttemptsLeft course { title hasExam }
  lessons { lesson { id title } completed } examAttempts { number scorePercent passed }
  certificate { verificationCode highestScorePercent pdfUrl } } }"""
COMPLETE = "mutation($e: ID!, $l: ID!) { completeLesson(enrolmentId: $e, lessonId: $l) { enrolment { status progressPercent } errors { code message } } }"
START = "mutation($e: ID!) { startExamAttempt(enrolmentId: $e) { attempt { id number } questions { id text options } errors { code message } } }"
SUBMIT = """mutation($a: ID!, $ans: [ExamAnswerInput!]!) { submitExamAttempt(attemptId: $a, answers: $ans) {
  scorePercent passed attemptsLeft review { question { text } chosenOption correctOption correct } errors { code message } } }"""
CORRECT = {
    "Wat is stap 1 van de meldcode?": 1,
    "Wie raadpleeg je in stap 2?": 0,
    "Mag je zonder toestemming informatie delen met Veilig Thuis?": 0,
}


async def _mine(api: Api, token: str, title: str) -> dict:
    return next(
        e
        for e in (await api.data(MINE, token=token))["myEnrolments"]
        if e["course"]["title"].startswith(title)
    )


async def _answers(questions: list[dict], right: int) -> list[dict]:
    out = []
    for i, q in enumerate(questions):
        good = CORRECT[q["text"]]
        out.append(
            {
                "questionId": q["id"],
                "optionIndex": good if i < right else (good + 1) % len(q["options"]),
            }
        )
    return out


async def _exam(api: Api, token: str, enrolment: str, right: int) -> dict:
    started = (await api.data(START, {"e": enrolment}, token))["startExamAttempt"]
    assert started["errors"] == [], started
    assert "correct" not in str(started["questions"]).lower()
    answers = await _answers(started["questions"], right)
    return (await api.data(SUBMIT, {"a": started["attempt"]["id"], "ans": answers}, token))[
        "submitExamAttempt"
    ]


async def _assign_meldcode(api: Api, email: str) -> str:
    """Give Eva (not started) a fresh course to walk through from the start."""
    learner = await api.login(email)
    return learner


async def test_lessons_progress_and_completion_issue_a_certificate(api: Api) -> None:
    eva = await api.login("eva.devries@example.org")
    course = await _mine(api, eva, "Meldcode")
    assert course["status"] == "NOT_STARTED" and course["certificate"] is None
    lessons = [entry["lesson"]["id"] for entry in course["lessons"]]
    first = (await api.data(COMPLETE, {"e": course["id"], "l": lessons[0]}, eva))["completeLesson"]
    assert first["enrolment"] == {"status": "IN_PROGRESS", "progressPercent": 20}
    again = (await api.data(COMPLETE, {"e": course["id"], "l": lessons[0]}, eva))["completeLesson"]
    assert again["enrolment"]["progressPercent"] == 20  # idempotent
    # The exam opens only after the course is finished.
    early = (await api.data(START, {"e": course["id"]}, eva))["startExamAttempt"]
    assert (
        early["errors"][0]["code"] == "CONFLICT"
        and "afgerond" in early["errors"][0]["message"]  # the demo learner reads Dutch
    )
    for lesson in lessons[1:]:
        await api.data(COMPLETE, {"e": course["id"], "l": lesson}, eva)
    course = await _mine(api, eva, "Meldcode")
    assert course["status"] == "COMPLETED" and course["progressPercent"] == 100
    assert (
        course["certificate"]["highestScorePercent"] is None
    )  # participation, even before any exam
    # Refreshers at +3 and +6 months are scheduled, once.
    async with api.database.transaction() as s:
        keys = list((await s.execute(sa.select(Job.key).where(Job.kind == "refresher"))).scalars())
    assert len(keys) == 2


async def test_pass_mark_resits_and_one_time_review(api: Api) -> None:
    sanne = await api.login("sanne.visser@example.org")  # completed, failed once (60%)
    course = await _mine(api, sanne, "Meldcode")
    assert course["examAttemptsLeft"] == 2
    second = await _exam(api, sanne, course["id"], right=2)  # 2 of 3 = 66.67%, shown 66: fail
    assert (second["scorePercent"], second["passed"], second["attemptsLeft"]) == (66, False, 1)
    assert len(second["review"]) == 3 and sum(r["correct"] for r in second["review"]) == 2
    third = await _exam(api, sanne, course["id"], right=1)
    assert (third["passed"], third["attemptsLeft"]) == (False, 0)
    refused = (await api.data(START, {"e": course["id"]}, sanne))["startExamAttempt"]
    assert (
        refused["errors"][0]["code"] == "CONFLICT" and "pogingen" in refused["errors"][0]["message"]
    )
    # The certificate shows the highest score of the three, never pass or fail.
    course = await _mine(api, sanne, "Meldcode")
    assert course["certificate"]["highestScorePercent"] == 66
    assert [a["scorePercent"] for a in course["examAttempts"]] == [60, 66, 33]


async def test_no_attempt_after_a_pass_and_answers_not_stored(api: Api) -> None:
    lotte = await api.login("lotte.jansen@example.org")  # passed with 85
    course = await _mine(api, lotte, "Meldcode")
    assert course["examAttemptsLeft"] == 0
    refused = (await api.data(START, {"e": course["id"]}, lotte))["startExamAttempt"]
    assert "geslaagd" in refused["errors"][0]["message"]
    columns = {c.name for c in ExamAttempt.__table__.columns}
    assert not {"answers", "answer", "chosen_option"} & columns  # only scores are kept


async def test_seventy_percent_passes(api: Api) -> None:
    # A fresh learner with an exam of 10 questions would be nicer; with 3 questions 3/3 passes.
    sanne = await api.login("sanne.visser@example.org")
    course = await _mine(api, sanne, "Meldcode")
    result = await _exam(api, sanne, course["id"], right=3)
    assert (result["scorePercent"], result["passed"], result["attemptsLeft"]) == (100, True, 0)


async def test_submitting_twice_is_refused(api: Api) -> None:
    sanne = await api.login("sanne.visser@example.org")
    course = await _mine(api, sanne, "Meldcode")
    started = (await api.data(START, {"e": course["id"]}, sanne))["startExamAttempt"]
    answers = await _answers(started["questions"], 3)
    first = (await api.data(SUBMIT, {"a": started["attempt"]["id"], "ans": answers}, sanne))[
        "submitExamAttempt"
    ]
    assert first["review"]
    second = (await api.data(SUBMIT, {"a": started["attempt"]["id"], "ans": answers}, sanne))[
        "submitExamAttempt"
    ]
    assert (
        second["errors"][0]["code"] == "CONFLICT" and second["review"] == []
    )  # the review is not shown again


async def test_other_learners_courses_are_not_yours(api: Api) -> None:
    lotte = await api.login("lotte.jansen@example.org")
    sanne = await api.login("sanne.visser@example.org")
    hers = await _mine(api, sanne, "Meldcode")
    assert (await api.data("query($id: ID!) { node(id: $id) { id } }", {"id": hers["id"]}, lotte))[
        "node"
    ] is None
    result = (await api.data(START, {"e": hers["id"]}, lotte))["startExamAttempt"]
    assert result["errors"][0]["code"] == "NOT_FOUND"


async def test_certificate_verification_and_pdf(api: Api) -> None:
    lotte = await api.login("lotte.jansen@example.org")
    course = await _mine(api, lotte, "Meldcode")
    code = course["certificate"]["verificationCode"]
    q = "query($c: String!) { verifyCertificate(code: $c) { valid learnerName courseTitle highestScorePercent } }"
    checked = (await api.data(q, {"c": code.lower().replace("-", "")}))[
        "verifyCertificate"
    ]  # anyone, no login
    assert checked == {
        "valid": True,
        "learnerName": "Lotte Jansen",
        "courseTitle": course["course"]["title"],
        "highestScorePercent": 85,
    }
    assert (await api.data(q, {"c": "0000-0000-0000"}))["verifyCertificate"]["valid"] is False
    pdf = await api.client.get(course["certificate"]["pdfUrl"].replace("http://portaal.test", ""))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    import io

    from pypdf import PdfReader

    text = PdfReader(io.BytesIO(pdf.content)).pages[0].extract_text()
    assert "Lotte Jansen" in text and "85%" in text and code in text
    assert "geslaagd" not in text.lower() and "passed" not in text.lower()
    forged = (
        course["certificate"]["pdfUrl"]
        .replace("http://portaal.test", "")
        .replace("signature=", "signature=f")
    )
    assert (await api.client.get(forged)).status_code == 403


async def test_registration_numbers_and_accreditation_report_once(api: Api) -> None:
    daan = await api.login("daan.smit@example.org")
    q = "mutation($r: String!, $n: String!) { setRegistrationNumber(registerCode: $r, number: $n) { registrationNumber { registerCode number } errors { code field message } } }"
    bad = (await api.data(q, {"r": "VVN", "n": "12"}, daan))["setRegistrationNumber"]
    assert bad["errors"][0]["field"] == "registrationNumber"
    ok = (await api.data(q, {"r": "VVN", "n": "76 54 321"}, daan))["setRegistrationNumber"]
    assert ok["registrationNumber"] == {"registerCode": "VVN", "number": "7654321"}
    admin = await api.login("beheer@portaal.example")
    export = 'mutation { startAccreditationExport(registerCode: "VVN", format: CSV) { exportJob { id } errors { message } } }'
    first = (await api.data(export, token=admin))["startAccreditationExport"]["exportJob"]["id"]
    await Worker(make_settings(api.database.url), api.database).drain()
    poll = "query($id: ID!) { node(id: $id) { ... on ExportJob { status rowCount downloadUrl } } }"
    done = (await api.data(poll, {"id": first}, admin))["node"]
    assert (
        done["status"] == "DONE" and done["rowCount"] == 2
    )  # Lotte and Daan completed the accredited course
    content = (
        await api.client.get(
            done["downloadUrl"].replace("http://portaal.test", ""),
            headers={"authorization": f"Bearer {admin}"},
        )
    ).content.decode("utf-8-sig")
    assert "7654321" in content and "1234567" in content
    second = (await api.data(export, token=admin))["startAccreditationExport"]["exportJob"]["id"]
    await Worker(make_settings(api.database.url), api.database).drain()
    assert (await api.data(poll, {"id": second}, admin))["node"]["rowCount"] == 0  # nothing twice


async def test_refresher_three_months_after_completion_is_sent_exactly_once(api: Api) -> None:
    from resolvers.academy.learning import schedule_refreshers

    async with api.database.transaction() as s:
        person = (
            (await s.execute(sa.select(Person).where(Person.email == "lotte.jansen@example.org")))
            .scalars()
            .one()
        )
        enrolment = (
            (
                await s.execute(
                    sa.select(Enrolment).where(
                        Enrolment.person_id == person.id, Enrolment.completed_at.is_not(None)
                    )
                )
            )
            .scalars()
            .first()
        )
        enrolment.completed_at = utcnow() - timedelta(days=95)
        await schedule_refreshers(s, enrolment)
        await schedule_refreshers(s, enrolment)  # twice: still one job per moment
    worker = Worker(make_settings(api.database.url), api.database)
    await worker.drain()
    await worker.drain(now=utcnow() + timedelta(minutes=5))
    mails = [
        m
        for m in await outbox(api.database, "lotte.jansen@example.org")
        if m.template == "refresher"
    ]
    assert len(mails) == 1 and mails[0].subject.startswith("Opfrisser: Meldcode")
    async with api.database.transaction() as s:
        pending = (
            (
                await s.execute(
                    sa.select(Job).where(Job.kind == "refresher", Job.status == "PENDING")
                )
            )
            .scalars()
            .all()
        )
    assert len(pending) == 1 and pending[0].due_at > utcnow() + timedelta(
        days=60
    )  # the +6 months one waits
    # Admins cannot monitor refreshers: the only field about them is the learner's own list.
    from graphql import GraphQLObjectType

    from schema.build import build_schema

    schema = build_schema()._schema
    readable = [
        f"{name}.{field}"
        for name, t in schema.type_map.items()
        if isinstance(t, GraphQLObjectType) and name != "Mutation" and not name.startswith("__")
        for field in t.fields
        if "refresher" in field.lower()
    ]
    assert readable == ["Query.myRefreshers"]


async def test_report_aggregates_are_scoped(api: Api) -> None:
    q = "{ academyReport { cluster { name } course { title } notStarted inProgress completed averageBestScorePercent } }"
    org = (await api.data(q, token=await api.login("orgbeheer@zorgacademie.example")))[
        "academyReport"
    ]
    noord = (await api.data(q, token=await api.login("noord@zorgacademie.example")))[
        "academyReport"
    ]
    assert {r["cluster"]["name"] for r in org} == {"Regio Noord", "Regio Zuid"}
    assert {r["cluster"]["name"] for r in noord} == {"Regio Noord"}
    meldcode = next(r for r in noord if r["course"]["title"].startswith("Meldcode"))
    # Lotte 85, Sanne 60, Daan best 75; Eva not started.
    assert (meldcode["notStarted"], meldcode["inProgress"], meldcode["completed"]) == (1, 0, 3)
    assert meldcode["averageBestScorePercent"] == round((85 + 60 + 75) / 3, 1)
    learner = await api.login("lotte.jansen@example.org")
    denied = await api.query(q, token=learner)
    assert denied["errors"][0]["extensions"]["code"] == "FORBIDDEN"


async def test_magazine_unsubscribe_link_works_without_login(api: Api) -> None:
    from resolvers.academy.documents import magazine_unsubscribe_url

    async with api.database.transaction() as s:
        person = (
            (await s.execute(sa.select(Person).where(Person.email == "lotte.jansen@example.org")))
            .scalars()
            .one()
        )
    url = magazine_unsubscribe_url("", "test-secret", person.id)
    assert (await api.client.get(url.replace("signature=", "signature=0"))).status_code == 403
    asked = await api.client.get(url)  # a mail scanner following the link changes nothing
    assert asked.status_code == 200 and "<form" in asked.text
    async with api.database.transaction() as s:
        assert list(
            (
                await s.execute(sa.select(Learner.magazine).where(Learner.person_id == person.id))
            ).scalars()
        ) == [True]
    response = await api.client.post(url)
    assert response.status_code == 200 and "afgemeld" in response.text
    async with api.database.transaction() as s:
        flags = list(
            (
                await s.execute(sa.select(Learner.magazine).where(Learner.person_id == person.id))
            ).scalars()
        )
    assert flags == [False]
    _ = OutboxMail


async def test_magazine_mail_carries_the_unsubscribe_link(api: Api) -> None:
    from tests.smtp import SmtpServer

    org = await api.login("orgbeheer@zorgacademie.example")
    academy = await api.unit_id("Zorgacademie Nederland")
    q = 'mutation($a: ID!) { sendMagazine(academyId: $a, subject: "Magazine november", body: "Nieuws") { queuedCount errors { message } } }'
    assert (await api.data(q, {"a": academy}, org))["sendMagazine"]["queuedCount"] == 6
    server = SmtpServer()
    server.start()
    try:
        await Worker(
            make_settings(api.database.url, smtp_host="127.0.0.1", smtp_port=server.port),
            api.database,
        ).drain()
    finally:
        server.stop()
    message = next(m for m in server.inbox.messages if m["To"] == "lotte.jansen@example.org")
    link = message["List-Unsubscribe"].strip("<>")
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert link in message.get_body(("plain",)).get_content()
    assert (await api.client.post(link.replace("http://portaal.test", ""))).status_code == 200
    # The next issue (an identical mail within minutes would be collapsed as a repeat).
    december = q.replace("Magazine november", "Magazine december")
    assert (await api.data(december, {"a": academy}, org))["sendMagazine"]["queuedCount"] == 5


async def test_platform_admin_creates_a_course(api: Api) -> None:
    admin = await api.login("beheer@portaal.example")
    q = """mutation($q: [QuestionInput!]) { createCourse(input: {title: "Valpreventie", estimatedMinutes: 45,
      lessons: [{title: "Risico's", moduleTitle: "Basis"}, {title: "Maatregelen"}], questions: $q,
      accreditations: [{registerCode: "KNGF", points: 2}], refreshers: [{moment: THREE_MONTHS, title: "Kort herhalen", durationMinutes: 10}]}) {
      course { title hasExam lessons { position title } accreditations { registerCode points } } errors { field message } } }"""
    bad = (await api.data(q, {"q": [{"text": "?", "options": ["ja"], "correctOption": 3}]}, admin))[
        "createCourse"
    ]
    assert bad["course"] is None and bad["errors"][0]["field"] == "questions"
    ok = (
        await api.data(
            q,
            {"q": [{"text": "Wat helpt?", "options": ["Licht", "Donker"], "correctOption": 0}]},
            admin,
        )
    )["createCourse"]
    assert ok["course"] == {
        "title": "Valpreventie",
        "hasExam": True,
        "lessons": [{"position": 1, "title": "Risico's"}, {"position": 2, "title": "Maatregelen"}],
        "accreditations": [{"registerCode": "KNGF", "points": 2}],
    }
    cluster_admin = await api.login("noord@zorgacademie.example")
    denied = await api.query(q, {"q": []}, cluster_admin)
    assert denied["errors"][0]["extensions"]["code"] == "FORBIDDEN"


async def test_six_weekly_accreditation_cycle_runs_once_per_register(api: Api) -> None:
    from resolvers.background.jobs import schedule_accreditation

    now = utcnow()
    await schedule_accreditation(api.database, now - timedelta(weeks=6))  # a cycle that is due now
    await schedule_accreditation(api.database, now - timedelta(weeks=6))
    worker = Worker(make_settings(api.database.url), api.database)
    await worker.drain()
    admin = await api.login("beheer@portaal.example")
    listed = (
        await api.data(
            '{ accreditationReports(registerCode: "VVN") { id completions automatic } }',
            token=admin,
        )
    )["accreditationReports"]
    assert [(r["completions"], r["automatic"]) for r in listed] == [
        (1, True)
    ]  # Lotte has a VVN number
    export = await api.data(
        'mutation($r: ID) { startAccreditationExport(registerCode: "VVN", format: CSV, reportId: $r) { exportJob { id } errors { message } } }',
        {"r": listed[0]["id"]},
        admin,
    )
    await worker.drain()
    poll = "query($id: ID!) { node(id: $id) { ... on ExportJob { rowCount } } }"
    assert (
        await api.data(poll, {"id": export["startAccreditationExport"]["exportJob"]["id"]}, admin)
    )["node"]["rowCount"] == 1
    async with api.database.transaction() as s:
        next_runs = (
            (
                await s.execute(
                    sa.select(Job).where(Job.kind == "accreditation", Job.status == "PENDING")
                )
            )
            .scalars()
            .all()
        )
    assert next_runs and all(j.due_at > now for j in next_runs)


async def test_someone_elses_exam_attempt_answers_like_a_missing_one(api: Api) -> None:
    sanne = await api.login("sanne.visser@example.org")
    lotte = await api.login("lotte.jansen@example.org")
    course = await _mine(api, sanne, "Meldcode")
    started = (await api.data(START, {"e": course["id"]}, sanne))["startExamAttempt"]
    attempt = started["attempt"]["id"]
    answers = await _answers(started["questions"], 3)
    node = "query($id: ID!) { node(id: $id) { ... on ExamAttempt { number finishedAt } } }"
    assert (await api.data(node, {"id": attempt}, sanne))["node"] == {
        "number": 2,
        "finishedAt": None,
    }
    assert (await api.data(node, {"id": attempt}, lotte))["node"] is None
    hers = (await api.data(SUBMIT, {"a": attempt, "ans": answers}, lotte))["submitExamAttempt"]
    missing = (
        await api.data(SUBMIT, {"a": encode_global_id("ExamAttempt", 9999), "ans": answers}, lotte)
    )["submitExamAttempt"]
    assert hers == missing and hers["errors"] == [
        {"code": "NOT_FOUND", "message": "Dit bestaat niet, of je mag het niet zien."}
    ]
    # Nothing was scored: Sanne can still hand it in herself.
    mine = (await api.data(SUBMIT, {"a": attempt, "ans": answers}, sanne))["submitExamAttempt"]
    assert mine["passed"] is True
