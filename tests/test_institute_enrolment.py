"""Three ways to enrol, every refusal, cancelling with promotion from the waiting list, and the
staff's processing: confirmation, invitation, result and attendance, activation of new people."""

from __future__ import annotations

from tests.conftest import Api
from tests.helpers import link_token, outbox
from tests.institute_setup import (
    ELS,
    ENROL,
    FATIMA,
    JEROEN,
    KEES,
    MARTIN,
    STAFF,
    VEENDAM,
    WELZIJN,
    event_id,
    login_as,
)

MINE = """query($upcoming: Boolean, $statuses: [EnrolmentStatus!]) {
  myCourseEnrolments(upcoming: $upcoming, statuses: $statuses, first: 50) {
    totalCount
    nodes { id status confirmationSentAt invitationSentAt result attended
            event { startsAt locationName course { title } } }
  }
}"""
CANCEL = """mutation($id: ID!) { cancelEnrolment(enrolmentId: $id) {
  enrolment { status } errors { code field } } }"""
STAFF_CANCEL = """mutation($id: ID!) { staffCancelEnrolment(enrolmentId: $id) {
  enrolment { status } errors { code field } } }"""
CONFIRM = """mutation($ids: [ID!]!) { confirmEnrolments(enrolmentIds: $ids) {
  enrolments { status confirmationSentAt } errors { code field } } }"""
INVITE = """mutation($ids: [ID!]!) { sendCourseInvitations(enrolmentIds: $ids) {
  enrolments { invitationSentAt } errors { code field } } }"""
RESULT = """mutation($id: ID!) { recordCourseResult(input: {enrolmentId: $id, result: PASSED, attended: true}) {
  enrolment { result attended } errors { code field } } }"""
EVENT_ENROLMENTS = """query($e: ID!) { eventEnrolments(eventId: $e, first: 50) {
  nodes { id participantName status } } }"""


async def _enrol(api: Api, token: str, event: str, person: str | None = None, wait: bool = False):  # type: ignore[no-untyped-def]
    return (await api.data(ENROL, {"e": event, "p": person, "w": wait}, token))["enrol"]


async def test_three_ways_to_enrol_fix_who_is_invoiced(api: Api) -> None:
    els = await login_as(api, ELS)
    bhv = await event_id(api, els, "BHV Basis", maatwerk=False)
    # As a private person: the person is invoiced.
    done = await _enrol(api, els, bhv)
    assert done["errors"] == [] and done["waitlisted"] is False
    assert done["enrolment"]["status"] == "PROCESSING"
    assert done["enrolment"]["invoicedToOrganisation"] is False
    assert done["enrolment"]["invoicedTo"] == "Els Dekker"
    # As an employee acting for the organisation: the organisation is invoiced.
    fatima = await login_as(api, FATIMA, WELZIJN)
    done = await _enrol(api, fatima, bhv)
    assert done["enrolment"]["invoicedTo"] == WELZIJN
    assert done["enrolment"]["invoicedToOrganisation"] is True
    # The organisation admin enrols a colleague: enrolled by him, invoiced to the organisation.
    martin = await login_as(api, MARTIN, WELZIJN)
    jeroen = await api.person_id(JEROEN)
    done = await _enrol(api, martin, bhv, jeroen)
    assert done["errors"] == []
    assert done["enrolment"]["participantName"] == "Jeroen Kok"
    assert done["enrolment"]["enrolledByName"] == "Martin Sommer"
    assert done["enrolment"]["invoicedTo"] == WELZIJN
    # Jeroen sees it among his courses; the choice is fixed, whoever he acts for now.
    mine = await api.data(MINE, {"upcoming": True}, await login_as(api, JEROEN, VEENDAM))
    titles = [n["event"]["course"]["title"] for n in mine["myCourseEnrolments"]["nodes"]]
    assert "BHV Basis" in titles


async def test_my_courses_cost_the_same_statements_at_every_page_size(api: Api) -> None:
    jeroen = await login_as(api, JEROEN, VEENDAM)
    page = MINE.replace("first: 50", "first: $first").replace(
        "$statuses: [EnrolmentStatus!]", "$statuses: [EnrolmentStatus!], $first: Int"
    )
    one = (await api.data(page, {"first": 1}, jeroen))["myCourseEnrolments"]
    statements = api.last_statements
    full = (await api.data(page, {"first": 50}, jeroen))["myCourseEnrolments"]
    assert len(one["nodes"]) == 1 and len(full["nodes"]) == full["totalCount"] > 1
    assert api.last_statements == statements
    # Authentication, relations, the page (events, courses and the count ride along), units.
    assert statements <= 4, statements


