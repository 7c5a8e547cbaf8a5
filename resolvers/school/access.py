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
from datetime import date
from typing import Any

from domain.core.errors import DomainError, ErrorCode
from domain.core.orgtree import OrgUnitKind, path_ids
from domain.core.roles import Relation, Role, Scope, Viewer
from domain.school.consent import check_may_set_consent, guardian_access, needs_consent
from domain.school.timetable import local_date
from persistence.core import people as identity_q
from persistence.core.models import OrgUnit, Person
from persistence.school import queries as q
from persistence.school.models import GuardianConsent, GuardianLink, Pupil
from persistence.types import utcnow
from resolvers.context import Context

STAFF = (Role.SCHOOL_ADMIN, Role.TEACHER)


def today() -> date:
    """The request's date on the Amsterdam calendar: ages, school years and weeks use it."""
    return local_date(utcnow())


def not_found(field: str) -> DomainError:
    # Objects outside your reach are reported exactly like ones that do not exist.
    return DomainError(ErrorCode.NOT_FOUND, "No such object, or you may not see it.", field)


# --- the viewer's relations -----------------------------------------------------------------------


def allowed_pupils(links: list[tuple[int, date, bool]], on: date) -> frozenset[int]:
    """Pupils a guardian sees today: every linked minor, and adults who gave this guardian consent."""
    return frozenset(pid for pid, dob, given in links if guardian_access(dob, on, given).allowed)


async def school_relations(ctx: Context, person_id: int) -> tuple[frozenset[int], frozenset[int]]:
    """(pupil ids the person sees as guardian, class ids they mentor), for the Viewer.

    Consent is applied here on today's date, so a birthday or a withdrawal takes effect on the
    very next request; nothing is cached between requests.
    """
    links, classes = await ctx.db.read(q.school_relations, person_id)
    return allowed_pupils(links, today()), frozenset(classes)


# --- scopes and permission helpers ------------------------------------------------------------------


def pupil_scope(pupil: Pupil, class_unit: OrgUnit) -> Scope:
    return Scope(
        unit_paths=(class_unit.path,),
        person_id=pupil.person_id,
        pupil_id=pupil.id,
        class_unit_id=class_unit.id,
    )


def is_staff_for(viewer: Viewer, scope: Scope) -> bool:
    """School staff of the pupil's class (administration, teachers, the mentor): they also see
    exam results the exam board has not finalised yet."""
    if any(viewer.holds_on(STAFF, path) for path in scope.unit_paths):
        return True
    return viewer.has_relation(Relation.MENTOR, scope)


def check_on(ctx: Context, roles: tuple[Role, ...], unit: OrgUnit | None, field: str) -> OrgUnit:
    """The unit, if the viewer holds one of `roles` on it or above; else NOT_FOUND or FORBIDDEN."""
    if unit is None:
        raise not_found(field)
    if ctx.viewer.holds_on(roles, unit.path):
        return unit
    if ctx.viewer.holds_on([g.role for g in ctx.viewer.grants], unit.path):
        raise DomainError(
            ErrorCode.FORBIDDEN,
            "Only " + " or ".join(r.value for r in roles) + " of this unit may do this.",
            field,
        )
    raise not_found(field)


async def unit_of_kind(session: Any, unit_id: int, kind: OrgUnitKind, field: str) -> OrgUnit:
    unit = await identity_q.unit_by_id(session, unit_id)
    if unit is None or unit.kind != kind:
        raise not_found(field)
    return unit


# --- reads: the pupil ------------------------------------------------------------------------------------


@dataclass
class PupilView:
    pupil: Pupil
    person: Person
    class_unit: OrgUnit
    scope: Scope


async def pupil_view(ctx: Context, pupil: Pupil) -> PupilView:
    person = await ctx.loaders.person_by_id.load(pupil.person_id)
    class_unit = await ctx.loaders.unit_by_id.load(pupil.class_unit_id)
    return PupilView(pupil, person, class_unit, pupil_scope(pupil, class_unit))


# --- shared input checks ---------------------------------------------------------------------------


def clean_text(value: str, field: str, max_length: int) -> str:
    text = " ".join(value.split())
    if len(text) > max_length:
        raise DomainError(ErrorCode.INVALID, f"At most {max_length} characters", field)
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
    async with ctx.db.write() as session:
        link = await session.get(GuardianLink, link_id)
        pupil = await session.get(Pupil, link.pupil_id) if link else None
        if (
            link is None
            or pupil is None
            or ctx.viewer.token_scoped
            or pupil.person_id != ctx.viewer.person_id
        ):
            raise not_found("guardianLinkId")
        check_may_set_consent(pupil.date_of_birth, today(), "guardianLinkId")
        consent = await q.consent_of(session, pupil.id, link.guardian_person_id)  # type: ignore[arg-type]
        if consent is None:
            consent = GuardianConsent(pupil_id=pupil.id, guardian_person_id=link.guardian_person_id)
            session.add(consent)
        if consent.given != given:
            consent.given = given
            if given:
                consent.given_at = now
            else:
                consent.withdrawn_at = now
            await identity_q.audit(
                session,
                "CONSENT_GIVEN" if given else "CONSENT_WITHDRAWN",
                actor=ctx.viewer.person_id,
                subject=link.guardian_person_id,
                unit=pupil.class_unit_id,
                address=ctx.client_address,
                detail=f"guardian link {link.id}",
            )
        await session.flush()
    ctx.loaders.clear()
    return link


def consent_needed(pupil: Pupil) -> bool:
    return needs_consent(pupil.date_of_birth, today())
