"""Refresher moments at 3 and 6 calendar months after completion, and their duration."""

from __future__ import annotations

from datetime import date

import pytest

from domain.academy.refreshers import (
    RefresherMoment,
    add_months,
    check_duration,
    refresher_due_dates,
    refreshers_to_send,
)
from domain.core.errors import DomainError

THREE, SIX = RefresherMoment.THREE_MONTHS, RefresherMoment.SIX_MONTHS


def test_due_three_and_six_calendar_months_after_completion() -> None:
    assert refresher_due_dates(date(2025, 1, 15)) == [
        (THREE, date(2025, 4, 15)),
        (SIX, date(2025, 7, 15)),
    ]


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (date(2025, 8, 31), 6, date(2026, 2, 28)),
        (date(2023, 8, 31), 6, date(2024, 2, 29)),  # leap year
        (date(2025, 11, 30), 3, date(2026, 2, 28)),
        (date(2025, 5, 31), 3, date(2025, 8, 31)),
        (date(2025, 10, 15), 3, date(2026, 1, 15)),  # across the year end
        (date(2025, 12, 31), 6, date(2026, 6, 30)),
    ],
)
def test_add_months_clamps_to_the_end_of_the_month(
    start: date, months: int, expected: date
) -> None:
    assert add_months(start, months) == expected


def test_refreshers_to_send_on_and_after_their_date_once() -> None:
    completed = date(2025, 1, 15)
    assert refreshers_to_send(completed, date(2025, 4, 14), []) == []
    assert refreshers_to_send(completed, date(2025, 4, 15), []) == [THREE]
    assert refreshers_to_send(completed, date(2025, 5, 1), [THREE]) == []
    assert refreshers_to_send(completed, date(2025, 7, 15), [THREE]) == [SIX]
    assert refreshers_to_send(completed, date(2025, 8, 1), [THREE, SIX]) == []


@pytest.mark.parametrize("minutes", [1, 10, 15])
def test_duration_up_to_fifteen_minutes(minutes: int) -> None:
    check_duration(minutes)


@pytest.mark.parametrize("minutes", [0, 16, -5])
def test_duration_outside_one_to_fifteen_is_refused(minutes: int) -> None:
    with pytest.raises(DomainError) as caught:
        check_duration(minutes)
    assert caught.value.field == "durationMinutes"
