"""Queries of the meldcode. Batch functions take keys and return results in key order."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from domain.core.orgtree import OrgUnitKind
from domain.core.roles import Role
from domain.meldcode.steps import CaseStatus
from persistence.batching import chunks, rows_by_ids
from persistence.core.models import OrgUnit, RoleAssignment
from persistence.meldcode.cipher import Keyring
from persistence.meldcode.models import (
    CarePartner,
    MeldcodeAuditEvent,
    MeldcodeBoardPolicy,
    MeldcodeCase,
    MeldcodeFeedback,
    MeldcodeSchoolProfile,
    MeldcodeSharing,
    MeldcodeSignal,
    MeldcodeStepEntry,
)
from persistence.paging import KeyOrder, Seek, Slice, fetch_slice
from persistence.tenancy import on_postgres
from persistence.types import utcnow


async def cases_by_ids(session: AsyncSession, ids: Sequence[int]) -> list[MeldcodeCase | None]:
    return await rows_by_ids(session, MeldcodeCase, ids)


async def signals_by_ids(session: AsyncSession, ids: Sequence[int]) -> list[MeldcodeSignal | None]:
    return await rows_by_ids(session, MeldcodeSignal, ids)


async def entries_by_ids(
    session: AsyncSession, ids: Sequence[int]
) -> list[MeldcodeStepEntry | None]:
    return await rows_by_ids(session, MeldcodeStepEntry, ids)


async def partners_by_ids(session: AsyncSession, ids: Sequence[int]) -> list[CarePartner | None]:
    return await rows_by_ids(session, CarePartner, ids)


async def feedback_by_ids(
    session: AsyncSession, ids: Sequence[int]
) -> list[MeldcodeFeedback | None]:
    return await rows_by_ids(session, MeldcodeFeedback, ids)


async def _by_case(session: AsyncSession, model: Any, case_ids: Sequence[int]) -> list[list[Any]]:
    grouped: dict[int, list[Any]] = defaultdict(list)
    for part in chunks(list(dict.fromkeys(case_ids))):
        stmt = sa.select(model).where(model.case_id.in_(part)).order_by(model.id)
        for row in (await session.execute(stmt)).scalars():
            grouped[row.case_id].append(row)
    return [grouped.get(cid, []) for cid in case_ids]


async def signals_by_case(
    session: AsyncSession, case_ids: Sequence[int]
) -> list[list[MeldcodeSignal]]:
    return await _by_case(session, MeldcodeSignal, case_ids)


async def entries_by_case(
    session: AsyncSession, case_ids: Sequence[int]
) -> list[list[MeldcodeStepEntry]]:
    return await _by_case(session, MeldcodeStepEntry, case_ids)


async def feedback_by_case(
    session: AsyncSession, case_ids: Sequence[int]
) -> list[list[MeldcodeFeedback]]:
    return await _by_case(session, MeldcodeFeedback, case_ids)


async def sharing_by_case(
    session: AsyncSession, case_ids: Sequence[int]
) -> list[list[MeldcodeSharing]]:
    return await _by_case(session, MeldcodeSharing, case_ids)


async def partners_by_school(
    session: AsyncSession, school_ids: Sequence[int]
) -> list[list[CarePartner]]:
    grouped: dict[int, list[CarePartner]] = defaultdict(list)
    for part in chunks(list(dict.fromkeys(school_ids))):
        stmt = (
            sa.select(CarePartner)
            .where(CarePartner.school_unit_id.in_(part))
            .order_by(CarePartner.kind, CarePartner.name, CarePartner.id)
        )
        for row in (await session.execute(stmt)).scalars():
            grouped[row.school_unit_id].append(row)
    return [grouped.get(sid, []) for sid in school_ids]


def _cases_where(school_id: int, status: CaseStatus | None) -> list[Any]:
    where: list[Any] = [MeldcodeCase.school_unit_id == school_id, MeldcodeCase.purged_at.is_(None)]
    if status is not None:
        where.append(MeldcodeCase.status == status)
    return where


CASE_ORDER = KeyOrder.of("meldcode-cases", MeldcodeCase.opened_on, MeldcodeCase.id, descending=True)
SIGNAL_ORDER = KeyOrder.of(
    "meldcode-signals", MeldcodeSignal.recorded_at, MeldcodeSignal.id, descending=True
)


async def cases_page(
    session: AsyncSession, school_id: int, status: CaseStatus | None, seek: Seek
) -> Slice[MeldcodeCase]:
    stmt = sa.select(MeldcodeCase).where(*_cases_where(school_id, status))
    return await fetch_slice(session, stmt, CASE_ORDER, seek)


async def cases_count(session: AsyncSession, school_id: int, status: CaseStatus | None) -> int:
    stmt = sa.select(sa.func.count()).select_from(MeldcodeCase)
    return int((await session.execute(stmt.where(*_cases_where(school_id, status)))).scalar_one())


async def signals_of_author_page(
    session: AsyncSession, person_id: int, seek: Seek
) -> Slice[MeldcodeSignal]:
    stmt = sa.select(MeldcodeSignal).where(MeldcodeSignal.author_person_id == person_id)
    return await fetch_slice(session, stmt, SIGNAL_ORDER, seek)


async def signals_of_author_count(session: AsyncSession, person_id: int) -> int:
    stmt = sa.select(sa.func.count()).select_from(MeldcodeSignal)
    stmt = stmt.where(MeldcodeSignal.author_person_id == person_id)
    return int((await session.execute(stmt)).scalar_one())


async def open_case_of_pupil(
    session: AsyncSession, school_id: int, pupil_refs: Sequence[str]
) -> MeldcodeCase | None:
    stmt = sa.select(MeldcodeCase).where(
        MeldcodeCase.school_unit_id == school_id,
        MeldcodeCase.pupil_ref.in_(list(pupil_refs)),
        MeldcodeCase.status == CaseStatus.OPEN,
    )
    return (await session.execute(stmt.order_by(MeldcodeCase.id).limit(1))).scalars().first()


async def is_corrected(session: AsyncSession, entry_id: int) -> bool:
    stmt = sa.select(MeldcodeStepEntry.id).where(MeldcodeStepEntry.corrects_entry_id == entry_id)
    return (await session.execute(stmt.limit(1))).first() is not None


async def policy_of_board(session: AsyncSession, board_id: int) -> MeldcodeBoardPolicy | None:
    return await session.get(MeldcodeBoardPolicy, board_id)


async def profiles_by_school(
    session: AsyncSession, school_ids: Sequence[int]
) -> list[MeldcodeSchoolProfile | None]:
    found: dict[int, MeldcodeSchoolProfile] = {}
    for part in chunks(list(dict.fromkeys(school_ids))):
        stmt = sa.select(MeldcodeSchoolProfile).where(
            MeldcodeSchoolProfile.school_unit_id.in_(part)
        )
        found.update({p.school_unit_id: p for p in (await session.execute(stmt)).scalars()})
    return [found.get(sid) for sid in school_ids]


async def schools_of_board(session: AsyncSession, board_id: int) -> list[OrgUnit]:
    stmt = (
        sa.select(OrgUnit)
        .where(OrgUnit.parent_id == board_id, OrgUnit.kind == OrgUnitKind.SCHOOL)
        .order_by(OrgUnit.name, OrgUnit.id)
    )
    return list((await session.execute(stmt)).scalars())


# --- insight: aggregates only, computed in SQL ------------------------------------------------

# Entries that no later entry corrects: the history's current state.
_EFFECTIVE = """
  SELECT e.* FROM meldcode_step_entry e
  WHERE NOT EXISTS (SELECT 1 FROM meldcode_step_entry n WHERE n.corrects_entry_id = e.id)
