"""Reading what the system did (mails in the outbox, audit events), and small builders that
arrange state through the mutations an admin would use."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import sqlalchemy as sa

from persistence.background.models import OutboxMail
from persistence.core.models import AuditEvent
from persistence.db import Database

if TYPE_CHECKING:
    from tests.conftest import Api


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


async def set_seat_limit(api: Api, cluster: str, limit: int) -> None:
    """Arranged as the admins would: room in the membership, then the cluster's limit."""
    platform = await api.login("beheer@portaal.example")
    org = await api.login("orgbeheer@zorgacademie.example")
    academy = await api.unit_id("Zorgacademie Nederland")
    membership = await api.data(
        "mutation($a: ID!, $n: Int!) { setMembership(academyId: $a, totalSeats: $n, courseIds: []) { errors { message } } }",
        {"a": academy, "n": limit + 1000},
        platform,
    )
    assert membership["setMembership"]["errors"] == []
    seats = await api.data(
        "mutation($c: ID!, $n: Int!) { setClusterSeatLimit(clusterId: $c, seatLimit: $n) { errors { message } } }",
        {"c": await api.unit_id(cluster), "n": limit},
        org,
    )
    assert seats["setClusterSeatLimit"]["errors"] == []
