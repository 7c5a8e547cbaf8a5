"""Queries on people, role assignments, tokens, throttling and the audit log."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from domain.core.roles import Grant, Role
from persistence.batching import among, chunks, insert_many, rows_by_ids
from persistence.core.models import (
    AccessToken,
    AuditEvent,
    Language,
    OneTimePurpose,
    OneTimeToken,
    OrgUnit,
    Person,
    RoleAssignment,
    ThrottleEvent,
    TokenKind,
)
from persistence.paging import KeyOrder, Seek, Slice, fetch_slice
from persistence.prepared import built_once
from persistence.snapshots import Snapshots, fetch_rows
from persistence.tenancy import TENANT, on_postgres, tenant_of


async def person_by_email(session: AsyncSession, email: str) -> Person | None:
    return (await session.execute(sa.select(Person).where(Person.email == email))).scalars().first()


async def persons_by_ids(session: AsyncSession, ids: Sequence[int]) -> list[Person | None]:
    return await rows_by_ids(session, Person, ids)


@dataclass(frozen=True)
class ActiveToken:
    """What authentication needs of a token and its person."""

    id: int
    kind: TokenKind
    person_id: int
    language: Language
    role_assignment_id: int | None
    acting_for_unit_id: int | None
    last_used_at: datetime | None
    # The answers of the probes asked with the token (`active_token_with_grants`), in order.
    probed: tuple[bool, ...] = ()


# A question about the person asked inside the authenticating statement: SQL of their id
# (and whether the database is PostgreSQL) that yields a boolean, e.g. whether an area's
# relation provider has anything to load. It costs no round trip of its own.
Probe = Callable[[Any, bool], sa.ColumnElement[bool]]


@built_once
def _token_with_grants(postgres: bool, probes: tuple[Probe, ...] = ()) -> Any:
    # Built once: constructing the expression costs more than running it (about 0.3 ms).
    columns: list[Any] = [
        AccessToken.id,
        AccessToken.kind,
        Person.id,
        Person.language,
        AccessToken.role_assignment_id,
        AccessToken.acting_for_unit_id,
        AccessToken.last_used_at,
        RoleAssignment.id,
        RoleAssignment.role,
        OrgUnit.id,
        OrgUnit.path,
        *(probe(Person.id, postgres) for probe in probes),
    ]
    if postgres:
        # Row-level security: the same statement switches the transaction to the person's
        # tenants (no round trip of its own); none of the tables it reads is tenant-owned.
        columns.append(tenant_of(Person.id, AccessToken.role_assignment_id))
    return (
        sa.select(*columns)
        .join(Person, Person.id == AccessToken.person_id)
        .outerjoin(RoleAssignment, RoleAssignment.person_id == Person.id)
        .outerjoin(OrgUnit, OrgUnit.id == RoleAssignment.org_unit_id)
        .where(
            AccessToken.token_hash == sa.bindparam("token_hash"),
            AccessToken.revoked_at.is_(None),  # type: ignore[union-attr]
            sa.or_(
                AccessToken.expires_at.is_(None),  # type: ignore[union-attr]
                AccessToken.expires_at > sa.bindparam("now"),  # type: ignore[operator]
            ),
            Person.deactivated_at.is_(None),  # type: ignore[union-attr]
        )
        .order_by(RoleAssignment.id)
    )


async def active_token_with_grants(
    session: AsyncSession, token_hash: str, now: datetime, probes: tuple[Probe, ...] = ()
) -> tuple[ActiveToken, list[Grant]] | None:
    """The unrevoked, unexpired token with this hash, its person, their grants (`grants_of`)
    and the answers of `probes` in one statement: a row per grant."""
    # Columns, not entities: the Core path skips the ORM's per-statement compile and row set-up.
    params = {"token_hash": token_hash, "now": now}
    postgres = on_postgres(session)
    rows = await fetch_rows(session, _token_with_grants(postgres, probes), params)
    if not rows:
        return None
    first = rows[0]
    if postgres:
        session.info[TENANT] = first[-1]  # the next transactions of this session start in it
    grants = [
        Grant(role=row[8], unit_id=row[9], unit_path=row[10], assignment_id=row[7])
        for row in rows
        if row[7] is not None and row[9] is not None
    ]
    token_id, kind, person_id, language, assignment_id, acting_for, last_used = first[:7]
    probed = tuple(bool(answer) for answer in first[11 : 11 + len(probes)])
    token = ActiveToken(
        token_id, kind, person_id, language, assignment_id, acting_for, last_used, probed
    )
    return token, grants


async def grants_of(session: AsyncSession, person_id: int) -> list[Grant]:
    """The person's role assignments with their units' paths (one statement)."""
    stmt = (
        sa.select(RoleAssignment.id, RoleAssignment.role, OrgUnit.id, OrgUnit.path)
        .join(OrgUnit, OrgUnit.id == RoleAssignment.org_unit_id)
        .where(RoleAssignment.person_id == person_id)
        .order_by(RoleAssignment.id)
    )
    return [
        Grant(role=role, unit_id=unit_id, unit_path=path, assignment_id=aid)
        for aid, role, unit_id, path in (await session.execute(stmt)).all()
    ]


async def assignments_by_person(
    session: AsyncSession, person_ids: Sequence[int]
) -> list[list[RoleAssignment]]:
    grouped: dict[int, list[RoleAssignment]] = defaultdict(list)
    for part in chunks(list(dict.fromkeys(person_ids))):
        stmt = (
            sa.select(RoleAssignment)
            .where(RoleAssignment.person_id.in_(part))  # type: ignore[attr-defined]
            .order_by(RoleAssignment.id)
        )
        for row in (await session.execute(stmt)).scalars():
            grouped[row.person_id].append(row)
    return [grouped.get(pid, []) for pid in person_ids]


_PERSON = Snapshots(Person)


async def persons_with_unit_paths(
    session: AsyncSession, person_ids: Sequence[int]
) -> list[tuple[Person | None, tuple[str, ...]]]:
    """`persons_by_ids` and `unit_paths_by_person` in one statement: a row per role held.

    The persons are snapshots (persistence.snapshots): this feeds lists, never a write.
    """
    people: dict[int, Person] = {}
    paths: dict[int, set[str]] = defaultdict(set)
    for part in chunks(list(dict.fromkeys(person_ids))):
        stmt = (
            sa.select(*_PERSON.columns, OrgUnit.path)
            .select_from(Person)
            .outerjoin(RoleAssignment, RoleAssignment.person_id == Person.id)
            .outerjoin(OrgUnit, OrgUnit.id == RoleAssignment.org_unit_id)
            .where(among(session, Person.id, part))
        )
        for row in await fetch_rows(session, stmt):
            person_id = row[0]
            if person_id not in people:
                people[person_id] = _PERSON.split(row)[0]
            if row[-1] is not None:
                paths[person_id].add(row[-1])
    return [(people.get(pid), tuple(sorted(paths.get(pid, ())))) for pid in person_ids]


async def unit_paths_by_person(
    session: AsyncSession, person_ids: Sequence[int]
) -> list[tuple[str, ...]]:
    """Paths of the units each person holds a role on: where admins above them may see them."""
    grouped: dict[int, list[str]] = defaultdict(list)
    for part in chunks(list(dict.fromkeys(person_ids))):
        stmt = (
            sa.select(RoleAssignment.person_id, OrgUnit.path)
            .join(OrgUnit, OrgUnit.id == RoleAssignment.org_unit_id)
            .where(RoleAssignment.person_id.in_(part))  # type: ignore[attr-defined]
        )
        for pid, path in (await session.execute(stmt)).all():
            grouped[pid].append(path)
    return [tuple(sorted(set(grouped.get(pid, [])))) for pid in person_ids]


async def assign_role(
    session: AsyncSession, person_id: int, role: Role, unit_id: int
) -> RoleAssignment:
    existing = (
        (
            await session.execute(
                sa.select(RoleAssignment).where(
                    RoleAssignment.person_id == person_id,
                    RoleAssignment.role == role,
                    RoleAssignment.org_unit_id == unit_id,
                )
            )
        )
        .scalars()
        .first()
    )
    if existing:
        return existing
    assignment = RoleAssignment(person_id=person_id, role=role, org_unit_id=unit_id)
    session.add(assignment)
    await session.flush()
    return assignment


async def assign_roles(
    session: AsyncSession, person_ids: Sequence[int], role: Role, unit_id: int
) -> None:
    """`assign_role` for many people on one unit: one lookup, one flush."""
    held: set[int] = set()
    unique = list(dict.fromkeys(person_ids))
    for part in chunks(unique):
        found = await session.execute(
            sa.select(RoleAssignment.person_id).where(
                RoleAssignment.person_id.in_(part),  # type: ignore[attr-defined]
                RoleAssignment.role == role,
                RoleAssignment.org_unit_id == unit_id,
            )
        )
        held.update(found.scalars())
    await insert_many(
        session,
        RoleAssignment(person_id=0, role=role, org_unit_id=unit_id),
        [{"person_id": pid} for pid in unique if pid not in held],
    )


async def api_tokens_of(session: AsyncSession, person_id: int) -> list[AccessToken]:
    stmt = (
        sa.select(AccessToken)
        .where(AccessToken.person_id == person_id, AccessToken.kind == TokenKind.API)
        .order_by(AccessToken.id)
    )
    return list((await session.execute(stmt)).scalars())


async def revoke_sessions(
    session: AsyncSession, person_id: int, now: datetime, except_id: int | None = None
) -> int:
    """Revoke the person's login sessions (not their API tokens), except one if given."""
    stmt = (
        sa.update(AccessToken)
        .where(
            AccessToken.person_id == person_id,
            AccessToken.kind == TokenKind.SESSION,
            AccessToken.revoked_at.is_(None),  # type: ignore[union-attr]
        )
        .values(revoked_at=now)
    )
    if except_id is not None:
        stmt = stmt.where(AccessToken.id != except_id)
    result = await session.execute(stmt)
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


