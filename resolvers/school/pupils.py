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
from domain.core.pagination import PageRequest
from domain.core.roles import Relation, Role, Scope
from domain.school.consent import GuardianAccess, age_on, guardian_access
from domain.school.grades import school_year_of
from persistence.core import people as identity_q
from persistence.core import tree as org_q
from persistence.core.models import Language, OrgUnit, Person
from persistence.paging import Seek, Slice
from persistence.school import queries as q
from persistence.school.models import (
    ClassMentor,
    GuardianLink,
    LocationDetails,
    Pupil,
    PupilEnrolment,
    pk,
)
from persistence.types import utcnow
from resolvers.context import Context
from resolvers.core.access import notify_added
from resolvers.core.accounts import new_account
from resolvers.core.loader_group import referenced
from resolvers.core.pagination import Page, paginate
from resolvers.core.tree import not_found, unit_of_kind
from resolvers.school.access import (
    CLASS_STAFF,
    PupilView,
    clean_text,
    pupil_scope,
    required_text,
    row_of,
    today,
    viewer_id,
)
from resolvers.school.prefetch import prime_children

MAX_CHILDREN = 20  # a guardian's dashboard lists at most this many linked children


async def _school_of(session: Any, unit: OrgUnit) -> OrgUnit:
    for ancestor in await org_q.ancestors(session, unit):
        if ancestor.kind == OrgUnitKind.SCHOOL:
            return ancestor
    raise DomainError(ErrorCode.INVALID, "This unit does not belong to a school", "classId")


# --- reads: pupils ------------------------------------------------------------------------------------


@dataclass
class ChildAccess:
    """One line of a guardian's dashboard."""

    first_name: str
    legal_representative: bool
    access: GuardianAccess
    pupil: PupilView | None  # None while the guardian may not see the pupil's data


async def my_children(ctx: Context) -> list[ChildAccess]:
    rows = await ctx.loaders.school.links_by_guardian.load(viewer_id(ctx))
    rows = rows[:MAX_CHILDREN]
    # The statement brought each child's card: the pupil's fields need no statement of their own.
    prime_children(ctx, rows)
    on = today()
    children = []
    for row in rows:
        pupil, consent = row.pupil, row.consent
        access = guardian_access(
            pupil.date_of_birth, on, bool(consent and consent.given), row.link.legal_representative
        )
        # The relation's own decision (keyed on the pupil, not on the class's timetable).
        guardian = ctx.viewer.has_relation(Relation.GUARDIAN, Scope(pupil_id=pupil.id))
        visible = access.allowed and guardian
        children.append(
            ChildAccess(
                first_name=row.person.given_name,
                legal_representative=row.link.legal_representative,
                access=access,
                # The statement brought the person and class: the view needs no loader.
                pupil=PupilView(
                    pupil, row.person, row.class_unit, pupil_scope(pupil, row.class_unit)
                )
                if visible
                else None,
            )
        )
    return children


async def my_pupil_record(ctx: Context) -> Pupil | None:
    return await ctx.loaders.school.pupil_by_person.load(viewer_id(ctx))


@dataclass
class Location:
    unit: OrgUnit
    details: LocationDetails | None


async def location_of(ctx: Context, class_unit: OrgUnit) -> Location | None:
    if class_unit.parent_id is None:
        return None
    unit = await referenced(ctx.loaders.unit_by_id, class_unit.parent_id)
    details = await ctx.loaders.school.location_details.load(class_unit.parent_id)
    return Location(unit, details)


async def class_unit(ctx: Context, class_id: int) -> OrgUnit:
    """The class a root field names; who may read it was checked before (`on: "classId"`)."""
    unit = await ctx.loaders.unit_by_id.load(class_id)
    if unit is None or unit.kind != OrgUnitKind.CLASS:
        raise not_found("classId")
    return unit


