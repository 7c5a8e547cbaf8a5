"""Queries of the institute portal. Batch functions take keys and return results in key order."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from domain.core.roles import Role
from domain.institute.enrolments import ACTIVE, SEATED, EnrolmentStatus
from domain.institute.invoices import InvoiceStatus
from persistence.background.models import OutboxMail
from persistence.batching import chunks, rows_by_ids
from persistence.core.models import (
    OneTimePurpose,
    OneTimeToken,
    OrgUnit,
    Person,
    RoleAssignment,
)
from persistence.institute.models import (
    CatalogueCategory,
    ClientOrganisation,
    CourseEvent,
    EmployeeDetails,
    EventMeeting,
    InstituteCourse,
    InstituteDetails,
    InstituteEnrolment,
    Invoice,
    InvoiceCounter,
    InvoiceLine,
    PrivateDetails,
)
from persistence.paging import KeyOrder, Seek, Slice, SortKey, fetch_slice
from persistence.tenancy import on_postgres

# Keyset orders of the institute's lists (persistence/paging.py): sort key, then the id.
EVENT_ORDER = KeyOrder.of("events", CourseEvent.starts_at, tiebreak=CourseEvent.id)
ENROLMENT_ORDER = KeyOrder(
    "enrolments", (SortKey(CourseEvent.starts_at, True), SortKey(InstituteEnrolment.id))
)
INVOICE_ORDER = KeyOrder.of("invoices", Invoice.issue_date, Invoice.id, descending=True)
EVENT_ENROLMENT_ORDER = KeyOrder.of(
    "event-enrolments", InstituteEnrolment.created_at, tiebreak=InstituteEnrolment.id
)


# --- batches ---------------------------------------------------------------------------------


async def events_by_ids(session: AsyncSession, ids: Sequence[int]) -> list[CourseEvent | None]:
    return await rows_by_ids(session, CourseEvent, ids)


async def courses_by_ids(session: AsyncSession, ids: Sequence[int]) -> list[InstituteCourse | None]:
    return await rows_by_ids(session, InstituteCourse, ids)


async def categories_by_ids(
    session: AsyncSession, ids: Sequence[int]
) -> list[CatalogueCategory | None]:
    return await rows_by_ids(session, CatalogueCategory, ids)


async def enrolments_by_ids(
    session: AsyncSession, ids: Sequence[int]
) -> list[InstituteEnrolment | None]:
    return await rows_by_ids(session, InstituteEnrolment, ids)


async def invoices_by_ids(session: AsyncSession, ids: Sequence[int]) -> list[Invoice | None]:
    return await rows_by_ids(session, Invoice, ids)


async def _by_key(session: AsyncSession, model: Any, column: Any, keys: Sequence[int]) -> Any:
    found: dict[int, Any] = {}
    for part in chunks(list(dict.fromkeys(keys))):
        for row in (await session.execute(sa.select(model).where(column.in_(part)))).scalars():
            found[getattr(row, column.key)] = row
    return [found.get(k) for k in keys]


async def _many_by_key(
    session: AsyncSession, model: Any, column: Any, order: Any, keys: Sequence[int]
) -> list[list[Any]]:
    found: dict[int, list[Any]] = defaultdict(list)
    for part in chunks(list(dict.fromkeys(keys))):
        stmt = sa.select(model).where(column.in_(part)).order_by(order)
        for row in (await session.execute(stmt)).scalars():
            found[getattr(row, column.key)].append(row)
    return [found.get(k, []) for k in keys]


async def client_orgs_by_units(
    session: AsyncSession, unit_ids: Sequence[int]
) -> list[ClientOrganisation | None]:
    return await _by_key(session, ClientOrganisation, ClientOrganisation.unit_id, unit_ids)


async def institute_details_by_units(
    session: AsyncSession, unit_ids: Sequence[int]
) -> list[InstituteDetails | None]:
    return await _by_key(session, InstituteDetails, InstituteDetails.unit_id, unit_ids)


async def private_details_by_persons(
    session: AsyncSession, person_ids: Sequence[int]
) -> list[PrivateDetails | None]:
    return await _by_key(session, PrivateDetails, PrivateDetails.person_id, person_ids)


async def employee_details_by_person_org(
    session: AsyncSession, keys: Sequence[tuple[int, int]]
) -> list[EmployeeDetails | None]:
    found: dict[tuple[int, int], EmployeeDetails] = {}
    persons = list({p for p, _ in keys})
    for part in chunks(persons):
        stmt = sa.select(EmployeeDetails).where(EmployeeDetails.person_id.in_(part))
        for row in (await session.execute(stmt)).scalars():
            found[(row.person_id, row.org_unit_id)] = row
    return [found.get(k) for k in keys]


async def meetings_by_events(
    session: AsyncSession, event_ids: Sequence[int]
) -> list[list[EventMeeting]]:
    return await _many_by_key(
        session, EventMeeting, EventMeeting.event_id, EventMeeting.starts_at, event_ids
    )


async def lines_by_invoices(
    session: AsyncSession, invoice_ids: Sequence[int]
) -> list[list[InvoiceLine]]:
    return await _many_by_key(
        session, InvoiceLine, InvoiceLine.invoice_id, InvoiceLine.id, invoice_ids
    )


async def seated_by_events(session: AsyncSession, event_ids: Sequence[int]) -> list[int]:
    """Seats taken (processing or confirmed) per event, one grouped query."""
    found: dict[int, int] = {}
    for part in chunks(list(dict.fromkeys(event_ids))):
        stmt: Any
        if on_postgres(session):
            # Row-level security hides other tenants' enrolments; the seats left are public, so
            # they are counted by a function that reads as the system (migration 0009).
            counted = sa.func.portaal_seated(
                sa.cast(part, postgresql.ARRAY(sa.Integer)),
                sa.cast([s.value for s in SEATED], postgresql.ARRAY(sa.Text)),
            ).table_valued("event_id", "seated")
            stmt = sa.select(counted.c.event_id, counted.c.seated)
        else:
            stmt = (
                sa.select(InstituteEnrolment.event_id, sa.func.count())
                .where(InstituteEnrolment.event_id.in_(part), InstituteEnrolment.status.in_(SEATED))
                .group_by(InstituteEnrolment.event_id)
            )
        found.update({e: n for e, n in (await session.execute(stmt)).all()})
    return [found.get(e, 0) for e in event_ids]


# --- lists -----------------------------------------------------------------------------------


Visibility = tuple[Sequence[int] | None, Sequence[int]]


def _visible_events(
    institute_id: int | None, visible: Visibility, upcoming: bool | None, now: datetime
) -> list[Any]:
    """Public events, maatwerk of the organisations in `visible[0]` (None: every event) and
    every event of the institutes in `visible[1]` (the viewer is their staff)."""
    org_ids, staff_of = visible
    where: list[Any] = []
    if institute_id is not None:
        where.append(CourseEvent.institute_id == institute_id)
    if org_ids is not None:
        where.append(
            sa.or_(
                CourseEvent.for_org_unit_id.is_(None),
                CourseEvent.for_org_unit_id.in_(list(org_ids)),
                CourseEvent.institute_id.in_(list(staff_of)),
            )
        )
    if upcoming is True:
        where.append(CourseEvent.starts_at >= now)
    elif upcoming is False:
        where.append(CourseEvent.starts_at < now)
    return where


async def events_page(
    session: AsyncSession,
    institute_id: int | None,
    visible: Visibility,
    upcoming: bool | None,
    search: str | None,
    bought_by: int | None,
    now: datetime,
    seek: Seek,
) -> Slice[CourseEvent]:
    stmt = _events_stmt(
        sa.select(CourseEvent), institute_id, visible, upcoming, search, bought_by, now
    )
    return await fetch_slice(session, stmt, EVENT_ORDER, seek)


async def events_count(
    session: AsyncSession,
    institute_id: int | None,
    visible: Visibility,
    upcoming: bool | None,
    search: str | None,
    bought_by: int | None,
    now: datetime,
) -> int:
    stmt = _events_stmt(
        sa.select(sa.func.count(CourseEvent.id)),
        institute_id,
        visible,
        upcoming,
        search,
        bought_by,
        now,
    )
    return int((await session.execute(stmt)).scalar_one())


def _events_stmt(
    stmt: Any,
    institute_id: int | None,
    visible: Visibility,
    upcoming: bool | None,
    search: str | None,
    bought_by: int | None,
    now: datetime,
) -> Any:
    stmt = stmt.where(*_visible_events(institute_id, visible, upcoming, now))
    if bought_by is not None:
        stmt = stmt.where(CourseEvent.for_org_unit_id == bought_by)
    if search:
        pattern = "%" + search.lower().replace("%", r"\%").replace("_", r"\_") + "%"
        stmt = stmt.join(InstituteCourse, InstituteCourse.id == CourseEvent.course_id).where(
            sa.func.lower(InstituteCourse.title).like(pattern, escape="\\")
        )
    return stmt


def _enrolments_stmt(
    stmt: Any,
    person_id: int | None,
    org_id: int | None,
    upcoming: bool | None,
    statuses: Sequence[EnrolmentStatus] | None,
    now: datetime,
) -> Any:
    stmt = stmt.join(CourseEvent, CourseEvent.id == InstituteEnrolment.event_id)
    if person_id is not None:
        stmt = stmt.where(InstituteEnrolment.person_id == person_id)
    if org_id is not None:
        stmt = stmt.where(InstituteEnrolment.invoice_org_unit_id == org_id)
    if upcoming is True:
        stmt = stmt.where(CourseEvent.starts_at >= now)
    elif upcoming is False:
        stmt = stmt.where(CourseEvent.starts_at < now)
    if statuses:
        stmt = stmt.where(InstituteEnrolment.status.in_(list(statuses)))
    return stmt


@dataclass
class EnrolmentDetails:
    """An enrolment of a list with its event, the event's course and, if asked, the people."""

    enrolment: InstituteEnrolment
    event: CourseEvent
    course: InstituteCourse
    participant: Person | None
    enrolled_by: Person | None


