"""The business areas that make up the schema. Adding an area means adding its classes here."""

from __future__ import annotations

from typing import Any

from schema.mutations.academy import AcademyMutations, AcademyQueries
from schema.mutations.access import AccessMutations
from schema.mutations.accounts import AccountMutations
from schema.mutations.background import BackgroundMutations
from schema.mutations.messages import MessageMutations, MessageQueries
from schema.mutations.school import SCHOOL_NODE_TYPES, SchoolMutations, SchoolQueries
from schema.types.academy import ACADEMY_NODE_TYPES
from schema.types.background import ExportJobNode, OutboxMailNode
from schema.types.identity import (
    ApiTokenNode,
    AuditEventNode,
    PersonNode,
    RoleAssignmentNode,
)
from schema.types.org import OrgUnitNode

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
