"""Assigning courses to users, with a preview of who gets what and the invitation mail."""

from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from domain.background.messages import AdminMessage, check_message
from domain.core.errors import DomainError, ErrorCode
from persistence.academy import queries as aq
from persistence.academy.models import Course, Enrolment, Learner
from persistence.core import people as iq
from persistence.core.models import Person
from persistence.types import utcnow
from resolvers.academy.selection import Selection, selected_learners
from resolvers.background.mail import enqueue, render
from resolvers.context import Context


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