async def enrolment_details_page(
    session: AsyncSession,
    person_id: int | None,
    org_id: int | None,
    upcoming: bool | None,
    statuses: Sequence[EnrolmentStatus] | None,
    now: datetime,
    seek: Seek,
    with_people: bool,
    with_total: bool,
) -> tuple[Slice[EnrolmentDetails], int | None]:
    """A keyset page of enrolments with event, course and (`with_people`) participant and who
    enrolled them; with `with_total` the count of all matches. One statement for any page size:
    the count rides along as a scalar subquery over the filter (not the cursor). It is None only
    when the page came back empty (the caller counts then)."""
    participant, enrolled_by = aliased(Person), aliased(Person)
    stmt = _enrolments_stmt(
        sa.select(InstituteEnrolment, CourseEvent, InstituteCourse),
        person_id,
        org_id,
        upcoming,
        statuses,
        now,
    ).join(InstituteCourse, InstituteCourse.id == CourseEvent.course_id)
    if with_people:
        stmt = (
            stmt.add_columns(participant, enrolled_by)
            .join(participant, participant.id == InstituteEnrolment.person_id)
            .outerjoin(enrolled_by, enrolled_by.id == InstituteEnrolment.enrolled_by_person_id)
        )
    if with_total:
        matches = _enrolments_stmt(
            sa.select(sa.func.count(InstituteEnrolment.id)),
            person_id,
            org_id,
            upcoming,
            statuses,
            now,
        )
        stmt = stmt.add_columns(matches.scalar_subquery().label("total"))
    page = await fetch_slice(session, stmt, ENROLMENT_ORDER, seek)
    total = int(page.rows[0][-1]) if with_total and page.rows else None
    return page.map(
        lambda r: EnrolmentDetails(
            r[0], r[1], r[2], r[3] if with_people else None, r[4] if with_people else None
        )
    ), total


