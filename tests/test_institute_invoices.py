"""Invoices: one per debtor for confirmed enrolments, gapless numbers per institute and year
(also under 50 concurrent creations and after a rollback), VAT per rate in integer cents, paid
and credited, and a PDF that meets the Dutch invoice requirements."""

from __future__ import annotations

import asyncio
import io
import re
from datetime import UTC, datetime
from urllib.parse import urlsplit

import pypdf
import sqlalchemy as sa

from persistence.institute import queries as iq
from persistence.institute.models import Invoice
from tests.conftest import Api
from tests.institute_setup import (
    ELS,
    ENROL,
    FATIMA,
    JEROEN,
    MARTIN,
    STAFF,
    WELZIJN,
    event_id,
    login_as,
)

CONFIRM = """mutation($ids: [ID!]!) { confirmEnrolments(enrolmentIds: $ids) { errors { code } } }"""
CREATE = """mutation($ids: [ID!]!) { createInvoices(enrolmentIds: $ids) {
  invoices { id number debtorName debtorAddress debtorVatNumber purchaseOrderReference status
             issueDate dueDate totalExclVatCents totalVatCents totalInclVatCents currency pdfUrl
             vatPerRate { ratePercent baseCents vatCents }
             lines { description quantity unitPriceCents vatRatePercent amountCents } }
  errors { code field } } }"""
PAID = """mutation($id: ID!) { markInvoicePaid(invoiceId: $id, paidOn: "2026-11-30") {
  invoice { status paidOn } errors { code field } } }"""
CREDIT = """mutation($id: ID!) { creditInvoice(invoiceId: $id) {
  invoice { number isCreditNote creditsInvoiceNumber status totalInclVatCents pdfUrl }
  errors { code field } } }"""
MY_INVOICES = """query($s: InvoiceStatus) { myInvoices(status: $s, first: 50) {
  totalCount nodes { number status debtorName } } }"""
ORG_INVOICES = """query($o: ID!) { organisationInvoices(organisationId: $o, first: 50) {
  totalCount nodes { number status } } }"""


async def _confirmed(api: Api, staff: str) -> tuple[str, str, str]:
    """BHV Basis: Fatima and Jeroen for Welzijn (by their admin), Els as herself; confirmed."""
    els = await login_as(api, ELS)
    bhv = await event_id(api, els, "BHV Basis", maatwerk=False)
    ids = []
    for token, person in [
        (await login_as(api, FATIMA, WELZIJN), None),
        (await login_as(api, MARTIN, WELZIJN), await api.person_id(JEROEN)),
        (els, None),
    ]:
        done = (await api.data(ENROL, {"e": bhv, "p": person}, token))["enrol"]
        assert done["errors"] == []
        ids.append(done["enrolment"]["id"])
    assert (await api.data(CONFIRM, {"ids": ids}, staff))["confirmEnrolments"]["errors"] == []
    return ids[0], ids[1], ids[2]


def _sequence(number: str) -> tuple[int, int]:
    match = re.fullmatch(r"(\d{4})-(\d{6})", number)
    assert match, number
    return int(match.group(1)), int(match.group(2))


