"""Queries of the academy: learners and their filters, enrolments, exams, seats, reports."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Any, cast

import sqlalchemy as sa
import sqlalchemy.orm
from sqlalchemy.ext.asyncio import AsyncSession

from domain.academy.enrolments import CourseStatus
from domain.academy.learner_filter import LearnerFilter
from domain.core.roles import Role
from persistence.academy.models import (
    AccreditationReport,
    AccreditationReportLine,
    Certificate,
    ClusterSeats,
    Course,
    CourseAccreditation,
    Enrolment,
    ExamAttempt,
    ExamQuestion,
    Label,
    LabelAssignment,
    Learner,
    Lesson,
    LessonCompletion,
    Membership,
    MembershipCourse,
    RefresherDelivery,
    RefresherModule,
    RegistrationNumber,
)
from persistence.batching import bound_among, chunks, rows_by_ids
from persistence.core.models import (
    OrgUnit,
    Person,
    RoleAssignment,
)
from persistence.paging import (
    KeyOrder,
    Seek,
    Slice,
    bound_seek,
    seek_params,
    seek_shape,
    split_row,
    to_slice,
)
from persistence.prepared import built_once, once
from persistence.snapshots import Snapshots, fetch_rows
from persistence.tenancy import on_postgres


def _grouped(rows: Sequence[Any], key: str, keys: Sequence[int]) -> list[list[Any]]:
    groups: dict[int, list[Any]] = defaultdict(list)
    for row in rows:
        groups[getattr(row, key)].append(row)
    return [groups.get(k, []) for k in keys]


async def _in(
    session: AsyncSession, model: Any, column: Any, keys: Sequence[int], *order: Any
) -> list[Any]:
    found: list[Any] = []
    for part in chunks(list(dict.fromkeys(keys))):
        stmt = sa.select(model).where(column.in_(part)).order_by(*(order or (model.id,)))
        found += list((await session.execute(stmt)).scalars())
    return found


# --- batch loads (key order) -----------------------------------------------------------------


async def courses_by_ids(session: AsyncSession, ids: Sequence[int]) -> list[Course | None]:
    return await rows_by_ids(session, Course, ids)


async def enrolments_by_ids(session: AsyncSession, ids: Sequence[int]) -> list[Enrolment | None]:
    return await rows_by_ids(session, Enrolment, ids)


async def learners_by_ids(session: AsyncSession, ids: Sequence[int]) -> list[Learner | None]:
    return await rows_by_ids(session, Learner, ids)


async def labels_by_ids(session: AsyncSession, ids: Sequence[int]) -> list[Label | None]:
    return await rows_by_ids(session, Label, ids)


async def attempts_by_ids(session: AsyncSession, ids: Sequence[int]) -> list[ExamAttempt | None]:
    return await rows_by_ids(session, ExamAttempt, ids)


async def certificates_by_ids(
    session: AsyncSession, ids: Sequence[int]
) -> list[Certificate | None]:
    return await rows_by_ids(session, Certificate, ids)


async def enrolments_by_person(
    session: AsyncSession, person_ids: Sequence[int]
) -> list[list[Enrolment]]:
    rows = await _in(session, Enrolment, Enrolment.person_id, person_ids, Enrolment.id)
    return _grouped(rows, "person_id", person_ids)


async def lessons_by_course(session: AsyncSession, course_ids: Sequence[int]) -> list[list[Lesson]]:
    rows = await _in(
        session, Lesson, Lesson.course_id, course_ids, Lesson.course_id, Lesson.position
    )
    return _grouped(rows, "course_id", course_ids)


async def questions_by_course(
    session: AsyncSession, course_ids: Sequence[int]
) -> list[list[ExamQuestion]]:
    rows = await _in(
        session, ExamQuestion, ExamQuestion.course_id, course_ids, ExamQuestion.position
    )
    return _grouped(rows, "course_id", course_ids)


async def completions_by_enrolment(
    session: AsyncSession, ids: Sequence[int]
) -> list[list[LessonCompletion]]:
    rows = await _in(session, LessonCompletion, LessonCompletion.enrolment_id, ids)
    return _grouped(rows, "enrolment_id", ids)


async def attempts_by_enrolment(
    session: AsyncSession, ids: Sequence[int]
) -> list[list[ExamAttempt]]:
    rows = await _in(session, ExamAttempt, ExamAttempt.enrolment_id, ids, ExamAttempt.number)
    return _grouped(rows, "enrolment_id", ids)


async def certificate_by_enrolment(
    session: AsyncSession, ids: Sequence[int]
) -> list[Certificate | None]:
    rows = await _in(session, Certificate, Certificate.enrolment_id, ids)
    found = {r.enrolment_id: r for r in rows}
    return [found.get(i) for i in ids]


async def accreditations_by_course(
    session: AsyncSession, ids: Sequence[int]
) -> list[list[CourseAccreditation]]:
    rows = await _in(session, CourseAccreditation, CourseAccreditation.course_id, ids)
    return _grouped(rows, "course_id", ids)


async def refreshers_by_course(
    session: AsyncSession, ids: Sequence[int]
) -> list[list[RefresherModule]]:
    rows = await _in(session, RefresherModule, RefresherModule.course_id, ids)
    return _grouped(rows, "course_id", ids)


async def label_ids_by_person(session: AsyncSession, person_ids: Sequence[int]) -> list[list[int]]:
    rows = await _in(session, LabelAssignment, LabelAssignment.person_id, person_ids)
    grouped = _grouped(rows, "person_id", person_ids)
    return [[r.label_id for r in group] for group in grouped]


async def registration_numbers_by_person(
    session: AsyncSession, ids: Sequence[int]
) -> list[list[RegistrationNumber]]:
    rows = await _in(
        session,
        RegistrationNumber,
        RegistrationNumber.person_id,
        ids,
        RegistrationNumber.register_code,
    )
    return _grouped(rows, "person_id", ids)


async def seats_by_cluster(
    session: AsyncSession, cluster_ids: Sequence[int]
) -> list[tuple[int, int]]:
    """(limit, used) per cluster; hidden users still hold their seat."""
    limits = {
        r.cluster_id: r.seat_limit
        for r in await _in(
            session, ClusterSeats, ClusterSeats.cluster_id, cluster_ids, ClusterSeats.cluster_id
        )
    }
    used = await seats_used(session, cluster_ids)
    return [(limits.get(c, 0), used.get(c, 0)) for c in cluster_ids]


async def seats_used(session: AsyncSession, cluster_ids: Sequence[int]) -> dict[int, int]:
    """Users per cluster (clusters without users are absent); hidden users hold their seat."""
    used: dict[int, int] = {}
    for part in chunks(list(dict.fromkeys(cluster_ids))):
        stmt = (
            sa.select(Learner.cluster_id, sa.func.count())
            .where(Learner.cluster_id.in_(part))
            .group_by(Learner.cluster_id)
        )
        used.update({k: int(v) for k, v in (await session.execute(stmt)).all()})
    return used


# --- the admin's user list -------------------------------------------------------------------


SORTS = {
    "NAME": (Person.family_name, Person.given_name, Person.id),
    "EMAIL": (Person.email,),
    "ADDED_AT": (Learner.added_at, Learner.id),
}


class _Values:
    """How `_learner_where` puts a filter's values into SQL: as values of this statement, or,
    with `params`, as named parameters collected there, for a statement built once per shape
    of filter (which filters are set, not their values)."""

    def __init__(self, params: dict[str, Any] | None, postgres: bool) -> None:
        self.params, self.postgres = params, postgres

    def one(self, name: str, value: Any, column: Any) -> Any:
        if self.params is None:
            return sa.bindparam(None, value, type_=column.type)
        self.params[name] = value
        return sa.bindparam(name, type_=column.type)

    def among(self, column: Any, name: str, ids: Sequence[int]) -> Any:
        if self.params is None:
            return column.in_(ids)
        self.params[name] = list(ids)
        return bound_among(column, name, self.postgres)


def _learner_where(
    f: LearnerFilter, params: dict[str, Any] | None = None, postgres: bool = False
) -> list[Any]:
    """The filter's conditions; with `params`, its values are named parameters put there."""
    v = _Values(params, postgres)
    in_scope = [
        OrgUnit.path.like(v.one(f"_scope{i}", f"{p}%", OrgUnit.path))
        for i, p in enumerate(f.scope_paths)
    ]
    clauses: list[Any] = [sa.or_(*in_scope) if in_scope else sa.false()]
    if f.cluster_ids:
        clauses.append(v.among(Learner.cluster_id, "_clusters", f.cluster_ids))
    if f.hidden is True:
        clauses.append(Learner.hidden_at.is_not(None))
    elif f.hidden is False:
        clauses.append(Learner.hidden_at.is_(None))
    if f.added_since:
        clauses.append(Learner.added_at >= v.one("_added_since", f.added_since, Learner.added_at))
    if f.activated is True:
        clauses.append(Person.password_hash.is_not(None))
    elif f.activated is False:
        clauses.append(Person.password_hash.is_(None))
    if f.magazine is not None:
        clauses.append(Learner.magazine.is_(f.magazine))
    if f.label_ids:
        # Only labels owned within the viewer's reach: a foreign label id must not probe users.
        owner = sa.orm.aliased(OrgUnit)
        own_labels = sa.select(Label.id).join(owner, owner.id == Label.owner_unit_id)
        in_reach = [
            owner.path.like(v.one(f"_scope{i}", f"{p}%", OrgUnit.path))
            for i, p in enumerate(f.scope_paths)
        ]
        clauses.append(
            sa.exists().where(
                LabelAssignment.person_id == Learner.person_id,
                v.among(LabelAssignment.label_id, "_labels", f.label_ids),
                LabelAssignment.label_id.in_(
                    own_labels.where(sa.or_(*in_reach) if in_reach else sa.false())
                ),
            )
        )
    if f.course_ids or f.course_status:
        # The learner's courses in this cluster only, never their training elsewhere. An alias,
        # so a query that joins enrolments itself (the progress report) keeps its own.
        mine = sa.orm.aliased(Enrolment)
        cond = [mine.person_id == Learner.person_id, mine.cluster_id == Learner.cluster_id]
        if f.course_ids:
            cond.append(v.among(mine.course_id, "_courses", f.course_ids))
        if f.course_status:
            cond.append(mine.status == v.one("_course_status", f.course_status, Enrolment.status))
        clauses.append(sa.exists().where(*cond))
    if f.search:
        term = f.search.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        like = v.one("_search", f"%{term}%", Person.email)
        full = sa.func.lower(Person.given_name + " " + Person.family_name)
        clauses.append(
            sa.or_(
                sa.func.lower(Person.email).like(like, escape="\\"),
                full.like(like, escape="\\"),
                sa.func.lower(Person.family_name).like(like, escape="\\"),
            )
        )
    return clauses


