"""Academy administration: users by e-mail, seats, course assignment, labels, hide/delete/move."""

from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import dataclass
from enum import Enum
from typing import Any

from domain.academy import labels as label_rules
from domain.academy import seats
from domain.academy.enrolments import deletion_refusal
from domain.background.messages import AdminMessage, check_message
from domain.core.errors import DomainError, ErrorCode
from domain.core.orgtree import OrgUnitKind
from domain.core.roles import Role
from persistence.academy import queries as aq
from persistence.academy.models import ClusterSeats, Course, Enrolment, Label, Learner, Membership
from persistence.core import people as iq
from persistence.core.identity_models import Person
from persistence.core.models import OrgUnit
from persistence.types import utcnow
from resolvers.background.mail import enqueue, render
from resolvers.context import Context
from resolvers.core.access import notify_added
from resolvers.core.accounts import send_activation

ACADEMY_ADMINS = frozenset({Role.PLATFORM_ADMIN, Role.ACADEMY_ORG_ADMIN, Role.CLUSTER_ADMIN})
ORG_ADMINS = frozenset({Role.PLATFORM_ADMIN, Role.ACADEMY_ORG_ADMIN})
MAX_BULK = 5_000


def admin_paths(ctx: Context, roles: frozenset[Role] = ACADEMY_ADMINS) -> tuple[str, ...]:
    return tuple(g.unit_path for g in ctx.viewer.effective_grants if g.role in roles)


def _not_yours(field: str) -> DomainError:
    return DomainError(ErrorCode.NOT_FOUND, "No such object, or it is not yours to manage.", field)


async def _cluster(
    session: Any, ctx: Context, cluster_id: int, roles: frozenset[Role] = ACADEMY_ADMINS
) -> OrgUnit:
    unit = await iq.unit_by_id(session, cluster_id)
    if (
        unit is None
        or unit.kind != OrgUnitKind.CLUSTER
        or not ctx.viewer.holds_on(roles, unit.path)
    ):
        raise _not_yours("clusterId")
    return unit


async def _academy_of(session: Any, cluster: OrgUnit) -> OrgUnit:
    academy = await iq.unit_by_id(session, cluster.parent_id)  # type: ignore[arg-type]
    assert academy is not None
    return academy


# --- adding users by e-mail ------------------------------------------------------------------


class AddOutcome(str, Enum):
    ADDED = "ADDED"
    ALREADY_PRESENT = "ALREADY_PRESENT"
    IN_OTHER_CLUSTER = "IN_OTHER_CLUSTER"
    INVALID = "INVALID"


@dataclass
class AddResult:
    entry: str
    outcome: AddOutcome
    message: str
    learner: Learner | None = None


@dataclass
class AddUsersResult:
    results: list[AddResult]
    seats_left: int
    duplicates: int


async def add_users(ctx: Context, cluster_id: int, emails: list[str]) -> AddUsersResult:
    """One address per line; all or nothing: within the seat limit, or nothing is added."""
    pasted = seats.parse_pasted_emails("\n".join(emails))
    results = [AddResult(i.entry, AddOutcome.INVALID, i.reason) for i in pasted.invalid]
    now = utcnow()
    async with ctx.db.write() as session:
        cluster = await _cluster(session, ctx, cluster_id)
        academy = await _academy_of(session, cluster)
        limit, used = await aq.lock_cluster_seats(session, cluster.id)  # type: ignore[arg-type]
        people = await aq.persons_by_emails(session, pasted.valid)
        existing = await aq.learners_of_persons_in_academy(
            session,
            [p.id for p in people.values()],
            academy.path,  # type: ignore[misc]
        )
        to_add: list[str] = []
        for email in pasted.valid:
            person = people.get(email)
            learner = existing.get(person.id) if person else None  # type: ignore[arg-type]
            if learner and learner.cluster_id == cluster.id:
                results.append(
                    AddResult(
                        email,
                        AddOutcome.ALREADY_PRESENT,
                        "Already a user of this cluster.",
                        learner,
                    )
                )
            elif learner:
                results.append(
                    AddResult(
                        email,
                        AddOutcome.IN_OTHER_CLUSTER,
                        "Already a user of another cluster of this organisation; "
                        "an organisation admin can move them.",
                    )
                )
            else:
                to_add.append(email)
        seats.check_can_add(limit, used, len(to_add))
        for email in to_add:
            person = people.get(email)
            created = person is None
            if person is None:
                person = await iq.add(session, Person(email=email))
                await send_activation(ctx, session, person, organisation=academy.name)
            learner = await iq.add(
                session, Learner(person_id=person.id, cluster_id=cluster.id, added_at=now)
            )  # type: ignore[arg-type]
            await iq.assign_role(session, person.id, Role.LEARNER, cluster.id)  # type: ignore[arg-type]
            if not created:
                await notify_added(ctx, session, person, academy.name, now)
            # The same answer for new and existing accounts: adding never discloses who has one.
            results.append(
                AddResult(email, AddOutcome.ADDED, "Added; they have been sent a mail.", learner)
            )
        await iq.audit(
            session,
            "USERS_ADDED",
            actor=ctx.viewer.person_id,
            unit=cluster.id,
            address=ctx.client_address,
            detail=f"{len(to_add)} added",
        )
    ctx.loaders.clear()
    return AddUsersResult(
        results=results, seats_left=limit - used - len(to_add), duplicates=pasted.duplicates
    )


