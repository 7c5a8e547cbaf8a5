"""Assigning courses to users, with a preview of who gets what and the invitation mail."""

from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from domain.background.messages import AdminMessage, check_message
from domain.core.errors import DomainError, ErrorCode
from persistence.academy import queries as aq
from persistence.academy.models import Course, Enrolment, Learner
from persistence.core import people as iq
from persistence.core import tree as org_q
from persistence.core.models import Person
from persistence.db import Reader
from persistence.types import utcnow
from resolvers.academy.activation import PREVIEW_LINK, activation_link, not_activated
from resolvers.academy.selection import Selection, selected_learners
from resolvers.background.mail import enqueue, render
from resolvers.context import Context
from resolvers.core.i18n import N_, translate


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
    # Who has it already, so the admin is told by name (the seed: "je krijgt vanzelf een melding").
    already: list[Learner] = field(default_factory=list)


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
    ctx: Context,
    mail: AssignmentMail,
    person: Person,
    courses: list[Course],
    activation_link: str | None = None,
) -> Any:
    """The invitation; someone who never activated gets their activation link in it, since
    "log in" means nothing to a person without a password."""

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
        link=ctx.settings.frontend_url,
        activation_link=activation_link,
    )


async def plan_assignment(
    db: Reader, ctx: Context, selection: Selection, course_ids: list[int], mail: AssignmentMail
) -> AssignmentPlan:
    """Who gets which course; `db` is the request (for a preview) or a unit of work."""
    mail = _check_mail(mail)
    if not course_ids:
        raise DomainError(ErrorCode.INVALID, "Choose at least one course", "courseIds")
    learners = await selected_learners(db, ctx, selection)
    if not learners:
        raise DomainError(ErrorCode.INVALID, "Choose at least one user", "userIds")
    unique = list(dict.fromkeys(course_ids))
    courses = [c for c in await db.read(aq.courses_by_ids, unique) if c is not None]
    if len(courses) != len(unique):
        raise DomainError(ErrorCode.NOT_FOUND, "One of the courses does not exist.", "courseIds")
    # Each learner's organisation (the cluster's parent) must have the course in its membership.
    clusters = await db.read(org_q.units_by_ids, sorted({lr.cluster_id for lr in learners}))
    academy_of = {c.id: c.parent_id for c in clusters if c is not None}
    for academy_id in sorted({a for a in academy_of.values() if a is not None}):
        member_courses = await db.read(aq.membership_course_ids, academy_id)
        missing = [c.title for c in courses if c.id not in member_courses]
        if missing:
            raise DomainError(
                ErrorCode.CONFLICT,
                "Not in your organisation's membership: {emails}",
                "courseIds",
                emails=", ".join(missing),
            )
    person_ids = [learner.person_id for learner in learners]
    have = await db.read(
        aq.existing_enrolments, person_ids, [c.id for c in courses if c.id is not None]
    )
    new_pairs: dict[int, list[Course]] = defaultdict(list)
    counts = []
    for course in courses:
        receiving = 0
        already: list[Learner] = []
        for learner in learners:
            if (learner.person_id, course.id, learner.cluster_id) in have:
                already.append(learner)
            else:
                receiving += 1
                new_pairs[learner.id or 0].append(course)
        counts.append(CourseCount(course, receiving, len(already), already))
    people = {
        p.id: p for p in await db.read(iq.persons_by_ids, person_ids) if p and p.id is not None
    }
    return AssignmentPlan(learners, people, courses, dict(new_pairs), counts, mail)


async def preview_assignment(
    ctx: Context, selection: Selection, course_ids: list[int], mail: AssignmentMail
) -> tuple[AssignmentPlan, Any]:
    plan = await plan_assignment(ctx.db, ctx, selection, course_ids, mail)
    first = next((lr for lr in plan.learners if lr.id in plan.new_pairs), None)
    rendered = None
    if first and first.id is not None:
        person = plan.people[first.person_id]
        # The preview shows where the personal, single-use link goes; none is issued.
        marker = f"{ctx.settings.public_url}{PREVIEW_LINK}" if not_activated(person) else None
        rendered = render_assignment(ctx, plan.mail, person, plan.new_pairs[first.id], marker)
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
    async with ctx.uow() as uow:
        plan = await plan_assignment(uow, ctx, selection, course_ids, mail)
        for learner in plan.learners:
            courses = plan.new_pairs.get(learner.id or 0, [])
            for course in courses:
                assert course.id is not None
                uow.add(
                    Enrolment(
                        person_id=learner.person_id,
                        course_id=course.id,
                        cluster_id=learner.cluster_id,
                        assigned_at=now,
                    )
                )
            if courses:
                person = plan.people[learner.person_id]
                link = (
                    await activation_link(ctx, uow.session, person)
                    if not_activated(person)
                    else None
                )
                await enqueue(
                    uow.session,
                    render_assignment(ctx, plan.mail, person, courses, link),
                    to=person.email,
                    person_id=person.id,
                    sender_name=plan.mail.sender_name,
                    idempotency_key=f"assign:{ctx.viewer.person_id}:{key}:{learner.id}",
                )
        await uow.flush()
        await uow.audit(
            "COURSES_ASSIGNED", detail=f"{sum(c.receiving for c in plan.counts)} enrolments"
        )
        await uow.commit()
    return plan


ALREADY_HAS = N_("{name} already has the course {course}; it is not given twice.")


def already_has_notices(plan: AssignmentPlan) -> list[tuple[Learner, Course, str]]:
    """Per user who has a chosen course already: the user, the course and the message."""
    return [
        (
            learner,
            count.course,
            translate(
                ALREADY_HAS,
                name=plan.people[learner.person_id].display_name,
                course=count.course.title,
            ),
        )
        for count in plan.counts
        for learner in count.already
        if learner.person_id in plan.people
    ]
