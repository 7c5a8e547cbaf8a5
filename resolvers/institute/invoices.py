"""Invoices: one per debtor for confirmed enrolments, paid, credited; and their PDF.

Numbers come from a gapless sequence per institute and year (`2026-000123`): the counter row
is incremented inside the transaction that writes the invoice (`next_invoice_sequence`), so
concurrent creations wait for each other's commit and a rolled-back one leaves no gap.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from fpdf import FPDF

from domain.core.errors import DomainError, ErrorCode
from domain.core.texts import N_
from domain.institute import invoices as rules
from domain.institute.invoices import InvoiceStatus, Line
from persistence.core.models import OrgUnit, Person
from persistence.db import UnitOfWork
from persistence.institute import queries as q
from persistence.institute.models import (
    ClientOrganisation,
    CourseEvent,
    InstituteCourse,
    InstituteDetails,
    InstituteEnrolment,
    Invoice,
    InvoiceLine,
    PrivateDetails,
)
from resolvers.context import Context
from resolvers.core.i18n import format_date, translate
from resolvers.core.tree import not_found

NOT_INVOICEABLE = N_("Only confirmed enrolments that are not invoiced yet can be invoiced")
NOT_OPEN = N_("Invoice {number} is {status}, not open")
ALREADY_CREDITED = N_("Invoice {number} has been credited already")
CREDIT_NOT_CREDIT = N_("A credit note cannot be credited")


async def _debtor(
    uow: UnitOfWork, org_id: int | None, person_id: int
) -> tuple[str, str, str, str, int | None]:
    """(name, address, VAT number, purchase-order reference, person id) as it is now."""
    if org_id is not None:
        unit = await uow.get(OrgUnit, org_id)
        details = await uow.get(ClientOrganisation, org_id)
        assert unit is not None
        address = details.invoice_address or details.postal_address if details else ""
        return (
            unit.name,
            address,
            details.vat_number if details else "",
            details.purchase_order_reference if details else "",
            None,
        )
    person = await uow.get(Person, person_id)
    private = await uow.get(PrivateDetails, person_id)
    assert person is not None
    return (person.display_name, private.address if private else "", "", "", person_id)


async def issue_invoice(
    uow: UnitOfWork,
    institute_id: int,
    org_id: int | None,
    enrolments: Sequence[InstituteEnrolment],
    issued: date,
    lang: str = "nl",
) -> Invoice:
    """One invoice for these enrolments of one debtor, with its number and the debtor as now."""
    name, address, vat, po_ref, person_id = await _debtor(uow, org_id, enrolments[0].person_id)
    lines: list[InvoiceLine] = []
    for enrolment in enrolments:
        event = await uow.get(CourseEvent, enrolment.event_id)
        assert event is not None
        course = await uow.get(InstituteCourse, event.course_id)
        participant = await uow.get(Person, enrolment.person_id)
        assert course is not None and participant is not None
        lines.append(
            InvoiceLine(
                enrolment_id=enrolment.id,
                description=f"{course.title}, {format_date(event.starts_at, lang, 'short')}, "
                f"{participant.display_name}"[:300],
                quantity=1,
                unit_price_cents=course.price_cents,
                vat_rate_percent=course.vat_rate_percent,
            )
        )
    total = rules.totals(Line(x.quantity, x.unit_price_cents, x.vat_rate_percent) for x in lines)
    sequence = await q.next_invoice_sequence(uow.session, institute_id, issued.year)
    invoice = Invoice(
        institute_id=institute_id,
        number=rules.invoice_number(issued.year, sequence),
        debtor_person_id=person_id,
        debtor_org_unit_id=org_id,
        debtor_name=name,
        debtor_address=address,
        debtor_vat_number=vat,
        purchase_order_reference=po_ref,
        issue_date=issued,
        due_date=rules.due_date(issued),
        status=InvoiceStatus.OPEN,
        total_excl_vat_cents=total.excl_vat_cents,
        total_vat_cents=sum(total.vat_by_rate.values()),
        total_incl_vat_cents=total.incl_vat_cents,
    )
    return await q.add_invoice(uow.session, invoice, lines)


async def create_invoices(
    ctx: Context, enrolment_ids: Sequence[int], issued: date
) -> list[Invoice]:
    """Invoices for confirmed enrolments: one per debtor (an organisation's are batched)."""
    async with ctx.uow() as uow:
        await q.serialise_writes(uow.session)
        enrolments = await q.uninvoiced_confirmed(uow.session, enrolment_ids)
        if len(enrolments) != len(set(enrolment_ids)):
            raise DomainError(ErrorCode.CONFLICT, NOT_INVOICEABLE, "enrolmentIds")
        groups: dict[tuple[int, int | None, int | None], list[InstituteEnrolment]] = defaultdict(
            list
        )
        for e in enrolments:
            person_key = None if e.invoice_org_unit_id is not None else e.person_id
            groups[(e.institute_id, e.invoice_org_unit_id, person_key)].append(e)
        made = [
            await issue_invoice(uow, institute, org, group, issued)
            for (institute, org, _), group in groups.items()
        ]
        for invoice in made:
            await uow.audit(
                "INVOICE_CREATED",
                subject=invoice.debtor_person_id,
                unit=invoice.debtor_org_unit_id or invoice.institute_id,
                detail=invoice.number,
            )
        await uow.commit()
    return made


async def mark_paid(ctx: Context, invoice_id: int, paid_on: date) -> Invoice:
    async with ctx.uow() as uow:
        await q.serialise_writes(uow.session)
        invoice = await q.invoice_locked(uow.session, invoice_id)
        if invoice is None:
            raise not_found("invoiceId")
        if invoice.status is not InvoiceStatus.OPEN or invoice.credits_invoice_id is not None:
            raise DomainError(
                ErrorCode.CONFLICT,
                NOT_OPEN,
                "invoiceId",
                number=invoice.number,
                status=invoice.status.value,
            )
        invoice.status = InvoiceStatus.PAID
        invoice.paid_on = paid_on
        await uow.audit("INVOICE_PAID", unit=invoice.institute_id, detail=invoice.number)
        await uow.commit()
    return invoice


async def credit(ctx: Context, invoice_id: int, issued: date) -> Invoice:
    """A credit note with its own number, cancelling the invoice; the invoice becomes CREDITED."""
    async with ctx.uow() as uow:
        await q.serialise_writes(uow.session)
        invoice = await q.invoice_locked(uow.session, invoice_id)
        if invoice is None:
            raise not_found("invoiceId")
        if invoice.credits_invoice_id is not None:
            raise DomainError(ErrorCode.CONFLICT, CREDIT_NOT_CREDIT, "invoiceId")
        if invoice.status is InvoiceStatus.CREDITED:
            raise DomainError(
                ErrorCode.CONFLICT, ALREADY_CREDITED, "invoiceId", number=invoice.number
            )
        note = await credit_note(uow, invoice, issued)
        await uow.audit("INVOICE_CREDITED", unit=invoice.institute_id, detail=note.number)
        await uow.commit()
    return note


async def credit_note(uow: UnitOfWork, invoice: Invoice, issued: date) -> Invoice:
    lines = [
        InvoiceLine(
            enrolment_id=x.enrolment_id,
            description=x.description,
            quantity=x.quantity,
            unit_price_cents=-x.unit_price_cents,
            vat_rate_percent=x.vat_rate_percent,
        )
        for x in await q.invoice_lines(uow.session, invoice.id)  # type: ignore[arg-type]
    ]
    total = rules.totals(Line(x.quantity, x.unit_price_cents, x.vat_rate_percent) for x in lines)
    sequence = await q.next_invoice_sequence(uow.session, invoice.institute_id, issued.year)
    note = Invoice(
        institute_id=invoice.institute_id,
        number=rules.invoice_number(issued.year, sequence),
        debtor_person_id=invoice.debtor_person_id,
        debtor_org_unit_id=invoice.debtor_org_unit_id,
        debtor_name=invoice.debtor_name,
        debtor_address=invoice.debtor_address,
        debtor_vat_number=invoice.debtor_vat_number,
        purchase_order_reference=invoice.purchase_order_reference,
        issue_date=issued,
        due_date=issued,
        status=InvoiceStatus.CREDITED,
        credits_invoice_id=invoice.id,
        total_excl_vat_cents=total.excl_vat_cents,
        total_vat_cents=sum(total.vat_by_rate.values()),
        total_incl_vat_cents=total.incl_vat_cents,
    )
    invoice.status = InvoiceStatus.CREDITED
    return await q.add_invoice(uow.session, note, lines)


# --- the PDF ---------------------------------------------------------------------------------

INVOICE = N_("Invoice")
CREDIT_NOTE = N_("Credit note")
LABELS = {
    "number": N_("Invoice number"),
    "date": N_("Invoice date"),
    "due": N_("Due date"),
    "credits": N_("Credits invoice"),
    "customer": N_("Customer"),
    "vat_number": N_("VAT number"),
    "kvk": N_("Chamber of Commerce (KvK)"),
    "po": N_("Purchase order"),
    "description": N_("Description"),
    "quantity": N_("Qty"),
    "price": N_("Unit price"),
    "vat_rate": N_("VAT"),
    "amount": N_("Amount"),
    "excl": N_("Total excl. VAT"),
    "vat_of": N_("VAT {rate}% over {base}"),
    "incl": N_("Total incl. VAT"),
}


@dataclass
class InvoiceDocument:
    invoice: Invoice
    lines: list[InvoiceLine]
    supplier: OrgUnit
    supplier_details: InstituteDetails | None
    credits_number: str | None


def invoice_pdf(doc: InvoiceDocument, lang: str) -> bytes:
    """An A4 invoice meeting the Dutch requirements (art. 35a Wet OB), in the reader's language."""

    def t(key: str, **params: object) -> str:
        return _latin(translate(LABELS[key], lang, **params))

    inv = doc.invoice
    details = doc.supplier_details
    pdf = FPDF(format="A4")
    pdf.add_page()
    pdf.set_font("helvetica", "B", 16)
    pdf.cell(0, 10, _latin(doc.supplier.name), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("helvetica", size=10)
    if details is not None:
        for text in (
            details.address,
            f"{t('kvk')}: {details.kvk_number}",
            f"{t('vat_number')}: {details.vat_number}",
            f"IBAN: {details.iban}" if details.iban else "",
        ):
            if text:
                pdf.cell(0, 5, _latin(text), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(6)
    pdf.set_font("helvetica", "B", 14)
    title = CREDIT_NOTE if inv.credits_invoice_id is not None else INVOICE
    pdf.cell(0, 9, _latin(translate(title, lang)), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("helvetica", size=10)
    rows = [
        (t("number"), inv.number),
        (t("date"), format_date(inv.issue_date, lang)),
        (t("due"), format_date(inv.due_date, lang)),
    ]
    if doc.credits_number:
        rows.append((t("credits"), doc.credits_number))
    if inv.purchase_order_reference:
        rows.append((t("po"), inv.purchase_order_reference))
    rows.append((t("customer"), inv.debtor_name))
    if inv.debtor_address:
        rows.append(("", inv.debtor_address))
    if inv.debtor_vat_number:
        rows.append((t("vat_number"), inv.debtor_vat_number))
    for label, value in rows:
        pdf.cell(45, 5, label)
        pdf.cell(0, 5, _latin(value), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(6)
    pdf.set_font("helvetica", "B", 10)
    widths = (90, 12, 30, 16, 32)
    heads = (t("description"), t("quantity"), t("price"), t("vat_rate"), t("amount"))
    for w, head in zip(widths, heads, strict=True):
        pdf.cell(w, 6, head, border="B")
    pdf.ln()
    pdf.set_font("helvetica", size=9)
    for line in doc.lines:
        amount = line.quantity * line.unit_price_cents
        cells = (
            line.description[:60],
            str(line.quantity),
            rules.euro(line.unit_price_cents),
            f"{line.vat_rate_percent}%",
            rules.euro(amount),
        )
        for w, text in zip(widths, cells, strict=True):
            pdf.cell(w, 6, _latin(text))
        pdf.ln()
    total = rules.totals(
        Line(x.quantity, x.unit_price_cents, x.vat_rate_percent) for x in doc.lines
    )
    base_by_rate: dict[int, int] = defaultdict(int)
    for x in doc.lines:
        base_by_rate[x.vat_rate_percent] += x.quantity * x.unit_price_cents
    pdf.ln(3)
    pdf.set_font("helvetica", size=10)
    summary = [(t("excl"), total.excl_vat_cents)]
    summary += [
        (t("vat_of", rate=rate, base=rules.euro(base_by_rate[rate])), cents)
        for rate, cents in total.vat_by_rate.items()
    ]
    summary.append((t("incl"), total.incl_vat_cents))
    for label, cents in summary:
        pdf.cell(148, 6, _latin(label), align="R")
        pdf.cell(32, 6, rules.euro(cents), align="R", new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def _latin(text: str) -> str:
    # The core PDF fonts are Latin-1; anything else is replaced visibly.
    return text.encode("latin-1", "replace").decode("latin-1")


async def invoice_document(ctx: Context, invoice: Invoice) -> InvoiceDocument:
    loaders = ctx.loaders
    supplier = await loaders.unit_by_id.load(invoice.institute_id)
    assert supplier is not None
    credits_number = None
    if invoice.credits_invoice_id is not None:
        original = await loaders.institute.invoice_by_id.load(invoice.credits_invoice_id)
        credits_number = original.number if original else None
    return InvoiceDocument(
        invoice=invoice,
        lines=await loaders.institute.lines_by_invoice.load(invoice.id),  # type: ignore[arg-type]
        supplier=supplier,
        supplier_details=await loaders.institute.institute_details.load(invoice.institute_id),
        credits_number=credits_number,
    )
