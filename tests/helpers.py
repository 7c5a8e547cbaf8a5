"""Reading what the system did: mails in the outbox, audit events."""

from __future__ import annotations

import re

import sqlalchemy as sa

from persistence.background.models import OutboxMail
from persistence.core.models import AuditEvent
from persistence.db import Database


async def outbox(db: Database, to: str | None = None) -> list[OutboxMail]:
    async with db.transaction() as s:
        stmt = sa.select(OutboxMail).order_by(OutboxMail.id)
        if to:
            stmt = stmt.where(OutboxMail.to_address == to)
        return list((await s.execute(stmt)).scalars())


def link_token(mail: OutboxMail) -> str:
    match = re.search(r"token=([A-Za-z0-9_\-]+)", mail.text_body)
    assert match, mail.text_body
    return match.group(1)


async def audit_kinds(db: Database) -> list[str]:
    async with db.transaction() as s:
        return list((await s.execute(sa.select(AuditEvent.kind).order_by(AuditEvent.id))).scalars())
