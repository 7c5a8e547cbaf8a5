"""School resolvers for pupils and guardians: the guardian's dashboard, class lists, and the
administration of pupils, guardian links, class mentors and location details."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from domain.core import accounts
from domain.core.emails import normalize_email
from domain.core.errors import DomainError, ErrorCode
from domain.core.orgtree import OrgUnitKind, path_ids
from domain.core.roles import Role
from domain.school.consent import GuardianAccess, age_on, guardian_access
from domain.school.grades import school_year_of
from persistence.core import people as identity_q
from persistence.core import tree as org_q
from persistence.core.models import Language, OrgUnit, Person
from persistence.school import queries as q
from persistence.school.models import (
    ClassMentor,
    GuardianLink,
    LocationDetails,
    Pupil,
    PupilEnrolment,
)
from persistence.types import utcnow
from resolvers.context import Context
from resolvers.core.access import notify_added
from resolvers.core.accounts import send_activation
from resolvers.school.access import (
    STAFF,
    check_on,
    clean_text,
    not_found,
    required_text,
    today,
    unit_of_kind,
)

MAX_CHILDREN = 20  # a guardian's dashboard lists at most this many linked children


async def _school_of(session: Any, unit: OrgUnit) -> OrgUnit:
    for ancestor in await org_q.ancestors(session, unit):
        if ancestor.kind == OrgUnitKind.SCHOOL:
            return ancestor
    raise DomainError(ErrorCode.INVALID, "This unit does not belong to a school", "classId")


async def _pupil_for_staff(
    ctx: Context, session: Any, pupil_id: int, roles: tuple[Role, ...], field: str = "pupilId"
) -> tuple[Pupil, OrgUnit]:
    pupil = await session.get(Pupil, pupil_id)
    if pupil is None:
        raise not_found(field)
    unit = await identity_q.unit_by_id(session, pupil.class_unit_id)
    return pupil, check_on(ctx, roles, unit, field)


# --- reads: pupils ------------------------------------------------------------------------------------


@dataclass
class ChildAccess:
    """One line of a guardian's dashboard."""

    first_name: str
    legal_representative: bool
    access: GuardianAccess
    pupil: Pupil | None  # None while the guardian may not see the pupil's data


async def my_children(ctx: Context) -> list[ChildAccess]:
    rows = await ctx.loaders.school.links_by_guardian.load(ctx.viewer.person_id)
    on = today()
    children = []
    for link, pupil, person, consent in rows[:MAX_CHILDREN]:
        access = guardian_access(pupil.date_of_birth, on, bool(consent and consent.given))
        visible = access.allowed and pupil.id in ctx.viewer.guardian_of
        children.append(
            ChildAccess(
                first_name=person.given_name,
                legal_representative=link.legal_representative,
                access=access,
                pupil=pupil if visible else None,
            )
        )
    return children


async def my_pupil_record(ctx: Context) -> Pupil | None:
    return await ctx.loaders.school.pupil_by_person.load(ctx.viewer.person_id)


@dataclass
class Location:
    unit: OrgUnit
    details: LocationDetails | None


async def location_of(ctx: Context, class_unit: OrgUnit) -> Location | None:
    if class_unit.parent_id is None:
        return None
    unit = await ctx.loaders.unit_by_id.load(class_unit.parent_id)
    details = await ctx.loaders.school.location_details.load(class_unit.parent_id)
    return Location(unit, details)


async def class_pupils_check(ctx: Context, class_id: int) -> OrgUnit:
    """Staff of the class's location or school, or its mentor, may list its pupils."""
    unit = await ctx.loaders.unit_by_id.load(class_id)
    if unit is None or unit.kind != OrgUnitKind.CLASS:
        raise not_found("classId")
    if unit.id in ctx.viewer.mentor_of and not ctx.viewer.token_scoped:
        return unit
    return check_on(ctx, STAFF, unit, "classId")


# --- writes: administration -------------------------------------------------------------------------------


async def set_location_details(
    ctx: Context, location_id: int, street: str, postcode: str, city: str, phone: str
) -> LocationDetails:
    values = {
        "street": clean_text(street, "street", 200),
        "postcode": clean_text(postcode, "postcode", 12).upper(),
        "city": clean_text(city, "city", 100),
        "phone": clean_text(phone, "phone", 40),
    }
    async with ctx.db.write() as session:
        unit = await identity_q.unit_by_id(session, location_id)
        if unit is None or unit.kind != OrgUnitKind.LOCATION:
            raise not_found("locationId")
        check_on(ctx, (Role.SCHOOL_ADMIN,), unit, "locationId")
        details = await q.location_details(session, location_id)
        if details is None:
            details = LocationDetails(org_unit_id=location_id)
            session.add(details)
        for key, value in values.items():
            setattr(details, key, value)
        await session.flush()
    ctx.loaders.clear()
    return details


