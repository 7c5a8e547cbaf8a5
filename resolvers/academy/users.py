"""Adding users by e-mail address, hiding, deleting and moving them between clusters."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import Enum

from domain.academy import seats
from domain.academy.enrolments import deletion_refusal
from domain.core.orgtree import OrgUnitKind
from domain.core.roles import Role
from domain.core.texts import N_, Text
from persistence.academy import queries as aq
from persistence.academy.models import Learner, pk
from persistence.batching import insert_many
from persistence.core import people as iq
from persistence.core.models import OrgUnit, Person
from persistence.db import UnitOfWork
from persistence.types import utcnow
from resolvers.academy.selection import Selection, academy_of, selected_learners
from resolvers.context import Context
from resolvers.core.access import notify_added_many
from resolvers.core.accounts import new_accounts
from resolvers.core.tree import not_found, unit_of_kind


class AddOutcome(str, Enum):
    ADDED = "ADDED"
    ALREADY_PRESENT = "ALREADY_PRESENT"
    IN_OTHER_CLUSTER = "IN_OTHER_CLUSTER"
    INVALID = "INVALID"
    DUPLICATE = "DUPLICATE"


@dataclass
class AddResult:
    entry: str
    outcome: AddOutcome
    message: Text  # translated where it is shown
    learner: Learner | None = None


@dataclass
class AddUsersResult:
    results: list[AddResult]
    seats_left: int
    duplicates: int


async def add_users(ctx: Context, cluster_id: int, emails: list[str]) -> AddUsersResult:
    """One address per line; all or nothing: within the seat limit, or nothing is added.

    The answer has a row per pasted entry, in the order pasted.
    """
    pasted = seats.parse_pasted_emails("\n".join(emails))
    now = utcnow()
    async with ctx.uow() as uow:
        cluster = await unit_of_kind(uow, cluster_id, OrgUnitKind.CLUSTER, "clusterId")
        assert cluster.id is not None
        academy = await academy_of(uow, cluster)
        limit, used = await aq.lock_cluster_seats(uow.session, cluster.id)
        people = await aq.persons_by_emails(uow.session, pasted.valid)
        existing = await aq.learners_of_persons_in_academy(
            uow.session, [p.id for p in people.values() if p.id is not None], academy.path
        )
        found: dict[str, AddResult] = {}
        to_add: list[str] = []
        for email in pasted.valid:
            person = people.get(email)
            learner = existing.get(person.id) if person and person.id else None
            if learner and learner.cluster_id == cluster.id:
                found[email] = AddResult(
                    email,
                    AddOutcome.ALREADY_PRESENT,
                    Text(N_("Already a user of this cluster.")),
                    learner,
                )
            elif learner:
                found[email] = AddResult(
                    email,
                    AddOutcome.IN_OTHER_CLUSTER,
                    Text(
                        N_(
                            "Already a user of another cluster of this organisation; "
                            "an organisation admin can move them."
                        )
                    ),
                )
            else:
                to_add.append(email)
        seats.check_can_add(limit, used, len(to_add))
        added = await _add_learners(ctx, uow, to_add, people, cluster, academy, now)
        for email in to_add:
            found[email] = AddResult(
                email,
                AddOutcome.ADDED,
                # The same answer for new and existing accounts: adding never discloses who has one.
                Text(N_("Added; they have been sent a mail.")),
                added[email],
            )
        await uow.audit("USERS_ADDED", unit=cluster.id, detail=f"{len(to_add)} added")
        await uow.commit()
    return AddUsersResult(
        results=[_row(entry, found) for entry in pasted.entries],
        seats_left=limit - used - len(to_add),
        duplicates=pasted.duplicates,
    )


async def _add_learners(
    ctx: Context,
    uow: UnitOfWork,
    emails: list[str],
    people: dict[str, Person],
    cluster: OrgUnit,
    academy: OrgUnit,
    now: datetime,
) -> dict[str, Learner]:
    """A new person gets an activation link, someone with an account a notice.

    In batches (persons, links, mails, learners, roles), so a thousand pasted addresses cost a
    few statements each batch rather than several round trips per address.
    """
    assert cluster.id is not None
    new = [e for e in emails if e not in people]
    known = [people[e] for e in emails if e in people]
    created = await new_accounts(ctx, uow, new, mail={"organisation": academy.name}) if new else []
    if known:
        await notify_added_many(ctx, uow.session, known, academy.name, now)
    person_of = {**{p.email: p for p in known}, **dict(zip(new, created, strict=True))}
    rows = await insert_many(
        uow.session,
        Learner(person_id=0, cluster_id=cluster.id, added_at=now),
        [{"person_id": pk(person_of[email])} for email in emails],
        key="person_id",
    )
    learners = dict(zip(emails, rows, strict=True))
    await iq.assign_roles(
        uow.session, [pk(p) for p in person_of.values()], Role.LEARNER, cluster.id
    )
    return learners


def _row(entry: seats.PastedEntry, found: dict[str, AddResult]) -> AddResult:
    """What happened to one pasted entry, which it names as pasted."""
    if entry.email is None:
        return AddResult(entry.entry, AddOutcome.INVALID, entry.reason or Text(""))
    if entry.duplicate_of is not None:
        return AddResult(
            entry.entry,
            AddOutcome.DUPLICATE,
            Text(
                N_("The same address as on line {line}; counted once."),
                {"line": entry.duplicate_of},
            ),
        )
    result = found[entry.email]
    return AddResult(entry.entry, result.outcome, result.message, result.learner)


async def set_hidden(ctx: Context, selection: Selection, hidden: bool) -> list[Learner]:
    now = utcnow()
    async with ctx.uow() as uow:
        learners = await selected_learners(uow, ctx, selection)
        for learner in learners:
            learner.hidden_at = now if hidden else None
        await uow.commit()
    return learners


@dataclass
class DeleteOutcome:
    learner: Learner
    deleted: bool
    reason: str | None = None


async def delete_users(ctx: Context, selection: Selection) -> list[DeleteOutcome]:
    """Only users who started no training; the others are reported with the reason."""
    async with ctx.uow() as uow:
        learners = await selected_learners(uow, ctx, selection)
        statuses = await aq.enrolment_statuses(uow.session, learners)
        outcomes = []
        for learner in learners:
            reason = deletion_refusal(statuses.get(learner.id or 0, []))
            if reason:
                outcomes.append(DeleteOutcome(learner, False, reason))
                continue
            await aq.delete_learner(uow.session, learner)
            outcomes.append(DeleteOutcome(learner, True))
        await uow.audit("USERS_DELETED", detail=f"{sum(o.deleted for o in outcomes)} deleted")
        await uow.commit()
    return outcomes


async def move_user(ctx: Context, learner_id: int, cluster_id: int) -> Learner:
    """Who may move the user was decided before (`@requires(on: "userId")`): an organisation
    admin's role is held on the academy, so every cluster of the user's organisation is theirs."""
    async with ctx.uow() as uow:
        learner = await uow.get(Learner, learner_id)
        if learner is None:
            raise not_found("userId")
        target = await unit_of_kind(uow, cluster_id, OrgUnitKind.CLUSTER, "clusterId")
        assert target.id is not None
        source = await uow.get(OrgUnit, learner.cluster_id)
        if source is None or source.parent_id != target.parent_id:
            # A cluster of another organisation is outside the reach the user gave: as missing.
            raise not_found("clusterId")
        if target.id == learner.cluster_id:
            return learner
        limit, used = await aq.lock_cluster_seats(uow.session, target.id)
        seats.check_can_add(limit, used, 1, "clusterId")
        await aq.move_learner(uow.session, learner, target.id)
        await uow.audit("USER_MOVED", subject=learner.person_id, unit=target.id)
        await uow.commit()
    return learner