"""


def _month(dialect: str, column: str) -> str:
    if dialect == "sqlite":
        return f"CAST(strftime('%m', {column}) AS INTEGER)"
    return f"CAST(EXTRACT(MONTH FROM {column}) AS INTEGER)"


def _days(dialect: str, later: str, earlier: str) -> str:
    if dialect == "sqlite":
        return f"CAST(julianday({later}) - julianday({earlier}) AS INTEGER)"
    return f"({later} - {earlier})"


@dataclass(frozen=True)
class QuarterCounts:
    """Case counts of one school in one quarter (cases attributed to the quarter they opened)."""

    school_id: int
    quarter: int
    opened: int
    reached: tuple[int, int, int, int, int]
    advice: int
    reports: int
    overdue_feedback: int


async def quarter_counts(
    session: AsyncSession, school_ids: Sequence[int], start: date, end: date, today: date
) -> list[QuarterCounts]:
    """One GROUP BY over the cases opened in [start, end) of these schools, by quarter."""
    if not school_ids:
        return []
    dialect = session.bind.dialect.name
    quarter = f"(({_month(dialect, 'c.opened_on')} + 4) % 12) / 3"
    sql = sa.text(
        f"""
        SELECT c.school_unit_id AS school, {quarter} AS quarter, COUNT(*) AS opened,
          SUM(COALESCE(s.s1, 0)) AS s1, SUM(COALESCE(s.s2, 0)) AS s2,
          SUM(COALESCE(s.s3, 0)) AS s3, SUM(COALESCE(s.s4, 0)) AS s4,
          SUM(COALESCE(s.s5, 0)) AS s5, SUM(COALESCE(s.advice, 0)) AS advice,
          SUM(COALESCE(s.report, 0)) AS reports,
          SUM(CASE WHEN f.case_id IS NULL THEN 0 ELSE 1 END) AS overdue
        FROM meldcode_case c
        LEFT JOIN (
          SELECT e.case_id,
            MAX(CASE WHEN e.step = 1 THEN 1 ELSE 0 END) AS s1,
            MAX(CASE WHEN e.step = 2 THEN 1 ELSE 0 END) AS s2,
            MAX(CASE WHEN e.step = 3 THEN 1 ELSE 0 END) AS s3,
            MAX(CASE WHEN e.step = 4 THEN 1 ELSE 0 END) AS s4,
            MAX(CASE WHEN e.step = 5 THEN 1 ELSE 0 END) AS s5,
            MAX(CASE WHEN e.veilig_thuis_advice THEN 1 ELSE 0 END) AS advice,
            MAX(CASE WHEN e.decision = 'REPORT_TO_VEILIG_THUIS' THEN 1 ELSE 0 END) AS report
          FROM ({_EFFECTIVE}) e GROUP BY e.case_id
        ) s ON s.case_id = c.id
        LEFT JOIN (
          SELECT DISTINCT case_id FROM meldcode_feedback
          WHERE (received_on IS NULL AND expected_by < :today) OR received_on > expected_by
        ) f ON f.case_id = c.id
        WHERE c.school_unit_id IN :schools AND c.opened_on >= :start AND c.opened_on < :end
        GROUP BY c.school_unit_id, {quarter}
        """  # noqa: S608 (only constant SQL fragments are interpolated)
    ).bindparams(sa.bindparam("schools", expanding=True))
    result = await session.execute(
        sql, {"schools": list(school_ids), "start": start, "end": end, "today": today}
    )
    return [
        QuarterCounts(
            school_id=int(r.school),
            quarter=int(r.quarter),
            opened=int(r.opened),
            reached=(int(r.s1), int(r.s2), int(r.s3), int(r.s4), int(r.s5)),
            advice=int(r.advice),
            reports=int(r.reports),
            overdue_feedback=int(r.overdue),
        )
        for r in result
    ]


async def documentation_counts(
    session: AsyncSession, school_ids: Sequence[int], start: date, end: date
) -> dict[int, tuple[int, int]]:
    """(entries with a documented deliberation, entries) per school, current entries only."""
    if not school_ids:
        return {}
    sql = sa.text(
        f"""
        SELECT c.school_unit_id AS school,
          SUM(CASE WHEN e.documented THEN 1 ELSE 0 END) AS documented, COUNT(*) AS entries
        FROM ({_EFFECTIVE}) e JOIN meldcode_case c ON c.id = e.case_id
        WHERE c.school_unit_id IN :schools AND c.opened_on >= :start AND c.opened_on < :end
        GROUP BY c.school_unit_id
        """  # noqa: S608 (only constant SQL fragments are interpolated)
    ).bindparams(sa.bindparam("schools", expanding=True))
    result = await session.execute(sql, {"schools": list(school_ids), "start": start, "end": end})
    return {int(r.school): (int(r.documented), int(r.entries)) for r in result}


async def median_gaps(
    session: AsyncSession, school_ids: Sequence[int], start: date, end: date, per_school: bool
) -> dict[int, tuple[float, int]]:
    """(median days between consecutive steps of a case, number of gaps) per school, or for
    all these schools together under key 0 — a window function, in SQL on both databases."""
    if not school_ids:
        return {}
    dialect = session.bind.dialect.name
    group = "c.school_unit_id" if per_school else "0"
    gap = _days(
        dialect,
        "e.entry_date",
        "LAG(e.entry_date) OVER (PARTITION BY e.case_id ORDER BY e.entry_date, e.id)",
    )
    sql = sa.text(
        f"""
        WITH gaps AS (
          SELECT {group} AS grp, {gap} AS gap
          FROM ({_EFFECTIVE}) e JOIN meldcode_case c ON c.id = e.case_id
          WHERE c.school_unit_id IN :schools AND c.opened_on >= :start AND c.opened_on < :end
        ), ranked AS (
          SELECT grp, gap, ROW_NUMBER() OVER (PARTITION BY grp ORDER BY gap) AS rn,
            COUNT(*) OVER (PARTITION BY grp) AS n
          FROM gaps WHERE gap IS NOT NULL
        )
        SELECT grp, AVG(gap * 1.0) AS median, MAX(n) AS n FROM ranked
        WHERE rn IN ((n + 1) / 2, (n + 2) / 2) GROUP BY grp
        """  # noqa: S608 (only constant SQL fragments are interpolated)
    ).bindparams(sa.bindparam("schools", expanding=True))
    result = await session.execute(sql, {"schools": list(school_ids), "start": start, "end": end})
    return {int(r.grp): (float(r.median), int(r.n)) for r in result}


_TRAINED = """EXISTS (
    SELECT 1 FROM enrolment en JOIN meldcode_training_course tc ON tc.course_id = en.course_id
    WHERE en.person_id = ra.person_id AND en.completed_at IS NOT NULL
  )"""


async def training_counts(
    session: AsyncSession, school_ids: Sequence[int]
) -> dict[int, tuple[int, int]]:
    """(teachers, teachers who completed a reporting-code course) per school: the same person
    as TEACHER on the school or a location of it and as learner in the academy. Counts only."""
    if not school_ids:
        return {}
    # The enrolments are the academy's (another tenant under row-level security): on PostgreSQL
    # a function of migration 0009 answers yes or no per teacher as the system.
    trained = (
        "portaal_completed_meldcode_training(ra.person_id)" if on_postgres(session) else _TRAINED
    )
    sql = sa.text(
        f"""
        SELECT s.id AS school, COUNT(DISTINCT ra.person_id) AS teachers,
          COUNT(DISTINCT CASE WHEN {trained} THEN ra.person_id END) AS trained
        FROM org_unit s
        JOIN org_unit u ON u.path LIKE s.path || '%'
        JOIN role_assignment ra ON ra.org_unit_id = u.id AND ra.role = :teacher
        WHERE s.id IN :schools
        GROUP BY s.id
        """  # noqa: S608 (only constant SQL fragments are interpolated)
    ).bindparams(sa.bindparam("schools", expanding=True))
    result = await session.execute(
        sql, {"schools": list(school_ids), "teacher": Role.TEACHER.value}
    )
    return {int(r.school): (int(r.teachers), int(r.trained)) for r in result}


async def care_coordinators(session: AsyncSession, school_ids: Sequence[int]) -> dict[int, int]:
    """How many care coordinators each school has appointed (a count, never who)."""
    if not school_ids:
        return {}
    stmt = (
        sa.select(RoleAssignment.org_unit_id, sa.func.count())
        .where(
            RoleAssignment.org_unit_id.in_(list(school_ids)),
            RoleAssignment.role == Role.CARE_COORDINATOR,
        )
        .group_by(RoleAssignment.org_unit_id)
    )
    return {int(u): int(n) for u, n in (await session.execute(stmt)).all()}


# --- key rotation and retention ---------------------------------------------------------------

CIPHERTEXT_COLUMNS: tuple[tuple[str, str], ...] = (
    ("meldcode_case", "pupil_ciphertext"),
    ("meldcode_case", "outcome_note_ciphertext"),
    ("meldcode_signal", "text_ciphertext"),
    ("meldcode_step_entry", "deliberation_ciphertext"),
    ("meldcode_feedback", "note_ciphertext"),
    ("meldcode_sharing", "purpose_ciphertext"),
)


async def rotate_batch(
    session: AsyncSession, keyring: Keyring, table: str, column: str, after_id: int, size: int
) -> tuple[int, int]:
    """Re-encrypt up to `size` rows after `after_id` under the newest key: (last id, rewritten).

    Each batch is its own short transaction, so the service keeps running: rows not yet
    rotated still decrypt with the older key."""
    rows = (
        await session.execute(
            sa.text(
                f"SELECT id, {column} AS token FROM {table} WHERE id > :after ORDER BY id LIMIT :n"  # noqa: S608
            ),
            {"after": after_id, "n": size},
        )
    ).all()
    rewritten = 0
    for row in rows:
        if row.token and not keyring.is_current(row.token):
            await session.execute(
                sa.text(f"UPDATE {table} SET {column} = :t WHERE id = :id"),  # noqa: S608
                {"t": keyring.rotate(row.token), "id": row.id},
            )
            if column == "pupil_ciphertext":
                # The blind index follows the newest key too.
                await session.execute(
                    sa.text("UPDATE meldcode_case SET pupil_ref = :r WHERE id = :id"),
                    {"r": keyring.blind_ref(keyring.decrypt(row.token)), "id": row.id},
                )
            rewritten += 1
    return (int(rows[-1].id) if rows else after_id), rewritten


async def closed_unpurged(session: AsyncSession) -> list[tuple[int, int, date]]:
    """(case id, board id, closed on) of every closed case whose content is still there."""
    school = aliased(OrgUnit)
    stmt = (
        sa.select(MeldcodeCase.id, school.parent_id, MeldcodeCase.closed_on)
        .join(school, school.id == MeldcodeCase.school_unit_id)
        .where(MeldcodeCase.status == CaseStatus.CLOSED, MeldcodeCase.purged_at.is_(None))
    )
    return [
        (int(c), int(b), closed) for c, b, closed in (await session.execute(stmt)).all() if closed
    ]


async def retention_by_board(session: AsyncSession, board_ids: Sequence[int]) -> dict[int, int]:
    if not board_ids:
        return {}
    stmt = sa.select(MeldcodeBoardPolicy.board_unit_id, MeldcodeBoardPolicy.retention_months)
    stmt = stmt.where(MeldcodeBoardPolicy.board_unit_id.in_(list(board_ids)))
    return {int(b): int(m) for b, m in (await session.execute(stmt)).all()}


async def purge_cases(session: AsyncSession, case_ids: Sequence[int], now: datetime) -> int:
    """Remove every content of these cases; the anonymous skeleton the statistics need stays:
    school, dates, steps, flags. Signals and sharing records go entirely; people become NULL."""
    if not case_ids:
        return 0
    ids = list(case_ids)
    await session.execute(sa.delete(MeldcodeSignal).where(MeldcodeSignal.case_id.in_(ids)))
    await session.execute(sa.delete(MeldcodeSharing).where(MeldcodeSharing.case_id.in_(ids)))
    await session.execute(
        sa.update(MeldcodeStepEntry)
        .where(MeldcodeStepEntry.case_id.in_(ids))
        .values(deliberation_ciphertext="", author_person_id=None)
    )
    await session.execute(
        sa.update(MeldcodeFeedback)
        .where(MeldcodeFeedback.case_id.in_(ids))
        .values(note_ciphertext="", partner_id=None)
    )
    await session.execute(
        sa.update(MeldcodeCase)
        .where(MeldcodeCase.id.in_(ids))
        .values(
            pupil_ref=None,
            pupil_ciphertext="",
            opened_by_person_id=None,
            outcome_note_ciphertext="",
            verwijsindex_signalled_on=None,
            purged_at=now,
        )
    )
    return len(ids)


# --- the case's own audit trail -------------------------------------------------------------


@dataclass(frozen=True)
class AuditEntry:
    case_id: int | None
    school_id: int
    kind: str
    detail: str = ""


async def add_audit(
    session: AsyncSession, entries: Sequence[AuditEntry], actor: int | None, address: str | None
) -> None:
    """One INSERT for all entries (an executemany), however many cases a page reads."""
    if not entries:
        return
    now = utcnow()
    await session.execute(
        sa.insert(MeldcodeAuditEvent),
        [
            {
                "case_id": e.case_id,
                "school_unit_id": e.school_id,
                "kind": e.kind,
                "actor_person_id": actor,
                "client_address": address,
                "detail": e.detail[:300],
                "at": now,
            }
            for e in entries
        ],
    )


async def audit_by_case(session: AsyncSession, case_ids: Sequence[int]) -> list[list[Any]]:
    return await _by_case(session, MeldcodeAuditEvent, case_ids)
