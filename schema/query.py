"""The root Query type."""

from __future__ import annotations

from typing import Annotated

import strawberry
from strawberry.tools import merge_types

from domain.core.errors import DomainError, ErrorCode
from domain.core.roles import Role as DomainRole
from persistence.background.models import MailStatus as DomainMailStatus
from resolvers.background import queries as background_resolvers
from resolvers.core import people as identity_resolvers
from schema.areas import QUERY_PARTS
from schema.background.types import MailStatus, OutboxMailNode
from schema.core.identity import AuditEventNode, Viewer
from schema.core.info import Info
from schema.core.node import resolve_nodes
from schema.core.pagination import AFTER, BEFORE, FIRST, LAST, page_request, to_connection
from schema.core.payloads import arg
from schema.core.permissions import public, requires
from schema.core.relay import Connection, Node

MAX_NODES = 100


@strawberry.type
class CoreQueries:
    @public(
        description="The object with this global ID, or null when it does not exist or "
        "you may not see it (the two are indistinguishable on purpose)."
    )
    async def node(
        self, info: Info, id: Annotated[strawberry.ID, arg("A global ID.")]
    ) -> Node | None:
        return (await resolve_nodes(info, [id]))[0]

    @public(
        description=f"Several objects by global ID (at most {MAX_NODES}), in the order asked; "
        "null where `node` would give null."
    )
    async def nodes(
        self, info: Info, ids: Annotated[list[strawberry.ID], arg("Global IDs.")]
    ) -> list[Node | None]:
        if len(ids) > MAX_NODES:
            raise DomainError(
                ErrorCode.INVALID, "At most {max_nodes} IDs at once", "ids", max_nodes=MAX_NODES
            )
        return await resolve_nodes(info, list(ids))

    @public(description="You, when logged in; null otherwise.")
    async def viewer(self, info: Info) -> Viewer | None:
        person = await identity_resolvers.viewer_person(info.context)
        return Viewer(person_row=person) if person else None

    @requires([DomainRole.PLATFORM_ADMIN], description="Security events, newest first.")
    async def audit_events(
        self,
        info: Info,
        kind: Annotated[
            str | None, arg("Only events of this kind (e.g. LOGIN_FAILED); null for all.")
        ] = None,
        first: Annotated[int | None, FIRST] = None,
        after: Annotated[str | None, AFTER] = None,
        last: Annotated[int | None, LAST] = None,
        before: Annotated[str | None, BEFORE] = None,
    ) -> Connection[AuditEventNode]:
        page = await identity_resolvers.audit_events(
            info.context, page_request(first, after, last, before), kind
        )
        return to_connection(page, AuditEventNode.from_row)

    @requires(
        [DomainRole.PLATFORM_ADMIN],
        description="The mail outbox, newest first: what was sent, what waits, what failed.",
    )
    async def outbox_mails(
        self,
        info: Info,
        status: Annotated[MailStatus | None, arg("Only mails in this state; null for all.")] = None,
        first: Annotated[int | None, FIRST] = None,
        after: Annotated[str | None, AFTER] = None,
        last: Annotated[int | None, LAST] = None,
        before: Annotated[str | None, BEFORE] = None,
    ) -> Connection[OutboxMailNode]:
        domain_status = DomainMailStatus(status.value) if status else None
        page = await background_resolvers.outbox_page(
            info.context, page_request(first, after, last, before), domain_status
        )
        return to_connection(page, OutboxMailNode.from_row)


Query = merge_types("Query", (CoreQueries, *QUERY_PARTS))
Query.__strawberry_definition__.description = (  # type: ignore[attr-defined]
    "Everything Portaal can tell you. Start with `viewer`."
)
