"""The organisation admin's part (details and contacts; other contacts only see), my details
per how I act, the digital dossier, the staff's dashboard, and "remember me" with the last
chosen organisation."""

from __future__ import annotations

import re

from tests.conftest import Api
from tests.helpers import link_token, outbox
from tests.institute_setup import (
    ELS,
    FATIMA,
    JEROEN,
    KEES,
    MARTIN,
    STAFF,
    VEENDAM,
    WELZIJN,
    login_as,
)

ORG = """query($o: ID!) { clientOrganisation(organisationId: $o) {
  name invoiceAddress invoiceEmail vatNumber purchaseOrderRequired purchaseOrderReference
  contacts { name email isAdmin } } }"""
UPDATE = """mutation($o: ID!, $a: String, $m: String) { updateClientOrganisation(input: {
  organisationId: $o, invoiceAddress: $a, invoiceEmail: $m}) {
  organisation { invoiceAddress invoiceEmail } errors { code field } } }"""
ADD = """mutation($o: ID!, $e: String!) { addOrganisationContact(input: {organisationId: $o,
  email: $e, givenName: "Sem", familyName: "Bakker", jobTitle: "Groenbeheerder"}) {
  organisation { contacts { email } } errors { code field } } }"""
REMOVE = """mutation($o: ID!, $p: ID!) { removeOrganisationContact(organisationId: $o, personId: $p) {
  organisation { contacts { email } } errors { code field } } }"""
MY_DETAILS = """{ myInstituteDetails { actingAsOrganisation private { address phone }
  employee { organisationName jobTitle department } } }"""
UPDATE_MINE = """mutation($i: MyInstituteDetailsInput!) { updateMyInstituteDetails(input: $i) {
  details { private { address } employee { jobTitle } } errors { code field } } }"""
DOSSIER = """query($first: Int, $after: String) { myDossier(first: $first, after: $after) {
  totalCount pageInfo { hasNextPage endCursor }
  nodes { kind at enrolment { status event { course { title } } }
          message { subject text } invoice { number pdfUrl } } } }"""
ORG_ENROLMENTS = """query($o: ID!, $first: Int) { organisationEnrolments(organisationId: $o, first: $first) {
  totalCount nodes { participantName status confirmationSentAt invitationSentAt result attended
  event { startsAt course { title } } } } }"""
BOUGHT = """query($o: ID!) { organisationEvents(organisationId: $o) { nodes { course { title } maatwerk } } }"""


