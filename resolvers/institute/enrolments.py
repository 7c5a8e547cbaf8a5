"""Enrolling on course events, cancelling, and staff processing (confirm, invite, results).

Locking strategy (no overselling): every change to an event's seats runs in one transaction
that first locks the event's row (`persistence.institute.queries.lock_event`: `SELECT … FOR
UPDATE` on PostgreSQL, the write lock on SQLite). Enrolments and cancellations of one event
therefore run one after another; the seat count is read under the lock, so the decision
"seat or waiting list" is always made on current numbers. Different events do not wait for
each other. The unique (event, person) constraint backs the "already enrolled" rule.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from domain.core.errors import DomainError, ErrorCode
from domain.core.roles import Role
from domain.core.texts import N_
from domain.institute import enrolments as rules
from domain.institute.enrolments import ACTIVE, SEATED, EnrolmentResult, EnrolmentStatus
from persistence.core.models import OrgUnit, Person
from persistence.core.people import persons_by_ids
from persistence.db import UnitOfWork
from persistence.institute import queries as q
from persistence.institute.models import CourseEvent, InstituteCourse, InstituteEnrolment, pk
from persistence.types import utcnow
from resolvers.background.mail import QueuedMail, RenderedMail, enqueue, enqueue_many, render
from resolvers.context import Context
from resolvers.core.accounts import send_activation
from resolvers.core.i18n import format_date
from resolvers.core.tree import not_found

NOT_A_CONTACT = N_("{name} is not a contact of the organisation you act for")
ENROL_OTHERS = N_("Only an organisation admin acting for the organisation can enrol others")
MAATWERK_OF_OTHER = N_("This event is only for another organisation")
EVENT_CANCELLED = N_("Event {title} has been cancelled")
ALREADY_CANCELLED = N_("Event {title} has already been cancelled")
EVENT_OVER = N_("Event {title} has already ended")


@dataclass
class EnrolOutcome:
    enrolment: InstituteEnrolment
    waitlisted: bool


async def _course(uow: UnitOfWork, event: CourseEvent) -> InstituteCourse:
    course = await uow.get(InstituteCourse, event.course_id)
    assert course is not None  # a foreign key
    return course


async def enrol(
    ctx: Context, event_id: int, person_id: int | None, join_waitlist: bool
) -> EnrolOutcome:
    """Enrol the viewer, or (an organisation admin acting for it) a contact of the organisation.

    Who is invoiced is fixed now, from how the viewer acts: the organisation they act for, or
    the person themself. Visibility of the event was checked before this ran (`@requires`).
    """
    viewer = ctx.viewer
    me = viewer.person_id
    assert me is not None
    acting = viewer.acting_for_unit_id
    now = utcnow()
    # A public event is open to everyone logged in: enrolling enters its institute's tenant
    # (row-level security) even the first time. The permission check loaded the event already.
    shown = await ctx.loaders.institute.event_by_id.load(event_id)
    async with ctx.uow(reach=shown.institute_id if shown else None) as uow:
        # The lock comes first: everything below sees the event's current seats.
        event = await q.lock_event(uow.session, event_id)
        if event is None:
            raise not_found("input.eventId")
        course = await _course(uow, event)
        if event.cancelled_at is not None:
            raise DomainError(
                ErrorCode.CONFLICT, EVENT_CANCELLED, "input.eventId", title=course.title
            )
        target = person_id or me
        person = await uow.get(Person, target)
        if person is None:
            raise not_found("input.personId")
        if target != me:
            is_admin = any(
                g.role is Role.CLIENT_ORG_ADMIN and g.unit_id == acting
                for g in viewer.effective_grants
            )
            if acting is None or not is_admin:
                raise DomainError(ErrorCode.FORBIDDEN, ENROL_OTHERS, "input.personId")
            if not await q.is_contact(uow.session, target, acting):
                raise DomainError(
                    ErrorCode.NOT_FOUND, NOT_A_CONTACT, "input.personId", name=person.display_name
                )
        if event.for_org_unit_id is not None and event.for_org_unit_id != acting and target != me:
            raise DomainError(ErrorCode.FORBIDDEN, MAATWERK_OF_OTHER, "input.eventId")
        existing = await q.enrolment_of(uow.session, event_id, target)
        if existing is not None and existing.status in ACTIVE:
            raise DomainError(
                ErrorCode.ALREADY_EXISTS,
                rules.ALREADY_ENROLLED,
                "input.eventId",
                name=person.display_name,
                title=course.title,
            )
        rules.check_open(course.title, event.starts_at, event.enrolment_deadline, now)
        seated = await q.seated_count(uow.session, event_id)
        status = rules.new_status(course.title, event.capacity, seated, join_waitlist)
        if existing is None:
            enrolment = uow.add(
                InstituteEnrolment(
                    institute_id=event.institute_id,
                    event_id=event_id,
                    person_id=target,
                    status=status,
                )
            )
        else:  # enrolling again after a cancellation reuses the row (one per event and person)
            enrolment = existing
            enrolment.status = status
            enrolment.cancelled_at = None
            enrolment.confirmation_sent_at = None
            enrolment.invitation_sent_at = None
            enrolment.created_at = now
        enrolment.enrolled_by_person_id = me
        enrolment.invoice_org_unit_id = acting
        await uow.flush()
        await uow.audit(
            "COURSE_ENROLLED",
            subject=target,
            unit=acting or event.institute_id,
            detail=f"event {event_id}: {status.value}",
        )
        await uow.commit()
    return EnrolOutcome(enrolment, status is EnrolmentStatus.WAITLISTED)


async def _mail(
    ctx: Context,
    uow: UnitOfWork,
    template: str,
    person: Person,
    event: CourseEvent,
    course: InstituteCourse,
    key: str,
) -> None:
    institute = await uow.get(OrgUnit, event.institute_id)
    await enqueue(
        uow.session,
        _rendered(template, person, event, course, institute),
        to=person.email,
        person_id=person.id,
        idempotency_key=f"{template}:{key}",
        sender_name=institute.name if institute else "Portaal",
    )


def _rendered(
    template: str,
    person: Person,
    event: CourseEvent,
    course: InstituteCourse,
    institute: OrgUnit | None,
) -> RenderedMail:
    lang = person.language.value
    return render(
        template,
        lang,
        name=person.given_name or person.email,
        course=course.title,
        date=format_date(event.starts_at, lang),
        location=event.location_name or ("Incompany" if event.incompany else ""),
        institute=institute.name if institute else "",
    )


async def promote_waitlisted(ctx: Context, uow: UnitOfWork, event: CourseEvent, seats: int) -> int:
    """Give up to `seats` freed seats to the waiting list in order, each with a mail. The
    caller holds the event's lock. Returns how many were promoted."""
    now = utcnow()
    promoted_count = 0
    while promoted_count < seats:
        promoted = await q.first_waitlisted(uow.session, pk(event))
        if promoted is None:
            break
        promoted.status = EnrolmentStatus.PROCESSING
        await uow.flush()
        person = await uow.get(Person, promoted.person_id)
        assert person is not None
        await _mail(
            ctx,
            uow,
            "waitlist_promoted",
            person,
            event,
            await _course(uow, event),
            f"{promoted.id}:{now.isoformat()}",
        )
        await uow.audit(
            "COURSE_WAITLIST_PROMOTED", subject=promoted.person_id, detail=f"event {event.id}"
        )
        promoted_count += 1
    return promoted_count


