"""The mail outbox: claiming, marking sent or failed, listing and requeueing."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from persistence.background.claims import claim
from persistence.background.models import MailStatus, OutboxMail
from persistence.batching import chunks, insert_many, rows_by_ids
from persistence.paging import KeyOrder, Seek, Slice, fetch_slice


async def claim_mails(
    session: AsyncSession, now: datetime, lease_until: datetime, limit: int = 20
) -> list[OutboxMail]:
    return await claim(
        session,
        OutboxMail,
        ready=OutboxMail.status == MailStatus.PENDING,
        due_column=OutboxMail.next_attempt_at,
        running_status=MailStatus.SENDING,
        now=now,
        lease_until=lease_until,
        limit=limit,
    )


async def mark_sent(session: AsyncSession, mail_id: int, now: datetime) -> None:
    await session.execute(
        sa.update(OutboxMail)
        .where(OutboxMail.id == mail_id)
        .values(status=MailStatus.SENT, sent_at=now, locked_until=None, last_error=None)
    )


async def mark_failed(
    session: AsyncSession, mail_id: int, error: str, retry_at: datetime | None
) -> None:
    """Back to PENDING for a later try, or DEAD when `retry_at` is None."""
    values: dict[str, object] = {"last_error": error[:1000], "locked_until": None}
    if retry_at is None:
        values["status"] = MailStatus.DEAD
    else:
        values.update(status=MailStatus.PENDING, next_attempt_at=retry_at)
    await session.execute(sa.update(OutboxMail).where(OutboxMail.id == mail_id).values(**values))


async def requeue(session: AsyncSession, mail_id: int, now: datetime) -> OutboxMail | None:
    mail = await session.get(OutboxMail, mail_id)
    if mail is None:
        return None
    mail.status = MailStatus.PENDING
    mail.attempts = 0
    mail.next_attempt_at = now
    mail.locked_until = None
    await session.flush()
    return mail


def _filter(status: MailStatus | None) -> list[sa.ColumnElement[bool]]:
    return [OutboxMail.status == status] if status else []


MAIL_ORDER = KeyOrder.of("outbox", OutboxMail.id, descending=True)


async def mail_page(
    session: AsyncSession, status: MailStatus | None, seek: Seek
) -> Slice[OutboxMail]:
    """Newest first."""
    return await fetch_slice(
        session, sa.select(OutboxMail).where(*_filter(status)), MAIL_ORDER, seek
    )


async def mail_count(session: AsyncSession, status: MailStatus | None) -> int:
    stmt = sa.select(sa.func.count()).select_from(OutboxMail).where(*_filter(status))
    return int((await session.execute(stmt)).scalar_one())


async def mails_by_ids(session: AsyncSession, ids: Sequence[int]) -> list[OutboxMail | None]:
    return await rows_by_ids(session, OutboxMail, ids)


async def add_many_throttled(
    session: AsyncSession,
    template: OutboxMail,
    mails: Sequence[dict[str, Any]],
    since: datetime,
    collapse_since: datetime,
    per_recipient: int,
    per_sender: int | None = None,
) -> dict[str, int]:
    """`add_throttled` for many mails like `template` (its `queued_by` among the shared values),
    each with its own values; how many ended in each outcome.

    The same rules in the same order, at a cost that does not grow with the batch: per chunk of
    recipients one lookup of the keys, one grouped count of their recent mails and one lookup
    of their possible repeats; one count for the sender; batched inserts. Mails earlier in the
    batch count against the limits of the later ones.
    """
    keys = list(dict.fromkeys(m["idempotency_key"] for m in mails))
    recipients = list(dict.fromkeys(m["to_address"] for m in mails))
    templates = list({m["template"] for m in mails})
    subjects = list({m["subject"] for m in mails})
    taken: set[str] = set()
    for part in chunks(keys):
        found = await session.execute(
            sa.select(OutboxMail.idempotency_key).where(OutboxMail.idempotency_key.in_(part))  # type: ignore[attr-defined]
        )
        taken.update(found.scalars())
    recent: dict[str, int] = {}
    sent: set[tuple[str, str, str, str]] = set()
    for part in chunks(recipients):
        to = OutboxMail.to_address.in_(part)  # type: ignore[attr-defined]
        counted = await session.execute(
            sa.select(OutboxMail.to_address, sa.func.count())
            .where(to, OutboxMail.created_at > since)  # type: ignore[operator]
            .group_by(OutboxMail.to_address)
        )
        recent.update({address: int(n) for address, n in counted.all()})
        # Only mails of the batch's templates and subjects can be repeats: few rows to compare.
        alike = await session.execute(
            sa.select(
                OutboxMail.to_address,
                OutboxMail.template,
                OutboxMail.subject,
                OutboxMail.text_body,
            ).where(
                to,
                OutboxMail.created_at > collapse_since,  # type: ignore[operator]
                OutboxMail.template.in_(templates),  # type: ignore[attr-defined]
                OutboxMail.subject.in_(subjects),  # type: ignore[attr-defined]
            )
        )
        sent.update(tuple(row) for row in alike.all())  # type: ignore[misc]
    sender = template.queued_by
    by_sender = 0
    if sender is not None and per_sender is not None:
        by_sender = int(
            (
                await session.execute(
                    sa.select(sa.func.count()).where(
                        OutboxMail.queued_by == sender,
                        OutboxMail.created_at > since,  # type: ignore[operator]
                    )
                )
            ).scalar_one()
        )
    outcomes = dict.fromkeys(("queued", "duplicate", "collapsed", "throttled"), 0)
    fresh: list[dict[str, Any]] = []
    for mail in mails:
        key, address = mail["idempotency_key"], mail["to_address"]
        same = (address, mail["template"], mail["subject"], mail["text_body"])
        if key in taken:
            outcome = "duplicate"
        elif same in sent:
            outcome = "collapsed"
        elif recent.get(address, 0) >= per_recipient or (
            per_sender is not None and sender is not None and by_sender >= per_sender
        ):
            outcome = "throttled"
        else:
            outcome = "queued"
            taken.add(key)
            sent.add(same)
            recent[address] = recent.get(address, 0) + 1
            by_sender += 1
            fresh.append(mail)
        outcomes[outcome] += 1
    await insert_many(session, template, fresh)
    return outcomes


async def add_once(session: AsyncSession, mail: OutboxMail) -> bool:
    """Queue a mail unless one with its idempotency key exists; True when queued."""
    existing = await session.execute(
        sa.select(OutboxMail.id).where(OutboxMail.idempotency_key == mail.idempotency_key)
    )
    if existing.first():
        return False
    session.add(mail)
    await session.flush()
    return True


async def mail_batch_counts(session: AsyncSession, key_prefix: str) -> dict[MailStatus, int]:
    """How many mails of one sending (idempotency keys starting with `key_prefix`) are in
    each status."""
    escaped = key_prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    stmt = (
        sa.select(OutboxMail.status, sa.func.count())
        .where(OutboxMail.idempotency_key.like(f"{escaped}%", escape="\\"))  # type: ignore[attr-defined]
        .group_by(OutboxMail.status)
    )
    return {status: int(n) for status, n in (await session.execute(stmt)).all()}


async def add_throttled(
    session: AsyncSession,
    mail: OutboxMail,
    since: datetime,
    collapse_since: datetime,
    per_recipient: int,
    per_sender: int | None = None,
) -> str:
    """Queue a mail unless it is a repeat or its recipient had enough lately (issue 17).

    One statement looks at the key and at the recipient's recent mails: `duplicate` (same
    idempotency key), `collapsed` (the same template, subject and text to this address since
    `collapse_since`), `throttled` (`per_recipient` mails to it since `since`, or
    `per_sender` mails queued by `mail.queued_by` since then) or `queued`.
    """
    same_key = OutboxMail.idempotency_key == mail.idempotency_key
    recent = sa.and_(
        OutboxMail.to_address == mail.to_address,
        OutboxMail.created_at > since,  # type: ignore[operator]
    )
    identical = sa.and_(
        recent,
        OutboxMail.created_at > collapse_since,  # type: ignore[operator]
        OutboxMail.template == mail.template,
        OutboxMail.subject == mail.subject,
        OutboxMail.text_body == mail.text_body,
    )
    by_sender = sa.and_(
        OutboxMail.queued_by == mail.queued_by,
        OutboxMail.created_at > since,  # type: ignore[operator]
    )
    row = (
        await session.execute(
            sa.select(
                sa.func.count().filter(same_key),
                sa.func.count().filter(identical),
                sa.func.count().filter(recent),
                sa.func.count().filter(by_sender),
            ).where(sa.or_(same_key, recent, by_sender))
        )
    ).one()
    if row[0]:
        return "duplicate"
    if row[1]:
        return "collapsed"
    if row[2] >= per_recipient:
        return "throttled"
    if mail.queued_by is not None and per_sender is not None and row[3] >= per_sender:
        return "throttled"
    session.add(mail)
    await session.flush()
    return "queued"