# --- seats -----------------------------------------------------------------------------------


async def set_seat_limit(ctx: Context, cluster_id: int, seat_limit: int) -> OrgUnit:
    async with ctx.db.write() as session:
        cluster = await _cluster(session, ctx, cluster_id, ORG_ADMINS)
        academy = await _academy_of(session, cluster)
        member = await aq.membership(session, academy.id)  # type: ignore[arg-type]
        limits = await aq.cluster_limits(session, academy.path)
        _, used = await aq.lock_cluster_seats(session, cluster.id)  # type: ignore[arg-type]
        others = [v for k, v in limits.items() if k != cluster.id]
        seats.check_cluster_limit(member.total_seats if member else 0, others, seat_limit, used)
        row = await session.get(ClusterSeats, cluster.id)
        assert row is not None
        row.seat_limit = seat_limit
        await iq.audit(
            session,
            "SEAT_LIMIT_SET",
            actor=ctx.viewer.person_id,
            unit=cluster.id,
            address=ctx.client_address,
            detail=str(seat_limit),
        )
    ctx.loaders.clear()
    return cluster


async def set_membership(
    ctx: Context, academy_id: int, total_seats: int, course_ids: list[int]
) -> OrgUnit:
    if total_seats < 0:
        raise DomainError(ErrorCode.INVALID, "Seats cannot be negative", "totalSeats")
    async with ctx.db.write() as session:
        academy = await iq.unit_by_id(session, academy_id)
        if academy is None or academy.kind != OrgUnitKind.ACADEMY:
            raise _not_yours("academyId")
        limits = await aq.cluster_limits(session, academy.path)
        if sum(limits.values()) > total_seats:
            raise DomainError(
                ErrorCode.CONFLICT,
                f"The clusters already hold {sum(limits.values())} seats; "
                "lower their limits first.",
                "totalSeats",
            )
        courses = await aq.courses_by_ids(session, course_ids)
        if any(c is None for c in courses):
            raise DomainError(
                ErrorCode.NOT_FOUND, "One of the courses does not exist.", "courseIds"
            )
        member = await aq.membership(session, academy.id)  # type: ignore[arg-type]
        if member is None:
            member = await iq.add(
                session, Membership(academy_id=academy.id, total_seats=total_seats)
            )
        member.total_seats = total_seats
        from persistence.academy.models import MembershipCourse

        have = await aq.membership_course_ids(session, academy.id)  # type: ignore[arg-type]
        for cid in set(course_ids) - have:
            session.add(MembershipCourse(academy_id=academy.id, course_id=cid))
    ctx.loaders.clear()
    return academy


# --- selecting users: explicit IDs or the admin's filter ("select all") ----------------------


@dataclass
class Selection:
    learner_ids: list[int] | None = None
    filter: aq.LearnerFilter | None = None


