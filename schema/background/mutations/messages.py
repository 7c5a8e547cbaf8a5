"""Admin mails to people they manage, with a preview of exactly what will be sent."""

from __future__ import annotations

import uuid
from typing import Annotated

import strawberry

from domain.core.ids import decode_expected, encode_global_id
from domain.core.roles import ALL_ADMINS
from resolvers.background import messages
from resolvers.background.progress import mail_batch_id
from schema.core.info import Info
from schema.core.payloads import arg, attempt, errors_field
from schema.core.permissions import public, requires
from schema.core.relay import UserError


@strawberry.input(description="A message to people you administer, as previewed and as sent.")
class MessageInput:
    person_ids: list[strawberry.ID] = strawberry.field(
        description="The people to write to; people you do not administer are left out and listed."
    )
    subject: str = strawberry.field(description="Subject line.")
    body: str = strawberry.field(
        description="The message; blank lines separate paragraphs. Inserted as text, never as HTML."
    )
    sender_name: str = strawberry.field(description="Sender name shown to the recipients.")


async def _plan(info: Info, message: MessageInput) -> messages.MessagePlan:
    return await messages.plan(
        info.context, _ids(message.person_ids), message.subject, message.body, message.sender_name
    )


@strawberry.type(description="What `sendMessage` would send, rendered for the first recipient.")
class MessagePreview:
    recipient_count: int = public(description="How many people will get the mail.", default=0)
    not_allowed_ids: list[strawberry.ID] = public(
        description="IDs left out: unknown, or not people you administer.", default_factory=list
    )
    subject: str | None = public(description="The subject as sent.", default=None)
    text_body: str | None = public(description="The plain-text part as sent.", default=None)
    html_body: str | None = public(description="The HTML part as sent.", default=None)
    errors: list[UserError] = errors_field("What is wrong with the input.")


@strawberry.type(description="Result of sending a message.")
class SendMessagePayload:
    queued_count: int = public(description="Mails queued for delivery.", default=0)
    not_allowed_ids: list[strawberry.ID] = public(
        description="IDs left out: unknown, or not people you administer.", default_factory=list
    )
    batch_id: strawberry.ID | None = public(
        description="This sending, to follow its delivery: `mailBatch(id:)` or the "
        "`mailBatchProgress` subscription. Null when nothing was queued.",
        default=None,
    )
    errors: list[UserError] = errors_field()


def _ids(person_ids: list[strawberry.ID]) -> list[int]:
    return [decode_expected(pid, "Person", "personIds") for pid in person_ids]


def _gids(ids: list[int]) -> list[strawberry.ID]:
    return [strawberry.ID(encode_global_id("Person", i)) for i in ids]


@strawberry.type
class MessageQueries:
    @requires(
        ALL_ADMINS,
        description="Preview a message to people you administer: how many get "
        "it, and the mail exactly as it will be sent.",
    )
    async def preview_message(
        self,
        info: Info,
        input: Annotated[MessageInput, arg("The message, exactly as you would send it.")],
    ) -> MessagePreview:
        async def work() -> MessagePreview:
            planned = await _plan(info, input)
            first = messages.first_mail(planned)
            return MessagePreview(
                recipient_count=len(planned.recipients),
                not_allowed_ids=_gids(planned.not_allowed),
                subject=first.subject if first else None,
                text_body=first.text if first else None,
                html_body=first.html if first else None,
            )

        return await attempt(MessagePreview, work)


@strawberry.type
class MessageMutations:
    @requires(
        ALL_ADMINS,
        description="Send a message (e.g. a reminder) to people you administer. "
        "Pass an idempotencyKey so a retried request does not mail twice.",
    )
    async def send_message(
        self,
        info: Info,
        input: Annotated[MessageInput, arg("The message, as previewed.")],
        idempotency_key: Annotated[
            str | None, arg("Any unique string per intended sending, e.g. a UUID.")
        ] = None,
    ) -> SendMessagePayload:
        async def work() -> SendMessagePayload:
            planned = await _plan(info, input)
            key = idempotency_key or uuid.uuid4().hex
            count = await messages.send(info.context, planned, key)
            sender = info.context.viewer.person_id
            batch = strawberry.ID(mail_batch_id(sender, key)) if count and sender else None
            return SendMessagePayload(
                queued_count=count, not_allowed_ids=_gids(planned.not_allowed), batch_id=batch
            )

        return await attempt(SendMessagePayload, work)
