"""The per-request context: who is asking, the request's session, and its dataloaders."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from domain.core.roles import ANONYMOUS, Decisions, Requirement, Scope, Viewer
from persistence.db import Database, RequestSession, UnitOfWork
from persistence.tenancy import SYSTEM, enter_tenant, enter_tenant_of
from resolvers.background.mail import MAIL_SENDER
from resolvers.loaders import Loaders
from resolvers.settings import ServiceSettings

if TYPE_CHECKING:
    from resolvers.core.viewer import RelationProvider


@dataclass
class Context:
    settings: ServiceSettings
    database: Database
    db: RequestSession
    loaders: Loaders
    viewer: Viewer = ANONYMOUS
    token_id: int | None = None
    client_address: str = "unknown"
    request: Any = None
    response: Any = None
    # Set by login/logout; the HTTP layer turns it into a Set-Cookie header.
    cookie_to_set: tuple[str, int | None] | None = None
    cookie_to_clear: bool = False
    extra: dict[str, Any] = field(default_factory=dict)
    # The response's language: the viewer's choice, else Accept-Language (resolvers/core/i18n).
    language: str = "nl"
    # A websocket's `connection_init` payload (graphql-transport-ws), set by strawberry.
    connection_params: dict[str, Any] | None = None

    decisions: Decisions | None = None
    # Each area's relation provider (see resolvers.core.viewer), handed in by the composition root.
    relation_providers: tuple[RelationProvider, ...] = ()

    def allows(self, requirement: Requirement, scope: Scope | None) -> bool:
        """The viewer's permission decision, made once per (requirement, scope) and viewer."""
        if self.decisions is None or self.decisions.viewer is not self.viewer:
            self.decisions = Decisions(self.viewer)
        return self.decisions.allows(requirement, scope)

    async def act_for(self, person_id: int) -> None:
        """A signed link acts for the person it was made for: the rest of the request reads
        and writes in that person's tenants (row-level security), as their login would."""
        await self.db.read(enter_tenant_of, person_id)

    async def act_as_system_for_link(self) -> None:
        """A link secret instead of a login (a verified signed invoice link, a calendar feed's
        secret URL) decides itself what is read: the rest of the request reads across tenants
        (row-level security). Only for the link's own reads."""
        await self.db.read(enter_tenant, SYSTEM)

    @asynccontextmanager
    async def uow(self, *, reach: int | None = None) -> AsyncIterator[UnitOfWork]:
        """`async with ctx.uow() as uow: …; await uow.commit()` — rolled back unless committed.

        Committing clears the request's loaders; `uow.loaders` read on the unit of work's own
        session, and `uow.audit(…)` records the viewer and client address. `reach`: a unit whose
        tenant this unit of work also enters (row-level security; `RequestSession.unit_of_work`).
        """
        async with self.db.unit_of_work(
            self.viewer.person_id, self.client_address, reach=reach
        ) as uow:
            if self.viewer.person_id is not None:
                # hardening (issue 17): mails are capped per admin and per API token
                uow.session.info[MAIL_SENDER] = (
                    f"token:{self.token_id}"
                    if self.viewer.token_scoped
                    else f"person:{self.viewer.person_id}"
                )
            uow.loaders = Loaders(uow)
            uow.after_commit(self.loaders.clear)
            yield uow

    @classmethod
    def create(cls, settings: ServiceSettings, database: Database, **kwargs: Any) -> Context:
        db = RequestSession(database)
        return cls(settings=settings, database=database, db=db, loaders=Loaders(db), **kwargs)
