"""Enrolments on course events (inschrijvingen): the status machine, seats and deadlines.

Pure rules; the resolver locks the event row and then asks these functions what to do.
"""

from __future__ import annotations

from datetime import datetime
from enum import Enum

from domain.core.errors import DomainError, ErrorCode
from domain.core.texts import N_


class EnrolmentStatus(str, Enum):
    """PROCESSING → CONFIRMED, or WAITLISTED, or CANCELLED."""

    PROCESSING = "PROCESSING"  # "in behandeling": a seat is held, staff has not confirmed yet
    CONFIRMED = "CONFIRMED"  # confirmed by staff: the confirmation mail went out
    WAITLISTED = "WAITLISTED"  # no seat: on the waiting list, promoted when a seat frees up
    CANCELLED = "CANCELLED"


class EnrolmentResult(str, Enum):
    """What staff record after the event."""

    PASSED = "PASSED"  # "geslaagd"
    COMPLETED = "COMPLETED"  # "afgerond" (a course without an exam)
    NOT_PASSED = "NOT_PASSED"  # "niet geslaagd"


# Statuses that take a seat.
SEATED = frozenset({EnrolmentStatus.PROCESSING, EnrolmentStatus.CONFIRMED})
ACTIVE = SEATED | {EnrolmentStatus.WAITLISTED}

TRANSITIONS: dict[EnrolmentStatus, frozenset[EnrolmentStatus]] = {
    EnrolmentStatus.PROCESSING: frozenset({EnrolmentStatus.CONFIRMED, EnrolmentStatus.CANCELLED}),
    EnrolmentStatus.WAITLISTED: frozenset({EnrolmentStatus.PROCESSING, EnrolmentStatus.CANCELLED}),
    EnrolmentStatus.CONFIRMED: frozenset({EnrolmentStatus.CANCELLED}),
    EnrolmentStatus.CANCELLED: frozenset(),
}

# The input field an enrolment refusal concerns (`enrol(input: {eventId})`).
EVENT_FIELD = "input.eventId"

EVENT_FULL = N_("Event {title} is full; you can join the waiting list")
DEADLINE_PASSED = N_("The enrolment deadline of {title} has passed")
ALREADY_ENROLLED = N_("{name} is already enrolled for {title}")
EVENT_STARTED = N_("Event {title} has already started")
CANCEL_DEADLINE_PASSED = N_(
    "The cancellation deadline has passed; ask the institute's administration to cancel"
)
BAD_TRANSITION = N_("An enrolment that is {status} cannot become {target}")


def seats_left(capacity: int, seated: int) -> int:
    return max(0, capacity - seated)


def check_transition(current: EnrolmentStatus, target: EnrolmentStatus, field: str) -> None:
    if target not in TRANSITIONS[current]:
        raise DomainError(
            ErrorCode.CONFLICT, BAD_TRANSITION, field, status=current.value, target=target.value
        )


def check_open(title: str, starts_at: datetime, deadline: datetime, now: datetime) -> None:
    """Enrolment is open until its deadline, and never once the event has started."""
    if now >= starts_at:
        raise DomainError(ErrorCode.CONFLICT, EVENT_STARTED, EVENT_FIELD, title=title)
    if now > deadline:
        raise DomainError(ErrorCode.CONFLICT, DEADLINE_PASSED, EVENT_FIELD, title=title)


def new_status(title: str, capacity: int, seated: int, waitlist: bool) -> EnrolmentStatus:
    """A seat while one is left; else the waiting list if asked for, else a refusal offering it.

    `seated` must be counted under the event's row lock, or two requests can take the last seat.
    """
    if seats_left(capacity, seated) > 0:
        return EnrolmentStatus.PROCESSING
    if waitlist:
        return EnrolmentStatus.WAITLISTED
    raise DomainError(ErrorCode.CONFLICT, EVENT_FULL, EVENT_FIELD, title=title)


def may_cancel_self(cancel_deadline: datetime, now: datetime) -> None:
    """Participants cancel until the cancellation deadline; after it, only staff can."""
    if now > cancel_deadline:
        raise DomainError(ErrorCode.CONFLICT, CANCEL_DEADLINE_PASSED, "enrolmentId")