def _filter_shape(f: LearnerFilter, params: dict[str, Any]) -> tuple[Any, ...]:
    """What a statement of `_learner_where(f, params)` depends on besides the values."""
    return (tuple(params), f.hidden, f.activated, f.magazine)


def _learner_base(f: LearnerFilter) -> Any:
    return (
        sa.select(Learner)
        .join(Person, Person.id == Learner.person_id)
        .join(OrgUnit, OrgUnit.id == Learner.cluster_id)
        .where(*_learner_where(f))
    )


def learner_order(sort: str, descending: bool) -> KeyOrder:
    """The keyset order of a learner list: the sort's columns, then the learner's id."""
    return KeyOrder.of(
        f"learners:{sort}:{'desc' if descending else 'asc'}",
        *SORTS[sort],
        descending=descending,
        tiebreak=Learner.id,
    )


@dataclass(frozen=True)
class LearnerRow:
    """A learner of a page with their cluster and, if asked, their person and its role paths."""

    learner: Learner
    cluster: OrgUnit
    person: Person | None = None
    unit_paths: tuple[str, ...] = ()


async def learner_page_in_units(
    session: AsyncSession,
    f: LearnerFilter,
    order: KeyOrder,
    seek: Seek,
    with_total: bool,
    with_person: bool = False,
) -> tuple[Slice[LearnerRow], int | None]:
    """A keyset page of learners with each one's cluster and, if asked, the count of all matches
    and each learner's person with the paths of the units they hold roles on.

    One statement: the count rides along as a scalar subquery over the filter (not the cursor),
    so every page costs the same. It is None only when the page came back empty (the caller
    counts then). The person is joined for the sort anyway; its role paths are one correlated
    subquery per row of the page.
    """
    postgres = on_postgres(session)
    params = seek_params(order, seek)
    where = _learner_where(f, params, postgres)
    key = (postgres, _filter_shape(f, params), order, seek_shape(seek), with_total, with_person)
    stmt = _PAGE_STATEMENTS.get(key)
    if stmt is None:
        if len(_PAGE_STATEMENTS) >= 256:  # shapes in use are few; this bounds the worst case
            _PAGE_STATEMENTS.clear()
        stmt = _PAGE_STATEMENTS[key] = once(
            _page_statement(where, order, seek_shape(seek), with_total, with_person)
        )
    reader = _PAGE_WITH_PERSON if with_person else _PAGE
    pairs = [split_row(r, order.arity) for r in await fetch_rows(session, stmt, params)]
    page = to_slice(pairs, seek)
    total = int(page.rows[0][-1]) if with_total and page.rows else None
    split, paths_at = reader.split, len(reader.columns)

    def row(r: Any) -> LearnerRow:
        if not with_person:
            learner, cluster = split(r)
            return LearnerRow(learner, cluster)
        learner, cluster, person = split(r)
        paths = tuple(sorted(set(r[paths_at].split(",")))) if r[paths_at] else ()
        return LearnerRow(learner, cluster, person, paths)

    return page.map(row), total


