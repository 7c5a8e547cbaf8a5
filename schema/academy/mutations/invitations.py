"""Academy invitations: the activation mail sent again to users who never activated."""

from __future__ import annotations

from typing import Annotated

import strawberry

from resolvers.academy.activation import resend_invitations
from schema.academy.inputs import ResendInvitationsInput, to_selection
from schema.academy.payloads import InvitationPayload, _learners
from schema.academy.types import ADMINS
from schema.core.info import Info
from schema.core.payloads import arg, attempt
from schema.core.permissions import requires


@strawberry.type
class AcademyInvitationMutations:
    @requires(
        ADMINS,
        description="Send the invitation (activation) mail again, each with a new single-use "
        "link, to the selected users who never activated their account; those who did are "
        "skipped and listed. Preview it first with `previewInvitations`.",
    )
    async def resend_invitations(
        self, info: Info, input: Annotated[ResendInvitationsInput, arg("The users.")]
    ) -> InvitationPayload:
        async def work() -> InvitationPayload:
            plan, queued = await resend_invitations(
                info.context, to_selection(input.selection), input.idempotency_key
            )
            return InvitationPayload(
                queued_count=queued,
                already_activated=await _learners(info, [lr for lr, _ in plan.activated]),
            )

        return await attempt(InvitationPayload, work)
