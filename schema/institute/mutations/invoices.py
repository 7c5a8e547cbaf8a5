"""Invoices: created by staff for confirmed enrolments, marked paid, credited."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import strawberry

from domain.core.ids import decode_expected
from resolvers.institute import invoices as resolve
from resolvers.institute import scopes as s
from resolvers.institute.reads import today
from schema.core.info import Info
from schema.core.payloads import arg, attempt
from schema.core.permissions import requires
from schema.institute.mutations.enrolment import _ids
from schema.institute.payloads import InvoicePayload, InvoicesPayload
from schema.institute.types import InvoiceNode


@strawberry.type
class InstituteInvoiceMutations:
    @requires(
        s.STAFF,
        on="enrolmentIds",
        description="Invoice confirmed enrolments: one invoice per debtor (an organisation's "
        "enrolments together), numbered from the institute's gapless sequence of the year.",
    )
    async def create_invoices(
        self,
        info: Info,
        enrolment_ids: Annotated[list[strawberry.ID], arg("Confirmed enrolments (at most 100).")],
    ) -> InvoicesPayload:
        async def work() -> InvoicesPayload:
            rows = await resolve.create_invoices(info.context, _ids(enrolment_ids), today())
            return InvoicesPayload(invoices=await InvoiceNode.build_many(info.context, rows))

        return await attempt(InvoicesPayload, work)

    @requires(s.STAFF, on="invoiceId", description="Mark an open invoice paid.")
    async def mark_invoice_paid(
        self,
        info: Info,
        invoice_id: Annotated[strawberry.ID, arg("The invoice.")],
        paid_on: Annotated[date | None, arg("Date of payment; null: today.")] = None,
    ) -> InvoicePayload:
        async def work() -> InvoicePayload:
            row = await resolve.mark_paid(
                info.context,
                decode_expected(invoice_id, "Invoice", "invoiceId"),
                paid_on or today(),
            )
            return InvoicePayload(invoice=await InvoiceNode.build(info.context, row))

        return await attempt(InvoicePayload, work)

    @requires(
        s.STAFF,
        on="invoiceId",
        description="Credit an invoice: a credit note with its own number cancels it; the "
        "answer is the credit note.",
    )
    async def credit_invoice(
        self, info: Info, invoice_id: Annotated[strawberry.ID, arg("The invoice.")]
    ) -> InvoicePayload:
        async def work() -> InvoicePayload:
            row = await resolve.credit(
                info.context, decode_expected(invoice_id, "Invoice", "invoiceId"), today()
            )
            return InvoicePayload(invoice=await InvoiceNode.build(info.context, row))

        return await attempt(InvoicePayload, work)
