"""Resolvers for exports and the outbox."""

from __future__ import annotations

from domain.background.exports import ExportFormat
from domain.core.errors import DomainError, ErrorCode
from domain.core.pagination import PageRequest
from persistence.background import jobs as jobs_q
from persistence.background import outbox as outbox_q
from persistence.background.models import ExportJob, MailStatus, OutboxMail
from persistence.paging import Seek, Slice
from persistence.types import utcnow
from resolvers.background.exports import start_export as _start
from resolvers.context import Context
from resolvers.core.pagination import Page, paginate


async def start_export(
    ctx: Context, kind: str, fmt: ExportFormat, unit_id: int | None
) -> ExportJob:
    return await _start(ctx, kind, fmt, unit_id)


async def requeue_mail(ctx: Context, mail_id: int) -> OutboxMail:
    async with ctx.uow() as uow:
        mail = await outbox_q.requeue(uow.session, mail_id, utcnow())
        if mail is None:
            raise DomainError(ErrorCode.NOT_FOUND, "No such mail.", "id")
        await uow.audit("MAIL_REQUEUED", detail=f"mail {mail_id}")
        await uow.commit()
    return mail


async def my_exports(ctx: Context) -> list[ExportJob]:
    return await ctx.db.read(jobs_q.exports_of, ctx.viewer.person_id)


async def outbox_page(
    ctx: Context, request: PageRequest, status: MailStatus | None
) -> Page[OutboxMail]:
    db = ctx.db

    async def fetch(seek: Seek) -> Slice[OutboxMail]:
        return await db.read(outbox_q.mail_page, status, seek)

    async def count() -> int:
        return await db.read(outbox_q.mail_count, status)

    return await paginate(request, fetch, count, outbox_q.MAIL_ORDER)


async def newest_mails(ctx: Context, count: int) -> list[OutboxMail]:
    """The newest mails of the outbox, for the development mailbox."""
    # A page query fetches one row more than asked, to tell whether there is a next page.
    return (await ctx.db.read(outbox_q.mail_page, None, Seek(size=count))).rows
