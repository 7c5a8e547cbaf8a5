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
from persistence.core import people as q
from persistence.core.models import (
    AccessToken,
    Language,
    OrgUnit,
    Person,
    RoleAssignment,
    TokenKind,
)
from persistence.types import utcnow
from resolvers.background.mail import enqueue, render
from resolvers.context import Context
from resolvers.core.accounts import send_activation


def _not_found(field: str) -> DomainError:
    # Units and people outside your reach are reported exactly like ones that do not exist.
    return DomainError(ErrorCode.NOT_FOUND, "No such object, or you may not see it.", field)


async def _unit_for_assigning(session: Any, ctx: Context, unit_id: int, role: Role) -> OrgUnit:
    if role is Role.LEARNER:
        # Learners hold a seat and a learner record: only addUsers/deleteUsers keep those right.
        raise DomainError(
            ErrorCode.INVALID, "Add learners with addUsers (it checks the cluster's seats).", "role"
        )
    unit = await q.unit_by_id(session, unit_id)
    if unit is None or not may_assign(ctx.viewer, role, unit.path):
        if unit is not None and ctx.viewer.holds_on([g.role for g in ctx.viewer.grants], unit.path):
            raise DomainError(
                ErrorCode.FORBIDDEN, f"You may not give the role {role.value} on this unit.", "role"
            )
        raise _not_found("unitId")
    check_role_on_kind(role, OrgUnitKind(unit.kind))
    return unit


async def assign_role(ctx: Context, person_id: int, role: Role, unit_id: int) -> RoleAssignment:
    async with ctx.db.write() as session:
        unit = await _unit_for_assigning(session, ctx, unit_id, role)
        person = await session.get(Person, person_id)
        # Only people you can already see: otherwise a grant would pull anyone into your reach.
        paths = (await q.unit_paths_by_person(session, [person_id]))[0] if person else ()
        if person is None or not allows(
            ctx.viewer, PERSON_READ, Scope(unit_paths=paths, person_id=person_id)
        ):
            raise _not_found("personId")
        assignment = await q.assign_role(session, person_id, role, unit.id)  # type: ignore[arg-type]
        await q.audit(
            session,
            "ROLE_GRANTED",
            actor=ctx.viewer.person_id,
            subject=person_id,
            unit=unit.id,
            address=ctx.client_address,
            detail=role.value,
        )
    ctx.loaders.clear()
    return assignment


async def revoke_role(ctx: Context, assignment_id: int) -> int:
    async with ctx.db.write() as session:
        assignment = await q.assignment_by_id(session, assignment_id)
        if assignment is None:
            raise _not_found("assignmentId")
        unit = await q.unit_by_id(session, assignment.org_unit_id)
        assert unit is not None
        if not may_assign(ctx.viewer, assignment.role, unit.path):
            raise _not_found("assignmentId")
        if assignment.role is Role.LEARNER:
            raise DomainError(
                ErrorCode.INVALID, "Remove learners with deleteUsers.", "assignmentId"
            )
        await q.audit(
            session,
            "ROLE_REVOKED",
            actor=ctx.viewer.person_id,
            subject=assignment.person_id,
            unit=unit.id,
            address=ctx.client_address,
            detail=assignment.role.value,
        )
        await q.delete_row(session, assignment)
    ctx.loaders.clear()
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
    async with ctx.db.write() as session:
        unit = await _unit_for_assigning(session, ctx, unit_id, role)
        person = await q.person_by_email(session, address)
        created = person is None
        if person is None:
            person = await q.add(
                session,
                Person(
                    email=address,
                    given_name=given,
                    name_prefix=prefix,
                    family_name=family,
                    language=Language(language),
                ),
            )
            await send_activation(ctx, session, person, organisation=unit.name)
        else:
            await notify_added(ctx, session, person, unit.name, now)
        assignment = await q.assign_role(session, person.id, role, unit.id)  # type: ignore[arg-type]
        await q.audit(
            session,
            "PERSON_INVITED" if created else "ROLE_GRANTED",
            actor=ctx.viewer.person_id,
            subject=person.id,
            unit=unit.id,
            address=ctx.client_address,
            detail=role.value,
        )
    ctx.loaders.clear()
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
        link=ctx.settings.public_url,
    )
    await enqueue(
        session,
        mail,
        to=person.email,
        person_id=person.id,
        idempotency_key=f"added:{person.id}:{organisation}:{now.isoformat()}",
    )


@dataclass
class NewApiToken:
    secret: str
    token: AccessToken


async def create_api_token(
    ctx: Context, assignment_id: int, name: str, expires_in_days: int | None
) -> NewApiToken:
    if ctx.viewer.token_scoped:
        raise DomainError(ErrorCode.FORBIDDEN, "An API token cannot create API tokens.")
    label = " ".join(name.split())
    if not 1 <= len(label) <= 100:
        raise DomainError(ErrorCode.INVALID, "Give the token a name of 1 to 100 characters", "name")
    now = utcnow()
    expires_at = accounts.api_token_expiry(now, expires_in_days)
    async with ctx.db.write() as session:
        assignment = await q.assignment_by_id(session, assignment_id)
        if assignment is None or assignment.person_id != ctx.viewer.person_id:
            raise _not_found("roleAssignmentId")
        secret = new_secret()
        token = await q.add(
            session,
            AccessToken(
                kind=TokenKind.API,
                token_hash=hash_secret(secret),
                person_id=assignment.person_id,
                role_assignment_id=assignment.id,
                name=label,
                expires_at=expires_at,
            ),
        )
        await q.audit(
            session,
            "API_TOKEN_CREATED",
            actor=ctx.viewer.person_id,
            unit=assignment.org_unit_id,
            address=ctx.client_address,
            detail=f"{label} ({assignment.role.value})",
        )
    return NewApiToken(secret=secret, token=token)


async def revoke_api_token(ctx: Context, token_id: int) -> AccessToken:
    if ctx.viewer.token_scoped:
        raise DomainError(ErrorCode.FORBIDDEN, "An API token cannot revoke API tokens.")
    async with ctx.db.write() as session:
        token = await q.token_by_id(session, token_id)
        if token is None or token.kind != TokenKind.API or token.person_id != ctx.viewer.person_id:
            raise _not_found("id")
        if token.revoked_at is None:
            token.revoked_at = utcnow()
            await q.audit(
                session,
                "API_TOKEN_REVOKED",
                actor=ctx.viewer.person_id,
                address=ctx.client_address,
                detail=token.name,
            )
    return token
