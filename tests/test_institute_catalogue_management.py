"""The staff's catalogue management (issue 15): the category tree, courses, changing and
cancelling events; and the organisation admin cancelling a colleague's enrolment."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from tests.conftest import Api
from tests.helpers import audit_kinds, outbox
from tests.institute_setup import (
    ANNA,
    ELS,
    ENROL,
    FATIMA,
    INSTITUTE,
    JEROEN,
    KEES,
    MARTIN,
    STAFF,
    VEENDAM,
    WELZIJN,
    event_id,
    events,
    login_as,
)

CREATE_CATEGORY = """mutation($i: ID!, $p: ID, $n: String!) {
  createCatalogueCategory(input: {instituteId: $i, parentId: $p, name: $n}) {
    category { id name parent { name } } errors { code field } } }"""
RENAME_CATEGORY = """mutation($c: ID!, $n: String!) {
  renameCatalogueCategory(input: {categoryId: $c, name: $n}) {
    category { id name } errors { code field } } }"""
CREATE_COURSE = """mutation($c: ID!, $t: String!, $p: Int!, $v: Int!) {
  createInstituteCourse(input: {categoryId: $c, title: $t, description: "Over EHBO",
                                durationHours: 16, priceCents: $p, vatRatePercent: $v}) {
    course { id title description durationHours priceCents vatRatePercent categoryPath }
    errors { code field } } }"""
UPDATE_COURSE = """mutation($input: UpdateInstituteCourseInput!) {
  updateInstituteCourse(input: $input) {
    course { id title priceCents vatRatePercent durationHours categoryPath }
    errors { code field } } }"""
UPDATE_EVENT = """mutation($input: UpdateCourseEventInput!) {
  updateCourseEvent(input: $input) {
    event { id capacity seatsAvailable startsAt endsAt locationName cancellationDeadline
            meetings { startsAt endsAt } }
    errors { code field message } } }"""
CANCEL_EVENT = """mutation($e: ID!) { cancelCourseEvent(eventId: $e) {
  event { id cancelledAt } errors { code field } } }"""
EVENT_ENROLMENTS = """query($e: ID!) { eventEnrolments(eventId: $e, first: 50) {
  nodes { id participantName status } } }"""
COURSE = "query($id: ID!) { node(id: $id) { ... on InstituteCourse { title priceCents } } }"
CANCEL = """mutation($id: ID!) { cancelColleagueEnrolment(enrolmentId: $id) {
  enrolment { status } errors { code field } } }"""


def refusal(body: dict[str, Any], field: str) -> list[str]:
    """The refusal codes, whether in the payload or as a top-level error."""
    if body.get("errors"):
        return [e["extensions"]["code"] for e in body["errors"]]
    return [e["code"] for e in body["data"][field]["errors"]]


def errors(payload: dict[str, Any]) -> list[tuple[str, str]]:
    return [(e["code"], e["field"]) for e in payload["errors"]]


async def test_staff_build_the_category_tree_and_courses(api: Api) -> None:
    staff = await login_as(api, STAFF)
    institute = await api.unit_id(INSTITUTE)
    root = (await api.data(CREATE_CATEGORY, {"i": institute, "n": " Veiligheid "}, staff))[
        "createCatalogueCategory"
    ]
    assert root["errors"] == [] and root["category"]["name"] == "Veiligheid"
    assert root["category"]["parent"] is None
    sub = (
        await api.data(
            CREATE_CATEGORY, {"i": institute, "p": root["category"]["id"], "n": "EHBO"}, staff
        )
    )["createCatalogueCategory"]
    assert sub["category"]["parent"] == {"name": "Veiligheid"}
    # Sibling names are unique (case-insensitively); names are 1 to 200 characters.
    twice = await api.data(CREATE_CATEGORY, {"i": institute, "n": "veiligheid"}, staff)
    assert errors(twice["createCatalogueCategory"]) == [("ALREADY_EXISTS", "input.name")]
    empty = await api.data(CREATE_CATEGORY, {"i": institute, "n": "  "}, staff)
    assert errors(empty["createCatalogueCategory"]) == [("INVALID", "input.name")]
    renamed = await api.data(
        RENAME_CATEGORY, {"c": sub["category"]["id"], "n": "EHBO & BHV"}, staff
    )
    assert renamed["renameCatalogueCategory"]["category"]["name"] == "EHBO & BHV"

    made = (
        await api.data(
            CREATE_COURSE,
            {"c": sub["category"]["id"], "t": "EHBO Basis", "p": 29500, "v": 21},
            staff,
        )
    )["createInstituteCourse"]
    assert made["errors"] == []
    course = made["course"]
    assert (course["priceCents"], course["vatRatePercent"], course["durationHours"]) == (
        29500,
        21,
        16,
    )
    assert course["categoryPath"] == ["Veiligheid", "EHBO & BHV"]
    bad_vat = await api.data(
        CREATE_COURSE, {"c": sub["category"]["id"], "t": "X", "p": 100, "v": 7}, staff
    )
    assert errors(bad_vat["createInstituteCourse"]) == [("INVALID", "input.vatRatePercent")]
    negative = await api.data(
        UPDATE_COURSE, {"input": {"courseId": course["id"], "priceCents": -1, "title": "Y"}}, staff
    )
    assert errors(negative["updateInstituteCourse"]) == [("INVALID", "input.priceCents")]
    updated = (
        await api.data(
            UPDATE_COURSE,
            {
                "input": {
                    "courseId": course["id"],
                    "priceCents": 31000,
                    "vatRatePercent": 9,
                    "categoryId": root["category"]["id"],
                }
            },
            staff,
        )
    )["updateInstituteCourse"]
    assert updated["errors"] == []
    assert (updated["course"]["priceCents"], updated["course"]["vatRatePercent"]) == (31000, 9)
    assert updated["course"]["title"] == "EHBO Basis"  # null left it as it was
    assert updated["course"]["categoryPath"] == ["Veiligheid"]

    # Not staff: refused, and nothing changed.
    for who in (await login_as(api, ELS), await login_as(api, MARTIN, WELZIJN)):
        body = await api.query(
            UPDATE_COURSE, {"input": {"courseId": course["id"], "title": "Gekaapt"}}, who
        )
        assert refusal(body, "updateInstituteCourse") == ["FORBIDDEN"]
        body = await api.query(CREATE_CATEGORY, {"i": institute, "n": "Gekaapt"}, who)
        assert refusal(body, "createCatalogueCategory") == ["FORBIDDEN"]
        body = await api.query(RENAME_CATEGORY, {"c": root["category"]["id"], "n": "Gekaapt"}, who)
        assert refusal(body, "renameCatalogueCategory") == ["FORBIDDEN"]
        body = await api.query(
            CREATE_COURSE, {"c": root["category"]["id"], "t": "Gekaapt", "p": 1, "v": 21}, who
        )
        assert refusal(body, "createInstituteCourse") == ["FORBIDDEN"]
    seen = (await api.data(COURSE, {"id": course["id"]}, staff))["node"]
    assert seen == {"title": "EHBO Basis", "priceCents": 31000}
    kinds = await audit_kinds(api.database)
    assert kinds.count("CATALOGUE_CATEGORY_CREATED") == 2
    assert kinds.count("CATALOGUE_CATEGORY_RENAMED") == 1
    assert kinds.count("INSTITUTE_COURSE_CREATED") == 1
    assert kinds.count("INSTITUTE_COURSE_UPDATED") == 1  # the refused ones left no trace


async def test_update_event_never_below_the_seats_taken(api: Api) -> None:
    staff = await login_as(api, STAFF)
    nearly_full = await event_id(api, staff, "Omgaan met agressie")  # 4 seats, 3 taken
    below = (
        await api.data(UPDATE_EVENT, {"input": {"eventId": nearly_full, "capacity": 2}}, staff)
    )["updateCourseEvent"]
    assert errors(below) == [("INVALID", "input.capacity")]
    assert "3" in below["errors"][0]["message"]
    # The event full (the last seat to Jeroen), two people on the waiting list.
    await api.data(ENROL, {"e": nearly_full}, await login_as(api, JEROEN))  # the last seat
    for who in (ANNA, MARTIN):
        waiting = await api.data(ENROL, {"e": nearly_full, "w": True}, await login_as(api, who))
        assert waiting["enrol"]["waitlisted"] is True
    start = datetime.now(UTC).replace(microsecond=0) + timedelta(days=60)
    moved = (
        await api.data(
            UPDATE_EVENT,
            {
                "input": {
                    "eventId": nearly_full,
                    "capacity": 6,
                    "locationName": "Zaal 2",
                    "startsAt": start.isoformat(),
                    "endsAt": (start + timedelta(hours=7)).isoformat(),
                }
            },
            staff,
        )
    )["updateCourseEvent"]
    assert moved["errors"] == []
    event = moved["event"]
    # Two more seats: both waiting people get one (in order) and a mail.
    assert (event["capacity"], event["seatsAvailable"], event["locationName"]) == (6, 0, "Zaal 2")
    rows = (await api.data(EVENT_ENROLMENTS, {"e": nearly_full}, staff))["eventEnrolments"]
    status = {n["participantName"]: n["status"] for n in rows["nodes"]}
    assert status["Anna de Boer"] == status["Martin Sommer"] == "PROCESSING"
    for who in (ANNA, MARTIN):
        mails = [m for m in await outbox(api.database, who) if m.template == "waitlist_promoted"]
        assert len(mails) == 1
    assert datetime.fromisoformat(event["startsAt"]) == start
    assert [datetime.fromisoformat(m["startsAt"]) for m in event["meetings"]] == [start]
    backwards = await api.data(
        UPDATE_EVENT,
        {"input": {"eventId": nearly_full, "endsAt": (start - timedelta(days=1)).isoformat()}},
        staff,
    )
    assert errors(backwards["updateCourseEvent"]) == [("INVALID", "input.endsAt")]
    # Others may not; nothing changed.
    body = await api.query(
        UPDATE_EVENT, {"input": {"eventId": nearly_full, "capacity": 100}}, await login_as(api, ELS)
    )
    assert refusal(body, "updateCourseEvent") == ["FORBIDDEN"]
    # Without a staff role anywhere the answer is FORBIDDEN whatever the ID names, so it
    # tells nothing about another organisation's maatwerk.
    maatwerk = await event_id(api, staff, "Meldcode in de praktijk", maatwerk=True)
    body = await api.query(
        UPDATE_EVENT,
        {"input": {"eventId": maatwerk, "capacity": 100}},
        await login_as(api, KEES, VEENDAM),
    )
    assert refusal(body, "updateCourseEvent") == ["FORBIDDEN"]
    unknown = await api.query(
        UPDATE_EVENT, {"input": {"eventId": "bm9wZQ", "capacity": 1}}, await login_as(api, KEES)
    )
    assert refusal(unknown, "updateCourseEvent") == ["FORBIDDEN"]
    found = [e for e in (await events(api, staff, first=100))["nodes"] if e["id"] == nearly_full]
    assert found[0]["capacity"] == 6
    assert (await audit_kinds(api.database)).count("COURSE_EVENT_UPDATED") == 1


async def test_cancel_event_cancels_its_enrolments_and_mails_them(api: Api) -> None:
    staff = await login_as(api, STAFF)
    nearly_full = await event_id(api, staff, "Omgaan met agressie")
    fatima = await login_as(api, FATIMA, WELZIJN)  # holds a seat (demo)
    taken = await api.data(ENROL, {"e": nearly_full}, await login_as(api, JEROEN))
    assert taken["enrol"]["errors"] == []  # the last seat
    waiting = await api.data(ENROL, {"e": nearly_full, "w": True}, await login_as(api, ANNA))
    assert waiting["enrol"]["waitlisted"] is True
    before = (await api.data(EVENT_ENROLMENTS, {"e": nearly_full}, staff))["eventEnrolments"]
    active = [n for n in before["nodes"] if n["status"] != "CANCELLED"]
    assert len(active) == 5  # four seated, one waiting
    # Not staff: refused, nothing changed.
    body = await api.query(CANCEL_EVENT, {"e": nearly_full}, fatima)
    assert refusal(body, "cancelCourseEvent") == ["FORBIDDEN"]
    done = (await api.data(CANCEL_EVENT, {"e": nearly_full}, staff))["cancelCourseEvent"]
    assert done["errors"] == [] and done["event"]["cancelledAt"] is not None
    after = (await api.data(EVENT_ENROLMENTS, {"e": nearly_full}, staff))["eventEnrolments"]
    assert {n["status"] for n in after["nodes"]} == {"CANCELLED"}
    mails = [m for m in await outbox(api.database) if m.template == "event_cancelled"]
    assert len(mails) == 5
    assert all("Omgaan met agressie" in m.subject for m in mails)
    assert {FATIMA, JEROEN, ANNA} <= {m.to_address for m in mails}
    # In the participant's language, with the course, date and location.
    assert all("Omgaan met agressie" in m.text_body and "De Brug" in m.text_body for m in mails)
    assert (await audit_kinds(api.database)).count("COURSE_EVENT_CANCELLED") == 1
    # Cancelled: no new enrolments, no second cancellation, no changes.
    late = await api.data(ENROL, {"e": nearly_full}, await login_as(api, MARTIN, WELZIJN))
    assert errors(late["enrol"]) == [("CONFLICT", "input.eventId")]
    again = await api.data(CANCEL_EVENT, {"e": nearly_full}, staff)
    assert errors(again["cancelCourseEvent"]) == [("CONFLICT", "eventId")]
    change = await api.data(UPDATE_EVENT, {"input": {"eventId": nearly_full, "capacity": 9}}, staff)
    assert errors(change["updateCourseEvent"]) == [("CONFLICT", "input.eventId")]


async def test_org_admin_cancels_a_colleagues_enrolment_before_the_deadline(api: Api) -> None:
    staff = await login_as(api, STAFF)
    martin = await login_as(api, MARTIN, WELZIJN)
    nearly_full = await event_id(api, martin, "Omgaan met agressie")
    jeroen_id = await api.person_id(JEROEN)
    seat = (await api.data(ENROL, {"e": nearly_full, "p": jeroen_id}, martin))["enrol"]
    assert seat["enrolment"]["status"] == "PROCESSING"  # the last seat, invoiced to Welzijn
    fatima = await login_as(api, FATIMA, WELZIJN)
    waiting = await api.data(ENROL, {"e": nearly_full, "w": True}, await login_as(api, ANNA))
    assert waiting["enrol"]["waitlisted"] is True
    enrolment = seat["enrolment"]["id"]
    # A contact who is no admin, the admin acting as himself, another organisation's admin:
    # refused, and the enrolment stays.
    for who, code in (
        (fatima, "FORBIDDEN"),
        (await login_as(api, MARTIN), "FORBIDDEN"),
        (await login_as(api, ANNA, VEENDAM), "NOT_FOUND"),  # not her organisation's
    ):
        body = await api.query(CANCEL, {"id": enrolment}, who)
        assert refusal(body, "cancelColleagueEnrolment") == [code]
    done = (await api.data(CANCEL, {"id": enrolment}, martin))["cancelColleagueEnrolment"]
    assert done == {"enrolment": {"status": "CANCELLED"}, "errors": []}
    # The same promotion as when the participant cancels: Anna has the seat and a mail.
    rows = (await api.data(EVENT_ENROLMENTS, {"e": nearly_full}, staff))["eventEnrolments"]
    status = {n["participantName"]: n["status"] for n in rows["nodes"]}
    assert status["Anna de Boer"] == "PROCESSING"
    assert status["Jeroen Kok"] == "CANCELLED"
    promoted = [m for m in await outbox(api.database, ANNA) if m.template == "waitlist_promoted"]
    assert len(promoted) == 1

    # After the cancellation deadline the admin may not cancel; staff still can.
    bhv = await event_id(api, martin, "BHV Basis", maatwerk=False)
    other = (await api.data(ENROL, {"e": bhv, "p": jeroen_id}, martin))["enrol"]["enrolment"]["id"]
    past = (datetime.now(UTC) - timedelta(hours=1)).isoformat()
    moved = await api.data(
        UPDATE_EVENT, {"input": {"eventId": bhv, "cancellationDeadline": past}}, staff
    )
    assert moved["updateCourseEvent"]["errors"] == []
    late = (await api.data(CANCEL, {"id": other}, martin))["cancelColleagueEnrolment"]
    assert late == {"enrolment": None, "errors": [{"code": "CONFLICT", "field": "enrolmentId"}]}


async def test_cancelling_an_event_costs_the_same_statements_for_one_or_five_participants(
    api: Api,
) -> None:
    staff = await login_as(api, STAFF)
    small = await event_id(api, staff, "BHV Basis")
    assert (await api.data(ENROL, {"e": small}, await login_as(api, JEROEN)))["enrol"][
        "errors"
    ] == []
    done = (await api.data(CANCEL_EVENT, {"e": small}, staff))["cancelCourseEvent"]
    assert done["errors"] == []
    one = api.last_statements
    big = await event_id(api, staff, "Omgaan met agressie")
    await api.data(ENROL, {"e": big}, await login_as(api, JEROEN))
    await api.data(ENROL, {"e": big, "w": True}, await login_as(api, ANNA))
    active = (await api.data(EVENT_ENROLMENTS, {"e": big}, staff))["eventEnrolments"]["nodes"]
    assert len([n for n in active if n["status"] != "CANCELLED"]) == 5
    assert (await api.data(CANCEL_EVENT, {"e": big}, staff))["cancelCourseEvent"]["errors"] == []
    assert api.last_statements == one, (one, api.last_statements)
    mails = [m for m in await outbox(api.database) if m.template == "event_cancelled"]
    assert len(mails) == 6
