"""The per-request context: who is asking, the request's session, and its dataloaders."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from domain.core.roles import ANONYMOUS, Viewer
from persistence.db import Database, RequestSession
from resolvers.loaders import Loaders

if TYPE_CHECKING:
    from portaal.settings import Settings


@dataclass
class Context:
    settings: Settings
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

    @classmethod
    def create(cls, settings: Settings, database: Database, **kwargs: Any) -> Context:
        db = RequestSession(database)
        return cls(settings=settings, database=database, db=db, loaders=Loaders(db), **kwargs)
