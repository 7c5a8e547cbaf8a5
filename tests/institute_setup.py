"""Logins and small builders for the institute tests, arranged through the API."""

from __future__ import annotations

from typing import Any

from tests.conftest import Api

STAFF = "administratie@debrug.example"
MARTIN = "martin.sommer@welzijn.example"  # admin and contact of Zorggroep Welzijn BV
FATIMA = "fatima.bouali@welzijn.example"  # contact of Welzijn
KEES = "kees.degroot@veendam.example"  # contact of Gemeente Veendam
JEROEN = "jeroen.kok@example.nl"  # contact of both organisations
ELS = "els.dekker@example.nl"  # a private customer, no organisation
ANNA = "anna.deboer@veendam.example"  # admin of Veendam
WELZIJN = "Zorggroep Welzijn BV"
VEENDAM = "Gemeente Veendam"
INSTITUTE = "Opleidingsinstituut De Brug"

ACT = "mutation($o: ID) { actAs(organisationId: $o) { errors { code field } } }"

EVENTS = """query($upcoming: Boolean, $search: String, $first: Int) {
  courseEvents(upcoming: $upcoming, search: $search, first: $first) {
    totalCount
    nodes { id maatwerk capacity seatsAvailable locationName course { title categoryPath } }
  }
}"""

ENROL = """mutation($e: ID!, $p: ID, $w: Boolean) {
  enrol(input: {eventId: $e, personId: $p, joinWaitlist: $w}) {
    waitlisted
    enrolment { id status invoicedTo invoicedToOrganisation participantName enrolledByName }
    errors { code field message }
  }
}"""


async def login_as(api: Api, email: str, org: str | None = None) -> str:
    token = await api.login(email)
    if org is not None:
        acted = await api.data(ACT, {"o": await api.unit_id(org)}, token)
        assert acted["actAs"]["errors"] == []
    return token


async def events(api: Api, token: str, **variables: Any) -> dict[str, Any]:
    return (await api.data(EVENTS, variables, token))["courseEvents"]


async def event_id(api: Api, token: str, title: str, maatwerk: bool | None = None) -> str:
    found = [
        e
        for e in (await events(api, token, first=100))["nodes"]
        if e["course"]["title"] == title and (maatwerk is None or e["maatwerk"] == maatwerk)
    ]
    assert found, title
    return found[0]["id"]
