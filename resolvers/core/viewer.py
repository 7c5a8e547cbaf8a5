"""The one place a Viewer is built: grants from the core, relation facts from each area."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, Sequence

from domain.core.roles import Grant, RelationFact, Viewer
from persistence.core import people as q
from resolvers.context import Context

# An area's relations (GUARDIAN, MENTOR, …) of one person, loaded once per request.
# SELF and MEMBER are the core's own: they follow from the person and the grants.
RelationProvider = Callable[[Context, int], Awaitable[Iterable[RelationFact]]]


async def build_viewer(
    ctx: Context,
    person_id: int,
    *,
    token_scoped: bool = False,
    assignment_id: int | None = None,
    acting_for_unit_id: int | None = None,
    grants: Sequence[Grant] | None = None,
) -> Viewer:
    """The viewer of a person; an API token's (`token_scoped`) has its one assignment only.

    `grants`: the person's grants when the caller read them already (authentication reads them
    with the token, in one statement).
    """
    if grants is None:
        grants = await ctx.db.read(q.grants_of, person_id)
    if token_scoped:
        grants = [g for g in grants if g.assignment_id == assignment_id]
    facts = [fact for provider in ctx.relation_providers for fact in await provider(ctx, person_id)]
    return Viewer(
        person_id=person_id,
        grants=tuple(grants),
        acting_for_unit_id=acting_for_unit_id,
        token_scoped=token_scoped,
        facts=tuple(facts),
    )