def _page_statement(
    where: list[Any], order: KeyOrder, shape: Any, with_total: bool, with_person: bool
) -> sa.Select[Any]:
    """The learner page's statement for one shape of filter, cursor and order: its values are
    parameters, so it is built (and keyed, and planned) once per shape, not per request."""
    reader = _PAGE_WITH_PERSON if with_person else _PAGE
    stmt = (
        sa.select(*reader.columns)
        .select_from(Learner)
        .join(Person, Person.id == Learner.person_id)
        .join(OrgUnit, OrgUnit.id == Learner.cluster_id)
        .where(*where)
    )
    if with_person:
        stmt = stmt.add_columns(_role_paths.label("role_paths"))
    if with_total:
        # Counted over a subquery of its own, which the page's tables do not correlate.
        matching = (
            sa.select(Learner.id)
            .join(Person, Person.id == Learner.person_id)
            .join(OrgUnit, OrgUnit.id == Learner.cluster_id)
            .where(*where)
        )
        matches = sa.select(sa.func.count()).select_from(matching.subquery())
        stmt = stmt.add_columns(matches.scalar_subquery().label("total"))
    return cast(sa.Select[Any], bound_seek(stmt, order, shape))


_PAGE_STATEMENTS: dict[tuple[Any, ...], sa.Select[Any]] = {}
# Snapshots (persistence.snapshots) for the learner page and what its fields read.
_PAGE = Snapshots(Learner, OrgUnit)
_PAGE_WITH_PERSON = Snapshots(Learner, OrgUnit, Person)
# The paths of the units a person holds roles on, comma-separated (paths hold no commas).
_held = sqlalchemy.orm.aliased(OrgUnit)
_role_paths = (
    # A literal separator: as a parameter, SQLAlchemy would render it into the text per execution.
    sa.select(sa.func.aggregate_strings(_held.path, sa.literal_column("','")))
    .select_from(RoleAssignment)
    .join(_held, _held.id == RoleAssignment.org_unit_id)
    .where(RoleAssignment.person_id == Person.id)
    .correlate(Person)
    .scalar_subquery()
)
_DETAILS = Snapshots(Enrolment, OrgUnit, Course, Certificate, ExamAttempt)
_LABELS = Snapshots(Label, OrgUnit)