async def enrolments_count(
    session: AsyncSession,
    person_id: int | None,
    org_id: int | None,
    upcoming: bool | None,
    statuses: Sequence[EnrolmentStatus] | None,
    now: datetime,
) -> int:
    stmt = _enrolments_stmt(
        sa.select(sa.func.count(InstituteEnrolment.id)), person_id, org_id, upcoming, statuses, now
    )
    return int((await session.execute(stmt)).scalar_one())


def _invoices_stmt(
    stmt: Any, person_id: int | None, org_id: int | None, status: InvoiceStatus | None
) -> Any:
    if org_id is not None:
        stmt = stmt.where(Invoice.debtor_org_unit_id == org_id)
    else:
        stmt = stmt.where(
            Invoice.debtor_person_id == person_id, Invoice.debtor_org_unit_id.is_(None)
        )
    if status is not None:
        stmt = stmt.where(Invoice.status == status)
    return stmt


async def invoices_page(
    session: AsyncSession,
    person_id: int | None,
    org_id: int | None,
    status: InvoiceStatus | None,
    seek: Seek,
) -> Slice[Invoice]:
    stmt = _invoices_stmt(sa.select(Invoice), person_id, org_id, status)
    return await fetch_slice(session, stmt, INVOICE_ORDER, seek)


