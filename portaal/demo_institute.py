"""Demo data of the institute: a catalogue tree, courses, public and maatwerk events (one nearly
full), two client organisations with admins and contacts, a person in both organisations, a
private customer, enrolments in every status, and open, paid and credited invoices."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from domain.core.roles import Role
from domain.institute.enrolments import EnrolmentResult, EnrolmentStatus
from persistence.core import people as iq
from persistence.core.models import OrgUnit, Person
from persistence.db import UnitOfWork
from persistence.institute.models import (
    CatalogueCategory,
    ClientOrganisation,
    CourseEvent,
    EmployeeDetails,
    EventMeeting,
    InstituteCourse,
    InstituteDetails,
    InstituteEnrolment,
    PrivateDetails,
    pk,
)
from persistence.types import utcnow
from resolvers.institute.invoices import credit_note, issue_invoice

# (e-mail, given name, prefix, family name, {unit key: role}); no role: a private customer.
INSTITUTE_PEOPLE: list[tuple[str, str, str, str, dict[str, Role]]] = [
    (
        "jeroen.kok@example.nl",
        "Jeroen",
        "",
        "Kok",
        {"welzijn": Role.CONTACT, "veendam": Role.CONTACT},
    ),
    ("els.dekker@example.nl", "Els", "", "Dekker", {}),
    ("anna.deboer@veendam.example", "Anna", "de", "Boer", {"veendam": Role.CLIENT_ORG_ADMIN}),
]


def _at(now: datetime, days: int, hour: int = 9) -> datetime:
    return (now + timedelta(days=days)).replace(hour=hour, minute=0, second=0, microsecond=0)


async def load_institute_demo(
    session: AsyncSession, units: dict[str, OrgUnit], people: dict[str, Person], password_hash: str
) -> None:
    now = utcnow()
    institute, welzijn, veendam = units["institute"], units["welzijn"], units["veendam"]
    for email, given, prefix, family, roles in INSTITUTE_PEOPLE:
        people[email] = await iq.add(
            session,
            Person(
                email=email,
                given_name=given,
                name_prefix=prefix,
                family_name=family,
                password_hash=password_hash,
                profile_completed=True,
            ),
        )
        for key, role in roles.items():
            await iq.assign_role(session, pk(people[email]), role, pk(units[key]))
    await iq.assign_role(
        session, pk(people["anna.deboer@veendam.example"]), Role.CONTACT, pk(veendam)
    )

    await iq.add(
        session,
        InstituteDetails(
            unit_id=pk(institute),
            address="Stationsplein 12, 9711 AA Groningen",
            kvk_number="01234567",
            vat_number="NL001234567B01",
            iban="NL91ABNA0417164300",
            email="administratie@debrug.example",
        ),
    )
    await iq.add(
        session,
        ClientOrganisation(
            unit_id=pk(welzijn),
            visiting_address="Zorgstraat 1, 8011 AB Zwolle",
            postal_address="Postbus 100, 8000 AA Zwolle",
            invoice_address="t.a.v. Crediteurenadministratie, Postbus 100, 8000 AA Zwolle",
            invoice_email="facturen@welzijn.example",
            vat_number="NL812345678B01",
            purchase_order_required=True,
            purchase_order_reference="PO-2026-0042",
        ),
    )
    await iq.add(
        session,
        ClientOrganisation(
            unit_id=pk(veendam),
            visiting_address="Raadhuisplein 1, 9641 AW Veendam",
            postal_address="Postbus 20000, 9640 PA Veendam",
            invoice_address="Postbus 20000, 9640 PA Veendam",
            invoice_email="crediteuren@veendam.example",
            vat_number="NL001122334B01",
        ),
    )
    await iq.add(
        session,
        PrivateDetails(
            person_id=pk(people["els.dekker@example.nl"]),
            address="Kerkstraat 5, 9711 BB Groningen",
            phone="06 12345678",
        ),
    )
    for email, org, title, dept in [
        ("martin.sommer@welzijn.example", welzijn, "Teamleider", "Wijkzorg"),
        ("fatima.bouali@welzijn.example", welzijn, "Verpleegkundige", "Wijkzorg"),
        ("jeroen.kok@example.nl", welzijn, "Hovenier", "Facilitair"),
        ("jeroen.kok@example.nl", veendam, "Medewerker groen", "Openbare ruimte"),
        ("kees.degroot@veendam.example", veendam, "Beleidsmedewerker", "Sociaal domein"),
    ]:
        await iq.add(
            session,
            EmployeeDetails(
                person_id=pk(people[email]),
                org_unit_id=pk(org),
                job_title=title,
                work_email=email,
                department=dept,
            ),
        )

    async def category(name: str, parent: CatalogueCategory | None, position: int = 0) -> Any:
        return await iq.add(
            session,
            CatalogueCategory(
                institute_id=pk(institute),
                parent_id=parent.id if parent else None,
                name=name,
                position=position,
            ),
        )

    root = await category("Ons aanbod", None)
    courses_cat = await category("Cursussen & Trainingen", root)
    agro = await category("Agro & Groen", courses_cat, 1)
    care = await category("Zorg & Welzijn", courses_cat, 2)

    async def course(cat: Any, title: str, hours: int, price: int, vat: int = 21) -> Any:
        return await iq.add(
            session,
            InstituteCourse(
                institute_id=pk(institute),
                category_id=cat.id,
                title=title,
                description=f"{title}: praktijkgerichte training van {hours} uur.",
                duration_hours=hours,
                price_cents=price,
                vat_rate_percent=vat,
            ),
        )

    spray = await course(agro, "Veilig werken met gewasbeschermingsmiddelen", 8, 39500)
    pruning = await course(agro, "Boomverzorging basis", 16, 64500, 9)
    aggression = await course(care, "Omgaan met agressie", 6, 29500)
    meldcode = await course(care, "Meldcode in de praktijk", 4, 0)
    bhv = await course(care, "BHV Basis", 8, 24500)

    async def event(
        c: Any,
        days: int,
        capacity: int,
        *,
        org: OrgUnit | None = None,
        location: str = "De Brug, Groningen",
        meetings: int = 1,
    ) -> CourseEvent:
        start = _at(now, days)
        row = await iq.add(
            session,
            CourseEvent(
                institute_id=pk(institute),
                course_id=c.id,
                for_org_unit_id=pk(org) if org else None,
                starts_at=start,
                ends_at=_at(now, days + meetings - 1, 17),
                location_name="Incompany" if org else location,
                location_address="" if org else "Stationsplein 12, 9711 AA Groningen",
                incompany=org is not None,
                capacity=capacity,
                enrolment_deadline=start - timedelta(days=7),
                cancellation_deadline=start - timedelta(days=14),
            ),
        )
        for i in range(meetings):
            await iq.add(
                session,
                EventMeeting(
                    event_id=pk(row), starts_at=_at(now, days + i), ends_at=_at(now, days + i, 17)
                ),
            )
        return row

    past = await event(spray, -30, 12)
    nearly_full = await event(aggression, 40, 4)
    await event(bhv, 60, 12)
    await event(pruning, 75, 10, meetings=2)
    # Starts in five days: its enrolment and cancellation deadlines have passed.
    closing = await event(spray, 5, 12)
    maatwerk_welzijn = await event(meldcode, 30, 15, org=welzijn)
    await event(bhv, 50, 10, org=veendam)

    async def enrol(
        e: CourseEvent,
        email: str,
        status: EnrolmentStatus,
        org: OrgUnit | None,
        *,
        by: str | None = None,
        result: EnrolmentResult | None = None,
    ) -> InstituteEnrolment:
        confirmed = status is EnrolmentStatus.CONFIRMED
        return await iq.add(
            session,
            InstituteEnrolment(
                institute_id=pk(institute),
                event_id=pk(e),
                person_id=pk(people[email]),
                enrolled_by_person_id=pk(people[by or email]),
                invoice_org_unit_id=pk(org) if org else None,
                status=status,
                confirmation_sent_at=now - timedelta(days=40) if confirmed else None,
                invitation_sent_at=now - timedelta(days=35) if confirmed and e is past else None,
                result=result,
                attended=True if result else None,
                cancelled_at=now if status is EnrolmentStatus.CANCELLED else None,
            ),
        )

    martin, fatima, kees = (
        "martin.sommer@welzijn.example",
        "fatima.bouali@welzijn.example",
        "kees.degroot@veendam.example",
    )
    jeroen, els = "jeroen.kok@example.nl", "els.dekker@example.nl"
    c = EnrolmentStatus
    past_fatima = await enrol(
        past, fatima, c.CONFIRMED, welzijn, by=martin, result=EnrolmentResult.PASSED
    )
    past_jeroen = await enrol(
        past, jeroen, c.CONFIRMED, welzijn, by=martin, result=EnrolmentResult.COMPLETED
    )
    past_els = await enrol(past, els, c.CONFIRMED, None, result=EnrolmentResult.NOT_PASSED)
    past_kees = await enrol(past, kees, c.CONFIRMED, veendam, result=EnrolmentResult.PASSED)
    await enrol(nearly_full, fatima, c.CONFIRMED, welzijn, by=martin)
    await enrol(nearly_full, kees, c.PROCESSING, veendam)
    await enrol(nearly_full, els, c.PROCESSING, None)
    await enrol(nearly_full, martin, c.CANCELLED, welzijn)
    await enrol(maatwerk_welzijn, fatima, c.PROCESSING, welzijn, by=martin)
    await enrol(maatwerk_welzijn, jeroen, c.WAITLISTED, welzijn, by=martin)
    await enrol(closing, kees, c.PROCESSING, veendam)

    uow = UnitOfWork(session, actor=None, address=None)
    issued = (now - timedelta(days=20)).date()
    await issue_invoice(uow, pk(institute), pk(welzijn), [past_fatima, past_jeroen], issued)
    paid = await issue_invoice(uow, pk(institute), None, [past_els], issued)
    paid.status, paid.paid_on = paid.status.PAID, (now - timedelta(days=5)).date()
    credited = await issue_invoice(uow, pk(institute), pk(veendam), [past_kees], issued)
    await credit_note(uow, credited, (now - timedelta(days=10)).date())
    await session.flush()
