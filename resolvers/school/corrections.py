"""The administration corrects a pupil's record (seed 9.5: parents ask the administration).

Pupil details, a move to another class, earlier enrolments ("verbintenissen") and their end,
and whether a guardian is the pupil's legal representative. Each change is one unit of work
with one audit event; any refusal leaves everything as it was.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from domain.core import accounts
from domain.core.errors import DomainError, ErrorCode
from domain.core.orgtree import OrgUnitKind
from domain.core.roles import SCHOOL_ADMINS, Role
from domain.school.consent import age_on
from domain.school.grades import SchoolYear, school_year_of
from persistence.core.models import OrgUnit, Person
from persistence.db import UnitOfWork
from persistence.school import queries as q
from persistence.school.models import GuardianLink, Pupil, PupilEnrolment, pk
from persistence.types import utcnow
from resolvers.context import Context
from resolvers.core.tree import not_found
from resolvers.school.access import clean_text, path_ids_str, required_text, row_of, today

MAX_ENROLMENT_YEARS = 6  # a programme spans at most six school years (vwo)


@dataclass
class PupilChanges:
    """The corrections asked for; None leaves a value as it is."""

    given_name: str | None = None
    name_prefix: str | None = None
    family_name: str | None = None
    student_number: str | None = None
    date_of_birth: date | None = None
    phone: str | None = None
    street: str | None = None
    postcode: str | None = None
    city: str | None = None
    programme: str | None = None


async def update_pupil(ctx: Context, pupil_id: int, data: PupilChanges) -> Pupil:
    """Correct a pupil's personal and contact details; the audit names the fields changed."""
    person_values: dict[str, object] = {}
    if data.given_name is not None:
        person_values["given_name"] = accounts.clean_name(
            data.given_name, "givenName", required=True
        )
    if data.name_prefix is not None:
        person_values["name_prefix"] = accounts.clean_name(data.name_prefix, "namePrefix")
    if data.family_name is not None:
        person_values["family_name"] = accounts.clean_name(
            data.family_name, "familyName", required=True
        )
    pupil_values: dict[str, object] = {}
    if data.student_number is not None:
        pupil_values["student_number"] = required_text(data.student_number, "studentNumber", 32)
    if data.date_of_birth is not None:
        age_on(data.date_of_birth, today())  # refuses a date of birth in the future
        pupil_values["date_of_birth"] = data.date_of_birth
    if data.phone is not None:
        pupil_values["phone"] = clean_text(data.phone, "phone", 40)
    if data.street is not None:
        pupil_values["street"] = clean_text(data.street, "street", 200)
    if data.postcode is not None:
        pupil_values["postcode"] = clean_text(data.postcode, "postcode", 12).upper()
    if data.city is not None:
        pupil_values["city"] = clean_text(data.city, "city", 100)
    if data.programme is not None:
        pupil_values["programme"] = clean_text(data.programme, "programme", 200)
    async with ctx.uow() as uow:
        pupil = await row_of(uow, Pupil, pupil_id, "input.pupilId")
        person = await row_of(uow, Person, pupil.person_id, "input.pupilId")
        number = pupil_values.get("student_number")
        if number is not None and number != pupil.student_number:
            if await q.pupil_by_student_number(uow.session, pupil.school_unit_id, str(number)):
                raise DomainError(
                    ErrorCode.ALREADY_EXISTS,
                    "Student number {number} is already in use at this school",
                    "studentNumber",
                    number=number,
                )
        changed = [
            *_apply(person, person_values),
            *_apply(pupil, pupil_values),
        ]
        if "programme" in changed:
            # The programme of the current school year's enrolment is the pupil's programme.
            current = await _enrolment_of_year(uow, pupil, school_year_of(today()).start_year)
            if current is not None:
                current.programme = pupil.programme
        if changed:
            await uow.audit(
                "PUPIL_UPDATED",
                subject=pupil.person_id,
                unit=pupil.class_unit_id,
                detail="changed: " + ", ".join(sorted(changed)),
            )
        await uow.commit()
    return pupil


def _apply(row: object, values: dict[str, object]) -> list[str]:
    changed = []
    for key, value in values.items():
        if getattr(row, key) != value:
            setattr(row, key, value)
            changed.append(key)
    return changed


async def _enrolment_of_year(uow: UnitOfWork, pupil: Pupil, year: int) -> PupilEnrolment | None:
    enrolments = (await q.enrolments_by_pupil(uow.session, [pk(pupil)]))[0]
    return next((e for e in enrolments if e.school_year == year), None)


async def _class_for(ctx: Context, uow: UnitOfWork, pupil: Pupil, class_id: int) -> OrgUnit:
    """A class of the pupil's school that the viewer administers.

    The mutation is bound to the pupil; the class is a second object it names, so the same
    answer as for the bound one: a class you do not administer reads as one that does not exist.
    """
    unit = await uow.get(OrgUnit, class_id)
    if (
        unit is None
        or unit.kind != OrgUnitKind.CLASS
        or str(pupil.school_unit_id) not in path_ids_str(unit.path)
        or not ctx.viewer.holds_on(SCHOOL_ADMINS, unit.path)
    ):
        raise not_found("input.classId")
    return unit