@dataclass
class EnrolmentDetails:
    """An enrolment with its cluster, course, certificate and attempts, read in one statement."""

    enrolment: Enrolment
    cluster: OrgUnit | None  # None: one of the `known_units` the caller passed
    course: Course
    certificate: Certificate | None
    attempts: list[ExamAttempt]


@built_once
def _details_statement(postgres: bool) -> sa.Select[Any]:
    """Built once per dialect (no statement to build and key per request): the persons, and
    the clusters the caller has (`known`), are execution parameters."""
    return (
        sa.select(*_DETAILS.columns)
        .select_from(Enrolment)
        .outerjoin(
            OrgUnit,
            sa.and_(
                OrgUnit.id == Enrolment.cluster_id,
                sa.not_(bound_among(OrgUnit.id, "known", postgres)),
            ),
        )
        .join(Course, Course.id == Enrolment.course_id)
        .outerjoin(Certificate, Certificate.enrolment_id == Enrolment.id)
        .outerjoin(ExamAttempt, ExamAttempt.enrolment_id == Enrolment.id)
        .where(bound_among(Enrolment.person_id, "persons", postgres))
        .order_by(Enrolment.id, ExamAttempt.number)
    )


async def enrolment_details_by_person(
    session: AsyncSession, person_ids: Sequence[int], known_units: Collection[int] = ()
) -> list[list[EnrolmentDetails]]:
    """Each person's enrolments (by id) with cluster, course, certificate and attempts (by number).

    One statement per chunk: at most one certificate per enrolment and a few attempts, so the
    outer joins repeat an enrolment's columns a few times at most. A cluster among
    `known_units` (the caller has it) comes back as None: nearly every row is in the learner's
    own cluster, and hydrating it again per row is most of what that join costs.
    """
    details: dict[int, EnrolmentDetails] = {}
    stmt, known = _details_statement(on_postgres(session)), list(known_units)
    for part in chunks(list(dict.fromkeys(person_ids))):
        for row in await fetch_rows(session, stmt, {"persons": list(part), "known": known}):
            enrolment, cluster, course, certificate, attempt = _DETAILS.split(row)
            found = details.get(enrolment.id)
            if found is None:
                found = details[enrolment.id] = EnrolmentDetails(
                    enrolment, cluster, course, certificate, []
                )
            if attempt is not None:
                found.attempts.append(attempt)
    grouped: dict[int, list[EnrolmentDetails]] = defaultdict(list)
    for d in details.values():
        grouped[d.enrolment.person_id].append(d)
    return [grouped.get(pid, []) for pid in person_ids]