@dataclass
class PupilInput:
    email: str
    given_name: str
    name_prefix: str
    family_name: str
    student_number: str
    date_of_birth: date
    phone: str = ""
    street: str = ""
    postcode: str = ""
    city: str = ""
    programme: str = ""
    language: str = "nl"


@dataclass
class Registered:
    pupil: Pupil
    created: bool


async def register_pupil(ctx: Context, class_id: int, data: PupilInput) -> Registered:
    """A pupil in a class: account (activation mail when new), PUPIL role, record, enrolment."""
    address = normalize_email(data.email)
    given = accounts.clean_name(data.given_name, "givenName")
    prefix = accounts.clean_name(data.name_prefix, "namePrefix")
    family = accounts.clean_name(data.family_name, "familyName")
    number = required_text(data.student_number, "studentNumber", 32)
    on = today()
    age_on(data.date_of_birth, on)  # refuses a date of birth in the future
    async with ctx.db.write() as session:
        class_unit = await unit_of_kind(session, class_id, OrgUnitKind.CLASS, "classId")
        check_on(ctx, (Role.SCHOOL_ADMIN,), class_unit, "classId")
        school = await _school_of(session, class_unit)
        if await q.pupil_by_student_number(session, school.id, number):  # type: ignore[arg-type]
            raise DomainError(
                ErrorCode.ALREADY_EXISTS,
                f"Student number {number} is already in use at {school.name}",
                "studentNumber",
            )
        person = await identity_q.person_by_email(session, address)
        created = person is None
        if person is None:
            person = await identity_q.add(
                session,
                Person(
                    email=address,
                    given_name=given,
                    name_prefix=prefix,
                    family_name=family,
                    language=Language(data.language),
                    date_of_birth=data.date_of_birth,
                    phone=clean_text(data.phone, "phone", 40) or None,
                ),
            )
            await send_activation(ctx, session, person, "activation", organisation=school.name)
        elif (await q.pupils_by_person(session, [person.id]))[0] is not None:  # type: ignore[list-item]
            raise DomainError(
                ErrorCode.ALREADY_EXISTS, "This person is already registered as a pupil", "email"
            )
        else:
            await notify_added(ctx, session, person, school.name, utcnow())
        await identity_q.assign_role(session, person.id, Role.PUPIL, class_unit.id)  # type: ignore[arg-type]
        pupil = await identity_q.add(
            session,
            Pupil(
                person_id=person.id,
                school_unit_id=school.id,
                class_unit_id=class_unit.id,
                student_number=number,
                date_of_birth=data.date_of_birth,
                phone=clean_text(data.phone, "phone", 40),
                street=clean_text(data.street, "street", 200),
                postcode=clean_text(data.postcode, "postcode", 12).upper(),
                city=clean_text(data.city, "city", 100),
                programme=clean_text(data.programme, "programme", 200),
            ),
        )
        await identity_q.add(
            session,
            PupilEnrolment(
                pupil_id=pupil.id,
                school_year=school_year_of(on).start_year,
                class_unit_id=class_unit.id,
                programme=pupil.programme,
            ),
        )
        await identity_q.audit(
            session,
            "PUPIL_REGISTERED",
            actor=ctx.viewer.person_id,
            subject=person.id,
            unit=class_unit.id,
            address=ctx.client_address,
            detail=f"student number {number}",
        )
    ctx.loaders.clear()
    return Registered(pupil, created)


@dataclass
class GuardianInput:
    email: str
    given_name: str = ""
    name_prefix: str = ""
    family_name: str = ""
    language: str = "nl"
    legal_representative: bool = True


@dataclass
class Linked:
    link: GuardianLink
    created: bool


def _same_name(person: Person, given: str, family: str) -> bool:
    def norm(s: str) -> str:
        return " ".join(s.lower().split())

    return (not given or norm(given) == norm(person.given_name)) and (
        not family or norm(family) == norm(person.family_name)
    )