async def class_pupils(ctx: Context, class_id: int, request: PageRequest) -> Page[Pupil]:
    """A page of the class's pupils by name, for the staff of that class only.

    The bound requirement lets every teacher of the location reach the class (its timetable is
    theirs to read); its pupils are for the class's own staff: a rule narrower than the bound
    one, checked on the bound class.
    """
    unit = await class_unit(ctx, class_id)
    if not ctx.allows(CLASS_STAFF, Scope(unit_paths=(unit.path,), class_unit_id=unit.id)):
        raise DomainError(
            ErrorCode.FORBIDDEN,
            "Only the class's mentor, its teachers and the school administration see its pupils.",
            "classId",
        )

    async def fetch(seek: Seek) -> Slice[Pupil]:
        rows = await ctx.db.read(q.class_pupils_page, unit.id, seek)
        return rows.map(lambda row: row[0])

    async def count() -> int:
        return int(await ctx.db.read(q.class_pupils_count, unit.id))

    return await paginate(request, fetch, count, q.CLASS_PUPIL_ORDER)


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
    async with ctx.uow() as uow:
        await unit_of_kind(uow, location_id, OrgUnitKind.LOCATION, "input.locationId")
        details = await q.location_details(uow.session, location_id)
        if details is None:
            details = uow.add(LocationDetails(org_unit_id=location_id))
        for key, value in values.items():
            setattr(details, key, value)
        await uow.flush()
        await uow.commit()
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
    phone = clean_text(data.phone, "phone", 40)
    on = today()
    age_on(data.date_of_birth, on)  # refuses a date of birth in the future
    async with ctx.uow() as uow:
        session = uow.session
        class_unit = await unit_of_kind(uow, class_id, OrgUnitKind.CLASS, "input.classId")
        school = await _school_of(session, class_unit)
        if await q.pupil_by_student_number(session, school.id, number):  # type: ignore[arg-type]
            raise DomainError(
                ErrorCode.ALREADY_EXISTS,
                "Student number {number} is already in use at {school}",
                "studentNumber",
                number=number,
                school=school.name,
            )
        person = await identity_q.person_by_email(session, address)
        created = person is None
        if person is None:
            person = await new_account(
                ctx,
                uow,
                address,
                mail={"organisation": school.name},
                given_name=given,
                name_prefix=prefix,
                family_name=family,
                language=Language(data.language),
                date_of_birth=data.date_of_birth,
                phone=phone or None,
            )
        elif (await q.pupils_by_person(session, [person.id]))[0] is not None:  # type: ignore[list-item]
            raise DomainError(
                ErrorCode.ALREADY_EXISTS, "This person is already registered as a pupil", "email"
            )
        else:
            await notify_added(ctx, session, person, school.name, utcnow())
        await identity_q.assign_role(session, person.id, Role.PUPIL, class_unit.id)  # type: ignore[arg-type]
        pupil = uow.add(
            Pupil(
                person_id=pk(person),
                school_unit_id=pk(school),
                class_unit_id=pk(class_unit),
                student_number=number,
                date_of_birth=data.date_of_birth,
                phone=phone,
                street=clean_text(data.street, "street", 200),
                postcode=clean_text(data.postcode, "postcode", 12).upper(),
                city=clean_text(data.city, "city", 100),
                programme=clean_text(data.programme, "programme", 200),
            )
        )
        await uow.flush()
        uow.add(
            PupilEnrolment(
                pupil_id=pk(pupil),
                school_year=school_year_of(on).start_year,
                class_unit_id=pk(class_unit),
                programme=pupil.programme,
            )
        )
        await uow.audit(
            "PUPIL_REGISTERED",
            subject=person.id,
            unit=class_unit.id,
            detail=f"student number {number}",
        )
        await uow.commit()
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
    async with ctx.uow() as uow:
        session = uow.session
        pupil = await row_of(uow, Pupil, pupil_id, "input.pupilId")
        class_unit = await row_of(uow, OrgUnit, pupil.class_unit_id, "input.pupilId")
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
                    "{address} is already a guardian of this pupil. Two guardians cannot share an e-mail address: each parent (also separated parents) needs their own address for their own account.",
                    "email",
                    address=address,
                )
            if not _same_name(person, given, family):
                raise DomainError(
                    ErrorCode.CONFLICT,
                    "{address} belongs to an account under another name. Two guardians cannot share an e-mail address: register this guardian with their own address.",
                    "email",
                    address=address,
                )
            # Someone with an account is told, so nobody is linked to a child unseen.
            await notify_added(ctx, session, person, school.name, utcnow())
        else:
            child = await uow.get(Person, pupil.person_id)
            person = await new_account(
                ctx,
                uow,
                address,
                template="guardian_account",
                mail={"school": school.name, "child": child.given_name if child else ""},
                given_name=given,
                name_prefix=prefix,
                family_name=family,
                language=Language(data.language),
            )
        link = uow.add(
            GuardianLink(
                guardian_person_id=pk(person),
                pupil_id=pk(pupil),
                legal_representative=data.legal_representative,
            )
        )
        await uow.flush()
        await uow.audit(
            "GUARDIAN_LINKED",
            subject=person.id,
            unit=class_unit.id,
            detail=f"pupil {pupil.student_number}",
        )
        await uow.commit()
    return Linked(link, created)


async def unlink_guardian(ctx: Context, link_id: int) -> int:
    async with ctx.uow() as uow:
        link = await row_of(uow, GuardianLink, link_id, "guardianLinkId")
        pupil = await row_of(uow, Pupil, link.pupil_id, "guardianLinkId")
        consent = await q.consent_of(uow.session, pupil.id, link.guardian_person_id)  # type: ignore[arg-type]
        if consent is not None:
            await uow.delete(consent)
        # A link made again later starts without the old calendar feeds.
        await q.revoke_feeds(uow.session, link.guardian_person_id, pk(pupil), utcnow())
        await uow.audit(
            "GUARDIAN_UNLINKED",
            subject=link.guardian_person_id,
            unit=pupil.class_unit_id,
            detail=f"pupil {pupil.student_number}",
        )
        await uow.delete(link)
        await uow.commit()
    return link_id


async def set_class_mentor(ctx: Context, class_id: int, person_id: int, mentor: bool) -> OrgUnit:
    async with ctx.uow() as uow:
        class_unit = await unit_of_kind(uow, class_id, OrgUnitKind.CLASS, "classId")
        assert class_unit.id is not None
        existing = await q.class_mentor(uow.session, class_unit.id, person_id)
        if mentor and existing is None:
            roles = await q.roles_on_units(uow.session, person_id, path_ids(class_unit.path))
            if not any(r.role is Role.TEACHER for r in roles):
                raise DomainError(
                    ErrorCode.INVALID,
                    "A mentor is a teacher of the class's location or school",
                    "teacherId",
                )
            uow.add(ClassMentor(class_unit_id=class_unit.id, teacher_person_id=person_id))
        elif not mentor and existing is not None:
            await uow.delete(existing)
        await uow.audit(
            "MENTOR_SET" if mentor else "MENTOR_REMOVED",
            subject=person_id,
            unit=class_unit.id,
        )
        await uow.commit()
    return class_unit