async def cancel(ctx: Context, enrolment_id: int, *, as_staff: bool) -> InstituteEnrolment:
    """Cancel; before the cancellation deadline the participant (or an admin of the
    organisation it is invoiced to, acting for it: `cancelColleagueEnrolment`) may, after
    it only staff. A freed seat goes to the first person on the waiting list, who gets a mail."""
    now = utcnow()
    async with ctx.uow() as uow:
        found = await uow.get(InstituteEnrolment, enrolment_id)
        if found is None:
            raise not_found("enrolmentId")
        event = await q.lock_event(uow.session, found.event_id)
        assert event is not None
        enrolment = await q.enrolment_locked(uow.session, enrolment_id)
        assert enrolment is not None
        if not as_staff:
            rules.may_cancel_self(event.cancellation_deadline, now)
        rules.check_transition(enrolment.status, EnrolmentStatus.CANCELLED, "enrolmentId")
        freed = enrolment.status in SEATED
        enrolment.status = EnrolmentStatus.CANCELLED
        enrolment.cancelled_at = now
        await uow.flush()
        by_other = not as_staff and enrolment.person_id != ctx.viewer.person_id
        await uow.audit(
            "COURSE_ENROLMENT_CANCELLED",
            subject=enrolment.person_id,
            unit=enrolment.invoice_org_unit_id or event.institute_id,
            detail=f"event {event.id}" + (" by the organisation admin" if by_other else ""),
        )
        if freed and event.starts_at > now:
            promoted = await q.first_waitlisted(uow.session, pk(event))
            if promoted is not None:
                promoted.status = EnrolmentStatus.PROCESSING
                person = await uow.get(Person, promoted.person_id)
                assert person is not None
                await _mail(
                    ctx,
                    uow,
                    "waitlist_promoted",
                    person,
                    event,
                    await _course(uow, event),
                    f"{promoted.id}:{now.isoformat()}",
                )
                await uow.audit(
                    "COURSE_WAITLIST_PROMOTED",
                    subject=promoted.person_id,
                    detail=f"event {event.id}",
                )
        await uow.commit()
    return enrolment