async def invoices_count(
    session: AsyncSession, person_id: int | None, org_id: int | None, status: InvoiceStatus | None
) -> int:
    stmt = _invoices_stmt(sa.select(sa.func.count(Invoice.id)), person_id, org_id, status)
    return int((await session.execute(stmt)).scalar_one())


async def member_org_ids(session: AsyncSession, person_id: int) -> list[int]:
    """Client organisations the person belongs to (any institute role on them)."""
    stmt = (
        sa.select(RoleAssignment.org_unit_id)
        .where(
            RoleAssignment.person_id == person_id,
            RoleAssignment.role.in_([Role.CONTACT, Role.CLIENT_ORG_ADMIN]),
        )
        .distinct()
    )
    return list((await session.execute(stmt)).scalars())


async def is_contact(session: AsyncSession, person_id: int, org_id: int) -> bool:
    stmt = sa.select(RoleAssignment.id).where(
        RoleAssignment.person_id == person_id,
        RoleAssignment.org_unit_id == org_id,
        RoleAssignment.role.in_([Role.CONTACT, Role.CLIENT_ORG_ADMIN]),
    )
    return (await session.execute(stmt.limit(1))).first() is not None


async def category_name_taken(
    session: AsyncSession, institute_id: int, parent_id: int | None, name: str, exclude: int | None
) -> bool:
    """Whether a sibling category already has this name (case-insensitive)."""
    stmt = sa.select(CatalogueCategory.id).where(
        CatalogueCategory.institute_id == institute_id,
        sa.func.lower(CatalogueCategory.name) == name.lower(),
        CatalogueCategory.parent_id.is_(None)
        if parent_id is None
        else CatalogueCategory.parent_id == parent_id,
    )
    if exclude is not None:
        stmt = stmt.where(CatalogueCategory.id != exclude)
    return (await session.execute(stmt.limit(1))).first() is not None


