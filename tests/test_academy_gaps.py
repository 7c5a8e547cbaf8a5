"""Academy gaps of issue 11, each through GraphQL on both databases: who already has a course,
the pass mark before the exam, honest counts for retried mails, registers the academy does not
report to, never-activated users and their invitation, labels renamed and deleted, the admin's
certificate download, and the magazine subscription."""

from __future__ import annotations

from tests.conftest import Api
from tests.helpers import outbox

MAIL = {
    "subject": "Nieuwe cursus voor jou",
    "introduction": "Hoi!",
    "closing": "Groet",
    "senderName": "Niels",
}
PREVIEW = """query($s: UserSelectionInput!, $c: [ID!]!, $m: CourseMailInput!) {
  previewCourseAssignment(selection: $s, courseIds: $c, mail: $m) {
    userCount alreadyHas { user { person { email } } course { title } message } errors { code } } }"""
ASSIGN = """mutation($s: UserSelectionInput!, $c: [ID!]!, $m: CourseMailInput!) {
  assignCourses(selection: $s, courseIds: $c, mail: $m) {
    enrolmentsCreated alreadyHas { user { person { email } } course { title } message }
    errors { code } } }"""
LIST = """query($f: LearnerFilterInput) { learners(filter: $f) {
  totalCount nodes { id magazine person { email activated } } } }"""


async def _course(api: Api, token: str, prefix: str) -> str:
    courses = (await api.data("{ courses { id title } }", token=token))["courses"]
    return next(c["id"] for c in courses if c["title"].startswith(prefix))


async def _learner(api: Api, token: str, email: str) -> str:
    nodes = (await api.data(LIST, {"f": {"search": email, "status": "ALL"}}, token))["learners"]
    return str(nodes["nodes"][0]["id"])


# --- 6: who already has which course -----------------------------------------------------------


async def test_assignment_names_who_already_has_which_course(api: Api) -> None:
    admin = await api.login("noord@zorgacademie.example")
    meldcode = await _course(api, admin, "Meldcode")
    privacy = await _course(api, admin, "Privacy")
    selection = {"filter": {"search": "example.org"}}
    preview = (await api.data(PREVIEW, {"s": selection, "c": [privacy], "m": MAIL}, admin))[
        "previewCourseAssignment"
    ]
    assert [
        (a["user"]["person"]["email"], a["course"]["title"]) for a in preview["alreadyHas"]
    ] == [("lotte.jansen@example.org", "Privacy en de AVG")]
    notice = preview["alreadyHas"][0]["message"]
    assert "Lotte Jansen" in notice and "Privacy en de AVG" in notice
    done = (await api.data(ASSIGN, {"s": selection, "c": [privacy, meldcode], "m": MAIL}, admin))[
        "assignCourses"
    ]
    assert done["enrolmentsCreated"] == 3
    had = sorted(
        (a["user"]["person"]["email"], a["course"]["title"][:7]) for a in done["alreadyHas"]
    )
    assert had == [
        ("daan.smit@example.org", "Meldcod"),
        ("eva.devries@example.org", "Meldcod"),
        ("lotte.jansen@example.org", "Meldcod"),
        ("lotte.jansen@example.org", "Privacy"),
        ("sanne.visser@example.org", "Meldcod"),
    ]


# --- 7: the pass mark before the exam ------------------------------------------------------------


