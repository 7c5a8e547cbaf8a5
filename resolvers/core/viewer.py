"""The one place a Viewer is built: grants from the core, relation facts from each area."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

from domain.core.roles import Grant, RelationFact, Viewer
from persistence.core import people as q
from resolvers.context import Context


@dataclass(frozen=True)
class RelationProvider:
    """An area's relations (GUARDIAN, MENTOR, …) of one person, loaded once per request.

    SELF and MEMBER are the core's own: they follow from the person and the grants.
    """

    load: Callable[[Context, int], Awaitable[Iterable[RelationFact]]]
    # Asked with the token (`q.active_token_with_grants`): whether `load` can find anything for
    # the person. When it says no, the request is spared `load`'s statement.
    probe: q.Probe | None = None


def probes(ctx: Context) -> tuple[q.Probe, ...]:
    """The probes of the request's relation providers, for the authenticating statement."""
    return tuple(p.probe for p in ctx.relation_providers if p.probe is not None)


async def build_viewer(
    ctx: Context,
    person_id: int,
    *,
    token_scoped: bool = False,
    assignment_id: int | None = None,
    acting_for_unit_id: int | None = None,
    grants: Sequence[Grant] | None = None,
    probed: Mapping[q.Probe, bool] | None = None,
) -> Viewer:
    """The viewer of a person; an API token's (`token_scoped`) has its one assignment only.

    `grants`: the person's grants when the caller read them already (authentication reads them
    with the token, in one statement); `probed`: the answers of the providers' probes.
    """
    if grants is None:
        grants = await ctx.db.read(q.grants_of, person_id)
    facts: list[RelationFact] = []
    if token_scoped:
        # An API token's script stands in no provided relation (`Viewer.has_relation`).
        grants = [g for g in grants if g.assignment_id == assignment_id]
    else:
        for provider in ctx.relation_providers:
            if probed is not None and provider.probe is not None and not probed[provider.probe]:
                continue
            facts.extend(await provider.load(ctx, person_id))
    return Viewer(
        person_id=person_id,
        grants=tuple(grants),
        acting_for_unit_id=acting_for_unit_id,
        token_scoped=token_scoped,
        facts=tuple(facts),
    )
