"""The magazine, mailed to every subscribed user with a one-click unsubscribe."""

from __future__ import annotations

import uuid

from domain.background.messages import check_message
from domain.core.orgtree import OrgUnitKind
from persistence.academy import queries as aq
from persistence.core import people as iq
from resolvers.academy.selection import ORG_ADMINS, _not_yours
from resolvers.background.mail import enqueue, render
from resolvers.context import Context


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
