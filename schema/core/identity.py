"""People, their roles, the viewer, API tokens and the audit log."""

from __future__ import annotations

from datetime import datetime
from enum import Enum
from typing import Any

import strawberry

from domain.core.ids import encode_global_id
from domain.core.roles import ADMIN_ROLES, ALL_ADMINS, Relation, Requirement, Scope
from domain.core.roles import PERSON_READ as DOMAIN_PERSON_READ
from domain.core.roles import Role as DomainRole
from domain.core.texts import ROLE_NAMES
from persistence.core.models import AccessToken
from persistence.core.models import AuditEvent as AuditRow
from persistence.core.models import Person as PersonRow
from persistence.core.models import RoleAssignment as AssignmentRow
from resolvers.core import people as resolve
from resolvers.core.i18n import translate
from resolvers.core.loader_group import referenced
from schema.background.types import ExportJobNode
from schema.core.info import Info
from schema.core.node import plain, register_node
from schema.core.org import OrgUnitNode
from schema.core.permissions import Role, authenticated, requires
from schema.core.relay import Node

PERSON_READ = DOMAIN_PERSON_READ
ASSIGNMENT_READ = Requirement.of(ALL_ADMINS, [Relation.SELF])
TOKEN_READ = Requirement.of((), [Relation.SELF])
AUDIT_READ = Requirement.of([DomainRole.PLATFORM_ADMIN])


@strawberry.enum(description="Language of the interface and of mails.")
class Language(Enum):
    NL = strawberry.enum_value("nl", description="Dutch (default).")
    EN = strawberry.enum_value("en", description="English.")


def _p(description: str) -> Any:
    return requires(PERSON_READ.roles, PERSON_READ.relations, description=description)


@strawberry.type(
    name="Person",
    description="Someone with an account: a learner, contact, "
    "guardian, pupil or member of staff. One account per e-mail address.",
)
class PersonNode(Node):
    row: strawberry.Private[PersonRow]
    scope: strawberry.Private[Scope]
    READ = PERSON_READ

    @classmethod
    async def load(cls, info: Info, row: PersonRow) -> PersonNode:
        return await cls.build(info.context, row)

    @classmethod
    async def build(cls, ctx: Any, row: PersonRow) -> PersonNode:
        return cls.of(row, await ctx.loaders.unit_paths_by_person.load(row.id))

    @classmethod
    def of(cls, row: PersonRow, unit_paths: tuple[str, ...]) -> PersonNode:
        """The person with the paths of the units they hold roles on (their scope)."""
        return cls(
            id=strawberry.ID(encode_global_id("Person", row.id)),  # type: ignore[arg-type]
            row=row,
            scope=Scope(unit_paths=unit_paths, person_id=row.id),
        )

    @_p("E-mail address; also the login name.")
    def email(self) -> str:
        return self.row.email

    @_p("Given name.")
    def given_name(self) -> str:
        return self.row.given_name

    @_p("Name prefix (tussenvoegsel), e.g. 'van der'.")
    def name_prefix(self) -> str:
        return self.row.name_prefix

    @_p("Family name.")
    def family_name(self) -> str:
        return self.row.family_name

    @_p("Full name for display; the e-mail address while no name is known.")
    def display_name(self) -> str:
        return self.row.display_name

    @_p("Preferred language for the interface and mails.")
    def language(self) -> Language:
        return Language(self.row.language.value)

    @_p("Whether the person completed their profile (name) after first login.")
    def profile_completed(self) -> bool:
        return self.row.profile_completed

    @_p("Whether the person has chosen a password (activated their account).")
    def activated(self) -> bool:
        return self.row.password_hash is not None

    @_p("Phone number, if known.")
    def phone(self) -> str | None:
        return self.row.phone

    @_p("Roles the person holds, limited to those you may see.")
    async def role_assignments(self, info: Info) -> list[RoleAssignmentNode]:
        assert self.row.id is not None
        rows = await info.context.loaders.assignments_by_person.load(self.row.id)
        return await RoleAssignmentNode.visible(info, rows)

    @_p("When the account was created (ISO 8601, UTC).")
    def created_at(self) -> datetime:
        return self.row.created_at