async def confirm(ctx: Context, enrolment_ids: Sequence[int]) -> list[InstituteEnrolment]:
    """Staff confirm processed enrolments: the confirmation mail goes out and is timestamped.
    A person without an activated account gets an activation link (never a password)."""
    now = utcnow()
    done: list[InstituteEnrolment] = []
    async with ctx.uow() as uow:
        for eid in enrolment_ids:
            enrolment = await q.enrolment_locked(uow.session, eid)
            if enrolment is None:
                raise not_found("enrolmentIds")
            rules.check_transition(enrolment.status, EnrolmentStatus.CONFIRMED, "enrolmentIds")
            enrolment.status = EnrolmentStatus.CONFIRMED
            enrolment.confirmation_sent_at = now
            event = await uow.get(CourseEvent, enrolment.event_id)
            person = await uow.get(Person, enrolment.person_id)
            assert event is not None and person is not None
            course = await _course(uow, event)
            await _mail(ctx, uow, "enrolment_confirmation", person, event, course, str(eid))
            if person.password_hash is None:
                institute = await uow.get(OrgUnit, event.institute_id)
                await send_activation(
                    ctx, uow.session, person, organisation=institute.name if institute else ""
                )
            await uow.audit(
                "COURSE_ENROLMENT_CONFIRMED", subject=person.id, detail=f"event {event.id}"
            )
            done.append(enrolment)
        await uow.commit()
    return done


async def invite(ctx: Context, enrolment_ids: Sequence[int]) -> list[InstituteEnrolment]:
    """Staff send the invitation (uitnodiging) to confirmed participants."""
    now = utcnow()
    done: list[InstituteEnrolment] = []
    async with ctx.uow() as uow:
        for eid in enrolment_ids:
            enrolment = await q.enrolment_locked(uow.session, eid)
            if enrolment is None:
                raise not_found("enrolmentIds")
            if enrolment.status is not EnrolmentStatus.CONFIRMED:
                raise DomainError(
                    ErrorCode.CONFLICT,
                    rules.BAD_TRANSITION,
                    "enrolmentIds",
                    status=enrolment.status.value,
                    target="INVITED",
                )
            enrolment.invitation_sent_at = now
            event = await uow.get(CourseEvent, enrolment.event_id)
            person = await uow.get(Person, enrolment.person_id)
            assert event is not None and person is not None
            course = await _course(uow, event)
            await _mail(ctx, uow, "course_invitation", person, event, course, str(eid))
            done.append(enrolment)
        await uow.audit("COURSE_INVITATIONS_SENT", detail=f"{len(done)} enrolments")
        await uow.commit()
    return done


async def record_result(
    ctx: Context, enrolment_id: int, result: EnrolmentResult | None, attended: bool | None
) -> InstituteEnrolment:
    async with ctx.uow() as uow:
        enrolment = await q.enrolment_locked(uow.session, enrolment_id)
        if enrolment is None:
            raise not_found("enrolmentId")
        if enrolment.status is not EnrolmentStatus.CONFIRMED:
            raise DomainError(
                ErrorCode.CONFLICT,
                rules.BAD_TRANSITION,
                "enrolmentId",
                status=enrolment.status.value,
                target="RESULT",
            )
        enrolment.result = result
        enrolment.attended = attended
        await uow.audit(
            "COURSE_RESULT_RECORDED",
            subject=enrolment.person_id,
            detail=f"{result.value if result else '-'} attended={attended}",
        )
        await uow.commit()
    return enrolment


async def cancel_event(ctx: Context, event_id: int) -> CourseEvent:
    """Staff cancel an event that has not ended: every seated or waitlisted enrolment is
    cancelled and its participant mailed, in one transaction under the event's lock (so no
    enrolment slips in between). Invoices already sent are left to `creditInvoice`."""
    now = utcnow()
    async with ctx.uow() as uow:
        event = await q.lock_event(uow.session, event_id)
        if event is None:
            raise not_found("eventId")
        course = await _course(uow, event)
        if event.cancelled_at is not None:
            raise DomainError(ErrorCode.CONFLICT, ALREADY_CANCELLED, "eventId", title=course.title)
        if event.ends_at <= now:
            raise DomainError(ErrorCode.CONFLICT, EVENT_OVER, "eventId", title=course.title)
        event.cancelled_at = now
        enrolments = await q.active_enrolments_locked(uow.session, event_id)
        found = await persons_by_ids(uow.session, [e.person_id for e in enrolments])
        people = {pk(p): p for p in found if p is not None}
        institute = await uow.get(OrgUnit, event.institute_id)
        mails = []
        for enrolment in enrolments:
            enrolment.status = EnrolmentStatus.CANCELLED
            enrolment.cancelled_at = now
            person = people[enrolment.person_id]
            mails.append(
                QueuedMail(
                    _rendered("event_cancelled", person, event, course, institute),
                    to=person.email,
                    idempotency_key=f"event_cancelled:{event_id}:{enrolment.id}",
                    person_id=person.id,
                )
            )
        # One batch under the same mail limits: the statements do not grow with the event.
        await enqueue_many(
            uow.session, mails, sender_name=institute.name if institute else "Portaal"
        )
        await uow.audit(
            "COURSE_EVENT_CANCELLED",
            unit=event.for_org_unit_id or event.institute_id,
            detail=f"event {event_id}: {len(enrolments)} enrolments cancelled",
        )
        await uow.commit()
    return event
