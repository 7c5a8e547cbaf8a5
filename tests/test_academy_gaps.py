"""Academy gaps of issue 11, each through GraphQL on both databases: who already has a course,
the pass mark before the exam, honest counts for retried mails, registers the academy does not
report to, never-activated users and their invitation, labels renamed and deleted, the admin's
certificate download, and the magazine subscription."""

from __future__ import annotations

import io
import re

from pypdf import PdfReader

from domain.core.ids import encode_global_id
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


# --- next asks: users who never activated ----------------------------------------------------------

ADD = """mutation($c: ID!, $e: [String!]!) { addUsers(clusterId: $c, emails: $e) { errors { code } } }"""
ACTIVATE = """mutation($t: String!) { activateAccount(token: $t, password: "Gr0en-Veld-Wandeling",
  profile: {givenName: "Nina", familyName: "Nieuw"}) { viewer { person { activated } } errors { code } } }"""


def _token(text: str) -> str:
    match = re.search(r"/activate\?token=([A-Za-z0-9_\-]+)", text)
    assert match, text
    return match.group(1)


async def test_never_activated_users_are_filtered_and_invited_again(api: Api) -> None:
    admin = await api.login("noord@zorgacademie.example")
    noord = await api.unit_id("Regio Noord")
    added = await api.data(ADD, {"c": noord, "e": ["nina.nieuw@example.org"]}, admin)
    assert added["addUsers"]["errors"] == []
    never = (await api.data(LIST, {"f": {"activation": "NOT_ACTIVATED"}}, admin))["learners"]
    assert [n["person"]["email"] for n in never["nodes"]] == ["nina.nieuw@example.org"]
    activated = (await api.data(LIST, {"f": {"activation": "ACTIVATED"}}, admin))["learners"]
    assert activated["totalCount"] == 4
    everyone = {"filter": {}}
    preview = (
        await api.data(
            """query($s: UserSelectionInput!) { previewInvitations(selection: $s) {
          recipientCount alreadyActivated { person { email } } subject textBody errors { code } } }""",
            {"s": everyone},
            admin,
        )
    )["previewInvitations"]
    assert preview["recipientCount"] == 1 and len(preview["alreadyActivated"]) == 4
    assert (
        "Zorgacademie Nederland" in preview["subject"] and "/activate?token=" in preview["textBody"]
    )
    resend = """mutation($i: ResendInvitationsInput!) { resendInvitations(input: $i) {
      queuedCount alreadyActivated { person { email } } errors { code } } }"""
    sent = (await api.data(resend, {"i": {"selection": everyone, "idempotencyKey": "r1"}}, admin))[
        "resendInvitations"
    ]
    assert sent["queuedCount"] == 1 and len(sent["alreadyActivated"]) == 4
    again = await api.data(resend, {"i": {"selection": everyone, "idempotencyKey": "r1"}}, admin)
    assert again["resendInvitations"]["queuedCount"] == 0
    mails = [
        m
        for m in await outbox(api.database, "nina.nieuw@example.org")
        if m.template == "activation"
    ]
    assert len(mails) == 2  # the first from addUsers, one sent again
    # The new link works.
    done = (await api.data(ACTIVATE, {"t": _token(mails[-1].text_body)}))["activateAccount"]
    assert done["errors"] == [] and done["viewer"]["person"]["activated"] is True
    never = (await api.data(LIST, {"f": {"activation": "NOT_ACTIVATED"}}, admin))["learners"]
    assert never["totalCount"] == 0