@built_once
def _labels_statement(postgres: bool) -> sa.Select[Any]:
    """Built once per dialect; the persons are an execution parameter."""
    return (
        sa.select(*_LABELS.columns, LabelAssignment.person_id)
        .select_from(LabelAssignment)
        .join(Label, Label.id == LabelAssignment.label_id)
        .join(OrgUnit, OrgUnit.id == Label.owner_unit_id)
        .where(bound_among(LabelAssignment.person_id, "persons", postgres))
        .order_by(LabelAssignment.id)
    )


async def labels_with_owners_by_person(
    session: AsyncSession, person_ids: Sequence[int]
) -> list[list[tuple[Label, OrgUnit]]]:
    """Each person's labels (in assignment order) with the unit owning each: one statement."""
    grouped: dict[int, list[tuple[Label, OrgUnit]]] = defaultdict(list)
    stmt = _labels_statement(on_postgres(session))
    for part in chunks(list(dict.fromkeys(person_ids))):
        for row in await fetch_rows(session, stmt, {"persons": list(part)}):
            label, unit = _LABELS.split(row)
            grouped[row[-1]].append((label, unit))
    return [grouped.get(pid, []) for pid in person_ids]


async def learner_count(session: AsyncSession, f: LearnerFilter) -> int:
    stmt = sa.select(sa.func.count()).select_from(_learner_base(f).subquery())
    return int((await session.execute(stmt)).scalar_one())


async def learners_matching(session: AsyncSession, f: LearnerFilter, cap: int) -> list[Learner]:
    stmt = _learner_base(f).order_by(Learner.id).limit(cap + 1)
    return list((await session.execute(stmt)).scalars())


async def learners_in_scope(
    session: AsyncSession, learner_ids: Sequence[int], scope_paths: Sequence[str]
) -> list[Learner]:
    f = LearnerFilter(scope_paths=tuple(scope_paths), hidden=None)
    found: list[Learner] = []
    for part in chunks(list(dict.fromkeys(learner_ids))):
        found += list(
            (await session.execute(_learner_base(f).where(Learner.id.in_(part)))).scalars()
        )
    return found


# --- writes and single lookups used by the resolvers --------------------------------------------


async def lock_cluster_seats(session: AsyncSession, cluster_id: int) -> tuple[int, int]:
    """Take the cluster's write lock first (a no-op UPDATE), then count: concurrent additions to
    one cluster queue up here on PostgreSQL and SQLite alike, so the limit is never exceeded."""
    result = await session.execute(
        sa.update(ClusterSeats)
        .where(ClusterSeats.cluster_id == cluster_id)
        .values(seat_limit=ClusterSeats.seat_limit)
        .returning(ClusterSeats.seat_limit)
    )
    limit = result.scalar_one_or_none()
    if limit is None:
        session.add(ClusterSeats(cluster_id=cluster_id, seat_limit=0))
        await session.flush()
        limit = 0
    used = await seats_used(session, [cluster_id])
    return int(limit), used.get(cluster_id, 0)


async def persons_by_emails(session: AsyncSession, emails: Sequence[str]) -> dict[str, Person]:
    found: dict[str, Person] = {}
    for part in chunks(list(emails)):
        for person in (
            await session.execute(sa.select(Person).where(Person.email.in_(part)))
        ).scalars():
            found[person.email] = person
    return found


