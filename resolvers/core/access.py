"""Roles on units, invitations and API tokens: who may grant what, checked on the unit itself."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from domain.core import accounts
from domain.core.emails import normalize_email
from domain.core.errors import DomainError, ErrorCode
from domain.core.hashing import hash_secret, new_secret
from domain.core.orgtree import OrgUnitKind
from domain.core.roles import PERSON_READ, Role, Scope, allows, check_role_on_kind, may_assign
from domain.core.texts import ROLE_NAMES, Text
from persistence.core import people as q
from persistence.core.models import (
    AccessToken,
    Language,
    OrgUnit,
    Person,
    RoleAssignment,
    TokenKind,
)
from persistence.db import UnitOfWork
from persistence.types import utcnow
from resolvers.background.mail import QueuedMail, enqueue, enqueue_many, render
from resolvers.context import Context
from resolvers.core.accounts import new_account
from resolvers.core.tree import not_found


async def _unit_to_assign_on(uow: UnitOfWork, ctx: Context, unit_id: int, role: Role) -> OrgUnit:
    """The unit a role is given on; that the viewer administers it is checked before the
    resolver runs (`@requires(on: "unitId")`), which roles they may give there is the domain's."""
    if role is Role.LEARNER:
        # Learners hold a seat and a learner record: only addUsers/deleteUsers keep those right.
        raise DomainError(
            ErrorCode.INVALID, "Add learners with addUsers (it checks the cluster's seats).", "role"
        )
    unit = await uow.get(OrgUnit, unit_id)
    if unit is None:
        raise not_found("unitId")
    if not may_assign(ctx.viewer, role, unit.path):
        raise DomainError(
            ErrorCode.FORBIDDEN,
            "You may not give the role {role} on this unit.",
            "role",
            role=Text(ROLE_NAMES[role]),  # as people say it: "clusterbeheerder"
        )
    check_role_on_kind(role, OrgUnitKind(unit.kind))
    return unit


async def assign_role(ctx: Context, person_id: int, role: Role, unit_id: int) -> RoleAssignment:
    async with ctx.uow() as uow:
        unit = await _unit_to_assign_on(uow, ctx, unit_id, role)
        person = await uow.get(Person, person_id)
        # Only people you can already see: otherwise a grant would pull anyone into your reach.
        paths = (await q.unit_paths_by_person(uow.session, [person_id]))[0] if person else ()
        if person is None or not allows(
            ctx.viewer, PERSON_READ, Scope(unit_paths=paths, person_id=person_id)
        ):
            raise not_found("personId")
        assignment = await q.assign_role(uow.session, person_id, role, unit.id)  # type: ignore[arg-type]
        await uow.audit("ROLE_GRANTED", subject=person_id, unit=unit.id, detail=role.value)
        await uow.commit()
    return assignment


async def revoke_role(ctx: Context, assignment_id: int) -> int:
    """Take a role away; the assignment's unit is bound by `@requires(on: "assignmentId")`."""
    async with ctx.uow() as uow:
        assignment = await q.assignment_by_id(uow.session, assignment_id)
        unit = await uow.get(OrgUnit, assignment.org_unit_id) if assignment else None
        if assignment is None or unit is None:
            raise not_found("assignmentId")
        if not may_assign(ctx.viewer, assignment.role, unit.path):
            raise DomainError(
                ErrorCode.FORBIDDEN,
                "You may not take the role {role} away on this unit.",
                "assignmentId",
                role=Text(ROLE_NAMES[assignment.role]),
            )
        if assignment.role is Role.LEARNER:
            raise DomainError(
                ErrorCode.INVALID, "Remove learners with deleteUsers.", "assignmentId"
            )
        await uow.audit(
            "ROLE_REVOKED",
            subject=assignment.person_id,
            unit=unit.id,
            detail=assignment.role.value,
        )
        await uow.delete(assignment)
        await uow.commit()
    return assignment_id


@dataclass
class Invitation:
    person: Person
    assignment: RoleAssignment