async def test_course_invitation_to_a_user_who_never_activated_carries_the_activation_link(
    api: Api,
) -> None:
    admin = await api.login("noord@zorgacademie.example")
    noord = await api.unit_id("Regio Noord")
    await api.data(ADD, {"c": noord, "e": ["nina.nieuw@example.org"]}, admin)
    privacy = await _course(api, admin, "Privacy")
    nina = {"userIds": [await _learner(api, admin, "nina.nieuw@example.org")]}
    preview = (
        await api.data(
            """query($s: UserSelectionInput!, $c: [ID!]!, $m: CourseMailInput!) {
          previewCourseAssignment(selection: $s, courseIds: $c, mail: $m) { mailText } }""",
            {"s": nina, "c": [privacy], "m": MAIL},
            admin,
        )
    )["previewCourseAssignment"]
    assert "/activate?token=" in preview["mailText"]
    done = (await api.data(ASSIGN, {"s": nina, "c": [privacy], "m": MAIL}, admin))["assignCourses"]
    assert done["enrolmentsCreated"] == 1
    invitation = next(
        m
        for m in await outbox(api.database, "nina.nieuw@example.org")
        if m.template == "course_assignment"
    )
    assert "Log in op" not in invitation.text_body and "wachtwoord" in invitation.text_body
    assert "/activate?token=" in invitation.html_body
    activated = (await api.data(ACTIVATE, {"t": _token(invitation.text_body)}))["activateAccount"]
    assert activated["errors"] == [] and activated["viewer"]["person"]["activated"] is True
    # Someone with a password is told to log in, no activation link.
    sanne_only = {"userIds": [await _learner(api, admin, "sanne.visser@example.org")]}
    await api.data(ASSIGN, {"s": sanne_only, "c": [privacy], "m": MAIL}, admin)
    sanne = next(
        m
        for m in await outbox(api.database, "sanne.visser@example.org")
        if m.template == "course_assignment"
    )
    assert "Log in op" in sanne.text_body and "activate?token=" not in sanne.text_body


# --- next asks: labels ------------------------------------------------------------------------------


async def test_rename_a_label_and_delete_one_in_use_after_a_preview(api: Api) -> None:
    admin = await api.login("noord@zorgacademie.example")
    labels = (await api.data("{ labels { id name } }", token=admin))["labels"]
    avond = next(lb["id"] for lb in labels if lb["name"] == "Avonddienst")
    rename = """mutation($l: ID!, $n: String!, $c: String) { renameLabel(labelId: $l, name: $n, colour: $c) {
      label { name colour } errors { code field } } }"""
    done = await api.data(rename, {"l": avond, "n": "  Nachtdienst ", "c": "purple"}, admin)
    assert done["renameLabel"] == {
        "label": {"name": "Nachtdienst", "colour": "PURPLE"},
        "errors": [],
    }
    # Its users keep it.
    with_it = (await api.data(LIST, {"f": {"labelIds": [avond]}}, admin))["learners"]
    assert with_it["totalCount"] == 2
    # A name another label of the same unit has is refused, whatever the case.
    created = await api.data(
        'mutation($u: ID!) { createLabel(unitId: $u, name: "Dagdienst") { errors { code } } }',
        {"u": await api.unit_id("Regio Noord")},
        admin,
    )
    assert created["createLabel"]["errors"] == []
    clash = (await api.data(rename, {"l": avond, "n": "DAGDIENST"}, admin))["renameLabel"]
    assert clash["errors"] == [{"code": "ALREADY_EXISTS", "field": "name"}]
    preview = (
        await api.data(
            "query($l: ID!) { previewLabelDeletion(labelId: $l) { label { name } usersLosingIt errors { code } } }",
            {"l": avond},
            admin,
        )
    )["previewLabelDeletion"]
    assert preview == {"label": {"name": "Nachtdienst"}, "usersLosingIt": 2, "errors": []}
    deleted = (
        await api.data(
            "mutation($l: ID!) { deleteLabel(labelId: $l) { changedUsers errors { code } } }",
            {"l": avond},
            admin,
        )
    )["deleteLabel"]
    assert deleted == {"changedUsers": 2, "errors": []}
    names = [lb["name"] for lb in (await api.data("{ labels { name } }", token=admin))["labels"]]
    assert "Nachtdienst" not in names
    # A learner holds no admin role anywhere: refused outright.
    learner = await api.login("lotte.jansen@example.org")
    body = await api.query(
        "query($l: ID!) { previewLabelDeletion(labelId: $l) { usersLosingIt } }",
        {"l": encode_global_id("Label", 999)},
        learner,
    )
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"