async def test_enrolling_others_is_for_the_organisation_admin_and_its_contacts(api: Api) -> None:
    martin = await login_as(api, MARTIN, WELZIJN)
    bhv = await event_id(api, martin, "BHV Basis", maatwerk=False)
    kees = await api.person_id(KEES)
    refused = await _enrol(api, martin, bhv, kees)
    assert refused["enrolment"] is None
    assert refused["errors"] == [
        {"code": "NOT_FOUND", "field": "input.personId", "message": refused["errors"][0]["message"]}
    ]
    assert "Kees de Groot" in refused["errors"][0]["message"]
    # A contact who is no admin may not enrol colleagues.
    fatima = await login_as(api, FATIMA, WELZIJN)
    body = await api.query(ENROL, {"e": bhv, "p": await api.person_id(JEROEN)}, fatima)
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    # Nor may the admin while acting as himself.
    martin_self = await login_as(api, MARTIN)
    body = await api.query(ENROL, {"e": bhv, "p": await api.person_id(JEROEN)}, martin_self)
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"


async def test_refusals_full_deadline_invisible_already_enrolled(api: Api) -> None:
    els = await login_as(api, ELS)
    nearly_full = await event_id(api, els, "Omgaan met agressie")
    # Els holds a seat already (demo): a second enrolment is refused.
    again = await _enrol(api, els, nearly_full)
    assert [(e["code"], e["field"]) for e in again["errors"]] == [
        ("ALREADY_EXISTS", "input.eventId")
    ]
    # Jeroen takes the last seat; then the event is full and the waiting list is offered.
    assert (await _enrol(api, await login_as(api, JEROEN), nearly_full))["enrolment"]["status"] == (
        "PROCESSING"
    )
    martin = await login_as(api, MARTIN, WELZIJN)
    full = await _enrol(api, martin, nearly_full)
    assert [(e["code"], e["field"]) for e in full["errors"]] == [("CONFLICT", "input.eventId")]
    assert "Omgaan met agressie" in full["errors"][0]["message"]
    waiting = await _enrol(api, martin, nearly_full, wait=True)
    assert waiting["waitlisted"] is True and waiting["enrolment"]["status"] == "WAITLISTED"
    # Past the enrolment deadline.
    closing = await event_id(api, els, "Veilig werken met gewasbeschermingsmiddelen")
    late = await _enrol(api, els, closing)
    assert [(e["code"], e["field"]) for e in late["errors"]] == [("CONFLICT", "input.eventId")]
    # Another organisation's maatwerk does not exist for Kees, by ID either.
    staff = await login_as(api, STAFF)
    maatwerk = await event_id(api, staff, "Meldcode in de praktijk")
    kees = await login_as(api, KEES, VEENDAM)
    hidden = await _enrol(api, kees, maatwerk)
    assert [(e["code"], e["field"]) for e in hidden["errors"]] == [("NOT_FOUND", "input.eventId")]
    # A malformed ID is refused the same way as an unknown one.
    bad = await _enrol(api, kees, "bm9wZQ")
    assert [e["code"] for e in bad["errors"]] == ["NOT_FOUND"]


async def test_cancel_promotes_the_first_waitlisted_who_gets_a_mail(api: Api) -> None:
    els = await login_as(api, ELS)
    nearly_full = await event_id(api, els, "Omgaan met agressie")
    jeroen = await login_as(api, JEROEN)
    await _enrol(api, jeroen, nearly_full)  # the last seat
    martin = await login_as(api, MARTIN)
    first = await _enrol(api, martin, nearly_full, wait=True)
    second = await _enrol(
        api, await login_as(api, "anna.deboer@veendam.example"), nearly_full, wait=True
    )
    assert first["waitlisted"] and second["waitlisted"]
    mine = (await api.data(MINE, {"statuses": ["PROCESSING"]}, jeroen))["myCourseEnrolments"]
    seat = next(n for n in mine["nodes"] if n["event"]["course"]["title"] == "Omgaan met agressie")
    cancelled = (await api.data(CANCEL, {"id": seat["id"]}, jeroen))["cancelEnrolment"]
    assert cancelled == {"enrolment": {"status": "CANCELLED"}, "errors": []}
    # Martin waited longest: he has the seat now and a mail says so; Anna still waits.
    staff = await login_as(api, STAFF)
    rows = (await api.data(EVENT_ENROLMENTS, {"e": nearly_full}, staff))["eventEnrolments"]["nodes"]
    status = {n["participantName"]: n["status"] for n in rows}
    assert status["Martin Sommer"] == "PROCESSING"
    assert status["Anna de Boer"] == "WAITLISTED"
    mails = [m for m in await outbox(api.database, MARTIN) if m.template == "waitlist_promoted"]
    assert len(mails) == 1 and "Omgaan met agressie" in mails[0].subject
    # Cancelling twice is refused.
    twice = (await api.data(CANCEL, {"id": seat["id"]}, jeroen))["cancelEnrolment"]
    assert twice["errors"][0]["code"] == "CONFLICT"