def _a(description: str) -> Any:
    return requires(ASSIGNMENT_READ.roles, ASSIGNMENT_READ.relations, description=description)


@strawberry.type(
    name="RoleAssignment",
    description="A role held by a person on a unit; it holds on every unit below that one too.",
)
class RoleAssignmentNode(Node):
    row: strawberry.Private[AssignmentRow]
    scope: strawberry.Private[Scope]
    READ = ASSIGNMENT_READ

    @classmethod
    async def load(cls, info: Info, row: AssignmentRow) -> RoleAssignmentNode:
        return await cls.build(info.context, row)

    @classmethod
    async def build(cls, ctx: Any, row: AssignmentRow) -> RoleAssignmentNode:
        unit = await ctx.loaders.unit_by_id.load(row.org_unit_id)
        return cls(
            id=strawberry.ID(encode_global_id("RoleAssignment", row.id)),  # type: ignore[arg-type]
            row=row,
            scope=Scope(unit_paths=(unit.path,), person_id=row.person_id),
        )

    @classmethod
    async def visible(cls, info: Info, rows: list[AssignmentRow]) -> list[RoleAssignmentNode]:
        import asyncio

        nodes = await asyncio.gather(*(cls.load(info, row) for row in rows))
        return [n for n in nodes if info.context.allows(cls.READ, n.scope)]

    @_a("The role.")
    def role(self) -> Role:
        return Role(self.row.role.value)

    @_a("The role as people say it, in the viewer's language: 'clusterbeheerder'.")
    def role_name(self) -> str:
        return translate(ROLE_NAMES[self.row.role])

    @_a("Whether this role administers its unit (and may appear in `administeredUnits`).")
    def is_admin_role(self) -> bool:
        return self.row.role in ADMIN_ROLES

    @_a("The unit the role is held on.")
    async def unit(self, info: Info) -> OrgUnitNode:
        return OrgUnitNode.from_row(
            await referenced(info.context.loaders.unit_by_id, self.row.org_unit_id)
        )

    @_a("The person holding the role.")
    async def person(self, info: Info) -> PersonNode:
        row = await referenced(info.context.loaders.person_by_id, self.row.person_id)
        return await PersonNode.load(info, row)

    @_a("When the role was given (ISO 8601, UTC).")
    def created_at(self) -> datetime:
        return self.row.created_at


def _t(description: str) -> Any:
    return requires(TOKEN_READ.roles, TOKEN_READ.relations, description=description)


@strawberry.type(
    name="ApiToken",
    description="A token for admin scripts, bound to one of your "
    "role assignments: a script using it has exactly that role's rights.",
)
class ApiTokenNode(Node):
    row: strawberry.Private[AccessToken]
    scope: strawberry.Private[Scope]
    READ = TOKEN_READ

    @classmethod
    def from_row(cls, row: AccessToken) -> ApiTokenNode:
        return cls(
            id=strawberry.ID(encode_global_id("ApiToken", row.id)),  # type: ignore[arg-type]
            row=row,
            scope=Scope(person_id=row.person_id),
        )

    @_t("Your name for the token (e.g. the script that uses it).")
    def name(self) -> str:
        return self.row.name

    @_t("The role assignment whose rights the token carries.")
    async def role_assignment(self, info: Info) -> RoleAssignmentNode | None:
        row = await resolve.assignment(info.context, self.row.role_assignment_id)
        return await RoleAssignmentNode.load(info, row) if row else None

    @_t("When it was created (ISO 8601, UTC).")
    def created_at(self) -> datetime:
        return self.row.created_at

    @_t("When it stops working; null for never.")
    def expires_at(self) -> datetime | None:
        return self.row.expires_at

    @_t("When a request last used it (to the minute); null if never.")
    def last_used_at(self) -> datetime | None:
        return self.row.last_used_at

    @_t("When it was revoked; null while it works.")
    def revoked_at(self) -> datetime | None:
        return self.row.revoked_at


def _audit(description: str) -> Any:
    return requires(AUDIT_READ.roles, description=description)