async def selected_learners(session: Any, ctx: Context, selection: Selection) -> list[Learner]:
    paths = admin_paths(ctx)
    if selection.learner_ids is not None:
        if len(selection.learner_ids) > MAX_BULK:
            raise DomainError(ErrorCode.INVALID, f"At most {MAX_BULK} users at once", "userIds")
        found = await aq.learners_in_scope(session, selection.learner_ids, paths)
        missing = len(set(selection.learner_ids)) - len(found)
        if missing:
            raise DomainError(
                ErrorCode.NOT_FOUND,
                f"{missing} of the chosen users do not exist or are not yours to manage.",
                "userIds",
            )
        return found
    assert selection.filter is not None
    # The filter is resolved on the server within the admin's reach, not from one page of rows.
    scoped = aq.LearnerFilter(**{**selection.filter.__dict__, "scope_paths": paths})
    found = await aq.learners_matching(session, scoped, MAX_BULK)
    if len(found) > MAX_BULK:
        raise DomainError(
            ErrorCode.INVALID,
            f"The filter selects more than {MAX_BULK} users; narrow it.",
            "filter",
        )
    return found


# --- course assignment --------------------------------------------------------------------------


@dataclass(frozen=True)
class AssignmentMail:
    subject: str
    introduction: str
    closing: str
    sender_name: str


@dataclass
class CourseCount:
    course: Course
    receiving: int
    already_has: int


@dataclass
class AssignmentPlan:
    learners: list[Learner]
    people: dict[int, Person]
    courses: list[Course]
    new_pairs: dict[int, list[Course]]  # learner id -> courses they get
    counts: list[CourseCount]
    mail: AssignmentMail


def _check_mail(mail: AssignmentMail) -> AssignmentMail:
    checked: AdminMessage = check_message(mail.subject, mail.introduction or "-", mail.sender_name)
    return AssignmentMail(
        checked.subject, mail.introduction.strip(), mail.closing.strip(), checked.sender_name
    )


def render_assignment(
    ctx: Context, mail: AssignmentMail, person: Person, courses: list[Course]
) -> Any:
    def paragraphs(text: str) -> list[str]:
        return AdminMessage("", text, "").paragraphs

    return render(
        "course_assignment",
        person.language.value,
        subject=mail.subject,
        introduction=mail.introduction,
        closing=mail.closing,
        introduction_paragraphs=paragraphs(mail.introduction),
        closing_paragraphs=paragraphs(mail.closing),
        sender_name=mail.sender_name,
        name=person.given_name or person.email,
        courses=[c.title for c in courses],
        link=ctx.settings.public_url,
    )


async def plan_assignment(
    session: Any, ctx: Context, selection: Selection, course_ids: list[int], mail: AssignmentMail
) -> AssignmentPlan:
    mail = _check_mail(mail)
    if not course_ids:
        raise DomainError(ErrorCode.INVALID, "Choose at least one course", "courseIds")
    learners = await selected_learners(session, ctx, selection)
    if not learners:
        raise DomainError(ErrorCode.INVALID, "Choose at least one user", "userIds")
    courses = [
        c
        for c in await aq.courses_by_ids(session, list(dict.fromkeys(course_ids)))
        if c is not None
    ]
    if len(courses) != len(set(course_ids)):
        raise DomainError(ErrorCode.NOT_FOUND, "One of the courses does not exist.", "courseIds")
    # Each learner's organisation must have the course in its membership.
    academy_courses: dict[int, set[int]] = {}
    for learner in learners:
        cluster = await iq.unit_by_id(session, learner.cluster_id)
        academy_id = cluster.parent_id  # type: ignore[union-attr]
        if academy_id not in academy_courses:
            academy_courses[academy_id] = await aq.membership_course_ids(session, academy_id)  # type: ignore[arg-type]
        missing = [c.title for c in courses if c.id not in academy_courses[academy_id]]
        if missing:
            raise DomainError(
                ErrorCode.CONFLICT,
                f"Not in your organisation's membership: {', '.join(missing)}",
                "courseIds",
            )
    person_ids = [learner.person_id for learner in learners]
    have = await aq.existing_enrolments(session, person_ids, [c.id for c in courses])  # type: ignore[misc]
    new_pairs: dict[int, list[Course]] = defaultdict(list)
    counts = []
    for course in courses:
        receiving = already = 0
        for learner in learners:
            if (learner.person_id, course.id, learner.cluster_id) in have:
                already += 1
            else:
                receiving += 1
                new_pairs[learner.id].append(course)  # type: ignore[index]
        counts.append(CourseCount(course, receiving, already))
    people = {p.id: p for p in await iq.persons_by_ids(session, person_ids) if p is not None}  # type: ignore[misc]
    return AssignmentPlan(learners, people, courses, dict(new_pairs), counts, mail)