async def link_guardian(ctx: Context, pupil_id: int, data: GuardianInput) -> Linked:
    """Link a guardian; a new one gets an account and an activation mail.

    One account per e-mail address means two guardians can never share an address: the same
    address names the same person, so a second, separate parent with it is refused.
    """
    address = normalize_email(data.email)
    given = accounts.clean_name(data.given_name, "givenName")
    prefix = accounts.clean_name(data.name_prefix, "namePrefix")
    family = accounts.clean_name(data.family_name, "familyName")
    async with ctx.db.write() as session:
        pupil, class_unit = await _pupil_for_staff(ctx, session, pupil_id, (Role.SCHOOL_ADMIN,))
        school = await _school_of(session, class_unit)
        person = await identity_q.person_by_email(session, address)
        created = person is None
        if person is not None:
            if person.id == pupil.person_id:
                raise DomainError(
                    ErrorCode.INVALID, "A pupil cannot be their own guardian", "email"
                )
            if await q.link_of(session, person.id, pupil.id):  # type: ignore[arg-type]
                raise DomainError(
                    ErrorCode.ALREADY_EXISTS,
                    f"{address} is already a guardian of this pupil. Two guardians cannot share "
                    "an e-mail address: each parent (also separated parents) needs their own "
                    "address for their own account.",
                    "email",
                )
            if not _same_name(person, given, family):
                raise DomainError(
                    ErrorCode.CONFLICT,
                    # Never the account's own name: that would tell who owns any address.
                    f"{address} belongs to an account under another name. Two guardians "
                    "cannot share an e-mail address: register this guardian with their own "
                    "address.",
                    "email",
                )
        else:
            person = await identity_q.add(
                session,
                Person(
                    email=address,
                    given_name=given,
                    name_prefix=prefix,
                    family_name=family,
                    language=Language(data.language),
                ),
            )
            child = await session.get(Person, pupil.person_id)
            await send_activation(
                ctx,
                session,
                person,
                "guardian_account",
                school=school.name,
                child=child.given_name if child else "",
            )
        if not created:
            # Someone with an account is told, so nobody is linked to a child unseen.
            await notify_added(ctx, session, person, school.name, utcnow())
        link = await identity_q.add(
            session,
            GuardianLink(
                guardian_person_id=person.id,
                pupil_id=pupil.id,
                legal_representative=data.legal_representative,
            ),
        )
        await identity_q.audit(
            session,
            "GUARDIAN_LINKED",
            actor=ctx.viewer.person_id,
            subject=person.id,
            unit=class_unit.id,
            address=ctx.client_address,
            detail=f"pupil {pupil.student_number}",
        )
    ctx.loaders.clear()
    return Linked(link, created)


async def unlink_guardian(ctx: Context, link_id: int) -> int:
    async with ctx.db.write() as session:
        link = await session.get(GuardianLink, link_id)
        if link is None:
            raise not_found("guardianLinkId")
        pupil, class_unit = await _pupil_for_staff(
            ctx, session, link.pupil_id, (Role.SCHOOL_ADMIN,), "guardianLinkId"
        )
        consent = await q.consent_of(session, pupil.id, link.guardian_person_id)  # type: ignore[arg-type]
        if consent is not None:
            await identity_q.delete_row(session, consent)
        await identity_q.audit(
            session,
            "GUARDIAN_UNLINKED",
            actor=ctx.viewer.person_id,
            subject=link.guardian_person_id,
            unit=class_unit.id,
            address=ctx.client_address,
            detail=f"pupil {pupil.student_number}",
        )
        await identity_q.delete_row(session, link)
    ctx.loaders.clear()
    return link_id


async def set_class_mentor(ctx: Context, class_id: int, person_id: int, mentor: bool) -> OrgUnit:
    async with ctx.db.write() as session:
        class_unit = await unit_of_kind(session, class_id, OrgUnitKind.CLASS, "classId")
        check_on(ctx, (Role.SCHOOL_ADMIN,), class_unit, "classId")
        existing = await q.class_mentor(session, class_unit.id, person_id)  # type: ignore[arg-type]
        if mentor and existing is None:
            roles = await q.roles_on_units(session, person_id, path_ids(class_unit.path))
            if not any(r.role is Role.TEACHER for r in roles):
                raise DomainError(
                    ErrorCode.INVALID,
                    "A mentor is a teacher of the class's location or school",
                    "teacherId",
                )
            await identity_q.add(
                session, ClassMentor(class_unit_id=class_unit.id, teacher_person_id=person_id)
            )
        elif not mentor and existing is not None:
            await identity_q.delete_row(session, existing)
        await identity_q.audit(
            session,
            "MENTOR_SET" if mentor else "MENTOR_REMOVED",
            actor=ctx.viewer.person_id,
            subject=person_id,
            unit=class_unit.id,
            address=ctx.client_address,
        )
    ctx.loaders.clear()
    return class_unit