@strawberry.type(
    name="AuditEvent",
    description="A security event: logins, failed logins, "
    "resets, token creation, role changes. Append-only.",
)
class AuditEventNode(Node):
    row: strawberry.Private[AuditRow]
    scope: strawberry.Private[Scope | None]
    READ = AUDIT_READ

    @classmethod
    def from_row(cls, row: AuditRow) -> AuditEventNode:
        return cls(id=strawberry.ID(encode_global_id("AuditEvent", row.id)), row=row, scope=None)  # type: ignore[arg-type]

    @_audit("When it happened (ISO 8601, UTC).")
    def at(self) -> datetime:
        return self.row.at

    @_audit("What happened, e.g. LOGIN, LOGIN_FAILED, PASSWORD_RESET, ROLE_GRANTED.")
    def kind(self) -> str:
        return self.row.kind

    @_audit("Global ID of the person who did it, if known.")
    def actor_id(self) -> strawberry.ID | None:
        pid = self.row.actor_person_id
        return strawberry.ID(encode_global_id("Person", pid)) if pid else None

    @_audit("Global ID of the person it concerned, if any.")
    def subject_id(self) -> strawberry.ID | None:
        pid = self.row.subject_person_id
        return strawberry.ID(encode_global_id("Person", pid)) if pid else None

    @_audit("Global ID of the unit it concerned, if any.")
    def unit_id(self) -> strawberry.ID | None:
        uid = self.row.org_unit_id
        return strawberry.ID(encode_global_id("OrgUnit", uid)) if uid else None

    @_audit("Client address of the request.")
    def client_address(self) -> str | None:
        return self.row.client_address

    @_audit("Further detail (never a password or token).")
    def detail(self) -> str:
        return self.row.detail


@strawberry.type(description="You: the logged-in person, your roles and whom you act for.")
class Viewer:
    person_row: strawberry.Private[PersonRow]

    @authenticated(description="Your own person record.")
    async def person(self, info: Info) -> PersonNode:
        return await PersonNode.load(info, self.person_row)

    @authenticated(
        description="Your roles, with the units they are held on. With an API token: "
        "only the token's role."
    )
    async def role_assignments(self, info: Info) -> list[RoleAssignmentNode]:
        rows = await resolve.viewer_assignments(info.context)
        return await RoleAssignmentNode.visible(info, rows)

    @authenticated(
        description="Units you administer (roles like cluster admin or school "
        "administration); everything below them is yours to manage."
    )
    async def administered_units(self, info: Info) -> list[OrgUnitNode]:
        return [OrgUnitNode.from_row(u) for u in await resolve.administered_units(info.context)]

    @authenticated(
        description="The organisation you act for (institute portal's 'organisatie "
        "kiezen'); null when you act as yourself. It decides who is invoiced."
    )
    async def acting_for(self, info: Info) -> OrgUnitNode | None:
        unit = await resolve.acting_for(info.context)
        return OrgUnitNode.from_row(unit) if unit else None

    @authenticated(description="Organisations you may act for.")
    async def can_act_for(self, info: Info) -> list[OrgUnitNode]:
        return [OrgUnitNode.from_row(u) for u in await resolve.can_act_for(info.context)]

    @authenticated(description="Whether this request uses an API token (rights of one role only).")
    def via_api_token(self, info: Info) -> bool:
        return info.context.viewer.token_scoped

    @authenticated(description="Your API tokens, newest last (secrets are never shown again).")
    async def api_tokens(self, info: Info) -> list[ApiTokenNode]:
        return [ApiTokenNode.from_row(t) for t in await resolve.api_tokens(info.context)]

    @authenticated(description="Exports you asked for, newest first (at most 50).")
    async def exports(self, info: Info) -> list[ExportJobNode]:
        from resolvers.background.queries import my_exports

        return [ExportJobNode.from_row(row) for row in await my_exports(info.context)]


register_node("Person", PersonNode.build, lambda ctx: ctx.loaders.person_by_id)
register_node("RoleAssignment", RoleAssignmentNode.build, lambda ctx: ctx.loaders.assignment_by_id)
register_node("ApiToken", plain(ApiTokenNode.from_row), lambda ctx: ctx.loaders.api_token_by_id)
register_node(
    "AuditEvent", plain(AuditEventNode.from_row), lambda ctx: ctx.loaders.audit_event_by_id
)
