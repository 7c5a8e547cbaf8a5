"""School parent portal: the viewer's school relations, access to a pupil, and consent.

Family reads (guardians and the pupil) and staff reads share one code path; what differs is
decided here from the viewer and the pupil's scope: hidden exam results are dropped before
anything is computed from them, so neither a list nor an average can give them away.

The area's other resolvers: `school_pupils` (pupils, guardians, mentors, locations),
`school_results` (subjects, tests, grades), `school_attendance` and `school_agenda` (timetable,
homework, calendar feeds).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from typing import TypeVar

from domain.core.errors import DomainError, ErrorCode
from domain.core.orgtree import path_ids
from domain.core.roles import SCHOOL_ADMINS, Relation, Requirement, Scope, Viewer, allows
from domain.school.consent import check_may_set_consent, guardian_access, needs_consent
from domain.school.grades import SchoolYear, school_year_of
from domain.school.timetable import local_date, to_utc
from persistence.core.models import OrgUnit, Person
from persistence.db import UnitOfWork
from persistence.school import queries as q
from persistence.school.models import (
    GuardianConsent,
    GuardianConsentChange,
    GuardianLink,
    Pupil,
    pk,
)
from persistence.types import utcnow
from resolvers.context import Context
from resolvers.core.loader_group import referenced
from resolvers.core.tree import not_found

T = TypeVar("T")


def today() -> date:
    """The request's date on the Amsterdam calendar: ages, school years and weeks use it."""
    return local_date(utcnow())


# --- the viewer's relations -----------------------------------------------------------------------


def allowed_pupils(links: list[tuple[int, date, bool, int]], on: date) -> frozenset[int]:
    """Pupils a guardian sees today: every linked minor, and adults who gave this guardian consent
    (the links are those as legal representative: no other link grants anything)."""
    return frozenset(
        pid for pid, dob, given, _class in links if guardian_access(dob, on, given).allowed
    )


@dataclass(frozen=True)
class SchoolRelations:
    """The viewer's school relations, computed once per request."""

    guardian_of: frozenset[int]  # pupils the viewer sees as legal representative today
    timetables: frozenset[int]  # the classes of those pupils (their lessons open by ID)
    mentor_of: frozenset[int]  # classes mentored
    teaches: frozenset[int]  # classes with a lesson the viewer teaches this school year


def school_year_bounds(on: date) -> tuple[datetime, datetime]:
    """The UTC instants the school year of `on` starts and ends (1 August, Amsterdam)."""
    year = school_year_of(on)
    return to_utc(year.first_day, time(0)), to_utc(
        SchoolYear(year.start_year + 1).first_day, time(0)
    )


async def school_relations(ctx: Context, person_id: int) -> SchoolRelations:
    """The person's school relations, for the Viewer.

    Consent is applied here on today's date, so a birthday or a withdrawal takes effect on the
    very next request; nothing is cached between requests.
    """
    on = today()
    rows = await ctx.db.read(q.school_relations, person_id, *school_year_bounds(on))
    return relations_from(rows, on)


def relations_from(rows: q.SchoolRelationRows, on: date) -> SchoolRelations:
    pupils = allowed_pupils(rows.links, on)
    return SchoolRelations(
        guardian_of=pupils,
        timetables=frozenset(cid for pid, _dob, _given, cid in rows.links if pid in pupils),
        mentor_of=frozenset(rows.mentored),
        teaches=frozenset(rows.taught),
    )


# --- scopes and permission helpers ------------------------------------------------------------------


def viewer_id(ctx: Context) -> int:
    """The logged-in viewer's person id (the field's permission let only logged-in viewers in)."""
    assert ctx.viewer.person_id is not None
    return ctx.viewer.person_id


def pupil_scope(pupil: Pupil, class_unit: OrgUnit) -> Scope:
    return Scope(
        unit_paths=(class_unit.path,),
        person_id=pupil.person_id,
        pupil_id=pupil.id,
        class_unit_id=class_unit.id,
    )


def own_scope(pupil: Pupil) -> Scope:
    """The pupil as a person, for rules that only the pupil (SELF) or a guardian meets."""
    return Scope(person_id=pupil.person_id, pupil_id=pupil.id)


