"""Progress of long work as GraphQL subscriptions (graphql-transport-ws on /graphql), with the
same answers for polling: an export job, a bulk mailing.

Authorised like the objects they report on: an export is shown to whoever may read that
ExportJob (its requester), checked once per object produced; a mailing only to its sender.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator
from typing import Annotated

import strawberry
from strawberry.exceptions import StrawberryGraphQLError

from domain.core.errors import DomainError, ErrorCode
from domain.core.ids import decode_expected
from resolvers.background import progress
from resolvers.core.tree import not_found
from schema.background.types import ExportJobNode
from schema.core.info import Info
from schema.core.payloads import arg
from schema.core.permissions import (
    Authenticated,
    Produces,
    authenticated,
    public,
    unauthenticated,
)


@strawberry.type(description="Delivery of one sending of `sendMessage`.")
class MailBatchProgress:
    total: int = public(description="Mails in the sending.")
    pending: int = public(description="Mails not delivered yet (waiting or being sent).")
    sent: int = public(description="Mails the mail server accepted.")
    dead: int = public(description="Mails given up on after repeated failures (requeue them).")
    done: bool = public(description="Whether every mail has an outcome (nothing pending).")

    @classmethod
    def of(cls, state: progress.MailBatchState) -> MailBatchProgress:
        return cls(
            total=state.total,
            pending=state.pending,
            sent=state.sent,
            dead=state.dead,
            done=state.done,
        )


_TOP = {
    ErrorCode.NOT_FOUND: "NOT_FOUND",
    ErrorCode.FORBIDDEN: "FORBIDDEN",
    ErrorCode.UNAUTHENTICATED: "UNAUTHENTICATED",
}


def _graphql_error(e: DomainError) -> Exception:
    # Carries its code itself: over the websocket, errors are sent as graphql-core formats them.
    return StrawberryGraphQLError(
        e.message, extensions={"code": _TOP.get(e.code, "BAD_USER_INPUT")}
    )


@strawberry.type
class ProgressQueries:
    @authenticated(description="How far a sending of yours is (poll it, or subscribe).")
    async def mail_batch(
        self, info: Info, id: Annotated[strawberry.ID, arg("`SendMessagePayload.batchId`.")]
    ) -> MailBatchProgress:
        try:
            return MailBatchProgress.of(await progress.mail_batch(info.context, str(id), "id"))
        except DomainError as e:
            raise _graphql_error(e) from None


@strawberry.type
class ProgressSubscriptions:
    @strawberry.subscription(
        directives=[Authenticated()],
        description="An export of yours now and at every change of status or progress, until "
        "it is done or failed; the same object `node(id:)` polls.",
    )
    async def export_progress(
        self, info: Info, export_job_id: Annotated[strawberry.ID, arg("The export job.")]
    ) -> AsyncGenerator[ExportJobNode, None]:
        ctx = info.context
        if not ctx.viewer.is_authenticated:
            raise unauthenticated()
        try:
            job_id = decode_expected(export_job_id, "ExportJob", "exportJobId")
        except DomainError as e:
            raise _graphql_error(e) from None
        check = Produces()
        async for job in progress.watch_export(ctx, job_id):
            if job is None:
                raise _graphql_error(not_found("exportJobId"))
            # The ExportJob type's own requirement (its requester), once per object.
            yield check.check(ExportJobNode.from_row(job), info)

    @strawberry.subscription(
        directives=[Authenticated()],
        description="A sending of yours now and at every change, until no mail is pending.",
    )
    async def mail_batch_progress(
        self, info: Info, batch_id: Annotated[strawberry.ID, arg("`SendMessagePayload.batchId`.")]
    ) -> AsyncGenerator[MailBatchProgress, None]:
        ctx = info.context
        if not ctx.viewer.is_authenticated:
            raise unauthenticated()
        try:
            async for state in progress.watch_mail_batch(ctx, str(batch_id)):
                yield MailBatchProgress.of(state)
        except DomainError as e:
            raise _graphql_error(e) from None