async def preview_assignment(
    ctx: Context, selection: Selection, course_ids: list[int], mail: AssignmentMail
) -> tuple[AssignmentPlan, Any]:
    async def run(session: Any) -> AssignmentPlan:
        return await plan_assignment(session, ctx, selection, course_ids, mail)

    plan = await ctx.db.read(run)
    first = next((lr for lr in plan.learners if lr.id in plan.new_pairs), None)
    rendered = (
        render_assignment(ctx, plan.mail, plan.people[first.person_id], plan.new_pairs[first.id])  # type: ignore[index]
        if first
        else None
    )
    return plan, rendered


async def assign_courses(
    ctx: Context,
    selection: Selection,
    course_ids: list[int],
    mail: AssignmentMail,
    idempotency_key: str | None,
) -> AssignmentPlan:
    key = idempotency_key or uuid.uuid4().hex
    now = utcnow()
    async with ctx.db.write() as session:
        plan = await plan_assignment(session, ctx, selection, course_ids, mail)
        for learner in plan.learners:
            courses = plan.new_pairs.get(learner.id, [])  # type: ignore[arg-type]
            for course in courses:
                session.add(
                    Enrolment(
                        person_id=learner.person_id,
                        course_id=course.id,
                        cluster_id=learner.cluster_id,
                        assigned_at=now,
                    )
                )  # type: ignore[arg-type]
            if courses:
                person = plan.people[learner.person_id]
                await enqueue(
                    session,
                    render_assignment(ctx, plan.mail, person, courses),
                    to=person.email,
                    person_id=person.id,
                    sender_name=plan.mail.sender_name,
                    idempotency_key=f"assign:{ctx.viewer.person_id}:{key}:{learner.id}",
                )
        await session.flush()
        await iq.audit(
            session,
            "COURSES_ASSIGNED",
            actor=ctx.viewer.person_id,
            address=ctx.client_address,
            detail=f"{sum(c.receiving for c in plan.counts)} enrolments",
        )
    ctx.loaders.clear()
    return plan


# --- hide, show, delete, move ----------------------------------------------------------------------


async def set_hidden(ctx: Context, selection: Selection, hidden: bool) -> list[Learner]:
    now = utcnow()
    async with ctx.db.write() as session:
        learners = await selected_learners(session, ctx, selection)
        for learner in learners:
            learner.hidden_at = now if hidden else None
    ctx.loaders.clear()
    return learners


@dataclass
class DeleteOutcome:
    learner: Learner
    deleted: bool
    reason: str | None = None


async def delete_users(ctx: Context, selection: Selection) -> list[DeleteOutcome]:
    """Only users who started no training; the others are reported with the reason."""
    async with ctx.db.write() as session:
        learners = await selected_learners(session, ctx, selection)
        statuses = await aq.enrolment_statuses(session, learners)
        outcomes = []
        for learner in learners:
            reason = deletion_refusal(statuses.get(learner.id, []))  # type: ignore[arg-type]
            if reason:
                outcomes.append(DeleteOutcome(learner, False, reason))
                continue
            await iq.delete_learner(session, learner)
            outcomes.append(DeleteOutcome(learner, True))
        await iq.audit(
            session,
            "USERS_DELETED",
            actor=ctx.viewer.person_id,
            address=ctx.client_address,
            detail=f"{sum(o.deleted for o in outcomes)} deleted",
        )
    ctx.loaders.clear()
    return outcomes