# Rules narrower than a mutation's bound requirement, checked on the object it was bound to.
CONSENT_GIVER = Requirement.of((), [Relation.SELF])


# Staff of one class: the administration, the class's mentor and the teachers who teach a
# lesson of it this school year — not every teacher of the location.
CLASS_STAFF = Requirement.of(SCHOOL_ADMINS, [Relation.MENTOR, Relation.TEACHES])


def is_staff_for(viewer: Viewer, scope: Scope) -> bool:
    """School staff of the pupil's class (administration, its mentor and teachers): they also
    see exam results the exam board has not finalised yet."""
    return allows(viewer, CLASS_STAFF, scope)


# --- reads: the pupil ------------------------------------------------------------------------------------


@dataclass
class PupilView:
    pupil: Pupil
    person: Person
    class_unit: OrgUnit
    scope: Scope


async def pupil_view(ctx: Context, pupil: Pupil) -> PupilView:
    person = await referenced(ctx.loaders.person_by_id, pupil.person_id)
    class_unit = await referenced(ctx.loaders.unit_by_id, pupil.class_unit_id)
    return PupilView(pupil, person, class_unit, pupil_scope(pupil, class_unit))


# --- shared input checks ---------------------------------------------------------------------------


async def row_of(uow: UnitOfWork, model: type[T], pk: int, field: str) -> T:
    """A row inside the unit of work; who may act on it was checked before the resolver ran
    (`@requires(on: …)`), so only a row removed meanwhile is missing here."""
    row = await uow.get(model, pk)
    if row is None:
        raise not_found(field)
    return row


def clean_text(value: str, field: str, max_length: int) -> str:
    text = " ".join(value.split())
    if len(text) > max_length:
        raise DomainError(
            ErrorCode.INVALID, "At most {max_length} characters", field, max_length=max_length
        )
    return text


def required_text(value: str, field: str, max_length: int) -> str:
    text = clean_text(value, field, max_length)
    if not text:
        raise DomainError(ErrorCode.INVALID, "This field is required", field)
    return text


def path_ids_str(path: str) -> set[str]:
    return {str(i) for i in path_ids(path)}


# --- writes: consent (the pupil) -----------------------------------------------------------------------


async def set_consent(ctx: Context, link_id: int, given: bool) -> GuardianLink:
    """An adult pupil gives or withdraws consent for one guardian; effective at once."""
    now = utcnow()
    async with ctx.uow() as uow:
        link = await uow.get(GuardianLink, link_id)
        pupil = await uow.get(Pupil, link.pupil_id) if link else None
        # Consent is the pupil's own: a classmate holds PUPIL on the same class and so passes
        # the bound check, but the link is not about them.
        if link is None or pupil is None or not ctx.allows(CONSENT_GIVER, own_scope(pupil)):
            raise not_found("guardianLinkId")
        check_may_set_consent(pupil.date_of_birth, today(), "guardianLinkId")
        consent = await q.consent_of(uow.session, pupil.id, link.guardian_person_id)  # type: ignore[arg-type]
        if consent is None:
            consent = uow.add(
                GuardianConsent(pupil_id=pk(pupil), guardian_person_id=link.guardian_person_id)
            )
        if consent.given != given:
            # The row holds the current state only: a new consent clears the withdrawal and a
            # withdrawal the consent; the history keeps every change.
            consent.given = given
            consent.given_at = now if given else None
            consent.withdrawn_at = None if given else now
            uow.add(
                GuardianConsentChange(
                    pupil_id=pk(pupil),
                    guardian_person_id=link.guardian_person_id,
                    given=given,
                    changed_at=now,
                    changed_by=ctx.viewer.person_id,
                )
            )
            if not given:
                # A withdrawal ends the guardian's calendar feeds for good: a later consent
                # does not bring an old URL back; the guardian makes a new feed.
                await q.revoke_feeds(uow.session, link.guardian_person_id, pk(pupil), now)
            await uow.audit(
                "CONSENT_GIVEN" if given else "CONSENT_WITHDRAWN",
                subject=link.guardian_person_id,
                unit=pupil.class_unit_id,
                detail=f"guardian link {link.id}",
            )
        await uow.commit()
    return link


def consent_needed(pupil: Pupil) -> bool:
    return needs_consent(pupil.date_of_birth, today())
