"""Switching the request's viewer after a login within the same request."""

from __future__ import annotations

from domain.core.roles import Viewer
from persistence.core import people as q
from persistence.core.models import Person
from resolvers.context import Context
from resolvers.core.accounts import NewSession
from resolvers.school.access import school_relations


async def become(ctx: Context, new: NewSession) -> None:
    """The rest of this request (the payload) is read as the person who just logged in."""
    grants = await ctx.db.read(q.grants_of, new.person.id)
    guardian_of, mentor_of = await school_relations(ctx, new.person.id)  # type: ignore[arg-type]
    ctx.viewer = Viewer(
        person_id=new.person.id,
        grants=tuple(grants),
        guardian_of=guardian_of,
        mentor_of=mentor_of,
    )
    ctx.token_id = new.token_id


async def current_person(ctx: Context) -> Person:
    assert ctx.viewer.person_id is not None
    person = await ctx.loaders.person_by_id.load(ctx.viewer.person_id)
    assert person is not None
    return person
