"""The magazine, mailed to every subscribed user with a one-click unsubscribe."""

from __future__ import annotations

import uuid

from domain.background.messages import check_message
from domain.core.orgtree import OrgUnitKind
from persistence.academy import queries as aq
from resolvers.academy.documents import magazine_unsubscribe_url
from resolvers.background.mail import QueuedMail, enqueue_many, render
from resolvers.background.messages import SendOutcome
from resolvers.context import Context
from resolvers.core.tree import unit_of_kind


async def send_magazine(
    ctx: Context, academy_id: int, subject: str, body: str, idempotency_key: str | None
) -> SendOutcome:
    """The magazine to every subscribed user of the organisation, each with a one-click
    unsubscribe link (also as List-Unsubscribe, RFC 8058)."""
    message = check_message(subject, body, "Portaal")
    key = idempotency_key or uuid.uuid4().hex
    async with ctx.uow() as uow:
        academy = await unit_of_kind(uow, academy_id, OrgUnitKind.ACADEMY, "academyId")
        people = await aq.magazine_subscribers(uow.session, academy.path)
        mails = []
        for person in people:
            assert person.id is not None
            url = magazine_unsubscribe_url(
                ctx.settings.public_url, ctx.settings.secret_key, person.id
            )
            mail = render(
                "magazine",
                person.language.value,
                subject=message.subject,
                body=message.body,
                paragraphs=message.paragraphs,
                name=person.given_name or person.email,
                unsubscribe=url,
            )
            mails.append(
                QueuedMail(
                    mail,
                    to=person.email,
                    person_id=person.id,
                    idempotency_key=f"magazine:{academy.id}:{key}:{person.id}",
                    headers={
                        "List-Unsubscribe": f"<{url}>",
                        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
                    },
                )
            )
        # In batches (a few statements per ten thousand mails), under every mail limit.
        queued = await enqueue_many(uow.session, mails, sender_name=academy.name)
        await uow.audit(
            "MAGAZINE_SENT", unit=academy.id, detail=f"{queued} of {len(people)} recipients"
        )
        await uow.commit()
    # A retry with the same key finds every mail queued already: it sends nothing new.
    return SendOutcome(queued, len(people) - queued)


async def set_subscription(ctx: Context, subscribed: bool) -> bool:
    """The learner's own choice: subscribe again after unsubscribing, or leave."""
    from resolvers.core.accounts import require_login_session

    require_login_session(ctx)
    person_id = ctx.viewer.person_id
    assert person_id is not None
    async with ctx.uow() as uow:
        await aq.set_magazine(uow.session, person_id, subscribed)
        await uow.audit(
            "MAGAZINE_SUBSCRIBED" if subscribed else "MAGAZINE_UNSUBSCRIBED", subject=person_id
        )
        await uow.commit()
    return subscribed
