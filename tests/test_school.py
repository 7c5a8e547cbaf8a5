"""School portal: who sees which pupil — guardians, consent from 18, staff, the ICS feed."""

from __future__ import annotations

from datetime import timedelta

from domain.school.timetable import local_date
from persistence.types import utcnow
from tests.conftest import Api
from tests.helpers import audit_kinds, outbox
from tests.school_setup import (
    ADMIN,
    EVA,
    NOOR,
    NOORD_TEACHER,
    PETER,
    SANDRA,
    TEACHER,
    TIM,
    activate,
    link_guardian,
    ok,
    pupil_id,
    register_pupil,
    years_ago,
)

CHILDREN = """{ myChildren { firstName accessAllowed accessReason message
  pupil { displayName studentNumber } } }"""
PUPIL = """query($id: ID!) { node(id: $id) { ... on Pupil { displayName
  resultsMatrix { subjects { subject { code } } } } } }"""
GUARDIANS = """{ myPupilRecord { guardiansNeedConsent guardians { id guardianName guardianEmail
  consentGiven guardianSeesData accessReason } } }"""
GIVE = """mutation($l: ID!) { giveGuardianConsent(guardianLinkId: $l) {
  guardianLink { consentGiven guardianSeesData } errors { code field message } } }"""
WITHDRAW = """mutation($l: ID!) { withdrawGuardianConsent(guardianLinkId: $l) {
  guardianLink { consentGiven guardianSeesData } errors { code field message } } }"""
CREATE_FEED = """mutation($p: ID!) { createCalendarFeed(pupilId: $p) {
  url calendarFeed { id pupilId } errors { code field } } }"""


async def test_guardian_sees_only_linked_children(api: Api) -> None:
    sandra = await api.login(SANDRA)
    children = (await api.data(CHILDREN, token=sandra))["myChildren"]
    assert [c["firstName"] for c in children] == ["Eva", "Tim"]
    eva, tim = children
    assert tim["accessAllowed"] and tim["accessReason"] == "PUPIL_MINOR"
    assert tim["pupil"] == {"displayName": "Tim Bos", "studentNumber": "240117"}
    # The adult child without consent: first name and the reason only (the seed's FAQ 9.4).
    assert eva == {
        "firstName": "Eva",
        "accessAllowed": False,
        "accessReason": "PUPIL_ADULT_NO_CONSENT",
        "message": eva["message"],
        "pupil": None,
    }
    assert "toestemming" in eva["message"]  # Sandra reads Dutch
    # Not linked (Noor) and linked without consent (Eva) read like objects that do not exist.
    for email in (NOOR, EVA):
        assert (await api.data(PUPIL, {"id": await pupil_id(api, email)}, sandra))["node"] is None
    tim_node = (await api.data(PUPIL, {"id": await pupil_id(api, TIM)}, sandra))["node"]
    assert tim_node["displayName"] == "Tim Bos"
    # Someone who is nobody's guardian has no children.
    teacher = await api.login(TEACHER)
    assert (await api.data(CHILDREN, token=teacher))["myChildren"] == []


async def test_separated_parents_each_have_own_account(api: Api) -> None:
    peter = await api.login(PETER)
    children = (await api.data(CHILDREN, token=peter))["myChildren"]
    assert [(c["firstName"], c["accessAllowed"]) for c in children] == [
        ("Eva", False),
        ("Tim", True),
    ]


