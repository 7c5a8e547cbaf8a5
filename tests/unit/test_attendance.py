"""Absences, their status rule, percentages by hand counts, ISO weeks."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from domain.core.errors import DomainError, ErrorCode
from domain.school.attendance import (
    Absence,
    IsoWeek,
    absences_by_week,
    attendance_rates,
    check_lesson_hour,
    iso_week,
    period_rates,
    week_start,
)

D = Decimal


def test_absence_without_known_reason_is_unauthorised_and_not_handled() -> None:
    absence = Absence(date(2025, 11, 12), 8, "Duits")
    assert absence.reason is None and not absence.reason_known
    assert not absence.authorised
    assert not absence.handled


@pytest.mark.parametrize("flags", [{"authorised": True}, {"handled": True}])
def test_status_without_reason_is_refused(flags: dict[str, bool]) -> None:
    with pytest.raises(DomainError) as e:
        Absence(date(2025, 11, 12), 8, "Duits", **flags)
    assert e.value.code is ErrorCode.INVALID
    assert e.value.field == "reason"
    assert "unauthorised and not handled" in e.value.message


def test_known_reason_allows_any_status() -> None:
    sick = Absence(date(2025, 11, 12), 1, "Wiskunde", reason="Ziek", authorised=True, handled=True)
    truant = Absence(date(2025, 11, 12), 2, "Engels", reason="Spijbelen", handled=True)
    assert sick.authorised and sick.handled
    assert not truant.authorised and truant.handled


def test_blank_reason_is_refused() -> None:
    with pytest.raises(DomainError):
        Absence(date(2025, 11, 12), 1, "Wiskunde", reason="  ")


@pytest.mark.parametrize("hour", [0, -1, True])
def test_lesson_hours_count_from_one(hour: int) -> None:
    with pytest.raises(DomainError) as e:
        check_lesson_hour(hour)
    assert e.value.field == "lessonHour"
    assert check_lesson_hour(1) == 1


@pytest.mark.parametrize(
    ("registered", "absent", "absence", "presence"),
    [
        (40, 3, "7.5", "92.5"),  # 3 / 40 = 7.5 %
        (30, 1, "3.3", "96.7"),  # 3.333… %
        (30, 2, "6.7", "93.3"),  # 6.666… %
        (80, 1, "1.3", "98.7"),  # 1.25 % rounds half up
        (25, 0, "0.0", "100.0"),
        (12, 12, "100.0", "0.0"),
    ],
)
def test_percentages_by_hand_counts(
    registered: int, absent: int, absence: str, presence: str
) -> None:
    rates = attendance_rates(registered, absent)
    assert (rates.registered_lessons, rates.absent_lessons) == (registered, absent)
    assert rates.absence_percent == D(absence)
    assert rates.presence_percent == D(presence)
    assert rates.absence_percent + rates.presence_percent == 100


def test_no_lessons_gives_no_percentages() -> None:
    rates = attendance_rates(0, 0)
    assert rates.absence_percent is None and rates.presence_percent is None


@pytest.mark.parametrize(("registered", "absent"), [(-1, 0), (5, -1), (3, 4)])
def test_impossible_counts_are_refused(registered: int, absent: int) -> None:
    with pytest.raises(DomainError):
        attendance_rates(registered, absent)


def test_period_rates_count_each_missed_lesson_once_within_the_period() -> None:
    absences = [
        Absence(date(2025, 11, 10), 1, "Duits"),
        Absence(date(2025, 11, 10), 1, "Duits", reason="Ziek", authorised=True),  # same lesson
        Absence(date(2025, 11, 10), 2, "Engels"),
        Absence(date(2025, 11, 14), 5, "Biologie"),
        Absence(date(2025, 11, 17), 1, "Duits"),  # after the period
    ]
    rates = period_rates(32, absences, date(2025, 11, 10), date(2025, 11, 16))
    assert rates.absent_lessons == 3
    assert rates.absence_percent == D("9.4")  # 3 / 32 = 9.375 %
    assert rates.presence_percent == D("90.6")
    with pytest.raises(DomainError):
        period_rates(32, absences, date(2025, 11, 16), date(2025, 11, 10))


@pytest.mark.parametrize(
    ("day", "week", "monday"),
    [
        (date(2025, 12, 28), IsoWeek(2025, 52), date(2025, 12, 22)),  # a Sunday
        (date(2025, 12, 29), IsoWeek(2026, 1), date(2025, 12, 29)),  # week 1 starts in December
        (date(2026, 1, 1), IsoWeek(2026, 1), date(2025, 12, 29)),
        (date(2026, 1, 4), IsoWeek(2026, 1), date(2025, 12, 29)),
        (date(2021, 1, 3), IsoWeek(2020, 53), date(2020, 12, 28)),  # January in last year's week
        (date(2025, 11, 12), IsoWeek(2025, 46), date(2025, 11, 10)),
    ],
)
def test_iso_week_and_week_start(day: date, week: IsoWeek, monday: date) -> None:
    assert iso_week(day) == week
    assert week_start(day) == monday
    assert week.monday == monday
    assert week.sunday == date.fromordinal(monday.toordinal() + 6)


def test_iso_week_label() -> None:
    assert str(IsoWeek(2026, 1)) == "2026-W01"


def test_week_overview_latest_week_and_day_first() -> None:
    a = Absence(date(2025, 12, 30), 3, "Duits")
    b = Absence(date(2025, 12, 30), 1, "Engels")
    c = Absence(date(2026, 1, 2), 8, "Duits")
    d = Absence(date(2025, 12, 22), 2, "Wiskunde")
    overview = absences_by_week([a, d, b, c])
    assert overview == [(IsoWeek(2026, 1), [c, b, a]), (IsoWeek(2025, 52), [d])]
    assert absences_by_week([]) == []
