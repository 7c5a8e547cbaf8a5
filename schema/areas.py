"""The area registry: each business area lists its root query, mutation and Node classes once.

Adding a portal means adding its folder in each layer and one entry here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from resolvers.core.viewer import RelationProvider
from resolvers.school.relations import school_relation_facts
from schema.academy.mutations.accreditation import AcademyAccreditationMutations
from schema.academy.mutations.assignment import AcademyAssignmentMutations
from schema.academy.mutations.catalogue import AcademyCatalogueMutations
from schema.academy.mutations.invitations import AcademyInvitationMutations
from schema.academy.mutations.labels import AcademyLabelMutations
from schema.academy.mutations.learning import AcademyLearningMutations
from schema.academy.mutations.mail import AcademyMailMutations
from schema.academy.mutations.reports import AcademyReportMutations
from schema.academy.mutations.seats import AcademySeatMutations
from schema.academy.mutations.users import AcademyUserMutations
from schema.academy.queries import AcademyQueries
from schema.academy.types import ACADEMY_NODE_TYPES
from schema.background.mutations.exports import BackgroundMutations
from schema.background.mutations.messages import MessageMutations, MessageQueries
from schema.background.subscriptions import ProgressQueries, ProgressSubscriptions
from schema.background.types import ExportJobNode, OutboxMailNode
from schema.core.identity import ApiTokenNode, AuditEventNode, PersonNode, RoleAssignmentNode
from schema.core.mutations.access import AccessMutations
from schema.core.mutations.accounts import AccountMutations
from schema.core.org import OrgUnitNode
from schema.institute.mutations.catalogue import InstituteCatalogueMutations
from schema.institute.mutations.enrolment import InstituteEnrolmentMutations
from schema.institute.mutations.invoices import InstituteInvoiceMutations
from schema.institute.mutations.organisation import InstituteOrganisationMutations
from schema.institute.queries import InstituteQueries
from schema.institute.types import INSTITUTE_NODE_TYPES
from schema.meldcode.insight import MeldcodeInsightQueries
from schema.meldcode.mutations.cases import MeldcodeCaseMutations
from schema.meldcode.mutations.setup import MeldcodeSetupMutations
from schema.meldcode.nodes import MELDCODE_TYPES
from schema.meldcode.queries import MeldcodeQueries
from schema.school.mutations.agenda import SchoolAgendaMutations
from schema.school.mutations.attendance import SchoolAttendanceMutations
from schema.school.mutations.consent import SchoolConsentMutations
from schema.school.mutations.corrections import SchoolCorrectionMutations
from schema.school.mutations.pupils import SchoolPupilMutations
from schema.school.mutations.results import SchoolResultMutations
from schema.school.nodes import SCHOOL_TYPES
from schema.school.queries import SchoolQueries


@dataclass(frozen=True)
class Area:
    """One business area's contribution to the schema."""

    name: str
    queries: tuple[type, ...] = ()
    mutations: tuple[type, ...] = ()
    # Subscription fields (graphql-transport-ws), e.g. progress of long work.
    subscriptions: tuple[type, ...] = ()
    # Types reachable only through the Node interface must be listed to appear in the schema.
    node_types: tuple[Any, ...] = ()
    # Relations the area adds to the Viewer (SELF and MEMBER are the core's own).
    relations: tuple[RelationProvider, ...] = ()


AREAS: tuple[Area, ...] = (
    Area(
        "core",
        mutations=(AccountMutations, AccessMutations),
        node_types=(OrgUnitNode, PersonNode, RoleAssignmentNode, ApiTokenNode, AuditEventNode),
    ),
    Area(
        "background",
        queries=(MessageQueries, ProgressQueries),
        mutations=(BackgroundMutations, MessageMutations),
        subscriptions=(ProgressSubscriptions,),
        node_types=(ExportJobNode, OutboxMailNode),
    ),
    Area(
        "academy",
        queries=(AcademyQueries,),
        mutations=(
            AcademyCatalogueMutations,
            AcademyMailMutations,
            AcademyUserMutations,
            AcademySeatMutations,
            AcademyAssignmentMutations,
            AcademyLabelMutations,
            AcademyLearningMutations,
            AcademyAccreditationMutations,
            AcademyReportMutations,
            AcademyInvitationMutations,
        ),
        node_types=tuple(ACADEMY_NODE_TYPES),
    ),
    Area(
        "school",
        queries=(SchoolQueries,),
        mutations=(
            SchoolPupilMutations,
            SchoolConsentMutations,
            SchoolResultMutations,
            SchoolAgendaMutations,
            SchoolAttendanceMutations,
            SchoolCorrectionMutations,
        ),
        node_types=tuple(SCHOOL_TYPES),
        relations=(school_relation_facts,),
    ),
    Area(
        "institute",
        queries=(InstituteQueries,),
        mutations=(
            InstituteCatalogueMutations,
            InstituteEnrolmentMutations,
            InstituteInvoiceMutations,
            InstituteOrganisationMutations,
        ),
        node_types=tuple(INSTITUTE_NODE_TYPES),
    ),
    Area(
        "meldcode",
        queries=(MeldcodeQueries, MeldcodeInsightQueries),
        mutations=(MeldcodeCaseMutations, MeldcodeSetupMutations),
        node_types=tuple(MELDCODE_TYPES),
    ),
)

QUERY_PARTS: tuple[type, ...] = tuple(q for area in AREAS for q in area.queries)
MUTATION_PARTS: tuple[type, ...] = tuple(m for area in AREAS for m in area.mutations)
SUBSCRIPTION_PARTS: tuple[type, ...] = tuple(s for area in AREAS for s in area.subscriptions)
NODE_TYPES: list[Any] = [t for area in AREAS for t in area.node_types]
RELATION_PROVIDERS: tuple[RelationProvider, ...] = tuple(
    p for area in AREAS for p in area.relations
)