async def test_one_invoice_per_debtor_with_vat_per_rate(api: Api) -> None:
    staff = await login_as(api, STAFF)
    fatima, jeroen, els = await _confirmed(api, staff)
    made = (await api.data(CREATE, {"ids": [fatima, jeroen, els]}, staff))["createInvoices"]
    assert made["errors"] == []
    by_debtor = {i["debtorName"]: i for i in made["invoices"]}
    assert set(by_debtor) == {WELZIJN, "Els Dekker"}
    org = by_debtor[WELZIJN]
    # The organisation's two enrolments on one invoice; BHV Basis costs € 245,00 excl. 21% VAT.
    assert [(x["quantity"], x["unitPriceCents"], x["vatRatePercent"]) for x in org["lines"]] == [
        (1, 24500, 21),
        (1, 24500, 21),
    ]
    assert {"Fatima Bouali", "Jeroen Kok"} == {
        x["description"].split(", ")[-1] for x in org["lines"]
    }
    assert (org["totalExclVatCents"], org["totalVatCents"], org["totalInclVatCents"]) == (
        49000,
        10290,
        59290,
    )
    assert org["vatPerRate"] == [{"ratePercent": 21, "baseCents": 49000, "vatCents": 10290}]
    assert org["currency"] == "EUR" and org["status"] == "OPEN"
    # The debtor as it is now: invoice address, VAT number, the required purchase order.
    assert org["debtorAddress"].startswith("t.a.v. Crediteurenadministratie")
    assert org["debtorVatNumber"] == "NL812345678B01"
    assert org["purchaseOrderReference"] == "PO-2026-0042"
    # Numbers follow each other.
    (year_a, a), (year_b, b) = sorted(_sequence(i["number"]) for i in made["invoices"])
    assert year_a == year_b == datetime.now(UTC).year and b == a + 1
    # Invoicing the same enrolment again is refused, and so is a processing one.
    again = (await api.data(CREATE, {"ids": [els]}, staff))["createInvoices"]
    assert again["errors"] == [{"code": "CONFLICT", "field": "enrolmentIds"}]
    # Els sees hers; Fatima acting for Welzijn sees the organisation's, as herself not.
    mine = (await api.data(MY_INVOICES, {}, await login_as(api, ELS)))["myInvoices"]
    assert by_debtor["Els Dekker"]["number"] in {n["number"] for n in mine["nodes"]}
    assert {n["debtorName"] for n in mine["nodes"]} == {"Els Dekker"}
    for_org = (await api.data(MY_INVOICES, {}, await login_as(api, FATIMA, WELZIJN)))["myInvoices"]
    assert org["number"] in {n["number"] for n in for_org["nodes"]}
    as_self = (await api.data(MY_INVOICES, {}, await login_as(api, FATIMA)))["myInvoices"]
    assert as_self["totalCount"] == 0


async def test_paid_open_and_credited(api: Api) -> None:
    staff = await login_as(api, STAFF)
    fatima, jeroen, _ = await _confirmed(api, staff)
    invoice = (await api.data(CREATE, {"ids": [fatima, jeroen]}, staff))["createInvoices"][
        "invoices"
    ][0]
    paid = (await api.data(PAID, {"id": invoice["id"]}, staff))["markInvoicePaid"]
    assert paid == {"invoice": {"status": "PAID", "paidOn": "2026-11-30"}, "errors": []}
    twice = (await api.data(PAID, {"id": invoice["id"]}, staff))["markInvoicePaid"]
    assert twice["errors"] == [{"code": "CONFLICT", "field": "invoiceId"}]
    note = (await api.data(CREDIT, {"id": invoice["id"]}, staff))["creditInvoice"]
    assert note["errors"] == []
    assert note["invoice"]["isCreditNote"] is True
    assert note["invoice"]["creditsInvoiceNumber"] == invoice["number"]
    assert note["invoice"]["totalInclVatCents"] == -invoice["totalInclVatCents"]
    assert _sequence(note["invoice"]["number"])[1] == _sequence(invoice["number"])[1] + 1
    again = (await api.data(CREDIT, {"id": invoice["id"]}, staff))["creditInvoice"]
    assert again["errors"] == [{"code": "CONFLICT", "field": "invoiceId"}]
    org = await api.data(ORG_INVOICES, {"o": await api.unit_id(WELZIJN)}, staff)
    statuses = {n["number"]: n["status"] for n in org["organisationInvoices"]["nodes"]}
    assert statuses[invoice["number"]] == "CREDITED"
    # The demo's invoices: open, paid and credited, filtered by status.
    els = await login_as(api, ELS)
    assert (await api.data(MY_INVOICES, {"s": "PAID"}, els))["myInvoices"]["totalCount"] == 1
    assert (await api.data(MY_INVOICES, {"s": "OPEN"}, els))["myInvoices"]["totalCount"] == 0
    # Contacts may not do the staff's invoicing.
    body = await api.query(PAID, {"id": invoice["id"]}, await login_as(api, MARTIN, WELZIJN))
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"


