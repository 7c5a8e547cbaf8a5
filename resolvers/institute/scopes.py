"""Where institute objects live, for permission checks, and who may read them.

- A public event is open to every logged-in person (its scope is about the viewer: SELF) and
  to the institute's staff; a maatwerk event (bought by one organisation) lives in that
  organisation's unit: its people (MEMBER, also while acting as themselves) and staff only.
- An enrolment or invoice lives in the organisation that is invoiced, or — invoiced to the
  person — in the institute, and is about the person (SELF). Acting roles (CLIENT_ORG_ADMIN,
  CONTACT) count only while acting for that organisation.
"""

from __future__ import annotations

from collections.abc import Sequence

from domain.core.roles import Relation, Requirement, Role, Scope, Viewer
from persistence.core.models import OrgUnit
from persistence.institute.models import CourseEvent, InstituteEnrolment, Invoice

STAFF: tuple[Role, ...] = (Role.PLATFORM_ADMIN, Role.INSTITUTE_STAFF)
ORG_PEOPLE: tuple[Role, ...] = (Role.CLIENT_ORG_ADMIN, Role.CONTACT)
ORG_ADMINS: tuple[Role, ...] = (Role.CLIENT_ORG_ADMIN,)

EVENT_READ = Requirement.of(STAFF, [Relation.SELF, Relation.MEMBER])
CATALOGUE_READ = EVENT_READ
# The organisation's enrolments and invoices: its admins and contacts while acting for it.
ENROLMENT_READ = Requirement.of((*STAFF, *ORG_PEOPLE), [Relation.SELF])
INVOICE_READ = ENROLMENT_READ
ORGANISATION_READ = Requirement.of((*STAFF, *ORG_PEOPLE))
# Who may enrol on an event: whoever may see it, except staff (they do not enrol themselves).
ENROLLER = Requirement.of((), [Relation.SELF, Relation.MEMBER])


def event_scope(
    event: CourseEvent, institute: OrgUnit, org: OrgUnit | None, viewer: Viewer
) -> Scope:
    if event.for_org_unit_id is not None and org is not None:
        return Scope(unit_paths=(org.path,))
    return Scope(unit_paths=(institute.path,), person_id=viewer.person_id)


def enrolment_scope(enrolment: InstituteEnrolment, unit: OrgUnit) -> Scope:
    """`unit`: the invoiced organisation, or the institute when the person is invoiced."""
    return Scope(unit_paths=(unit.path,), person_id=enrolment.person_id)


def invoice_scope(invoice: Invoice, unit: OrgUnit) -> Scope:
    return Scope(unit_paths=(unit.path,), person_id=invoice.debtor_person_id)


def enrolment_unit_id(enrolment: InstituteEnrolment) -> int:
    return enrolment.invoice_org_unit_id or enrolment.institute_id


def invoice_unit_id(invoice: Invoice) -> int:
    return invoice.debtor_org_unit_id or invoice.institute_id


def visible_event_filter(viewer: Viewer) -> tuple[list[int] | None, list[int]]:
    """(organisations whose maatwerk the viewer sees, institutes whose every event they see);
    None for a platform admin, who sees every event. The same grants `EVENT_READ` decides on,
    so a list never shows what `node` would refuse, and needs no query."""
    if viewer.holds_anywhere([Role.PLATFORM_ADMIN]):
        return None, []
    orgs = sorted({g.unit_id for g in viewer.grants if g.role in ORG_PEOPLE})
    institutes = sorted(
        {g.unit_id for g in viewer.effective_grants if g.role is Role.INSTITUTE_STAFF}
    )
    return orgs, institutes


def staff_institutes(viewer: Viewer) -> Sequence[int]:
    return sorted({g.unit_id for g in viewer.effective_grants if g.role is Role.INSTITUTE_STAFF})
