"""The business areas that make up the schema. Adding an area means adding its classes here."""

from __future__ import annotations

from typing import Any

from schema.academy.api import AcademyMutations, AcademyQueries
from schema.academy.types import ACADEMY_NODE_TYPES
from schema.background.mutations.exports import BackgroundMutations
from schema.background.mutations.messages import MessageMutations, MessageQueries
from schema.background.types import ExportJobNode, OutboxMailNode
from schema.core.identity import ApiTokenNode, AuditEventNode, PersonNode, RoleAssignmentNode
from schema.core.mutations.access import AccessMutations
from schema.core.mutations.accounts import AccountMutations
from schema.core.org import OrgUnitNode
from schema.school.api import SCHOOL_NODE_TYPES, SchoolMutations, SchoolQueries

QUERY_PARTS: tuple[type, ...] = (MessageQueries, AcademyQueries, SchoolQueries)
MUTATION_PARTS: tuple[type, ...] = (
    AccountMutations,
    AccessMutations,
    BackgroundMutations,
    MessageMutations,
    AcademyMutations,
    SchoolMutations,
)
# Types reachable only through the Node interface must be listed to appear in the schema.
NODE_TYPES: list[Any] = [
    OrgUnitNode,
    PersonNode,
    RoleAssignmentNode,
    ApiTokenNode,
    AuditEventNode,
    ExportJobNode,
    OutboxMailNode,
    *ACADEMY_NODE_TYPES,
    *SCHOOL_NODE_TYPES,
]