async def active_enrolments_locked(
    session: AsyncSession, event_id: int
) -> list[InstituteEnrolment]:
    """The event's seated and waitlisted enrolments, locked (the caller holds the event lock)."""
    stmt = (
        sa.select(InstituteEnrolment)
        .where(InstituteEnrolment.event_id == event_id, InstituteEnrolment.status.in_(ACTIVE))
        .order_by(InstituteEnrolment.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    return list((await session.execute(stmt)).scalars())


# --- writes under locks ----------------------------------------------------------------------


async def lock_event(session: AsyncSession, event_id: int) -> CourseEvent | None:
    """The event row, locked until the transaction ends.

    PostgreSQL: `SELECT … FOR UPDATE` makes concurrent enrolments on one event wait for each
    other, so the seat count read next is current. SQLite has one writer at a time but lets a
    reader go stale before its first write: a no-op UPDATE takes the write lock first.
    """
    if session.bind.dialect.name == "sqlite":
        await session.execute(
            sa.update(CourseEvent)
            .where(CourseEvent.id == event_id)
            .values(capacity=CourseEvent.capacity)
        )
    stmt = (
        sa.select(CourseEvent)
        .where(CourseEvent.id == event_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    return (await session.execute(stmt)).scalars().first()


async def seated_count(session: AsyncSession, event_id: int) -> int:
    return (await seated_by_events(session, [event_id]))[0]


async def enrolment_of(
    session: AsyncSession, event_id: int, person_id: int
) -> InstituteEnrolment | None:
    stmt = sa.select(InstituteEnrolment).where(
        InstituteEnrolment.event_id == event_id, InstituteEnrolment.person_id == person_id
    )
    return (await session.execute(stmt)).scalars().first()


async def first_waitlisted(session: AsyncSession, event_id: int) -> InstituteEnrolment | None:
    stmt = (
        sa.select(InstituteEnrolment)
        .where(
            InstituteEnrolment.event_id == event_id,
            InstituteEnrolment.status == EnrolmentStatus.WAITLISTED,
        )
        .order_by(InstituteEnrolment.created_at, InstituteEnrolment.id)
        .limit(1)
    )
    return (await session.execute(stmt)).scalars().first()


async def has_enrolled_before(session: AsyncSession, person_id: int, but: int) -> bool:
    stmt = sa.select(InstituteEnrolment.id).where(
        InstituteEnrolment.person_id == person_id, InstituteEnrolment.id != but
    )
    return (await session.execute(stmt.limit(1))).first() is not None


async def next_invoice_sequence(session: AsyncSession, institute_id: int, year: int) -> int:
    """The next number of the institute's gapless sequence for `year`.

    The counter row is created if missing (a no-op when it exists) and incremented in place;
    the UPDATE holds its row lock until the transaction ends, so concurrent invoices take
    numbers one after another, and a rolled-back transaction gives its number back.
    """
    insert: Any
    if session.bind.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    await session.execute(
        insert(InvoiceCounter)
        .values(institute_id=institute_id, year=year, last_number=0)
        .on_conflict_do_nothing()
    )
    stmt = (
        sa.update(InvoiceCounter)
        .where(InvoiceCounter.institute_id == institute_id, InvoiceCounter.year == year)
        .values(last_number=InvoiceCounter.last_number + 1)
        .returning(InvoiceCounter.last_number)
    )
    return int((await session.execute(stmt)).scalar_one())


async def uninvoiced_confirmed(
    session: AsyncSession, enrolment_ids: Sequence[int]
) -> list[InstituteEnrolment]:
    """The confirmed enrolments among these that are not on an invoice yet (locked)."""
    on_invoice = (
        sa.select(InvoiceLine.enrolment_id)
        .join(Invoice, Invoice.id == InvoiceLine.invoice_id)
        .where(Invoice.credits_invoice_id.is_(None), Invoice.status != InvoiceStatus.CREDITED)
    )
    stmt = (
        sa.select(InstituteEnrolment)
        .where(
            InstituteEnrolment.id.in_(list(enrolment_ids)),
            InstituteEnrolment.status == EnrolmentStatus.CONFIRMED,
            InstituteEnrolment.id.not_in(on_invoice.where(InvoiceLine.enrolment_id.is_not(None))),
        )
        .order_by(InstituteEnrolment.id)
        .with_for_update()
    )
    return list((await session.execute(stmt)).scalars())


async def unit_paths(session: AsyncSession, ids: Sequence[int]) -> dict[int, OrgUnit]:
    stmt = sa.select(OrgUnit).where(OrgUnit.id.in_(list(ids)))
    return {u.id: u for u in (await session.execute(stmt)).scalars()}  # type: ignore[misc]


# --- dashboards: aggregates in SQL, scoped by institute ----------------------------------------


async def fill_rates(
    session: AsyncSession, institute_ids: Sequence[int], since: datetime
) -> list[tuple[int, int, int]]:
    """(event id, capacity, seated) of the institutes' events starting from `since`."""
    seated = sa.func.count(InstituteEnrolment.id).filter(InstituteEnrolment.status.in_(SEATED))
    stmt = (
        sa.select(CourseEvent.id, CourseEvent.capacity, seated)
        .outerjoin(InstituteEnrolment, InstituteEnrolment.event_id == CourseEvent.id)
        .where(CourseEvent.institute_id.in_(list(institute_ids)), CourseEvent.starts_at >= since)
        .group_by(CourseEvent.id, CourseEvent.capacity)
        .order_by(CourseEvent.id)
    )
    return [(e, c, n) for e, c, n in (await session.execute(stmt)).all()]


async def revenue_by_month(
    session: AsyncSession, institute_ids: Sequence[int], today: date
) -> list[tuple[str, int, int, int]]:
    """(YYYY-MM of issue, open cents, paid cents, overdue cents) of invoices (not credit notes)."""
    month = sa.func.substr(sa.cast(Invoice.issue_date, sa.String), 1, 7)
    is_open = Invoice.status == InvoiceStatus.OPEN
    total = Invoice.total_incl_vat_cents

    def cents(cond: Any) -> Any:
        return sa.func.coalesce(sa.func.sum(sa.case((cond, total), else_=0)), 0)

    stmt = (
        sa.select(
            month,
            cents(sa.and_(is_open, Invoice.due_date >= today)),
            cents(Invoice.status == InvoiceStatus.PAID),
            cents(sa.and_(is_open, Invoice.due_date < today)),
        )
        .where(Invoice.institute_id.in_(list(institute_ids)), Invoice.credits_invoice_id.is_(None))
        .group_by(month)
        .order_by(month)
    )
    return [(m, int(o), int(p), int(d)) for m, o, p, d in (await session.execute(stmt)).all()]


async def enrolment_locked(session: AsyncSession, enrolment_id: int) -> InstituteEnrolment | None:
    """The enrolment as it is now, locked for this transaction."""
    stmt = (
        sa.select(InstituteEnrolment)
        .where(InstituteEnrolment.id == enrolment_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    return (await session.execute(stmt)).scalars().first()


async def activation_pending(session: AsyncSession, person_id: int, now: datetime) -> bool:
    """Whether an unused, unexpired activation link exists (no second mail then)."""
    stmt = sa.select(OneTimeToken.id).where(
        OneTimeToken.person_id == person_id,
        OneTimeToken.purpose == OneTimePurpose.ACTIVATION,
        OneTimeToken.used_at.is_(None),
        OneTimeToken.expires_at > now,
    )
    return (await session.execute(stmt.limit(1))).first() is not None


async def add_invoice(
    session: AsyncSession, invoice: Invoice, lines: Sequence[InvoiceLine]
) -> Invoice:
    session.add(invoice)
    await session.flush()
    for line in lines:
        line.invoice_id = invoice.id  # type: ignore[assignment]
        session.add(line)
    await session.flush()
    return invoice


async def invoice_locked(session: AsyncSession, invoice_id: int) -> Invoice | None:
    stmt = (
        sa.select(Invoice)
        .where(Invoice.id == invoice_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    return (await session.execute(stmt)).scalars().first()


async def invoice_lines(session: AsyncSession, invoice_id: int) -> list[InvoiceLine]:
    stmt = (
        sa.select(InvoiceLine).where(InvoiceLine.invoice_id == invoice_id).order_by(InvoiceLine.id)
    )
    return list((await session.execute(stmt)).scalars())


async def credit_note_of(session: AsyncSession, invoice_id: int) -> Invoice | None:
    stmt = sa.select(Invoice).where(Invoice.credits_invoice_id == invoice_id)
    return (await session.execute(stmt)).scalars().first()


async def event_enrolments_page(
    session: AsyncSession,
    event_id: int,
    statuses: Sequence[EnrolmentStatus] | None,
    seek: Seek,
) -> Slice[InstituteEnrolment]:
    stmt = sa.select(InstituteEnrolment).where(InstituteEnrolment.event_id == event_id)
    if statuses:
        stmt = stmt.where(InstituteEnrolment.status.in_(list(statuses)))
    return await fetch_slice(session, stmt, EVENT_ENROLMENT_ORDER, seek)


async def event_enrolments_count(
    session: AsyncSession, event_id: int, statuses: Sequence[EnrolmentStatus] | None
) -> int:
    stmt = sa.select(sa.func.count(InstituteEnrolment.id)).where(
        InstituteEnrolment.event_id == event_id
    )
    if statuses:
        stmt = stmt.where(InstituteEnrolment.status.in_(list(statuses)))
    return int((await session.execute(stmt)).scalar_one())


async def contacts_of(session: AsyncSession, org_id: int) -> list[tuple[Any, bool]]:
    """(person, is admin) of every contact of the organisation, by name; no password hashes."""
    is_admin = sa.func.max(sa.case((RoleAssignment.role == Role.CLIENT_ORG_ADMIN, 1), else_=0))
    stmt = (
        sa.select(
            Person.id,
            Person.email,
            Person.given_name,
            Person.name_prefix,
            Person.family_name,
            is_admin,
        )
        .join(RoleAssignment, RoleAssignment.person_id == Person.id)
        .where(
            RoleAssignment.org_unit_id == org_id,
            RoleAssignment.role.in_([Role.CONTACT, Role.CLIENT_ORG_ADMIN]),
        )
        .group_by(
            Person.id, Person.email, Person.given_name, Person.name_prefix, Person.family_name
        )
        .order_by(Person.family_name, Person.given_name, Person.id)
    )
    return [(row, bool(row[5])) for row in (await session.execute(stmt)).all()]


async def serialise_writes(session: AsyncSession) -> None:
    """On SQLite, take the database's write lock now, so what this transaction reads next is
    current (SQLite has one writer; its reads before the first write are not isolated). On
    PostgreSQL row locks (`FOR UPDATE`) do this per row, and this does nothing."""
    if session.bind.dialect.name == "sqlite":
        await session.execute(
            sa.update(InvoiceCounter)
            .where(sa.false())
            .values(last_number=InvoiceCounter.last_number)
        )


async def employee_details_of(
    session: AsyncSession, person_id: int, org_id: int
) -> EmployeeDetails | None:
    stmt = sa.select(EmployeeDetails).where(
        EmployeeDetails.person_id == person_id, EmployeeDetails.org_unit_id == org_id
    )
    return (await session.execute(stmt)).scalars().first()


async def remove_org_roles(session: AsyncSession, person_id: int, org_id: int) -> int:
    """Take the person's contact and admin roles on the organisation away; how many there were."""
    stmt = sa.delete(RoleAssignment).where(
        RoleAssignment.person_id == person_id,
        RoleAssignment.org_unit_id == org_id,
        RoleAssignment.role.in_([Role.CONTACT, Role.CLIENT_ORG_ADMIN]),
    )
    result = await session.execute(stmt)
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


# Mails that carry a single-use link (activation, password reset) stay out of the dossier: a
# link must not outlive its mail in a second place.
LINK_MAILS = ("activation", "password_reset")

# The dossier is one union of three lists, with the person as a bound parameter, so its columns
# (and the keyset order over them) exist once.
_PERSON = sa.bindparam("dossier_person", type_=sa.Integer)
_DOSSIER = sa.union_all(
    sa.select(
        sa.literal("E").label("kind"),
        InstituteEnrolment.id.label("ref"),
        InstituteEnrolment.created_at.label("at"),
    ).where(InstituteEnrolment.person_id == _PERSON),
    sa.select(
        sa.literal("M").label("kind"),
        OutboxMail.id.label("ref"),
        OutboxMail.created_at.label("at"),
    ).where(OutboxMail.person_id == _PERSON, OutboxMail.template.not_in(LINK_MAILS)),
    sa.select(
        sa.literal("I").label("kind"), Invoice.id.label("ref"), Invoice.created_at.label("at")
    ).where(Invoice.debtor_person_id == _PERSON, Invoice.debtor_org_unit_id.is_(None)),
).subquery("dossier")
DOSSIER_ORDER = KeyOrder(
    "dossier",
    (SortKey(_DOSSIER.c.at, True), SortKey(_DOSSIER.c.kind), SortKey(_DOSSIER.c.ref, True)),
)


async def dossier_page(
    session: AsyncSession, person_id: int, seek: Seek
) -> Slice[tuple[str, int, datetime]]:
    """(kind, id, at) of the person's enrolments (E), the mails sent to them (M) and the
    invoices addressed to them (I), newest first: one statement for the whole page."""
    stmt = sa.select(_DOSSIER.c.kind, _DOSSIER.c.ref, _DOSSIER.c.at).params(
        dossier_person=person_id
    )
    page = await fetch_slice(session, stmt, DOSSIER_ORDER, seek)
    return page.map(tuple)


async def dossier_count(session: AsyncSession, person_id: int) -> int:
    counts = [
        sa.select(sa.func.count())
        .select_from(InstituteEnrolment)
        .where(InstituteEnrolment.person_id == person_id),
        sa.select(sa.func.count())
        .select_from(OutboxMail)
        .where(OutboxMail.person_id == person_id, OutboxMail.template.not_in(LINK_MAILS)),
        sa.select(sa.func.count())
        .select_from(Invoice)
        .where(Invoice.debtor_person_id == person_id, Invoice.debtor_org_unit_id.is_(None)),
    ]
    stmt = sa.select(sum((c.scalar_subquery() for c in counts), sa.literal(0)))
    return int((await session.execute(stmt)).scalar_one())


async def enrolments_by_category_month(
    session: AsyncSession, institute_ids: Sequence[int]
) -> list[tuple[str, str, int]]:
    """(category, YYYY-MM of enrolment in UTC, enrolments not cancelled), per course category."""
    month = sa.func.substr(sa.cast(InstituteEnrolment.created_at, sa.String), 1, 7)
    stmt = (
        sa.select(CatalogueCategory.name, month, sa.func.count(InstituteEnrolment.id))
        .join(CourseEvent, CourseEvent.id == InstituteEnrolment.event_id)
        .join(InstituteCourse, InstituteCourse.id == CourseEvent.course_id)
        .join(CatalogueCategory, CatalogueCategory.id == InstituteCourse.category_id)
        .where(
            InstituteEnrolment.institute_id.in_(list(institute_ids)),
            InstituteEnrolment.status != EnrolmentStatus.CANCELLED,
        )
        .group_by(CatalogueCategory.name, month)
        .order_by(month, CatalogueCategory.name)
    )
    return [(c, m, int(n)) for c, m, n in (await session.execute(stmt)).all()]
