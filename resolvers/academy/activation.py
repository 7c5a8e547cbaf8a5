"""Users who never activated their account: the invitation (activation) mail sent again, after
the same preview step as every admin mail; and the activation link in a course invitation."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from domain.core.errors import DomainError, ErrorCode
from persistence.academy.models import Learner
from persistence.core import people as iq
from persistence.core import tree as org_q
from persistence.core.models import OneTimePurpose, OrgUnit, Person
from persistence.db import Reader
from persistence.types import utcnow
from resolvers.academy.selection import Selection, selected_learners
from resolvers.background.mail import RenderedMail, enqueue, render
from resolvers.context import Context
from resolvers.core.accounts import issue_link

# What a preview shows where the personal, single-use link will be.
PREVIEW_LINK = "/activate?token=…"


@dataclass
class ReinvitePlan:
    """Who gets the activation mail again (never activated) and who is skipped (activated)."""

    recipients: list[tuple[Learner, Person]]
    activated: list[tuple[Learner, Person]]
    organisation: dict[int, str]  # cluster id -> the academy organisation's name


def not_activated(person: Person) -> bool:
    """No password chosen yet: the account was never activated."""
    return person.password_hash is None


async def plan_reinvite(db: Reader, ctx: Context, selection: Selection) -> ReinvitePlan:
    learners = await selected_learners(db, ctx, selection)
    if not learners:
        raise DomainError(ErrorCode.INVALID, "Choose at least one user", "userIds")
    people = await db.read(iq.persons_by_ids, [lr.person_id for lr in learners])
    clusters = await db.read(org_q.units_by_ids, sorted({lr.cluster_id for lr in learners}))
    parents = await db.read(
        org_q.units_by_ids, sorted({c.parent_id for c in clusters if c and c.parent_id})
    )
    names = {u.id: u.name for u in parents if isinstance(u, OrgUnit)}
    organisation = {
        c.id: names.get(c.parent_id or 0, c.name)
        for c in clusters
        if isinstance(c, OrgUnit) and c.id is not None
    }
    plan = ReinvitePlan([], [], organisation)
    seen: set[int] = set()
    for learner, person in zip(learners, people, strict=True):
        if person is None or person.id in seen:
            continue
        seen.add(person.id or 0)
        (plan.recipients if not_activated(person) else plan.activated).append((learner, person))
    return plan


def render_invitation(ctx: Context, person: Person, organisation: str, link: str) -> RenderedMail:
    return render(
        "activation",
        person.language.value,
        name=person.given_name or person.email,
        email=person.email,
        link=link,
        organisation=organisation,
    )


def first_invitation(ctx: Context, plan: ReinvitePlan) -> RenderedMail | None:
    """The mail as the first recipient gets it, with a marker where their own link goes."""
    if not plan.recipients:
        return None
    learner, person = plan.recipients[0]
    return render_invitation(
        ctx,
        person,
        plan.organisation.get(learner.cluster_id, ""),
        f"{ctx.settings.public_url}{PREVIEW_LINK}",
    )


async def activation_link(ctx: Context, session: object, person: Person) -> str:
    """A fresh single-use activation link for someone who never chose a password."""
    secret = await issue_link(session, person, OneTimePurpose.ACTIVATION, utcnow())
    return f"{ctx.settings.public_url}/activate?token={secret}"


async def resend_invitations(
    ctx: Context, selection: Selection, idempotency_key: str | None
) -> tuple[ReinvitePlan, int]:
    """A new activation link to each selected user who never activated; the others are
    skipped and reported. A retry with the same key queues nothing new."""
    key = idempotency_key or uuid.uuid4().hex
    queued = 0
    async with ctx.uow() as uow:
        plan = await plan_reinvite(uow, ctx, selection)
        for learner, person in plan.recipients:
            link = await activation_link(ctx, uow.session, person)
            queued += await enqueue(
                uow.session,
                render_invitation(ctx, person, plan.organisation.get(learner.cluster_id, ""), link),
                to=person.email,
                person_id=person.id,
                idempotency_key=f"reinvite:{ctx.viewer.person_id}:{key}:{person.id}",
            )
        await uow.audit(
            "ACTIVATION_RESENT",
            detail=f"{queued} sent, {len(plan.activated)} already activated",
        )
        await uow.commit()
    return plan, queued