async def invite_person(
    ctx: Context,
    email: str,
    role: Role,
    unit_id: int,
    given_name: str = "",
    name_prefix: str = "",
    family_name: str = "",
    language: str = "nl",
) -> Invitation:
    """Give someone a role on a unit; someone new gets an account and an activation mail."""
    address = normalize_email(email)
    given = accounts.clean_name(given_name, "givenName")
    prefix = accounts.clean_name(name_prefix, "namePrefix")
    family = accounts.clean_name(family_name, "familyName")
    now = utcnow()
    async with ctx.uow() as uow:
        unit = await _unit_to_assign_on(uow, ctx, unit_id, role)
        person = await q.person_by_email(uow.session, address)
        created = person is None
        if person is None:
            person = await new_account(
                ctx,
                uow,
                address,
                mail={"organisation": unit.name},
                given_name=given,
                name_prefix=prefix,
                family_name=family,
                language=Language(language),
            )
        else:
            await notify_added(ctx, uow.session, person, unit.name, now)
        assignment = await q.assign_role(uow.session, person.id, role, unit.id)  # type: ignore[arg-type]
        await uow.audit(
            "PERSON_INVITED" if created else "ROLE_GRANTED",
            subject=person.id,
            unit=unit.id,
            detail=role.value,
        )
        await uow.commit()
    return Invitation(person=person, assignment=assignment)


async def notify_added(
    ctx: Context, session: Any, person: Person, organisation: str, now: Any
) -> None:
    """Someone with an account is told they were added: nobody gains access to them unseen,
    and the admin's answer is the same as for a new address (no account is disclosed)."""
    mail = render(
        "added_to_unit",
        person.language.value,
        name=person.given_name or person.email,
        organisation=organisation,
        email=person.email,
        link=ctx.settings.frontend_url,
    )
    await enqueue(
        session,
        mail,
        to=person.email,
        person_id=person.id,
        idempotency_key=f"added:{person.id}:{organisation}:{now.isoformat()}",
    )


async def notify_added_many(
    ctx: Context, session: Any, persons: list[Person], organisation: str, now: Any
) -> None:
    """`notify_added` for many people: their mails in one batch."""
    await enqueue_many(
        session,
        [
            QueuedMail(
                render(
                    "added_to_unit",
                    person.language.value,
                    name=person.given_name or person.email,
                    organisation=organisation,
                    email=person.email,
                    link=ctx.settings.frontend_url,
                ),
                to=person.email,
                person_id=person.id,
                idempotency_key=f"added:{person.id}:{organisation}:{now.isoformat()}",
            )
            for person in persons
        ],
    )


@dataclass
class NewApiToken:
    secret: str
    token: AccessToken


async def create_api_token(
    ctx: Context, assignment_id: int, name: str, expires_in_days: int | None
) -> NewApiToken:
    label = " ".join(name.split())
    if not 1 <= len(label) <= 100:
        raise DomainError(ErrorCode.INVALID, "Give the token a name of 1 to 100 characters", "name")
    now = utcnow()
    expires_at = accounts.api_token_expiry(now, expires_in_days)
    async with ctx.uow() as uow:
        assignment = await q.assignment_by_id(uow.session, assignment_id)
        if assignment is None:  # removed since `@requires(on: "roleAssignmentId")` loaded it
            raise not_found("roleAssignmentId")
        secret = new_secret()
        token = uow.add(
            AccessToken(
                kind=TokenKind.API,
                token_hash=hash_secret(secret),
                person_id=assignment.person_id,
                role_assignment_id=assignment.id,
                name=label,
                expires_at=expires_at,
            )
        )
        await uow.flush()
        await uow.audit(
            "API_TOKEN_CREATED",
            unit=assignment.org_unit_id,
            detail=f"{label} ({assignment.role.value})",
        )
        await uow.commit()
    return NewApiToken(secret=secret, token=token)


async def revoke_api_token(ctx: Context, token_id: int) -> AccessToken:
    async with ctx.uow() as uow:
        token = await q.token_by_id(uow.session, token_id)
        if token is None or token.kind != TokenKind.API:
            raise not_found("id")
        if token.revoked_at is None:
            token.revoked_at = utcnow()
            await uow.audit("API_TOKEN_REVOKED", detail=token.name)
        await uow.commit()
    return token