async def learners_of_persons_in_academy(
    session: AsyncSession, person_ids: Sequence[int], academy_path: str
) -> dict[int, Learner]:
    found: dict[int, Learner] = {}
    for part in chunks(list(person_ids)):
        stmt = (
            sa.select(Learner)
            .join(OrgUnit, OrgUnit.id == Learner.cluster_id)
            .where(Learner.person_id.in_(part), OrgUnit.path.like(f"{academy_path}%"))
        )
        for row in (await session.execute(stmt)).scalars():
            found[row.person_id] = row
    return found


async def membership_course_ids(session: AsyncSession, academy_id: int) -> set[int]:
    stmt = sa.select(MembershipCourse.course_id).where(MembershipCourse.academy_id == academy_id)
    return set((await session.execute(stmt)).scalars())


async def membership(session: AsyncSession, academy_id: int) -> Membership | None:
    return await session.get(Membership, academy_id)


async def cluster_limits(session: AsyncSession, academy_path: str) -> dict[int, int]:
    stmt = (
        sa.select(ClusterSeats.cluster_id, ClusterSeats.seat_limit)
        .join(OrgUnit, OrgUnit.id == ClusterSeats.cluster_id)
        .where(OrgUnit.path.like(f"{academy_path}%"))
    )
    return dict((await session.execute(stmt)).all())


async def existing_enrolments(
    session: AsyncSession, person_ids: Sequence[int], course_ids: Sequence[int]
) -> set[tuple[int, int, int]]:
    """(person, course, cluster): a course is given once within an organisation's cluster."""
    triples: set[tuple[int, int, int]] = set()
    for part in chunks(list(person_ids)):
        stmt = sa.select(Enrolment.person_id, Enrolment.course_id, Enrolment.cluster_id).where(
            Enrolment.person_id.in_(part), Enrolment.course_id.in_(list(course_ids))
        )
        triples.update((p, c, k) for p, c, k in (await session.execute(stmt)).all())
    return triples


async def enrolment_statuses(
    session: AsyncSession, learners: Sequence[Learner]
) -> dict[int, list[CourseStatus]]:
    """Per learner id, the statuses of their courses in that learner's own cluster only."""
    statuses: dict[int, list[CourseStatus]] = defaultdict(list)
    by_key = {(lr.person_id, lr.cluster_id): lr.id for lr in learners}
    for part in chunks(list({lr.person_id for lr in learners})):
        stmt = sa.select(Enrolment.person_id, Enrolment.cluster_id, Enrolment.status).where(
            Enrolment.person_id.in_(part)
        )
        for pid, cluster_id, status in (await session.execute(stmt)).all():
            if (pid, cluster_id) in by_key:
                statuses[by_key[(pid, cluster_id)]].append(status)
    return statuses


async def certificate_by_code(
    session: AsyncSession, code: str
) -> tuple[Certificate, Enrolment, Course, Person] | None:
    stmt = (
        sa.select(Certificate, Enrolment, Course, Person)
        .join(Enrolment, Enrolment.id == Certificate.enrolment_id)
        .join(Course, Course.id == Enrolment.course_id)
        .join(Person, Person.id == Enrolment.person_id)
        .where(Certificate.verification_code == code)
    )
    row = (await session.execute(stmt)).first()
    return (row[0], row[1], row[2], row[3]) if row else None


async def labels_of_units(session: AsyncSession, unit_ids: Sequence[int]) -> list[Label]:
    return await _in(session, Label, Label.owner_unit_id, unit_ids, Label.name)


async def report_rows(session: AsyncSession, scope_paths: Sequence[str]) -> list[tuple[Any, ...]]:
    """Per cluster and course: counts by status and the average best score, in one GROUP BY."""
    best = (
        sa.select(ExamAttempt.enrolment_id, sa.func.max(ExamAttempt.score_percent).label("best"))
        .where(ExamAttempt.score_percent.is_not(None))
        .group_by(ExamAttempt.enrolment_id)
        .subquery()
    )
    stmt = (
        sa.select(
            Enrolment.cluster_id,
            Enrolment.course_id,
            sa.func.count().filter(Enrolment.status == CourseStatus.NOT_STARTED),
            sa.func.count().filter(Enrolment.status == CourseStatus.IN_PROGRESS),
            sa.func.count().filter(Enrolment.status == CourseStatus.COMPLETED),
            sa.func.avg(best.c.best),
        )
        .join(OrgUnit, OrgUnit.id == Enrolment.cluster_id)
        .outerjoin(best, best.c.enrolment_id == Enrolment.id)
        .where(
            sa.or_(*(OrgUnit.path.like(f"{p}%") for p in scope_paths))
            if scope_paths
            else sa.false()
        )
        .group_by(Enrolment.cluster_id, Enrolment.course_id)
        .order_by(Enrolment.cluster_id, Enrolment.course_id)
    )
    return [tuple(r) for r in (await session.execute(stmt)).all()]