async def test_admin_edits_the_organisation_contacts_only_see(api: Api) -> None:
    welzijn = await api.unit_id(WELZIJN)
    martin = await login_as(api, MARTIN, WELZIJN)
    changed = (
        await api.data(
            UPDATE,
            {"o": welzijn, "a": "Postbus 7, 8000 AA Zwolle", "m": "Facturen@Welzijn.example"},
            martin,
        )
    )["updateClientOrganisation"]
    assert changed == {
        "organisation": {
            "invoiceAddress": "Postbus 7, 8000 AA Zwolle",
            "invoiceEmail": "facturen@welzijn.example",
        },
        "errors": [],
    }
    bad = (await api.data(UPDATE, {"o": welzijn, "a": "x" * 301}, martin))[
        "updateClientOrganisation"
    ]
    assert bad == {
        "organisation": None,
        "errors": [{"code": "INVALID", "field": "input.invoiceAddress"}],
    }
    # A contact sees the details and the contacts, but may not change them.
    fatima = await login_as(api, FATIMA, WELZIJN)
    seen = (await api.data(ORG, {"o": welzijn}, fatima))["clientOrganisation"]
    assert seen["invoiceAddress"] == "Postbus 7, 8000 AA Zwolle"
    assert {"name": "Martin Sommer", "email": MARTIN, "isAdmin": True} in seen["contacts"]
    refused = await api.query(UPDATE, {"o": welzijn, "a": "Elders"}, fatima)
    assert refused["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    # The admin acting as himself, and a contact of another organisation, get nothing.
    body = await api.query(UPDATE, {"o": welzijn, "a": "Elders"}, await login_as(api, MARTIN))
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    kees = await login_as(api, KEES, VEENDAM)
    assert (await api.query(ORG, {"o": welzijn}, kees))["errors"][0]["extensions"][
        "code"
    ] == "NOT_FOUND"


async def test_admin_adds_and_removes_contacts(api: Api) -> None:
    welzijn = await api.unit_id(WELZIJN)
    martin = await login_as(api, MARTIN, WELZIJN)
    added = (await api.data(ADD, {"o": welzijn, "e": "Sem.Bakker@welzijn.example"}, martin))[
        "addOrganisationContact"
    ]
    assert added["errors"] == []
    assert {"email": "sem.bakker@welzijn.example"} in added["organisation"]["contacts"]
    # Someone unknown gets an activation link, never a password; the link works.
    mail = (await outbox(api.database, "sem.bakker@welzijn.example"))[0]
    assert mail.template == "activation" and "Zonnebloem" not in mail.text_body
    activate = """mutation($t: String!) { activateAccount(token: $t, password: "Groen-Beheer-77") { token errors { code } } }"""
    done = (await api.data(activate, {"t": link_token(mail)}))["activateAccount"]
    assert done["errors"] == []
    sem = done["token"]
    act = "mutation($o: ID) { actAs(organisationId: $o) { errors { code } } }"
    assert (await api.data(act, {"o": welzijn}, sem))["actAs"]["errors"] == []
    mine = (await api.data(MY_DETAILS, token=sem))["myInstituteDetails"]
    assert mine["employee"]["jobTitle"] == "Groenbeheerder"
    # The activation mail's single-use link is not kept in his dossier.
    assert (await api.data(DOSSIER, {"first": 10}, sem))["myDossier"]["totalCount"] == 0
    # Someone known (a private customer) is told, and becomes a contact too.
    known = (await api.data(ADD, {"o": welzijn, "e": ELS}, martin))["addOrganisationContact"]
    assert {"email": ELS} in known["organisation"]["contacts"]
    assert (await outbox(api.database, ELS))[-1].template == "added_to_unit"
    # Removing: not yourself; someone who is no contact is not found.
    me = await api.person_id(MARTIN)
    own = (await api.data(REMOVE, {"o": welzijn, "p": me}, martin))["removeOrganisationContact"]
    assert own["errors"] == [{"code": "CONFLICT", "field": "personId"}]
    kees = await api.person_id(KEES)
    other = (await api.data(REMOVE, {"o": welzijn, "p": kees}, martin))["removeOrganisationContact"]
    assert other["errors"] == [{"code": "NOT_FOUND", "field": "personId"}]
    gone = (await api.data(REMOVE, {"o": welzijn, "p": await api.person_id(JEROEN)}, martin))[
        "removeOrganisationContact"
    ]
    assert gone["errors"] == []
    assert {"email": JEROEN} not in gone["organisation"]["contacts"]
    # Jeroen can no longer act for Welzijn; Veendam still works.
    jeroen = await api.login(JEROEN)
    refused = await api.query(act, {"o": welzijn}, jeroen)
    assert refused["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    # Contacts may not add or remove.
    fatima = await login_as(api, FATIMA, WELZIJN)
    body = await api.query(ADD, {"o": welzijn, "e": "nog.iemand@welzijn.example"}, fatima)
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"


async def test_my_details_private_as_myself_employee_for_the_organisation(api: Api) -> None:
    jeroen = await login_as(api, JEROEN)
    as_self = (await api.data(MY_DETAILS, token=jeroen))["myInstituteDetails"]
    assert as_self["actingAsOrganisation"] is False and as_self["employee"] is None
    await login_as(api, JEROEN)  # a second session does not change the first
    act = "mutation($o: ID) { actAs(organisationId: $o) { errors { code } } }"
    for org, title in [(WELZIJN, "Hovenier"), (VEENDAM, "Medewerker groen")]:
        await api.data(act, {"o": await api.unit_id(org)}, jeroen)
        # Switching organisation reloads the rights and the details at once.
        shown = (await api.data(MY_DETAILS, token=jeroen))["myInstituteDetails"]
        assert (
            shown["employee"]["organisationName"] == org and shown["employee"]["jobTitle"] == title
        )
        assert shown["private"] is None
    changed = (await api.data(UPDATE_MINE, {"i": {"jobTitle": "Teamleider groen"}}, jeroen))[
        "updateMyInstituteDetails"
    ]
    assert changed["details"]["employee"] == {"jobTitle": "Teamleider groen"}
    # Private details are changed acting as yourself, not while acting for the organisation.
    wrong = (await api.data(UPDATE_MINE, {"i": {"address": "Elders 1"}}, jeroen))[
        "updateMyInstituteDetails"
    ]
    assert wrong["errors"] == [{"code": "INVALID", "field": "input.address"}]
    els = await login_as(api, ELS)
    mine = (await api.data(UPDATE_MINE, {"i": {"address": "Nieuwe Markt 3, Groningen"}}, els))[
        "updateMyInstituteDetails"
    ]
    assert mine == {
        "details": {"private": {"address": "Nieuwe Markt 3, Groningen"}, "employee": None},
        "errors": [],
    }


async def test_remember_me_keeps_the_chosen_organisation_logout_forgets_both(api: Api) -> None:
    login = """mutation { login(email: "martin.sommer@welzijn.example", password: "Zonnebloem-42!", rememberMe: true) { token } }"""
    token = (await api.data(login))["login"]["token"]
    act = "mutation($o: ID) { actAs(organisationId: $o) { errors { code } } }"
    await api.data(act, {"o": await api.unit_id(WELZIJN)}, token)
    viewer = "{ viewer { actingFor { name } } }"
    # A later request of the remembered session still acts for the organisation.
    assert (await api.data(viewer, token=token))["viewer"]["actingFor"] == {"name": WELZIJN}
    assert (await api.data(MY_DETAILS, token=token))["myInstituteDetails"]["actingAsOrganisation"]
    await api.data("mutation { logout { ok } }", token=token)
    after = await api.query(viewer, token=token)
    assert after["data"]["viewer"] is None or after["data"]["viewer"]["actingFor"] is None
    fresh = (await api.data(login))["login"]["token"]
    assert (await api.data(viewer, token=fresh))["viewer"]["actingFor"] is None


async def test_digital_dossier_lists_enrolments_messages_and_invoices_by_date(api: Api) -> None:
    els = await login_as(api, ELS)
    # Something happens: an enrolment, and staff confirm it (a mail).
    from tests.institute_setup import ENROL, event_id

    bhv = await event_id(api, els, "BHV Basis", maatwerk=False)
    enrolment = (await api.data(ENROL, {"e": bhv}, els))["enrol"]["enrolment"]["id"]
    staff = await login_as(api, STAFF)
    confirm = (
        """mutation($ids: [ID!]!) { confirmEnrolments(enrolmentIds: $ids) { errors { code } } }"""
    )
    await api.data(confirm, {"ids": [enrolment]}, staff)
    dossier = (await api.data(DOSSIER, {"first": 50}, els))["myDossier"]
    kinds = [n["kind"] for n in dossier["nodes"]]
    assert {"ENROLMENT", "MESSAGE", "INVOICE"} <= set(kinds)
    ats = [n["at"] for n in dossier["nodes"]]
    assert ats == sorted(ats, reverse=True)
    message = next(n for n in dossier["nodes"] if n["kind"] == "MESSAGE")
    assert "BHV Basis" in message["message"]["subject"] and message["message"]["text"]
    invoice = next(n for n in dossier["nodes"] if n["kind"] == "INVOICE")["invoice"]
    pdf = await api.client.get(invoice["pdfUrl"].removeprefix("http://portaal.test"))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert dossier["totalCount"] == len(dossier["nodes"])
    # Paging is stable.
    first = (await api.data(DOSSIER, {"first": 1}, els))["myDossier"]
    rest = await api.data(DOSSIER, {"first": 1, "after": first["pageInfo"]["endCursor"]}, els)
    assert rest["myDossier"]["nodes"][0] == dossier["nodes"][1]
    # The statement count does not grow with the dossier: one more enrolment and two mails.
    await api.data(DOSSIER, {"first": 50}, els)
    before = api.last_statements
    pruning = await event_id(api, els, "Boomverzorging basis")
    more = (await api.data(ENROL, {"e": pruning}, els))["enrol"]["enrolment"]["id"]
    await api.data(confirm, {"ids": [more]}, staff)
    grown = (await api.data(DOSSIER, {"first": 50}, els))["myDossier"]
    assert grown["totalCount"] == dossier["totalCount"] + 2
    assert api.last_statements == before
    # Nobody else's entries: Kees's dossier has no Els.
    kees = (await api.data(DOSSIER, {"first": 50}, await login_as(api, KEES)))["myDossier"]
    assert all(n["invoice"] is None or n["invoice"]["number"] for n in kees["nodes"])
    assert not any(
        n["enrolment"] and n["enrolment"]["event"]["course"]["title"] == "BHV Basis"
        for n in kees["nodes"]
    )


async def test_organisation_lists_for_admins_and_contacts_and_statement_counts(api: Api) -> None:
    welzijn = await api.unit_id(WELZIJN)
    fatima = await login_as(api, FATIMA, WELZIJN)
    rows = (await api.data(ORG_ENROLMENTS, {"o": welzijn, "first": 1}, fatima))[
        "organisationEnrolments"
    ]
    one = api.last_statements
    full = (await api.data(ORG_ENROLMENTS, {"o": welzijn, "first": 50}, fatima))[
        "organisationEnrolments"
    ]
    assert api.last_statements == one
    # Authentication, relations, the bound organisation, the page (events, courses, people and
    # the count ride along) and the units the scopes need.
    assert one <= 5, one
    assert full["totalCount"] == rows["totalCount"] == len(full["nodes"]) >= 5
    assert {n["participantName"] for n in full["nodes"]} >= {"Fatima Bouali", "Jeroen Kok"}
    # The seed's columns: confirmation sent, invitation sent, result, attended.
    past = [n for n in full["nodes"] if n["result"]]
    assert {(n["participantName"], n["result"], n["attended"]) for n in past} == {
        ("Fatima Bouali", "PASSED", True),
        ("Jeroen Kok", "COMPLETED", True),
    }
    bought = (await api.data(BOUGHT, {"o": welzijn}, fatima))["organisationEvents"]["nodes"]
    assert bought == [{"course": {"title": "Meldcode in de praktijk"}, "maatwerk": True}]
    # Acting as herself, or as a contact of another organisation: refused.
    body = await api.query(ORG_ENROLMENTS, {"o": welzijn}, await login_as(api, FATIMA))
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    body = await api.query(ORG_ENROLMENTS, {"o": welzijn}, await login_as(api, KEES, VEENDAM))
    assert body["errors"][0]["extensions"]["code"] == "NOT_FOUND"


async def test_staff_dashboard_aggregates(api: Api) -> None:
    staff = await login_as(api, STAFF)
    institute = await api.unit_id("Opleidingsinstituut De Brug")
    query = """query($i: ID!) { instituteDashboard(instituteId: $i) {
      fillRates { event { course { title } maatwerk } capacity seated fillPercent }
      revenuePerMonth { month openCents paidCents overdueCents }
      enrolmentsPerCategoryMonth { category month enrolments } } }"""
    board = (await api.data(query, {"i": institute}, staff))["instituteDashboard"]
    rates = {(r["event"]["course"]["title"], r["event"]["maatwerk"]): r for r in board["fillRates"]}
    nearly = rates[("Omgaan met agressie", False)]
    assert (nearly["capacity"], nearly["seated"], nearly["fillPercent"]) == (4, 3, 75)
    # Demo invoices: Welzijn's open (€ 955,90), Els's paid (€ 477,95), Veendam's credited.
    totals = {
        k: sum(m[k] for m in board["revenuePerMonth"])
        for k in ("openCents", "paidCents", "overdueCents")
    }
    assert totals == {"openCents": 95590, "paidCents": 47795, "overdueCents": 0}
    # Demo: 11 enrolments, one of them cancelled; all made when the demo was loaded.
    per_category: dict[str, int] = {}
    for row in board["enrolmentsPerCategoryMonth"]:
        assert re.fullmatch(r"\d{4}-\d{2}", row["month"])
        per_category[row["category"]] = per_category.get(row["category"], 0) + row["enrolments"]
    assert per_category == {"Agro & Groen": 5, "Zorg & Welzijn": 5}
    # Contacts see no dashboard.
    body = await api.query(query, {"i": institute}, await login_as(api, MARTIN, WELZIJN))
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
