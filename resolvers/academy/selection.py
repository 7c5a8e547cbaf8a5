"""Which users an academy admin acts on: the selection of a bulk action, scoped in SQL."""

from __future__ import annotations

from dataclasses import dataclass

from domain.academy.learner_filter import LearnerFilter
from domain.core.errors import DomainError, ErrorCode
from domain.core.roles import Role
from persistence.academy import queries as aq
from persistence.academy.models import Learner
from persistence.core.models import OrgUnit
from persistence.db import Reader, UnitOfWork
from resolvers.context import Context

ACADEMY_ADMINS = frozenset({Role.PLATFORM_ADMIN, Role.ACADEMY_ORG_ADMIN, Role.CLUSTER_ADMIN})


ORG_ADMINS = frozenset({Role.PLATFORM_ADMIN, Role.ACADEMY_ORG_ADMIN})


MAX_BULK = 5_000


def admin_paths(ctx: Context, roles: frozenset[Role] = ACADEMY_ADMINS) -> tuple[str, ...]:
    """The units the viewer administers: the reach that scopes lists and selections."""
    return tuple(g.unit_path for g in ctx.viewer.effective_grants if g.role in roles)


async def academy_of(uow: UnitOfWork, cluster: OrgUnit) -> OrgUnit:
    """The academy organisation a cluster belongs to (its parent)."""
    assert cluster.parent_id is not None
    academy = await uow.get(OrgUnit, cluster.parent_id)
    assert academy is not None
    return academy


@dataclass
class Selection:
    learner_ids: list[int] | None = None
    filter: LearnerFilter | None = None


async def selected_learners(db: Reader, ctx: Context, selection: Selection) -> list[Learner]:
    """The users selected by IDs or by a filter, within the viewer's reach; `db` is the
    request (for a preview) or a unit of work."""
    paths = admin_paths(ctx)
    if selection.learner_ids is not None:
        if len(selection.learner_ids) > MAX_BULK:
            raise DomainError(
                ErrorCode.INVALID, "At most {max_bulk} users at once", "userIds", max_bulk=MAX_BULK
            )
        found = await db.read(aq.learners_in_scope, selection.learner_ids, paths)
        missing = len(set(selection.learner_ids)) - len(found)
        if missing:
            raise DomainError(
                ErrorCode.NOT_FOUND,
                "{missing} of the chosen users do not exist or are not yours to manage.",
                "userIds",
                missing=missing,
            )
        return found
    assert selection.filter is not None
    # The filter is resolved on the server within the admin's reach, not from one page of rows.
    found = await db.read(aq.learners_matching, selection.filter.within(paths), MAX_BULK)
    if len(found) > MAX_BULK:
        raise DomainError(
            ErrorCode.INVALID,
            "The filter selects more than {max_bulk} users; narrow it.",
            "filter",
            max_bulk=MAX_BULK,
        )
    return found


async def selected_person_ids(ctx: Context, selection: Selection) -> list[int]:
    return sorted({lr.person_id for lr in await selected_learners(ctx.db, ctx, selection)})