# --- next asks: the admin downloads a learner's certificate --------------------------------------


CERTS = """query($f: LearnerFilterInput) { learners(filter: $f) { nodes { person { email }
  enrolments { certificate { adminPdfUrl } } } } }"""


async def test_admin_downloads_a_learners_certificate_and_the_learners_link_stays_theirs(
    api: Api,
) -> None:
    admin = await api.login("noord@zorgacademie.example")
    nodes = (await api.data(CERTS, {"f": {"search": "lotte.jansen"}}, admin))["learners"]["nodes"]
    url = next(e["certificate"]["adminPdfUrl"] for e in nodes[0]["enrolments"] if e["certificate"])
    path = url.replace("http://portaal.test", "")
    pdf = await api.client.get(path, headers={"authorization": f"Bearer {admin}"})
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert "Lotte Jansen" in PdfReader(io.BytesIO(pdf.content)).pages[0].extract_text()
    # Without logging in, or logged in as someone else, the admin's link opens nothing.
    assert (await api.client.get(path)).status_code == 403
    org = await api.login("orgbeheer@zorgacademie.example")
    assert (
        await api.client.get(path, headers={"authorization": f"Bearer {org}"})
    ).status_code == 403
    # The admin does not get the learner's own link, and the learner not the admin's.
    body = await api.query(
        """query($f: LearnerFilterInput) { learners(filter: $f) { nodes { enrolments { certificate { pdfUrl } } } } }""",
        {"f": {"search": "lotte.jansen"}},
        admin,
    )
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    lotte = await api.login("lotte.jansen@example.org")
    mine = await api.query("{ myEnrolments { certificate { adminPdfUrl } } }", token=lotte)
    assert mine["errors"][0]["extensions"]["code"] == "FORBIDDEN"


# --- next asks: the magazine subscription ------------------------------------------------------------


async def test_learner_subscribes_again_and_the_admin_sees_who_is_subscribed(api: Api) -> None:
    lotte = await api.login("lotte.jansen@example.org")
    toggle = "mutation($s: Boolean!) { setMagazineSubscription(subscribed: $s) { subscribed errors { code } } }"
    off = (await api.data(toggle, {"s": False}, lotte))["setMagazineSubscription"]
    assert off == {"subscribed": False, "errors": []}
    admin = await api.login("noord@zorgacademie.example")
    unsubscribed = (await api.data(LIST, {"f": {"magazine": "UNSUBSCRIBED"}}, admin))["learners"]
    assert [(n["person"]["email"], n["magazine"]) for n in unsubscribed["nodes"]] == [
        ("lotte.jansen@example.org", False)
    ]
    subscribed = (await api.data(LIST, {"f": {"magazine": "SUBSCRIBED"}}, admin))["learners"]
    assert subscribed["totalCount"] == 3
    on = (await api.data(toggle, {"s": True}, lotte))["setMagazineSubscription"]
    assert on == {"subscribed": True, "errors": []}
    subscribed = (await api.data(LIST, {"f": {"magazine": "SUBSCRIBED"}}, admin))["learners"]
    assert subscribed["totalCount"] == 4
    # The magazine reaches her again.
    org = await api.login("orgbeheer@zorgacademie.example")
    sent = await api.data(
        'mutation($a: ID!) { sendMagazine(academyId: $a, subject: "M", body: "N") { queuedCount } }',
        {"a": await api.unit_id("Zorgacademie Nederland")},
        org,
    )
    assert sent["sendMagazine"]["queuedCount"] == 6
    assert [m.template for m in await outbox(api.database, "lotte.jansen@example.org")] == [
        "magazine"
    ]
    # Admins cannot set a learner's subscription for them.
    body = await api.query(toggle, {"s": False}, admin)
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