async def move_user(ctx: Context, learner_id: int, cluster_id: int) -> Learner:
    async with ctx.db.write() as session:
        learners = await aq.learners_in_scope(session, [learner_id], admin_paths(ctx, ORG_ADMINS))
        if not learners:
            raise _not_yours("userId")
        learner = learners[0]
        target = await _cluster(session, ctx, cluster_id, ORG_ADMINS)
        source = await iq.unit_by_id(session, learner.cluster_id)
        if source.parent_id != target.parent_id:  # type: ignore[union-attr]
            raise DomainError(
                ErrorCode.INVALID,
                "Users move between clusters of one organisation only.",
                "clusterId",
            )
        if target.id == learner.cluster_id:
            return learner
        limit, used = await aq.lock_cluster_seats(session, target.id)  # type: ignore[arg-type]
        seats.check_can_add(limit, used, 1, "clusterId")
        await iq.move_learner(session, learner, target.id)  # type: ignore[arg-type]
        await iq.audit(
            session,
            "USER_MOVED",
            actor=ctx.viewer.person_id,
            subject=learner.person_id,
            unit=target.id,
            address=ctx.client_address,
        )
    ctx.loaders.clear()
    return learner


# --- labels ---------------------------------------------------------------------------------------


async def create_label(ctx: Context, unit_id: int, name: str, colour: str | None) -> Label:
    clean = label_rules.clean_label_name(name)
    parsed = label_rules.parse_colour(colour)
    async with ctx.db.write() as session:
        unit = await iq.unit_by_id(session, unit_id)
        if (
            unit is None
            or unit.kind not in (OrgUnitKind.ACADEMY, OrgUnitKind.CLUSTER)
            or not ctx.viewer.holds_on(ACADEMY_ADMINS, unit.path)
        ):
            raise _not_yours("unitId")
        existing = await aq.labels_of_units(session, [unit.id])  # type: ignore[list-item]
        label_rules.check_label_unique([lb.name for lb in existing], clean)
        label = await iq.add(session, Label(owner_unit_id=unit.id, name=clean, colour=parsed.value))  # type: ignore[arg-type]
    ctx.loaders.clear()
    return label


async def _label(session: Any, ctx: Context, label_id: int) -> Label:
    label = await session.get(Label, label_id)
    unit = await iq.unit_by_id(session, label.owner_unit_id) if label else None
    if label is None or unit is None or not ctx.viewer.holds_on(ACADEMY_ADMINS, unit.path):
        raise _not_yours("labelId")
    return label


async def delete_label(ctx: Context, label_id: int) -> int:
    async with ctx.db.write() as session:
        label = await _label(session, ctx, label_id)
        await iq.delete_row(session, label)
    ctx.loaders.clear()
    return label_id


async def set_label(
    ctx: Context, label_id: int, selection: Selection, on: bool
) -> tuple[Label, int]:
    async with ctx.db.write() as session:
        label = await _label(session, ctx, label_id)
        learners = await selected_learners(session, ctx, selection)
        person_ids = sorted({lr.person_id for lr in learners})
        changed = await iq.set_label_assignments(session, label.id, person_ids, on)  # type: ignore[arg-type]
    ctx.loaders.clear()
    return label, changed


async def send_magazine(
    ctx: Context, academy_id: int, subject: str, body: str, idempotency_key: str | None
) -> int:
    """The magazine to every subscribed user of the organisation, each with a one-click
    unsubscribe link (also as List-Unsubscribe, RFC 8058)."""
    from resolvers.academy.documents import magazine_unsubscribe_url

    message = check_message(subject, body, "Portaal")
    key = idempotency_key or uuid.uuid4().hex
    async with ctx.db.write() as session:
        academy = await iq.unit_by_id(session, academy_id)
        if (
            academy is None
            or academy.kind != OrgUnitKind.ACADEMY
            or not ctx.viewer.holds_on(ORG_ADMINS, academy.path)
        ):
            raise _not_yours("academyId")
        people = await aq.magazine_subscribers(session, academy.path)
        for person in people:
            url = magazine_unsubscribe_url(
                ctx.settings.public_url, ctx.settings.secret_key, person.id
            )  # type: ignore[arg-type]
            mail = render(
                "magazine",
                person.language.value,
                subject=message.subject,
                body=message.body,
                paragraphs=message.paragraphs,
                name=person.given_name or person.email,
                unsubscribe=url,
            )
            await enqueue(
                session,
                mail,
                to=person.email,
                person_id=person.id,
                sender_name=academy.name,
                idempotency_key=f"magazine:{academy.id}:{key}:{person.id}",
                headers={
                    "List-Unsubscribe": f"<{url}>",
                    "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
                },
            )
        await iq.audit(
            session,
            "MAGAZINE_SENT",
            actor=ctx.viewer.person_id,
            unit=academy.id,
            address=ctx.client_address,
            detail=f"{len(people)} recipients",
        )
    return len(people)


