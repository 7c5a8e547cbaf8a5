"""Academy mail mutations: mail to selected users and the magazine."""

from __future__ import annotations

from typing import Annotated

import strawberry

from domain.core.ids import decode_expected
from resolvers.academy.magazine import send_magazine, set_subscription
from resolvers.academy.selection import selected_person_ids
from resolvers.background import messages
from schema.academy.inputs import LEARNERS, ORG_ADMINS, SendUserMailInput, to_selection
from schema.academy.payloads import MagazinePayload, MagazineSubscriptionPayload, UserMailPayload
from schema.academy.types import ADMINS
from schema.core.info import Info
from schema.core.payloads import arg, attempt
from schema.core.permissions import requires


@strawberry.type
class AcademyMailMutations:
    @requires(
        ADMINS,
        description="Mail users (e.g. a reminder) chosen by IDs or by the list's filter. "
        "Preview it first with `previewUserMail`.",
    )
    async def send_user_mail(
        self, info: Info, input: Annotated[SendUserMailInput, arg("The mail and its users.")]
    ) -> UserMailPayload:
        async def work() -> UserMailPayload:
            ids = await selected_person_ids(info.context, to_selection(input.selection))
            planned = await messages.plan(
                info.context, ids, input.subject, input.body, input.sender_name
            )
            sent = await messages.send_outcome(info.context, planned, input.idempotency_key)
            return UserMailPayload(
                queued_count=sent.queued,
                already_queued_count=sent.repeated,
                repeat=sent.queued == 0 and sent.repeated > 0,
            )

        return await attempt(UserMailPayload, work)

    @requires(
        ORG_ADMINS,
        on="academyId",
        description="Send the magazine to every subscribed user of an academy organisation; each mail "
        "carries a one-click unsubscribe link that works without logging in.",
    )
    async def send_magazine(
        self,
        info: Info,
        academy_id: Annotated[strawberry.ID, arg("The academy organisation.")],
        subject: Annotated[str, arg("Subject line.")],
        body: Annotated[str, arg("The text; blank lines separate paragraphs.")],
        idempotency_key: Annotated[
            str | None, arg("Any unique string per issue, so a retry does not mail twice.")
        ] = None,
    ) -> MagazinePayload:
        async def work() -> MagazinePayload:
            sent = await send_magazine(
                info.context,
                decode_expected(academy_id, "OrgUnit", "academyId"),
                subject,
                body,
                idempotency_key,
            )
            return MagazinePayload(
                queued_count=sent.queued,
                already_queued_count=sent.repeated,
                repeat=sent.queued == 0 and sent.repeated > 0,
            )

        return await attempt(MagazinePayload, work)

    @requires(
        LEARNERS,
        description="Your magazine subscription: subscribe again after unsubscribing (or leave). "
        "Admins see it as `Learner.magazine` and filter on it.",
    )
    async def set_magazine_subscription(
        self,
        info: Info,
        subscribed: Annotated[bool, arg("True to receive the magazine, false to stop.")],
    ) -> MagazineSubscriptionPayload:
        async def work() -> MagazineSubscriptionPayload:
            return MagazineSubscriptionPayload(
                subscribed=await set_subscription(info.context, subscribed)
            )

        return await attempt(MagazineSubscriptionPayload, work)