async def test_after_the_cancellation_deadline_only_staff_cancel(api: Api) -> None:
    kees = await login_as(api, KEES, VEENDAM)
    mine = (await api.data(MINE, {"upcoming": True}, kees))["myCourseEnrolments"]["nodes"]
    closing = next(n for n in mine if n["event"]["course"]["title"].startswith("Veilig werken"))
    late = (await api.data(CANCEL, {"id": closing["id"]}, kees))["cancelEnrolment"]
    assert late == {"enrolment": None, "errors": [{"code": "CONFLICT", "field": "enrolmentId"}]}
    # Someone else's enrolment does not exist for you.
    other = await api.data(CANCEL, {"id": closing["id"]}, await login_as(api, ELS))
    assert other["cancelEnrolment"]["errors"] == [{"code": "NOT_FOUND", "field": "enrolmentId"}]
    staff = await login_as(api, STAFF)
    done = (await api.data(STAFF_CANCEL, {"id": closing["id"]}, staff))["staffCancelEnrolment"]
    assert done == {"enrolment": {"status": "CANCELLED"}, "errors": []}
    # Contacts may not use the staff's cancel.
    body = await api.query(STAFF_CANCEL, {"id": closing["id"]}, kees)
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"


async def test_staff_confirm_invite_and_record_results(api: Api) -> None:
    els = await login_as(api, ELS)
    bhv = await event_id(api, els, "BHV Basis", maatwerk=False)
    enrolment = (await _enrol(api, els, bhv))["enrolment"]["id"]
    staff = await login_as(api, STAFF)
    # An invitation before confirmation is refused; so is a result.
    early = (await api.data(INVITE, {"ids": [enrolment]}, staff))["sendCourseInvitations"]
    assert early["errors"][0]["code"] == "CONFLICT"
    confirmed = (await api.data(CONFIRM, {"ids": [enrolment]}, staff))["confirmEnrolments"]
    assert confirmed["errors"] == []
    assert confirmed["enrolments"][0]["status"] == "CONFIRMED"
    assert confirmed["enrolments"][0]["confirmationSentAt"] is not None
    mail = [m for m in await outbox(api.database, ELS) if m.template == "enrolment_confirmation"]
    assert len(mail) == 1 and "BHV Basis" in mail[0].subject
    assert "Stationsplein" not in mail[0].text_body  # the location name, not an address, is shown
    assert "De Brug, Groningen" in mail[0].text_body
    invited = (await api.data(INVITE, {"ids": [enrolment]}, staff))["sendCourseInvitations"]
    assert invited["enrolments"][0]["invitationSentAt"] is not None
    assert [m.template for m in await outbox(api.database, ELS)][-1] == "course_invitation"
    result = (await api.data(RESULT, {"id": enrolment}, staff))["recordCourseResult"]
    assert result == {"enrolment": {"result": "PASSED", "attended": True}, "errors": []}
    # The seed's table in "my courses": confirmation sent, invitation sent, result, attended.
    mine = (await api.data(MINE, {"upcoming": True}, els))["myCourseEnrolments"]["nodes"]
    row = next(n for n in mine if n["id"] == enrolment)
    assert row["confirmationSentAt"] and row["invitationSentAt"]
    assert (row["result"], row["attended"]) == ("PASSED", True)
    # Confirming is for staff: a contact is refused, and cannot reach another's enrolment.
    body = await api.query(CONFIRM, {"ids": [enrolment]}, await login_as(api, MARTIN, WELZIJN))
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"


async def test_new_contact_enrolled_gets_an_activation_link_after_processing(api: Api) -> None:
    martin = await login_as(api, MARTIN, WELZIJN)
    invite = """mutation($e: String!, $u: ID!) { invitePerson(input: {email: $e, role: CONTACT,
      unitId: $u, givenName: "Noor", familyName: "Vos"}) { person { id } errors { code } } }"""
    added = await api.data(
        invite, {"e": "noor.vos@welzijn.example", "u": await api.unit_id(WELZIJN)}, martin
    )
    noor = added["invitePerson"]["person"]["id"]
    bhv = await event_id(api, martin, "BHV Basis", maatwerk=False)
    enrolment = (await _enrol(api, martin, bhv, noor))["enrolment"]["id"]
    staff = await login_as(api, STAFF)
    await api.data(CONFIRM, {"ids": [enrolment]}, staff)
    mails = await outbox(api.database, "noor.vos@welzijn.example")
    assert [m.template for m in mails] == ["activation", "enrolment_confirmation", "activation"]
    activation = mails[-1]
    assert "Opleidingsinstituut De Brug" in activation.subject
    # A link, never a password; following it lets Noor choose one and log in.
    assert "token=" in activation.text_body and "Zonnebloem" not in activation.text_body
    activate = """mutation($t: String!, $p: String!) { activateAccount(token: $t, password: $p) {
      token errors { code } } }"""
    done = await api.data(activate, {"t": link_token(activation), "p": "Cursus-Start-2026"})
    assert done["activateAccount"]["errors"] == []
    mine = (await api.data(MINE, {}, done["activateAccount"]["token"]))["myCourseEnrolments"]
    assert mine["totalCount"] == 1 and mine["nodes"][0]["status"] == "CONFIRMED"
