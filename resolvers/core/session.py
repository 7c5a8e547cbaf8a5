"""Switching the request's viewer after a login within the same request."""

from __future__ import annotations

from persistence.core.models import Person
from persistence.tenancy import enter_tenant_of
from resolvers.context import Context
from resolvers.core.accounts import NewSession
from resolvers.core.viewer import build_viewer


async def become(ctx: Context, new: NewSession) -> None:
    """The rest of this request (the payload) is read as the person who just logged in."""
    assert new.person.id is not None
    # Row-level security: the rest of the request reads in the new person's tenants.
    await ctx.db.read(enter_tenant_of, new.person.id)
    ctx.viewer = await build_viewer(ctx, new.person.id)
    ctx.token_id = new.token_id


async def current_person(ctx: Context) -> Person:
    assert ctx.viewer.person_id is not None
    person = await ctx.loaders.person_by_id.load(ctx.viewer.person_id)
    assert person is not None
    return person
