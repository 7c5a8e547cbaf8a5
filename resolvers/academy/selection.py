"""Which clusters and users an academy admin acts on: the selection of a bulk action."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from domain.core.errors import DomainError, ErrorCode
from domain.core.orgtree import OrgUnitKind
from domain.core.roles import Role
from persistence.academy import queries as aq
from persistence.academy.models import Learner
from persistence.core import people as iq
from persistence.core.models import OrgUnit
from resolvers.context import Context

ACADEMY_ADMINS = frozenset({Role.PLATFORM_ADMIN, Role.ACADEMY_ORG_ADMIN, Role.CLUSTER_ADMIN})


ORG_ADMINS = frozenset({Role.PLATFORM_ADMIN, Role.ACADEMY_ORG_ADMIN})


MAX_BULK = 5_000


def admin_paths(ctx: Context, roles: frozenset[Role] = ACADEMY_ADMINS) -> tuple[str, ...]:
    return tuple(g.unit_path for g in ctx.viewer.effective_grants if g.role in roles)


def _not_yours(field: str) -> DomainError:
    return DomainError(ErrorCode.NOT_FOUND, "No such object, or it is not yours to manage.", field)


async def _cluster(
    session: Any, ctx: Context, cluster_id: int, roles: frozenset[Role] = ACADEMY_ADMINS
) -> OrgUnit:
    unit = await iq.unit_by_id(session, cluster_id)
    if (
        unit is None
        or unit.kind != OrgUnitKind.CLUSTER
        or not ctx.viewer.holds_on(roles, unit.path)
    ):
        raise _not_yours("clusterId")
    return unit


async def _academy_of(session: Any, cluster: OrgUnit) -> OrgUnit:
    academy = await iq.unit_by_id(session, cluster.parent_id)  # type: ignore[arg-type]
    assert academy is not None
    return academy


@dataclass
class Selection:
    learner_ids: list[int] | None = None
    filter: aq.LearnerFilter | None = None


async def selected_learners(session: Any, ctx: Context, selection: Selection) -> list[Learner]:
    paths = admin_paths(ctx)
    if selection.learner_ids is not None:
        if len(selection.learner_ids) > MAX_BULK:
            raise DomainError(ErrorCode.INVALID, f"At most {MAX_BULK} users at once", "userIds")
        found = await aq.learners_in_scope(session, selection.learner_ids, paths)
        missing = len(set(selection.learner_ids)) - len(found)
        if missing:
            raise DomainError(
                ErrorCode.NOT_FOUND,
                f"{missing} of the chosen users do not exist or are not yours to manage.",
                "userIds",
            )
        return found
    assert selection.filter is not None
    # The filter is resolved on the server within the admin's reach, not from one page of rows.
    scoped = aq.LearnerFilter(**{**selection.filter.__dict__, "scope_paths": paths})
    found = await aq.learners_matching(session, scoped, MAX_BULK)
    if len(found) > MAX_BULK:
        raise DomainError(
            ErrorCode.INVALID,
            f"The filter selects more than {MAX_BULK} users; narrow it.",
            "filter",
        )
    return found


async def selected_person_ids(ctx: Context, selection: Selection) -> list[int]:
    async def run(session: Any) -> list[int]:
        return sorted({lr.person_id for lr in await selected_learners(session, ctx, selection)})

    return await ctx.db.read(run)