async def test_learner_sees_the_pass_mark_before_the_exam(api: Api) -> None:
    lotte = await api.login("lotte.jansen@example.org")
    mine = await api.data(
        "{ myEnrolments { id course { title hasExam passMarkPercent examQuestionCount correctAnswersNeeded } } }",
        token=lotte,
    )
    by_title = {e["course"]["title"]: e["course"] for e in mine["myEnrolments"]}
    meldcode = by_title["Meldcode huiselijk geweld en kindermishandeling"]
    assert meldcode["passMarkPercent"] == 70 and meldcode["examQuestionCount"] == 3
    assert meldcode["correctAnswersNeeded"] == 3  # 70% of 3 questions, rounded up
    privacy = by_title["Privacy en de AVG"]
    assert privacy["hasExam"] is False and privacy["passMarkPercent"] is None
    # Sanne failed once and starts a resit: the start screen says what is needed.
    sanne = await api.login("sanne.visser@example.org")
    enrolment = (await api.data("{ myEnrolments { id } }", token=sanne))["myEnrolments"][0]["id"]
    started = await api.data(
        "mutation($e: ID!) { startExamAttempt(enrolmentId: $e) { passMarkPercent correctAnswersNeeded questions { id } errors { code } } }",
        {"e": enrolment},
        sanne,
    )
    payload = started["startExamAttempt"]
    assert payload["errors"] == [] and len(payload["questions"]) == 3
    assert payload["passMarkPercent"] == 70 and payload["correctAnswersNeeded"] == 3


# --- 8: a retried sending reports what it did ----------------------------------------------------


async def test_retried_user_mail_and_magazine_report_the_real_counts(api: Api) -> None:
    admin = await api.login("noord@zorgacademie.example")
    send = """mutation($k: String) { sendUserMail(input: {selection: {filter: {}}, subject: "Herinnering",
      body: "Rond je cursus af.", senderName: "Niels", idempotencyKey: $k}) {
      queuedCount alreadyQueuedCount repeat errors { code } } }"""
    first = (await api.data(send, {"k": "reminder-1"}, admin))["sendUserMail"]
    assert first == {"queuedCount": 4, "alreadyQueuedCount": 0, "repeat": False, "errors": []}
    again = (await api.data(send, {"k": "reminder-1"}, admin))["sendUserMail"]
    assert again == {"queuedCount": 0, "alreadyQueuedCount": 4, "repeat": True, "errors": []}
    assert len(await outbox(api.database)) == 4

    org = await api.login("orgbeheer@zorgacademie.example")
    academy = await api.unit_id("Zorgacademie Nederland")
    magazine = """mutation($a: ID!) { sendMagazine(academyId: $a, subject: "Magazine", body: "Nieuws",
      idempotencyKey: "nov") { queuedCount alreadyQueuedCount repeat errors { code } } }"""
    first = (await api.data(magazine, {"a": academy}, org))["sendMagazine"]
    assert (first["queuedCount"], first["repeat"]) == (6, False)
    again = (await api.data(magazine, {"a": academy}, org))["sendMagazine"]
    assert again == {"queuedCount": 0, "alreadyQueuedCount": 6, "repeat": True, "errors": []}


# --- 9: registers the academy does not report to ---------------------------------------------------


async def test_accreditation_for_a_register_the_learner_reports_to_is_refused(api: Api) -> None:
    platform = await api.login("beheer@portaal.example")
    start = """mutation($r: String!) { startAccreditationExport(registerCode: $r) {
      exportJob { id } errors { code field message } } }"""
    refused = (await api.data(start, {"r": "SKJ"}, platform))["startAccreditationExport"]
    assert refused["exportJob"] is None
    assert [(e["code"], e["field"]) for e in refused["errors"]] == [("CONFLICT", "registerCode")]
    assert "Stichting Kwaliteitsregister Jeugd" in refused["errors"][0]["message"]
    ok = (await api.data(start, {"r": "VVN"}, platform))["startAccreditationExport"]
    assert ok["errors"] == [] and ok["exportJob"]["id"]
    registers = (
        await api.data("{ registers { code reportedByAcademy learnerSendsCertificate reporting } }")
    )["registers"]
    by_code = {r["code"]: r for r in registers}
    assert by_code["SKJ"]["learnerSendsCertificate"] is True and by_code["SKJ"]["reporting"]
    assert by_code["REGISTERLERAAR"]["learnerSendsCertificate"] is True
    assert by_code["VVN"]["learnerSendsCertificate"] is False
    assert by_code["SKJ"]["reporting"] != by_code["VVN"]["reporting"]