async def selected_person_ids(ctx: Context, selection: Selection) -> list[int]:
    async def run(session: Any) -> list[int]:
        return sorted({lr.person_id for lr in await selected_learners(session, ctx, selection)})

    return await ctx.db.read(run)


@dataclass(frozen=True)
class NewCourse:
    title: str
    description: str
    estimated_minutes: int
    lessons: list[tuple[str, str, int]]  # (module title, lesson title, minutes)
    questions: list[tuple[str, list[str], int]]  # (text, options, index of the correct one)
    accreditations: list[tuple[str, int]]  # (register code, points)
    refreshers: list[tuple[str, str, int]]  # (moment, title, minutes)


async def create_course(ctx: Context, new: NewCourse) -> Course:
    """A catalogue course with its lessons, exam question bank, accreditation and refreshers."""
    import json

    from domain.academy import accreditation
    from domain.academy.refreshers import RefresherMoment, check_duration
    from domain.core.errors import DomainErrors
    from persistence.academy.models import (
        CourseAccreditation,
        ExamQuestion,
        Lesson,
        RefresherModule,
    )

    problems = []
    title = " ".join(new.title.split())
    if not 1 <= len(title) <= 200:
        problems.append(DomainError(ErrorCode.INVALID, "A title has 1 to 200 characters", "title"))
    if not new.lessons:
        problems.append(
            DomainError(ErrorCode.INVALID, "A course needs at least one lesson", "lessons")
        )
    for i, (text, options, correct) in enumerate(new.questions):
        if len(options) < 2 or not 0 <= correct < len(options) or not text.strip():
            problems.append(
                DomainError(
                    ErrorCode.INVALID,
                    f"Question {i + 1} needs a text, two or more options and a correct one among them",
                    "questions",
                )
            )
    if new.estimated_minutes < 1:
        problems.append(
            DomainError(
                ErrorCode.INVALID, "The estimated duration is at least a minute", "estimatedMinutes"
            )
        )
    for code, points in new.accreditations:
        accreditation.register_for(code, "accreditations")
        if points < 1:
            problems.append(
                DomainError(
                    ErrorCode.INVALID, "Accreditation points are at least 1", "accreditations"
                )
            )
    for _moment, _title, minutes in new.refreshers:
        check_duration(minutes, "refreshers")
    if problems:
        raise DomainErrors(problems)
    async with ctx.db.write() as session:
        course = await iq.add(
            session,
            Course(
                title=title,
                description=new.description.strip(),
                estimated_minutes=new.estimated_minutes,
            ),
        )
        for i, (module, lesson, minutes) in enumerate(new.lessons, start=1):
            session.add(
                Lesson(
                    course_id=course.id,
                    position=i,
                    module_title=module,
                    title=lesson,
                    duration_minutes=minutes,
                )
            )
        for i, (text, options, correct) in enumerate(new.questions, start=1):
            session.add(
                ExamQuestion(
                    course_id=course.id,
                    position=i,
                    text=text.strip(),
                    options_json=json.dumps(options),
                    correct_option=correct,
                )
            )
        for code, points in new.accreditations:
            session.add(
                CourseAccreditation(
                    course_id=course.id,
                    register_code=accreditation.register_for(code).code,
                    points=points,
                )
            )
        for moment, rtitle, minutes in new.refreshers:
            session.add(
                RefresherModule(
                    course_id=course.id,
                    moment=RefresherMoment(moment),
                    title=rtitle,
                    duration_minutes=minutes,
                )
            )
        await session.flush()
        await iq.audit(
            session,
            "COURSE_CREATED",
            actor=ctx.viewer.person_id,
            address=ctx.client_address,
            detail=title,
        )
    ctx.loaders.clear()
    return course