async def unreported_completions(
    session: AsyncSession, register_code: str
) -> list[tuple[Enrolment, Person, Course, RegistrationNumber, CourseAccreditation]]:
    """Completed enrolments of accredited courses whose learner has a number, not yet reported."""
    reported = sa.select(AccreditationReportLine.enrolment_id).where(
        AccreditationReportLine.register_code == register_code
    )
    stmt = (
        sa.select(Enrolment, Person, Course, RegistrationNumber, CourseAccreditation)
        .join(Person, Person.id == Enrolment.person_id)
        .join(Course, Course.id == Enrolment.course_id)
        .join(
            CourseAccreditation,
            sa.and_(
                CourseAccreditation.course_id == Course.id,
                CourseAccreditation.register_code == register_code,
            ),
        )
        .join(
            RegistrationNumber,
            sa.and_(
                RegistrationNumber.person_id == Person.id,
                RegistrationNumber.register_code == register_code,
            ),
        )
        .where(Enrolment.status == CourseStatus.COMPLETED, Enrolment.id.not_in(reported))
        .order_by(Enrolment.completed_at, Enrolment.id)
    )
    return [tuple(r) for r in (await session.execute(stmt)).all()]  # type: ignore[misc]


async def magazine_subscribers(session: AsyncSession, academy_path: str) -> list[Person]:
    """Everyone in the organisation's clusters who has not unsubscribed, once each."""
    unsubscribed = sa.select(Learner.person_id).where(Learner.magazine.is_(False))
    stmt = (
        sa.select(Person)
        .join(Learner, Learner.person_id == Person.id)
        .join(OrgUnit, OrgUnit.id == Learner.cluster_id)
        .where(OrgUnit.path.like(f"{academy_path}%"), Person.id.not_in(unsubscribed))
        .distinct()
        .order_by(Person.id)
    )
    return list((await session.execute(stmt)).scalars())


async def catalogue(session: AsyncSession, academy_ids: Sequence[int] | None) -> list[Course]:
    """The catalogue; with academy ids, only the courses in those organisations' memberships."""
    stmt = sa.select(Course).order_by(Course.title, Course.id)
    if academy_ids is not None:
        stmt = (
            stmt.join(MembershipCourse, MembershipCourse.course_id == Course.id)
            .where(MembershipCourse.academy_id.in_(list(academy_ids)))
            .distinct()
        )
    return list((await session.execute(stmt)).scalars())


async def labels_under(session: AsyncSession, paths: Sequence[str]) -> list[Label]:
    if not paths:
        return []
    stmt = (
        sa.select(Label)
        .join(OrgUnit, OrgUnit.id == Label.owner_unit_id)
        .where(sa.or_(*(OrgUnit.path.like(f"{p}%") for p in paths)))
        .order_by(Label.name, Label.id)
    )
    return list((await session.execute(stmt)).scalars())


async def record_accreditation_report(
    session: AsyncSession, register_code: str, actor: int | None, enrolment_ids: Sequence[int]
) -> AccreditationReport:
    """The report with one line per enrolment it reports."""
    report = AccreditationReport(
        register_code=register_code, created_by=actor, row_count=len(enrolment_ids)
    )
    session.add(report)
    await session.flush()
    assert report.id is not None
    session.add_all(
        [
            AccreditationReportLine(
                report_id=report.id, register_code=register_code, enrolment_id=e
            )
            for e in enrolment_ids
        ]
    )
    await session.flush()
    return report


async def accreditation_reports(
    session: AsyncSession, register_code: str | None
) -> list[AccreditationReport]:
    stmt = sa.select(AccreditationReport).order_by(AccreditationReport.id.desc()).limit(100)
    if register_code:
        stmt = stmt.where(AccreditationReport.register_code == register_code.upper())
    return list((await session.execute(stmt)).scalars())


async def delete_learner(session: AsyncSession, learner: Any) -> None:
    """A learner leaves the cluster: the row and the LEARNER role there; their labels stay theirs."""
    from persistence.academy.models import Learner

    await session.execute(
        sa.delete(RoleAssignment).where(
            RoleAssignment.person_id == learner.person_id,
            RoleAssignment.role == Role.LEARNER,
            RoleAssignment.org_unit_id == learner.cluster_id,
        )
    )
    await session.execute(sa.delete(Learner).where(Learner.id == learner.id))


