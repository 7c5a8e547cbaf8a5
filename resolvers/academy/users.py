"""Adding users by e-mail address, hiding, deleting and moving them between clusters."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from domain.academy import seats
from domain.academy.enrolments import deletion_refusal
from domain.core.errors import DomainError, ErrorCode
from domain.core.roles import Role
from persistence.academy import queries as aq
from persistence.academy.models import Learner
from persistence.core import people as iq
from persistence.core.models import Person
from persistence.types import utcnow
from resolvers.academy.selection import (
    ORG_ADMINS,
    Selection,
    _academy_of,
    _cluster,
    _not_yours,
    admin_paths,
    selected_learners,
)
from resolvers.context import Context
from resolvers.core.access import notify_added
from resolvers.core.accounts import send_activation


class AddOutcome(str, Enum):
    ADDED = "ADDED"
    ALREADY_PRESENT = "ALREADY_PRESENT"
    IN_OTHER_CLUSTER = "IN_OTHER_CLUSTER"
    INVALID = "INVALID"


@dataclass
class AddResult:
    entry: str
    outcome: AddOutcome
    message: str
    learner: Learner | None = None


@dataclass
class AddUsersResult:
    results: list[AddResult]
    seats_left: int
    duplicates: int


async def add_users(ctx: Context, cluster_id: int, emails: list[str]) -> AddUsersResult:
    """One address per line; all or nothing: within the seat limit, or nothing is added."""
    pasted = seats.parse_pasted_emails("\n".join(emails))
    results = [AddResult(i.entry, AddOutcome.INVALID, i.reason) for i in pasted.invalid]
    now = utcnow()
    async with ctx.db.write() as session:
        cluster = await _cluster(session, ctx, cluster_id)
        academy = await _academy_of(session, cluster)
        limit, used = await aq.lock_cluster_seats(session, cluster.id)  # type: ignore[arg-type]
        people = await aq.persons_by_emails(session, pasted.valid)
        existing = await aq.learners_of_persons_in_academy(
            session,
            [p.id for p in people.values()],
            academy.path,  # type: ignore[misc]
        )
        to_add: list[str] = []
        for email in pasted.valid:
            person = people.get(email)
            learner = existing.get(person.id) if person else None  # type: ignore[arg-type]
            if learner and learner.cluster_id == cluster.id:
                results.append(
                    AddResult(
                        email,
                        AddOutcome.ALREADY_PRESENT,
                        "Already a user of this cluster.",
                        learner,
                    )
                )
            elif learner:
                results.append(
                    AddResult(
                        email,
                        AddOutcome.IN_OTHER_CLUSTER,
                        "Already a user of another cluster of this organisation; "
                        "an organisation admin can move them.",
                    )
                )
            else:
                to_add.append(email)
        seats.check_can_add(limit, used, len(to_add))
        for email in to_add:
            person = people.get(email)
            created = person is None
            if person is None:
                person = await iq.add(session, Person(email=email))
                await send_activation(ctx, session, person, organisation=academy.name)
            learner = await iq.add(
                session, Learner(person_id=person.id, cluster_id=cluster.id, added_at=now)
            )  # type: ignore[arg-type]
            await iq.assign_role(session, person.id, Role.LEARNER, cluster.id)  # type: ignore[arg-type]
            if not created:
                await notify_added(ctx, session, person, academy.name, now)
            # The same answer for new and existing accounts: adding never discloses who has one.
            results.append(
                AddResult(email, AddOutcome.ADDED, "Added; they have been sent a mail.", learner)
            )
        await iq.audit(
            session,
            "USERS_ADDED",
            actor=ctx.viewer.person_id,
            unit=cluster.id,
            address=ctx.client_address,
            detail=f"{len(to_add)} added",
        )
    ctx.loaders.clear()
    return AddUsersResult(
        results=results, seats_left=limit - used - len(to_add), duplicates=pasted.duplicates
    )


async def set_hidden(ctx: Context, selection: Selection, hidden: bool) -> list[Learner]:
    now = utcnow()
    async with ctx.db.write() as session:
        learners = await selected_learners(session, ctx, selection)
        for learner in learners:
            learner.hidden_at = now if hidden else None
    ctx.loaders.clear()
    return learners


@dataclass
class DeleteOutcome:
    learner: Learner
    deleted: bool
    reason: str | None = None


async def delete_users(ctx: Context, selection: Selection) -> list[DeleteOutcome]:
    """Only users who started no training; the others are reported with the reason."""
    async with ctx.db.write() as session:
        learners = await selected_learners(session, ctx, selection)
        statuses = await aq.enrolment_statuses(session, learners)
        outcomes = []
        for learner in learners:
            reason = deletion_refusal(statuses.get(learner.id, []))  # type: ignore[arg-type]
            if reason:
                outcomes.append(DeleteOutcome(learner, False, reason))
                continue
            await aq.delete_learner(session, learner)
            outcomes.append(DeleteOutcome(learner, True))
        await iq.audit(
            session,
            "USERS_DELETED",
            actor=ctx.viewer.person_id,
            address=ctx.client_address,
            detail=f"{sum(o.deleted for o in outcomes)} deleted",
        )
    ctx.loaders.clear()
    return outcomes


async def move_user(ctx: Context, learner_id: int, cluster_id: int) -> Learner:
    async with ctx.db.write() as session:
        learners = await aq.learners_in_scope(session, [learner_id], admin_paths(ctx, ORG_ADMINS))
        if not learners:
            raise _not_yours("userId")
        learner = learners[0]
        target = await _cluster(session, ctx, cluster_id, ORG_ADMINS)
        source = await iq.unit_by_id(session, learner.cluster_id)
        if source.parent_id != target.parent_id:  # type: ignore[union-attr]
            raise DomainError(
                ErrorCode.INVALID,
                "Users move between clusters of one organisation only.",
                "clusterId",
            )
        if target.id == learner.cluster_id:
            return learner
        limit, used = await aq.lock_cluster_seats(session, target.id)  # type: ignore[arg-type]
        seats.check_can_add(limit, used, 1, "clusterId")
        await aq.move_learner(session, learner, target.id)  # type: ignore[arg-type]
        await iq.audit(
            session,
            "USER_MOVED",
            actor=ctx.viewer.person_id,
            subject=learner.person_id,
            unit=target.id,
            address=ctx.client_address,
        )
    ctx.loaders.clear()
    return learner
