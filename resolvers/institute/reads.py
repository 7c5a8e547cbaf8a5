"""Reads of the institute portal: the catalogue's events, enrolments and invoices as lists,
the organisation's details, dashboards, and the invoice PDF behind a signed link.

Lists filter in SQL exactly as the types' READ decides per object (resolvers/institute/
scopes.py), so a page never holds an object the viewer would be refused.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from domain.core.errors import DomainError, ErrorCode
from domain.core.pagination import PageRequest
from domain.core.signing import expired, sign, verify
from domain.institute.enrolments import EnrolmentStatus
from domain.institute.invoices import InvoiceStatus
from persistence.institute import queries as q
from persistence.institute.models import CourseEvent, InstituteEnrolment, Invoice
from persistence.paging import Seek, Slice
from persistence.types import utcnow
from resolvers.context import Context
from resolvers.core.pagination import Page, paginate
from resolvers.institute import scopes
from resolvers.institute.invoices import invoice_document, invoice_pdf
from resolvers.institute.prefetch import prime_enrolments

LINK_LIFETIME = timedelta(hours=1)
AMSTERDAM = ZoneInfo("Europe/Amsterdam")


def today() -> date:
    """Today on the Amsterdam calendar (due dates, overdue)."""
    return utcnow().astimezone(AMSTERDAM).date()


async def events(
    ctx: Context,
    institute_id: int | None,
    upcoming: bool | None,
    search: str | None,
    bought_by: int | None,
    request: PageRequest,
) -> Page[CourseEvent]:
    visible = scopes.visible_event_filter(ctx.viewer)
    now = utcnow()
    text = search.strip() if search else None

    async def fetch(seek: Seek) -> Slice[CourseEvent]:
        return await ctx.db.read(
            q.events_page, institute_id, visible, upcoming, text, bought_by, now, seek
        )

    async def count() -> int:
        return await ctx.db.read(
            q.events_count, institute_id, visible, upcoming, text, bought_by, now
        )

    return await paginate(request, fetch, count, q.EVENT_ORDER)


async def enrolments(
    ctx: Context,
    person_id: int | None,
    org_id: int | None,
    upcoming: bool | None,
    statuses: Sequence[EnrolmentStatus] | None,
    request: PageRequest,
    *,
    with_people: bool = True,
    with_total: bool = True,
) -> Page[InstituteEnrolment]:
    """A page of enrolments. One statement brings their events and courses (and the people
    `with_people`, the count `with_total`), one more the units their scopes need; each primes
    the loaders the enrolments' fields peek at, so those resolve without a statement."""
    now = utcnow()
    counted: list[int] = []

    async def fetch(seek: Seek) -> Slice[InstituteEnrolment]:
        page, total = await ctx.db.read(
            q.enrolment_details_page,
            person_id,
            org_id,
            upcoming,
            statuses,
            now,
            seek,
            with_people,
            with_total,
        )
        if total is not None:
            counted.append(total)
        await prime_enrolments(ctx, page.rows)
        return page.map(lambda d: d.enrolment)

    async def count() -> int:
        if counted:
            return counted[0]
        return await ctx.db.read(q.enrolments_count, person_id, org_id, upcoming, statuses, now)

    return await paginate(request, fetch, count, q.ENROLMENT_ORDER)


async def invoices(
    ctx: Context,
    person_id: int | None,
    org_id: int | None,
    status: InvoiceStatus | None,
    request: PageRequest,
) -> Page[Invoice]:
    async def fetch(seek: Seek) -> Slice[Invoice]:
        return await ctx.db.read(q.invoices_page, person_id, org_id, status, seek)

    async def count() -> int:
        return await ctx.db.read(q.invoices_count, person_id, org_id, status)

    return await paginate(request, fetch, count, q.INVOICE_ORDER)


def acting_org_with_invoices(ctx: Context) -> int | None:
    """The organisation the viewer acts for, if they may see its invoices (admin or contact)."""
    acting = ctx.viewer.acting_for_unit_id
    if acting is not None and any(
        g.unit_id == acting and g.role in scopes.ORG_PEOPLE for g in ctx.viewer.effective_grants
    ):
        return acting
    return None