async def move_learner(session: AsyncSession, learner: Any, cluster_id: int) -> None:
    from persistence.academy.models import Enrolment

    await session.execute(
        sa.update(RoleAssignment)
        .where(
            RoleAssignment.person_id == learner.person_id,
            RoleAssignment.role == Role.LEARNER,
            RoleAssignment.org_unit_id == learner.cluster_id,
        )
        .values(org_unit_id=cluster_id)
    )
    await session.execute(
        sa.update(Enrolment)
        .where(Enrolment.person_id == learner.person_id, Enrolment.cluster_id == learner.cluster_id)
        .values(cluster_id=cluster_id)
    )
    learner.cluster_id = cluster_id
    await session.flush()


async def set_label_assignments(
    session: AsyncSession, label_id: int, person_ids: Sequence[int], on: bool
) -> int:
    from persistence.academy.models import LabelAssignment

    have = set(
        (
            await session.execute(
                sa.select(LabelAssignment.person_id).where(LabelAssignment.label_id == label_id)
            )
        ).scalars()
    )
    if on:
        new = [pid for pid in person_ids if pid not in have]
        session.add_all([LabelAssignment(label_id=label_id, person_id=pid) for pid in new])
        await session.flush()
        return len(new)
    gone = [pid for pid in person_ids if pid in have]
    for part in chunks(gone):
        await session.execute(
            sa.delete(LabelAssignment).where(
                LabelAssignment.label_id == label_id, LabelAssignment.person_id.in_(part)
            )
        )
    return len(gone)


async def unsubscribe_magazine(session: AsyncSession, person_id: int) -> None:
    from persistence.academy.models import Learner

    await session.execute(
        sa.update(Learner).where(Learner.person_id == person_id).values(magazine=False)
    )


# --- refreshers sent to a learner --------------------------------------------------------------


async def record_refresher_delivery(
    session: AsyncSession, enrolment: Enrolment, module: RefresherModule
) -> RefresherDelivery:
    """The delivery row for this enrolment and module, made once however often the job runs."""
    stmt = sa.select(RefresherDelivery).where(
        RefresherDelivery.enrolment_id == enrolment.id,
        RefresherDelivery.refresher_module_id == module.id,
    )
    found = (await session.execute(stmt)).scalars().first()
    if found is not None:
        return found
    delivery = RefresherDelivery(
        enrolment_id=enrolment.id, refresher_module_id=module.id, person_id=enrolment.person_id
    )
    session.add(delivery)
    await session.flush()
    return delivery


def _refresher_rows() -> Any:
    return (
        sa.select(RefresherDelivery, RefresherModule, Course)
        .join(RefresherModule, RefresherModule.id == RefresherDelivery.refresher_module_id)
        .join(Course, Course.id == RefresherModule.course_id)
    )


async def refreshers_of_person(
    session: AsyncSession, person_id: int
) -> list[tuple[RefresherDelivery, RefresherModule, Course]]:
    """The refreshers sent to a person, newest first, with module and course (one statement)."""
    stmt = (
        _refresher_rows()
        .where(RefresherDelivery.person_id == person_id)
        .order_by(RefresherDelivery.sent_at.desc(), RefresherDelivery.id.desc())
    )
    return [(d, m, c) for d, m, c in (await session.execute(stmt)).all()]


async def refresher_delivery(
    session: AsyncSession, delivery_id: int
) -> tuple[RefresherDelivery, RefresherModule, Course] | None:
    row = (
        await session.execute(_refresher_rows().where(RefresherDelivery.id == delivery_id))
    ).first()
    return (row[0], row[1], row[2]) if row else None


async def label_user_count(session: AsyncSession, label_id: int) -> int:
    stmt = sa.select(sa.func.count()).where(LabelAssignment.label_id == label_id)
    return int((await session.execute(stmt)).scalar_one())


async def label_person_ids(session: AsyncSession, label_id: int) -> list[int]:
    stmt = sa.select(LabelAssignment.person_id).where(LabelAssignment.label_id == label_id)
    return list((await session.execute(stmt)).scalars())


async def set_magazine(session: AsyncSession, person_id: int, subscribed: bool) -> int:
    """The person's magazine choice in every cluster they are a user of; how many rows."""
    result = await session.execute(
        sa.update(Learner).where(Learner.person_id == person_id).values(magazine=subscribed)
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]