async def test_adult_consent_per_guardian_and_withdrawal_at_once(api: Api) -> None:
    admin = await api.login(ADMIN)
    today = local_date(utcnow())
    # 18 today: consent is needed from the birthday itself, computed on the request date.
    lisa = await register_pupil(
        api, admin, "3A", "lisa@leerling.example", "Lisa", years_ago(today, 18), "900001"
    )
    for email, given in (("mama@example.org", "Mama"), ("papa@example.org", "Papa")):
        linked = (await link_guardian(api, admin, lisa, email, given))["linkGuardian"]
        assert linked["errors"] == []
    mama = await activate(api, "mama@example.org")
    papa = await activate(api, "papa@example.org")
    for token in (mama, papa):
        child = (await api.data(CHILDREN, token=token))["myChildren"][0]
        assert child["accessReason"] == "PUPIL_ADULT_NO_CONSENT" and child["pupil"] is None
        assert (await api.data(PUPIL, {"id": lisa}, token))["node"] is None
        refused = await api.query(CREATE_FEED, {"p": lisa}, token)
        assert refused["data"]["createCalendarFeed"]["errors"][0]["code"] == "NOT_FOUND"

    # Lisa consents for her mother only.
    lisa_token = await activate(api, "lisa@leerling.example")
    record = (await api.data(GUARDIANS, token=lisa_token))["myPupilRecord"]
    assert record["guardiansNeedConsent"] is True
    links = {g["guardianEmail"]: g for g in record["guardians"]}
    assert not any(g["consentGiven"] for g in links.values())
    given = await ok(
        api, GIVE, {"l": links["mama@example.org"]["id"]}, lisa_token, "giveGuardianConsent"
    )
    assert given["guardianLink"] == {"consentGiven": True, "guardianSeesData": True}

    mama_child = (await api.data(CHILDREN, token=mama))["myChildren"][0]
    assert mama_child["accessReason"] == "PUPIL_ADULT_CONSENT_GIVEN"
    assert mama_child["pupil"]["displayName"] == "Lisa Test"
    assert (await api.data(PUPIL, {"id": lisa}, mama))["node"]["displayName"] == "Lisa Test"
    papa_child = (await api.data(CHILDREN, token=papa))["myChildren"][0]
    assert papa_child["accessReason"] == "PUPIL_ADULT_NO_CONSENT" and papa_child["pupil"] is None
    assert (await api.data(PUPIL, {"id": lisa}, papa))["node"] is None

    # The mother subscribes to the timetable; the feed works while consent holds.
    feed = await ok(api, CREATE_FEED, {"p": lisa}, mama, "createCalendarFeed")
    path = feed["url"].removeprefix("http://portaal.test")
    assert (await api.client.get(path)).status_code == 200

    # Withdrawal takes effect on the very next request, the feed included.
    withdrawn = await ok(
        api, WITHDRAW, {"l": links["mama@example.org"]["id"]}, lisa_token, "withdrawGuardianConsent"
    )
    assert withdrawn["guardianLink"] == {"consentGiven": False, "guardianSeesData": False}
    assert (await api.data(PUPIL, {"id": lisa}, mama))["node"] is None
    assert (await api.data(CHILDREN, token=mama))["myChildren"][0]["pupil"] is None
    assert (await api.client.get(path)).status_code == 404
    kinds = await audit_kinds(api.database)
    assert kinds.count("CONSENT_GIVEN") == 1 and kinds.count("CONSENT_WITHDRAWN") == 1
    assert "GUARDIAN_LINKED" in kinds and "PUPIL_REGISTERED" in kinds


async def test_minor_needs_no_consent_and_cannot_give_it(api: Api) -> None:
    admin = await api.login(ADMIN)
    today = local_date(utcnow())
    # One day short of 18: still a minor, guardians see everything.
    born = years_ago(today, 18) + timedelta(days=1)
    sam = await register_pupil(api, admin, "3A", "sam@leerling.example", "Sam", born, "900002")
    await link_guardian(api, admin, sam, "ouder.sam@example.org", "Ouder")
    parent = await activate(api, "ouder.sam@example.org")
    child = (await api.data(CHILDREN, token=parent))["myChildren"][0]
    assert child["accessReason"] == "PUPIL_MINOR" and child["pupil"]["displayName"] == "Sam Test"
    sam_token = await activate(api, "sam@leerling.example")
    link = (await api.data(GUARDIANS, token=sam_token))["myPupilRecord"]["guardians"][0]
    refused = (await api.data(GIVE, {"l": link["id"]}, sam_token))["giveGuardianConsent"]
    assert refused["errors"][0]["code"] == "INVALID"
    assert "18e verjaardag" in refused["errors"][0]["message"]
    # A guardian cannot manage consent in the pupil's name.
    hijack = await api.query(GIVE, {"l": link["id"]}, parent)
    assert hijack["errors"][0]["extensions"]["code"] == "FORBIDDEN"


async def test_guardian_account_mail_and_one_address_per_guardian(api: Api) -> None:
    admin = await api.login(ADMIN)
    tim = await pupil_id(api, TIM)
    linked = (await link_guardian(api, admin, tim, "Oma.Bos@Example.org", "Greet", "Bos"))[
        "linkGuardian"
    ]
    assert linked["guardianLink"]["guardianName"] == "Greet Bos"
    mail = (await outbox(api.database, "oma.bos@example.org"))[-1]
    assert mail.template == "guardian_account" and "/activate?token=" in mail.text_body
    assert "Tim" in mail.text_body and "wachtwoord" in mail.text_body
    assert "Zonnebloem" not in mail.text_body and "Zonnebloem" not in mail.html_body
    # A second, separate parent with the mother's address is refused with a clear message.
    clash = (await link_guardian(api, admin, tim, SANDRA, "Peter", "Bos"))["linkGuardian"]
    assert clash["errors"][0]["code"] == "ALREADY_EXISTS"
    assert "kunnen geen e-mailadres delen" in clash["errors"][0]["message"]
    noor = await pupil_id(api, NOOR)
    other = (await link_guardian(api, admin, noor, SANDRA, "Ria", "de Jong"))["linkGuardian"]
    assert other["errors"][0]["code"] == "CONFLICT"
    assert "kunnen geen e-mailadres delen" in other["errors"][0]["message"]
    # The same person for a sibling is fine: one account, several children.
    sibling = (await link_guardian(api, admin, noor, SANDRA, "Sandra", "Bos"))["linkGuardian"]
    assert sibling["errors"] == [] and "created" not in sibling
    own = (await link_guardian(api, admin, tim, TIM, "Tim", "Bos"))["linkGuardian"]
    assert own["errors"][0]["code"] == "INVALID"