@dataclass
class FillRate:
    event_id: int
    capacity: int
    seated: int


@dataclass
class MonthRevenue:
    month: str
    open_cents: int
    paid_cents: int
    overdue_cents: int


async def fill_rates(ctx: Context, institute_id: int) -> list[FillRate]:
    since = utcnow() - timedelta(days=365)
    rows = await ctx.db.read(q.fill_rates, [institute_id], since)
    return [FillRate(e, c, n) for e, c, n in rows]


async def revenue(ctx: Context, institute_id: int) -> list[MonthRevenue]:
    rows = await ctx.db.read(q.revenue_by_month, [institute_id], today())
    return [MonthRevenue(*r) for r in rows]


# --- the invoice PDF ---------------------------------------------------------------------------


def invoice_pdf_url(ctx: Context, invoice_id: int) -> str:
    expires = int((utcnow() + LINK_LIFETIME).timestamp())
    signature = sign(ctx.settings.secret_key, "invoice", invoice_id, expires)
    return (
        f"{ctx.settings.public_url}/invoices/{invoice_id}.pdf"
        f"?expires={expires}&signature={signature}"
    )


async def invoice_pdf_download(ctx: Context, invoice_id: Any, query: Any, lang: str) -> bytes:
    """The PDF behind a signed link (made for whoever could read the invoice), or refused."""
    try:
        pk, expires = int(invoice_id), int(query.get("expires", ""))
    except ValueError:
        raise DomainError(ErrorCode.TOKEN_INVALID, "This link is not valid.") from None
    if not verify(ctx.settings.secret_key, query.get("signature", ""), "invoice", pk, expires):
        raise DomainError(ErrorCode.TOKEN_INVALID, "This link is not valid.")
    if expired(expires, utcnow()):
        raise DomainError(ErrorCode.TOKEN_EXPIRED, "This link has expired.")
    await ctx.act_as_system_for_link()  # row-level security: the link names this invoice
    invoice = await ctx.loaders.institute.invoice_by_id.load(pk)
    if invoice is None:
        raise DomainError(ErrorCode.NOT_FOUND, "No such object, or you may not see it.")
    return invoice_pdf(await invoice_document(ctx, invoice), lang)


async def event_enrolments(
    ctx: Context,
    event_id: int,
    statuses: Sequence[EnrolmentStatus] | None,
    request: PageRequest,
) -> Page[InstituteEnrolment]:
    async def fetch(seek: Seek) -> Slice[InstituteEnrolment]:
        return await ctx.db.read(q.event_enrolments_page, event_id, statuses, seek)

    async def count() -> int:
        return await ctx.db.read(q.event_enrolments_count, event_id, statuses)

    return await paginate(request, fetch, count, q.EVENT_ENROLMENT_ORDER)


@dataclass
class Contact:
    person_id: int
    email: str
    name: str
    is_admin: bool


async def contacts(ctx: Context, org_id: int) -> list[Contact]:
    rows = await ctx.db.read(q.contacts_of, org_id)
    return [
        Contact(
            r.id,
            r.email,
            " ".join(p for p in (r.given_name, r.name_prefix, r.family_name) if p) or r.email,
            admin,
        )
        for r, admin in rows
    ]


@dataclass
class DossierEntry:
    kind: str  # E(nrolment), M(ail), I(nvoice)
    ref: int
    at: Any


async def dossier(ctx: Context, request: PageRequest) -> Page[DossierEntry]:
    """The viewer's digital dossier: enrolments, mails sent and invoices, newest first."""
    person_id = ctx.viewer.person_id
    assert person_id is not None

    async def fetch(seek: Seek) -> Slice[DossierEntry]:
        rows = await ctx.db.read(q.dossier_page, person_id, seek)
        return rows.map(lambda row: DossierEntry(*row))

    async def count() -> int:
        return await ctx.db.read(q.dossier_count, person_id)

    return await paginate(request, fetch, count, q.DOSSIER_ORDER)


async def enrolments_per_category(ctx: Context, institute_id: int) -> list[tuple[str, str, int]]:
    return await ctx.db.read(q.enrolments_by_category_month, [institute_id])
