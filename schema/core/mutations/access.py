"""Roles on units, invitations and API tokens."""

from __future__ import annotations

from typing import Annotated

import strawberry

from domain.core.ids import decode_expected
from domain.core.roles import ALL_ADMINS, Relation
from domain.core.roles import Role as DomainRole
from resolvers.core import access
from schema.core.identity import ApiTokenNode, Language, PersonNode, RoleAssignmentNode
from schema.core.info import Info
from schema.core.payloads import arg, attempt, errors_field
from schema.core.permissions import Role, public, requires
from schema.core.relay import UserError


@strawberry.input(description="Whom to invite by e-mail address, and to which role and unit.")
class InvitePersonInput:
    email: str = strawberry.field(description="Their e-mail address.")
    role: Role = strawberry.field(description="The role to give.")
    unit_id: strawberry.ID = strawberry.field(description="The unit to give it on.")
    given_name: str = strawberry.field(default="", description="Given name, if known.")
    name_prefix: str = strawberry.field(default="", description="Name prefix, if any.")
    family_name: str = strawberry.field(default="", description="Family name, if known.")
    language: Language = strawberry.field(
        default=Language.NL, description="Language of their mails."
    )


@strawberry.type(description="Result of giving a role.")
class RoleAssignmentPayload:
    role_assignment: RoleAssignmentNode | None = public(
        description="The role as given.", default=None
    )
    errors: list[UserError] = errors_field()


@strawberry.type(description="Result of taking a role away.")
class RevokeRolePayload:
    revoked_id: strawberry.ID | None = public(
        description="ID of the removed assignment.", default=None
    )
    errors: list[UserError] = errors_field()


@strawberry.type(description="Result of inviting a person.")
class InvitePersonPayload:
    person: PersonNode | None = public(description="The person invited.", default=None)
    role_assignment: RoleAssignmentNode | None = public(description="The role given.", default=None)
    errors: list[UserError] = errors_field()


@strawberry.type(description="Result of creating an API token.")
class CreateApiTokenPayload:
    token: str | None = public(
        description="The secret for `Authorization: Bearer …`. Shown once only: store it now.",
        default=None,
    )
    api_token: ApiTokenNode | None = public(description="The token's details.", default=None)
    errors: list[UserError] = errors_field()


@strawberry.type(description="Result of revoking an API token.")
class ApiTokenPayload:
    api_token: ApiTokenNode | None = public(description="The token, now revoked.", default=None)
    errors: list[UserError] = errors_field()


@strawberry.type
class AccessMutations:
    @requires(
        ALL_ADMINS,
        on="unitId",
        description="Give a person a role on a unit you administer. Which roles "
        "you may give depends on yours (e.g. a cluster admin gives LEARNER on own cluster).",
    )
    async def assign_role(
        self,
        info: Info,
        person_id: Annotated[strawberry.ID, arg("The person.")],
        role: Annotated[Role, arg("The role to give.")],
        unit_id: Annotated[strawberry.ID, arg("The unit to give it on.")],
    ) -> RoleAssignmentPayload:
        async def work() -> RoleAssignmentPayload:
            row = await access.assign_role(
                info.context,
                decode_expected(person_id, "Person", "personId"),
                DomainRole(role.value),
                decode_expected(unit_id, "OrgUnit", "unitId"),
            )
            return RoleAssignmentPayload(role_assignment=await RoleAssignmentNode.load(info, row))

        return await attempt(RoleAssignmentPayload, work)

    @requires(ALL_ADMINS, on="assignmentId", description="Take a role away again.")
    async def revoke_role(
        self,
        info: Info,
        assignment_id: Annotated[strawberry.ID, arg("The role assignment.")],
    ) -> RevokeRolePayload:
        async def work() -> RevokeRolePayload:
            await access.revoke_role(
                info.context, decode_expected(assignment_id, "RoleAssignment", "assignmentId")
            )
            return RevokeRolePayload(revoked_id=assignment_id)

        return await attempt(RevokeRolePayload, work)

    @requires(
        ALL_ADMINS,
        on="input.unitId",
        description="Give someone a role by e-mail address. Someone new gets an account and an "
        "activation mail with a single-use link (they choose their own password); someone with an "
        "account is told by mail. The answer is the same in both cases. Learners: use addUsers.",
    )
    async def invite_person(
        self,
        info: Info,
        input: Annotated[InvitePersonInput, arg("Whom to invite, and to which role and unit.")],
    ) -> InvitePersonPayload:
        async def work() -> InvitePersonPayload:
            invitation = await access.invite_person(
                info.context,
                input.email,
                DomainRole(input.role.value),
                decode_expected(input.unit_id, "OrgUnit", "unitId"),
                input.given_name,
                input.name_prefix,
                input.family_name,
                str(input.language.value),
            )
            return InvitePersonPayload(
                person=await PersonNode.load(info, invitation.person),
                role_assignment=await RoleAssignmentNode.load(info, invitation.assignment),
            )

        return await attempt(InvitePersonPayload, work)

    @requires(
        (),
        [Relation.SELF],
        on="roleAssignmentId",
        description="Create an API token for one of your role assignments, for admin "
        "scripts. The script gets exactly that role's rights; a token cannot create tokens.",
    )
    async def create_api_token(
        self,
        info: Info,
        role_assignment_id: Annotated[strawberry.ID, arg("One of your role assignments.")],
        name: Annotated[str, arg("What the token is for.")],
        expires_in_days: Annotated[
            int | None, arg("Lifetime in days (1-366); null: until revoked.")
        ] = 90,
    ) -> CreateApiTokenPayload:
        async def work() -> CreateApiTokenPayload:
            new = await access.create_api_token(
                info.context,
                decode_expected(role_assignment_id, "RoleAssignment", "roleAssignmentId"),
                name,
                expires_in_days,
            )
            return CreateApiTokenPayload(
                token=new.secret, api_token=ApiTokenNode.from_row(new.token)
            )

        return await attempt(CreateApiTokenPayload, work)

    @requires(
        (),
        [Relation.SELF],
        on="id",
        description="Revoke one of your API tokens; scripts using it stop at once.",
    )
    async def revoke_api_token(
        self, info: Info, id: Annotated[strawberry.ID, arg("The token's ID.")]
    ) -> ApiTokenPayload:
        async def work() -> ApiTokenPayload:
            row = await access.revoke_api_token(info.context, decode_expected(id, "ApiToken"))
            return ApiTokenPayload(api_token=ApiTokenNode.from_row(row))

        return await attempt(ApiTokenPayload, work)
