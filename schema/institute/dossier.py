"""The digital dossier (digitaal dossier): a person's enrolments, the messages Portaal sent
them (from the mail outbox, readable in the portal) and their invoices, in one list by date."""

from __future__ import annotations

from datetime import datetime
from enum import Enum

import strawberry

from persistence.background.models import OutboxMail
from resolvers.context import Context
from resolvers.core.pagination import Page
from resolvers.institute.reads import DossierEntry
from schema.core.permissions import public_fields
from schema.institute.types import CourseEnrolmentNode, InvoiceNode


@strawberry.enum(description="What a dossier entry is.")
class DossierKind(Enum):
    ENROLMENT = strawberry.enum_value("ENROLMENT", description="An enrolment on a course event.")
    MESSAGE = strawberry.enum_value("MESSAGE", description="A mail Portaal sent you.")
    INVOICE = strawberry.enum_value("INVOICE", description="An invoice addressed to you.")


@public_fields
@strawberry.type(description="A mail Portaal sent you, as it was sent.")
class DossierMessage:
    subject: str = strawberry.field(description="Subject line.")
    sender_name: str = strawberry.field(description="Sender name.")
    text: str = strawberry.field(description="The mail's plain-text body.")
    sent_at: datetime | None = strawberry.field(
        description="When it was sent; null while it waits in the outbox."
    )


@public_fields
@strawberry.type(description="One entry of your digital dossier; exactly one of its parts is set.")
class DossierItem:
    kind: DossierKind = strawberry.field(description="What it is.")
    at: datetime = strawberry.field(description="When it happened (ISO 8601, UTC).")
    enrolment: CourseEnrolmentNode | None = strawberry.field(description="The enrolment.")
    message: DossierMessage | None = strawberry.field(description="The mail.")
    invoice: InvoiceNode | None = strawberry.field(
        description="The invoice (its pdfUrl is the attachment)."
    )


KINDS = {"E": DossierKind.ENROLMENT, "M": DossierKind.MESSAGE, "I": DossierKind.INVOICE}


def _message(row: OutboxMail) -> DossierMessage:
    return DossierMessage(
        subject=row.subject,
        sender_name=row.sender_name,
        text=row.text_body,
        sent_at=row.sent_at,
    )


async def dossier_items(ctx: Context, page: Page[DossierEntry]) -> list[DossierItem]:
    """The page's objects in one batch per kind."""
    loaders = ctx.loaders
    refs = {k: [e.ref for e in page.items if e.kind == k] for k in KINDS}
    enrolment_rows = [r for r in await loaders.institute.enrolment_by_id.load_many(refs["E"]) if r]
    invoice_rows = [r for r in await loaders.institute.invoice_by_id.load_many(refs["I"]) if r]
    mails = {m.id: m for m in await loaders.mail_by_id.load_many(refs["M"]) if m}
    enrolments = {n.row.id: n for n in await CourseEnrolmentNode.build_many(ctx, enrolment_rows)}
    invoices = {n.row.id: n for n in await InvoiceNode.build_many(ctx, invoice_rows)}
    items = []
    for e in page.items:
        mail = mails.get(e.ref) if e.kind == "M" else None
        items.append(
            DossierItem(
                kind=KINDS[e.kind],
                at=e.at,
                enrolment=enrolments.get(e.ref) if e.kind == "E" else None,
                message=_message(mail) if mail is not None else None,
                invoice=invoices.get(e.ref) if e.kind == "I" else None,
            )
        )
    return items
