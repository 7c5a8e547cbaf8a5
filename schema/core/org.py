"""The organisation tree in GraphQL."""

from __future__ import annotations

from datetime import datetime
from enum import Enum
from typing import Annotated

import strawberry

from domain.core.ids import encode_global_id
from domain.core.orgtree import OrgUnitKind as DomainKind
from domain.core.roles import EVERY_ROLE, STAFF_ROLES, Relation, Requirement, Scope
from persistence.core.models import OrgUnit as OrgUnitRow
from resolvers.core import tree as resolve
from schema.core.info import Info
from schema.core.node import plain, register_node
from schema.core.pagination import AFTER, BEFORE, FIRST, LAST, page_request, to_connection
from schema.core.permissions import requires
from schema.core.relay import Connection, Node


@strawberry.enum(description="What a unit of the organisation tree is.")
class OrgUnitKind(Enum):
    PLATFORM = strawberry.enum_value("PLATFORM", description="The platform root.")
    ACADEMY = strawberry.enum_value("ACADEMY", description="E-learning academy organisation.")
    CLUSTER = strawberry.enum_value("CLUSTER", description="Cluster of an academy organisation.")
    INSTITUTE = strawberry.enum_value("INSTITUTE", description="Training institute.")
    CLIENT_ORGANISATION = strawberry.enum_value(
        "CLIENT_ORGANISATION", description="Client organisation of an institute."
    )
    SCHOOL_BOARD = strawberry.enum_value("SCHOOL_BOARD", description="School board (bestuur).")
    SCHOOL = strawberry.enum_value("SCHOOL", description="School.")
    LOCATION = strawberry.enum_value("LOCATION", description="Location of a school (vestiging).")
    CLASS = strawberry.enum_value("CLASS", description="Class (klas).")


UNIT_READERS = Requirement.of(EVERY_ROLE, [Relation.MEMBER])
UNIT_STAFF = Requirement.of(STAFF_ROLES)

KINDS = strawberry.argument(description="Only units of these kinds; null for all kinds.")


def _kinds(kinds: list[OrgUnitKind] | None) -> tuple[DomainKind, ...] | None:
    return tuple(DomainKind(k.value) for k in kinds) if kinds else None


@strawberry.type(
    name="OrgUnit",
    description="A unit of the organisation tree: an academy, cluster, institute, client "
    "organisation, school board, school, location or class. Roles held on a unit hold below it.",
)
class OrgUnitNode(Node):
    row: strawberry.Private[OrgUnitRow]
    scope: strawberry.Private[Scope]
    READ = UNIT_READERS

    @classmethod
    def from_row(cls, row: OrgUnitRow) -> OrgUnitNode:
        assert row.id is not None
        return cls(
            id=strawberry.ID(encode_global_id("OrgUnit", row.id)),
            row=row,
            # A class's scope names the class, so its MENTOR relation can match.
            scope=Scope(
                unit_paths=(row.path,),
                class_unit_id=row.id if row.kind is DomainKind.CLASS else None,
            ),
        )

    @requires(UNIT_READERS.roles, UNIT_READERS.relations, description="What the unit is.")
    def kind(self) -> OrgUnitKind:
        return OrgUnitKind(self.row.kind.value)

    @requires(UNIT_READERS.roles, UNIT_READERS.relations, description="Name of the unit.")
    def name(self) -> str:
        return self.row.name

    @requires(
        UNIT_READERS.roles,
        UNIT_READERS.relations,
        description="The organisation's own code for the unit (e.g. BRIN or client number).",
    )
    def code(self) -> str | None:
        return self.row.code

    @requires(UNIT_READERS.roles, UNIT_READERS.relations, description="Levels below the root.")
    def depth(self) -> int:
        return self.row.depth

    @requires(
        UNIT_READERS.roles, UNIT_READERS.relations, description="The unit above; null at the root."
    )
    async def parent(self, info: Info) -> OrgUnitNode | None:
        row = await resolve.parent(info.context, self.row)
        return OrgUnitNode.from_row(row) if row else None

    @requires(
        UNIT_READERS.roles, UNIT_READERS.relations, description="Units above this one, root first."
    )
    async def ancestors(self, info: Info) -> list[OrgUnitNode]:
        return [OrgUnitNode.from_row(u) for u in await resolve.ancestors(info.context, self.row)]

    @requires(UNIT_STAFF.roles, description="Units directly below, ordered by name.")
    async def children(
        self,
        info: Info,
        kinds: Annotated[list[OrgUnitKind] | None, KINDS] = None,
        first: Annotated[int | None, FIRST] = None,
        after: Annotated[str | None, AFTER] = None,
        last: Annotated[int | None, LAST] = None,
        before: Annotated[str | None, BEFORE] = None,
    ) -> Connection[OrgUnitNode] | None:
        page = await resolve.children(
            info.context, self.row, page_request(first, after, last, before), _kinds(kinds)
        )
        return to_connection(page, OrgUnitNode.from_row)

    @requires(UNIT_STAFF.roles, description="All units below, in tree order.")
    async def descendants(
        self,
        info: Info,
        kinds: Annotated[list[OrgUnitKind] | None, KINDS] = None,
        search: Annotated[
            str | None, strawberry.argument(description="Part of the name; null for all.")
        ] = None,
        first: Annotated[int | None, FIRST] = None,
        after: Annotated[str | None, AFTER] = None,
        last: Annotated[int | None, LAST] = None,
        before: Annotated[str | None, BEFORE] = None,
    ) -> Connection[OrgUnitNode] | None:
        page = await resolve.descendants(
            info.context, self.row, page_request(first, after, last, before), _kinds(kinds), search
        )
        return to_connection(page, OrgUnitNode.from_row)

    @requires(UNIT_STAFF.roles, description="When the unit was created (ISO 8601, UTC).")
    def created_at(self) -> datetime | None:
        return self.row.created_at


register_node("OrgUnit", plain(OrgUnitNode.from_row), lambda ctx: ctx.loaders.unit_by_id)
