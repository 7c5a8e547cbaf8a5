"""Refresher modules ("opfrismomenten"): short repeats sent 3 and 6 months after completion.

Dates are calendar dates in Europe/Amsterdam; the caller converts the completion moment.
Admins cannot monitor refreshers (academy seed), so nothing here reports on them.
"""

from __future__ import annotations

import calendar
from collections.abc import Collection
from datetime import date
from enum import Enum

from domain.core.errors import DomainError, ErrorCode

MIN_DURATION_MINUTES = 1
MAX_DURATION_MINUTES = 15


class RefresherMoment(str, Enum):
    """When after completing a course a refresher is sent."""

    THREE_MONTHS = "THREE_MONTHS"
    SIX_MONTHS = "SIX_MONTHS"


MONTHS_AFTER_COMPLETION = {RefresherMoment.THREE_MONTHS: 3, RefresherMoment.SIX_MONTHS: 6}


def add_months(day: date, months: int) -> date:
    """The same day `months` calendar months on, clamped to the month's end (31 Aug → 28/29 Feb)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last_day = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last_day))


def refresher_due_dates(completed_on: date) -> list[tuple[RefresherMoment, date]]:
    """Each refresher moment with the date it is due, earliest first."""
    return [
        (moment, add_months(completed_on, months))
        for moment, months in MONTHS_AFTER_COMPLETION.items()
    ]


def refreshers_to_send(
    completed_on: date, today: date, already_sent: Collection[RefresherMoment]
) -> list[RefresherMoment]:
    """Refreshers due by today and not yet sent; a scheduler that missed a day catches up."""
    return [
        moment
        for moment, due in refresher_due_dates(completed_on)
        if due <= today and moment not in already_sent
    ]


def check_duration(minutes: int, field: str = "durationMinutes") -> None:
    """A refresher is short by definition: at most 15 minutes (academy seed)."""
    if not MIN_DURATION_MINUTES <= minutes <= MAX_DURATION_MINUTES:
        raise DomainError(
            ErrorCode.INVALID,
            "A refresher takes {min_duration_minutes} to {max_duration_minutes} minutes",
            field,
            min_duration_minutes=MIN_DURATION_MINUTES,
            max_duration_minutes=MAX_DURATION_MINUTES,
        )
