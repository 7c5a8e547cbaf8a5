"""Admins writing to the people they manage: a preview first, then the real thing."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from domain.background.messages import AdminMessage, check_message, check_recipient_count
from domain.core.roles import ADMIN_ROLES
from persistence.core.models import Person
from resolvers.background.mail import RenderedMail, enqueue, render
from resolvers.context import Context


@dataclass
class MessagePlan:
    message: AdminMessage
    recipients: list[Person]
    not_allowed: list[int]  # ids the admin may not write to (or that do not exist)


def render_for(message: AdminMessage, person: Person) -> RenderedMail:
    return render(
        "admin_message",
        person.language.value,
        subject=message.subject,
        body=message.body,
        paragraphs=message.paragraphs,
        sender_name=message.sender_name,
        name=person.given_name or person.email,
    )


async def plan(
    ctx: Context, person_ids: list[int], subject: str, body: str, sender: str
) -> MessagePlan:
    """Who gets what: only people the viewer administers; the others are reported, not mailed."""
    message = check_message(subject, body, sender)
    unique = list(dict.fromkeys(person_ids))
    check_recipient_count(len(unique))
    people = await ctx.loaders.person_by_id.load_many(unique)
    paths = await ctx.loaders.unit_paths_by_person.load_many(unique)
    recipients, refused = [], []
    for pid, person, person_paths in zip(unique, people, paths, strict=True):
        if person is not None and any(ctx.viewer.holds_on(ADMIN_ROLES, p) for p in person_paths):
            recipients.append(person)
        else:
            refused.append(pid)
    return MessagePlan(message, recipients, refused)


@dataclass(frozen=True)
class SendOutcome:
    """What a sending did: mails queued now, and recipients this key had been used for before
    (a retry with the same idempotency key queues nothing new)."""

    queued: int
    repeated: int


async def send_outcome(
    ctx: Context, planned: MessagePlan, idempotency_key: str | None
) -> SendOutcome:
    """Queue one mail per recipient in one transaction; a repeated key queues nothing new."""
    key = idempotency_key or uuid.uuid4().hex
    queued = 0
    async with ctx.uow() as uow:
        for person in planned.recipients:
            queued += await enqueue(
                uow.session,
                render_for(planned.message, person),
                to=person.email,
                person_id=person.id,
                sender_name=planned.message.sender_name,
                idempotency_key=f"message:{ctx.viewer.person_id}:{key}:{person.id}",
            )
        await uow.audit(
            "ADMIN_MESSAGE_SENT",
            detail=f"{queued} of {len(planned.recipients)} recipients: {planned.message.subject}",
        )
        await uow.commit()
    return SendOutcome(queued, len(planned.recipients) - queued)


async def send(ctx: Context, planned: MessagePlan, idempotency_key: str | None) -> int:
    """`send_outcome`, counting the mails queued now (0 for a retry with the same key)."""
    return (await send_outcome(ctx, planned, idempotency_key)).queued


def first_mail(planned: MessagePlan) -> RenderedMail | None:
    """What the first recipient gets: the body of every preview."""
    return render_for(planned.message, planned.recipients[0]) if planned.recipients else None