async def test_invoice_pdf_meets_the_dutch_requirements(api: Api) -> None:
    staff = await login_as(api, STAFF)
    fatima, jeroen, _ = await _confirmed(api, staff)
    invoice = (await api.data(CREATE, {"ids": [fatima, jeroen]}, staff))["createInvoices"][
        "invoices"
    ][0]
    url = urlsplit(invoice["pdfUrl"])
    assert f"{url.scheme}://{url.netloc}" == "http://portaal.test"
    response = await api.client.get(f"{url.path}?{url.query}")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/pdf"
    text = "\n".join(
        page.extract_text() for page in pypdf.PdfReader(io.BytesIO(response.content)).pages
    )
    for required in [
        "Opleidingsinstituut De Brug",  # supplier name
        "Stationsplein 12, 9711 AA Groningen",  # supplier address
        "01234567",  # KvK number
        "NL001234567B01",  # supplier VAT number
        WELZIJN,  # customer
        "Crediteurenadministratie",  # customer address
        "NL812345678B01",  # customer VAT number
        "PO-2026-0042",  # purchase order
        invoice["number"],  # number
        "BHV Basis",  # description
        "Fatima Bouali",
        "EUR 245,00",  # unit price
        "EUR 490,00",  # total excl. VAT
        "21%",  # the VAT rate
        "EUR 102,90",  # VAT at 21%
        "EUR 592,90",  # total incl. VAT
        "Factuurdatum",  # the invoice date, labelled in Dutch
    ]:
        assert required in text, required
    day = datetime.fromisoformat(invoice["issueDate"])
    assert str(day.year) in text and str(day.day) in text
    # A forged or altered link is refused.
    forged = await api.client.get(f"{url.path}?{url.query[:-4]}beef")
    assert forged.status_code == 403
    # The credit note has its own PDF naming the invoice it credits.
    note = (await api.data(CREDIT, {"id": invoice["id"]}, staff))["creditInvoice"]["invoice"]
    note_url = urlsplit(note["pdfUrl"])
    note_pdf = await api.client.get(f"{note_url.path}?{note_url.query}")
    note_text = pypdf.PdfReader(io.BytesIO(note_pdf.content)).pages[0].extract_text()
    assert "Creditnota" in note_text and invoice["number"] in note_text
    assert "-EUR 592,90" in note_text


async def test_50_concurrent_creations_are_gapless_and_a_rollback_leaves_no_gap(api: Api) -> None:
    staff = await login_as(api, STAFF)
    martin = await login_as(api, MARTIN, WELZIJN)
    welzijn = await api.unit_id(WELZIJN)
    invite = """mutation($e: String!, $u: ID!) { invitePerson(input: {email: $e, role: CONTACT, unitId: $u}) { person { id } } }"""
    from tests.test_institute_concurrency import plan_event

    event = await plan_event(api, staff, 60)
    enrolments = []
    for i in range(50):
        person = (
            await api.data(invite, {"e": f"bill{i:02}@welzijn.example", "u": welzijn}, martin)
        )["invitePerson"]["person"]["id"]
        done = (await api.data(ENROL, {"e": event, "p": person}, martin))["enrol"]
        enrolments.append(done["enrolment"]["id"])
    assert (await api.data(CONFIRM, {"ids": enrolments}, staff))["confirmEnrolments"][
        "errors"
    ] == []

    # A creation that rolls back gives its number back.
    year = datetime.now(UTC).year
    async with api.database.transaction() as s:
        institute = (await s.execute(sa.select(Invoice.institute_id).limit(1))).scalar_one()
    try:
        async with api.database.transaction() as s:
            taken = await iq.next_invoice_sequence(s, institute, year)
            raise RuntimeError("roll back")
    except RuntimeError:
        pass

    results = await asyncio.gather(*(api.query(CREATE, {"ids": [e]}, staff) for e in enrolments))
    numbers = []
    for body in results:
        assert "errors" not in body, body
        payload = body["data"]["createInvoices"]
        assert payload["errors"] == []
        numbers += [i["number"] for i in payload["invoices"]]
    sequences = sorted(_sequence(n)[1] for n in numbers)
    assert len(set(numbers)) == 50
    assert sequences == list(range(taken, taken + 50))  # gapless, starting at the rolled-back one
    async with api.database.transaction() as s:
        stored = list(
            (
                await s.execute(sa.select(Invoice.number).where(Invoice.number.like(f"{year}-%")))
            ).scalars()
        )
    all_sequences = sorted(_sequence(n)[1] for n in stored)
    assert all_sequences == list(range(1, len(stored) + 1))  # the year's whole sequence, no gap