async def test_staff_see_their_own_classes_only(api: Api) -> None:
    teacher = await api.login(TEACHER)  # Locatie Centrum (3A, 3B); mentor of 3A
    noord = await api.login(NOORD_TEACHER)  # Locatie Noord (4H)
    tim, eva = await pupil_id(api, TIM), await pupil_id(api, EVA)
    assert (await api.data(PUPIL, {"id": tim}, teacher))["node"]["displayName"] == "Tim Bos"
    assert (await api.data(PUPIL, {"id": eva}, teacher))["node"] is None
    assert (await api.data(PUPIL, {"id": eva}, noord))["node"]["displayName"] == "Eva Bos"
    assert (await api.data(PUPIL, {"id": tim}, noord))["node"] is None
    pupils = """query($c: ID!) { classPupils(classId: $c) { totalCount nodes { displayName } } }"""
    own = (await api.data(pupils, {"c": await api.unit_id("3A")}, teacher))["classPupils"]
    assert own == {
        "totalCount": 2,
        "nodes": [{"displayName": "Tim Bos"}, {"displayName": "Noor de Jong"}],
    }
    denied = await api.query(pupils, {"c": await api.unit_id("4H")}, teacher)
    assert denied["data"] is None
    assert denied["errors"][0]["extensions"]["code"] in {"FORBIDDEN", "NOT_FOUND"}
    # A pupil sees only themself; a pupil is not staff.
    tim_token = await api.login(TIM)
    assert (await api.data(PUPIL, {"id": tim}, tim_token))["node"]["displayName"] == "Tim Bos"
    noor = await pupil_id(api, NOOR)
    assert (await api.data(PUPIL, {"id": noor}, tim_token))["node"] is None
    refused = await api.query(pupils, {"c": await api.unit_id("3A")}, tim_token)
    assert refused["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    # Guardians do not see who the other guardians are; the administration does.
    sandra = await api.login(SANDRA)
    guardians = "query($id: ID!) { node(id: $id) { ... on Pupil { guardians { guardianEmail } } } }"
    body = await api.query(guardians, {"id": tim}, sandra)
    assert body["data"]["node"]["guardians"] is None
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    admin = await api.login(ADMIN)
    listed = (await api.data(guardians, {"id": tim}, admin))["node"]["guardians"]
    assert {g["guardianEmail"] for g in listed} == {SANDRA, PETER}
    # Staff mutations: a guardian may not register pupils.
    register = await api.query(
        """mutation($c: ID!) { registerPupil(input: {classId: $c, email: "x@example.org",
        givenName: "X", familyName: "Y", studentNumber: "1", dateOfBirth: "2012-01-01"}) {
        errors { code } } }""",
        {"c": await api.unit_id("3A")},
        sandra,
    )
    assert register["errors"][0]["extensions"]["code"] == "FORBIDDEN"


async def test_calendar_feed_and_revocation(api: Api) -> None:
    sandra = await api.login(SANDRA)
    tim = await pupil_id(api, TIM)
    feed = await ok(api, CREATE_FEED, {"p": tim}, sandra, "createCalendarFeed")
    assert feed["url"].startswith("http://portaal.test/ics/")
    path = feed["url"].removeprefix("http://portaal.test")
    response = await api.client.get(path)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/calendar")
    body = response.text
    # The demo timetable of 3A: last, this and next week, 22 lessons a week.
    assert body.count("BEGIN:VEVENT") == 66
    assert "SUMMARY:Nederlands" in body and "Huiswerk:" in body  # the owner reads Dutch
    # The secret is stored hashed: it appears nowhere in the database's feed table.
    listed = "query($id: ID!) { node(id: $id) { ... on Pupil { calendarFeeds { id } } } }"
    feeds = (await api.data(listed, {"id": tim}, sandra))["node"]["calendarFeeds"]
    assert [f["id"] for f in feeds] == [feed["calendarFeed"]["id"]]
    # Another guardian does not see Sandra's feeds.
    peter = await api.login(PETER)
    assert (await api.data(listed, {"id": tim}, peter))["node"]["calendarFeeds"] == []
    revoke = """mutation($id: ID!) { revokeCalendarFeed(id: $id) { calendarFeed { revokedAt }
      errors { code } } }"""
    stolen = await api.data(revoke, {"id": feed["calendarFeed"]["id"]}, peter)
    assert stolen["revokeCalendarFeed"]["errors"][0]["code"] == "NOT_FOUND"
    done = await ok(api, revoke, {"id": feed["calendarFeed"]["id"]}, sandra, "revokeCalendarFeed")
    assert done["calendarFeed"]["revokedAt"] is not None
    assert (await api.client.get(path)).status_code == 404
    assert (await api.client.get("/ics/not-a-real-secret")).status_code == 404
    # A guardian without the adult child's consent cannot subscribe to that child.
    eva = await api.data(CREATE_FEED, {"p": await pupil_id(api, EVA)}, sandra)
    assert eva["createCalendarFeed"]["errors"][0]["code"] == "NOT_FOUND"