async def move_pupil(ctx: Context, pupil_id: int, class_id: int) -> Pupil:
    """Move a pupil to another class of the school: the record, the PUPIL role and the current
    school year's enrolment follow; grades and absences stay the pupil's."""
    async with ctx.uow() as uow:
        pupil = await row_of(uow, Pupil, pupil_id, "input.pupilId")
        target = await _class_for(ctx, uow, pupil, class_id)
        if pupil.class_unit_id == target.id:
            raise DomainError(
                ErrorCode.INVALID,
                "The pupil is already in class {name}",
                "input.classId",
                name=target.name,
            )
        source = await row_of(uow, OrgUnit, pupil.class_unit_id, "input.pupilId")
        for assignment in await q.roles_on_units(uow.session, pupil.person_id, [pk(source)]):
            if assignment.role is Role.PUPIL:
                assignment.org_unit_id = pk(target)
        pupil.class_unit_id = pk(target)
        year = school_year_of(today()).start_year
        current = await _enrolment_of_year(uow, pupil, year)
        if current is None:
            uow.add(
                PupilEnrolment(
                    pupil_id=pk(pupil),
                    school_year=year,
                    class_unit_id=pk(target),
                    programme=pupil.programme,
                )
            )
        else:
            current.class_unit_id = pk(target)
        await uow.audit(
            "PUPIL_MOVED",
            subject=pupil.person_id,
            unit=target.id,
            detail=f"from {source.name} to {target.name}",
        )
        await uow.commit()
    return pupil


@dataclass
class EnrolmentInput:
    class_id: int
    programme: str
    school_years: list[int]


async def record_enrolment(ctx: Context, pupil_id: int, data: EnrolmentInput) -> list[int]:
    """Record an earlier enrolment: one row per school year, in one class and programme.

    A school year that already has an enrolment is refused (correct or end that one instead),
    so nothing recorded before is overwritten. Returns the new enrolments' ids.
    """
    programme = required_text(data.programme, "programme", 200)
    years = sorted(set(data.school_years))
    if not 1 <= len(years) <= MAX_ENROLMENT_YEARS:
        raise DomainError(
            ErrorCode.INVALID,
            "Between 1 and {count} school years",
            "input.schoolYears",
            count=MAX_ENROLMENT_YEARS,
        )
    current = school_year_of(today()).start_year
    for year in years:
        if not 2000 <= year <= current:
            raise DomainError(
                ErrorCode.INVALID,
                "School year {year} is not this or an earlier school year (such as {current})",
                "input.schoolYears",
                year=year,
                current=current,
            )
    async with ctx.uow() as uow:
        pupil = await row_of(uow, Pupil, pupil_id, "input.pupilId")
        unit = await _class_for(ctx, uow, pupil, data.class_id)
        held = {e.school_year for e in (await q.enrolments_by_pupil(uow.session, [pk(pupil)]))[0]}
        taken = [y for y in years if y in held]
        if taken:
            raise DomainError(
                ErrorCode.ALREADY_EXISTS,
                "The pupil already has an enrolment in {year}",
                "input.schoolYears",
                year=SchoolYear(taken[0]).label,
            )
        rows = [
            uow.add(
                PupilEnrolment(
                    pupil_id=pk(pupil),
                    school_year=year,
                    class_unit_id=pk(unit),
                    programme=programme,
                )
            )
            for year in years
        ]
        await uow.flush()
        await uow.audit(
            "ENROLMENT_RECORDED",
            subject=pupil.person_id,
            unit=unit.id,
            detail=f"{programme}: " + ", ".join(SchoolYear(y).label for y in years),
        )
        await uow.commit()
    return [pk(r) for r in rows]


async def end_enrolment(ctx: Context, enrolment_id: int, ended_on: date) -> PupilEnrolment:
    """End an enrolment on a day of its school year; it stays in the pupil's history."""
    async with ctx.uow() as uow:
        enrolment = await row_of(uow, PupilEnrolment, enrolment_id, "enrolmentId")
        pupil = await row_of(uow, Pupil, enrolment.pupil_id, "enrolmentId")
        year = SchoolYear(enrolment.school_year)
        if enrolment.ended_on is not None:
            raise DomainError(
                ErrorCode.CONFLICT,
                "This enrolment already ended on {day}",
                "enrolmentId",
                day=enrolment.ended_on.isoformat(),
            )
        if not year.first_day <= ended_on <= year.last_day:
            raise DomainError(
                ErrorCode.INVALID,
                "An enrolment of {year} ends on a day of that school year",
                "endedOn",
                year=year.label,
            )
        enrolment.ended_on = ended_on
        await uow.audit(
            "ENROLMENT_ENDED",
            subject=pupil.person_id,
            unit=enrolment.class_unit_id,
            detail=f"{year.label} on {ended_on.isoformat()}",
        )
        await uow.commit()
    return enrolment


async def set_legal_representative(
    ctx: Context, link_id: int, legal_representative: bool
) -> GuardianLink:
    """Mark a guardian link as legal representative or not; only a representative sees the
    pupil, and one who stops being one loses their calendar feeds of the pupil for good."""
    async with ctx.uow() as uow:
        link = await row_of(uow, GuardianLink, link_id, "guardianLinkId")
        pupil = await row_of(uow, Pupil, link.pupil_id, "guardianLinkId")
        if link.legal_representative != legal_representative:
            link.legal_representative = legal_representative
            if not legal_representative:
                await q.revoke_feeds(uow.session, link.guardian_person_id, pk(pupil), utcnow())
            await uow.audit(
                "GUARDIAN_LINK_UPDATED",
                subject=link.guardian_person_id,
                unit=pupil.class_unit_id,
                detail=f"pupil {pupil.student_number}: legal representative "
                + ("yes" if legal_representative else "no"),
            )
        await uow.commit()
    return link