async def touch_token(session: AsyncSession, token_id: int, now: datetime) -> None:
    await session.execute(
        sa.update(AccessToken).where(AccessToken.id == token_id).values(last_used_at=now)
    )


async def one_time_token(
    session: AsyncSession, purpose: OneTimePurpose, token_hash: str
) -> OneTimeToken | None:
    stmt = sa.select(OneTimeToken).where(
        OneTimeToken.purpose == purpose, OneTimeToken.token_hash == token_hash
    )
    return (await session.execute(stmt)).scalars().first()


async def consume_one_time_token(session: AsyncSession, token_id: int, now: datetime) -> bool:
    """Mark used; False when another request used it first (the update guards on used_at)."""
    result = await session.execute(
        sa.update(OneTimeToken)
        .where(OneTimeToken.id == token_id, OneTimeToken.used_at.is_(None))  # type: ignore[union-attr]
        .values(used_at=now)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


async def throttle_times(
    session: AsyncSession, keys: Sequence[str], since: datetime
) -> dict[str, list[datetime]]:
    stmt = sa.select(ThrottleEvent.key, ThrottleEvent.at).where(
        ThrottleEvent.key.in_(list(keys)),  # type: ignore[attr-defined]
        ThrottleEvent.at > since,  # type: ignore[operator]
    )
    times: dict[str, list[datetime]] = {k: [] for k in keys}
    for key, at in (await session.execute(stmt)).all():
        times[key].append(at)
    return times


async def clear_throttle(session: AsyncSession, keys: Sequence[str]) -> None:
    await session.execute(sa.delete(ThrottleEvent).where(ThrottleEvent.key.in_(list(keys))))  # type: ignore[attr-defined]


AUDIT_ORDER = KeyOrder.of("audit", AuditEvent.id, descending=True)


async def audit_page(session: AsyncSession, seek: Seek, kind: str | None) -> Slice[AuditEvent]:
    """Newest first."""
    stmt = sa.select(AuditEvent)
    if kind:
        stmt = stmt.where(AuditEvent.kind == kind)
    return await fetch_slice(session, stmt, AUDIT_ORDER, seek)


async def audit_count(session: AsyncSession, kind: str | None) -> int:
    stmt = sa.select(sa.func.count()).select_from(AuditEvent)
    if kind:
        stmt = stmt.where(AuditEvent.kind == kind)
    return int((await session.execute(stmt)).scalar_one())


async def add(session: AsyncSession, row: Any) -> Any:
    """Insert a row and flush so its id is known."""
    session.add(row)
    await session.flush()
    return row


async def audit(
    session: AsyncSession,
    kind: str,
    *,
    actor: int | None = None,
    subject: int | None = None,
    unit: int | None = None,
    address: str | None = None,
    detail: str = "",
) -> None:
    session.add(
        AuditEvent(
            kind=kind,
            actor_person_id=actor,
            subject_person_id=subject,
            org_unit_id=unit,
            client_address=address,
            detail=detail[:1000],
        )
    )
    await session.flush()


async def record_throttle(session: AsyncSession, keys: Sequence[str], now: datetime) -> None:
    for key in keys:
        session.add(ThrottleEvent(key=key, at=now))
    await session.flush()


async def expire_one_time_tokens(
    session: AsyncSession, person_id: int, purpose: OneTimePurpose, now: datetime
) -> None:
    """Using one link voids the person's other open links of that kind."""
    await session.execute(
        sa.update(OneTimeToken)
        .where(
            OneTimeToken.person_id == person_id,
            OneTimeToken.purpose == purpose,
            OneTimeToken.used_at.is_(None),  # type: ignore[union-attr]
        )
        .values(used_at=now)
    )


async def token_by_id(session: AsyncSession, token_id: int) -> AccessToken | None:
    return await session.get(AccessToken, token_id)


async def assignment_by_id(session: AsyncSession, assignment_id: int) -> RoleAssignment | None:
    return await session.get(RoleAssignment, assignment_id)


async def unit_by_id(session: AsyncSession, unit_id: int) -> OrgUnit | None:
    return await session.get(OrgUnit, unit_id)


async def delete_row(session: AsyncSession, row: Any) -> None:
    await session.delete(row)
    await session.flush()


async def assignments_by_ids(
    session: AsyncSession, ids: Sequence[int]
) -> list[RoleAssignment | None]:
    return await rows_by_ids(session, RoleAssignment, ids)


async def api_tokens_by_ids(session: AsyncSession, ids: Sequence[int]) -> list[AccessToken | None]:
    rows = await rows_by_ids(session, AccessToken, ids)
    return [r if r is not None and r.kind == TokenKind.API else None for r in rows]


async def audit_events_by_ids(session: AsyncSession, ids: Sequence[int]) -> list[AuditEvent | None]:
    return await rows_by_ids(session, AuditEvent, ids)
