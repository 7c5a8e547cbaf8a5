"""Agenda views and lesson times across Europe/Amsterdam's daylight-saving changes."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta, timezone

import pytest

from domain.core.errors import DomainError, ErrorCode
from domain.school.timetable import (
    MAX_LIST_DAYS,
    AgendaView,
    DateRange,
    LessonTime,
    from_utc,
    lesson_time_from_utc,
    local_date,
    step_range,
    to_utc,
    view_range,
)

# 2025: summer time ends on Sunday 26 October; 2026: it starts on Sunday 29 March.
OCTOBER_CHANGE = date(2025, 10, 26)
MARCH_CHANGE = date(2026, 3, 29)


def test_week_and_work_week_around_a_day() -> None:
    wednesday = date(2025, 11, 12)
    assert view_range(AgendaView.WEEK, wednesday) == DateRange(
        date(2025, 11, 10), date(2025, 11, 16)
    )
    assert view_range(AgendaView.WORK_WEEK, wednesday) == DateRange(
        date(2025, 11, 10), date(2025, 11, 14)
    )
    assert view_range(AgendaView.WEEK, wednesday).days == 7
    assert view_range(AgendaView.WORK_WEEK, wednesday).days == 5


def test_week_across_the_year_boundary_is_iso_week_1() -> None:
    week = view_range(AgendaView.WEEK, date(2026, 1, 1))
    assert week == DateRange(date(2025, 12, 29), date(2026, 1, 4))
    assert week.first.isocalendar()[:2] == (2026, 1)
    assert view_range(AgendaView.WEEK, date(2025, 12, 29)) == week
    assert view_range(AgendaView.WEEK, date(2026, 1, 4)) == week  # Sunday belongs to it
    assert date(2026, 1, 1) in week and date(2026, 1, 5) not in week


def test_list_view_range() -> None:
    start = date(2025, 11, 1)
    assert view_range(AgendaView.LIST, start, date(2025, 11, 1)).days == 1
    assert view_range(AgendaView.LIST, start).days == 14  # visible default
    longest = view_range(AgendaView.LIST, start, start + timedelta(days=MAX_LIST_DAYS - 1))
    assert longest.days == MAX_LIST_DAYS == 62
    assert len(longest.dates()) == 62 and longest.dates()[-1] == longest.last


def test_list_longer_than_the_maximum_is_refused() -> None:
    start = date(2025, 11, 1)
    with pytest.raises(DomainError) as e:
        view_range(AgendaView.LIST, start, start + timedelta(days=MAX_LIST_DAYS))
    assert e.value.code is ErrorCode.INVALID
    assert e.value.field == "endDate"
    assert "at most 62 days" in e.value.message


def test_list_ending_before_it_starts_is_refused() -> None:
    with pytest.raises(DomainError) as e:
        view_range(AgendaView.LIST, date(2025, 11, 10), date(2025, 11, 9))
    assert e.value.field == "endDate"
    assert "before the start date" in e.value.message


def test_end_date_only_for_the_list_view() -> None:
    with pytest.raises(DomainError):
        view_range(AgendaView.WEEK, date(2025, 11, 10), date(2025, 11, 20))


def test_arrows_move_by_the_view() -> None:
    week = view_range(AgendaView.WORK_WEEK, date(2025, 12, 31))
    assert step_range(AgendaView.WORK_WEEK, week, 1) == DateRange(
        date(2026, 1, 5), date(2026, 1, 9)
    )
    assert step_range(AgendaView.WORK_WEEK, week, -1) == DateRange(
        date(2025, 12, 22), date(2025, 12, 26)
    )
    listed = view_range(AgendaView.LIST, date(2025, 11, 1), date(2025, 11, 10))
    assert step_range(AgendaView.LIST, listed, 1) == DateRange(
        date(2025, 11, 11), date(2025, 11, 20)
    )


def test_lesson_time_in_utc_across_the_october_change() -> None:
    before = OCTOBER_CHANGE - timedelta(days=6)  # Monday 20 October, summer time (UTC+2)
    after = OCTOBER_CHANGE + timedelta(days=1)  # Monday 27 October, winter time (UTC+1)
    assert to_utc(before, time(8, 30)) == datetime(2025, 10, 20, 6, 30, tzinfo=UTC)
    assert to_utc(after, time(8, 30)) == datetime(2025, 10, 27, 7, 30, tzinfo=UTC)
    assert to_utc(after, time(8, 30)).tzinfo is UTC


def test_lesson_time_in_utc_across_the_march_change() -> None:
    assert to_utc(date(2026, 3, 27), time(8, 30)) == datetime(2026, 3, 27, 7, 30, tzinfo=UTC)
    assert to_utc(date(2026, 3, 30), time(8, 30)) == datetime(2026, 3, 30, 6, 30, tzinfo=UTC)


def test_skipped_hour_is_refused() -> None:
    with pytest.raises(DomainError) as e:
        to_utc(MARCH_CHANGE, time(2, 30))
    assert "does not exist" in e.value.message
    assert to_utc(MARCH_CHANGE, time(3, 0)) == datetime(2026, 3, 29, 1, 0, tzinfo=UTC)


def test_repeated_hour_uses_fold() -> None:
    first = to_utc(OCTOBER_CHANGE, time(2, 30))
    second = to_utc(OCTOBER_CHANGE, time(2, 30, fold=1))
    assert first == datetime(2025, 10, 26, 0, 30, tzinfo=UTC)
    assert second == datetime(2025, 10, 26, 1, 30, tzinfo=UTC)
    day, wall = from_utc(second)
    assert (day, wall, wall.fold) == (OCTOBER_CHANGE, time(2, 30), 1)
    assert to_utc(day, wall) == second


@pytest.mark.parametrize(
    "moment",
    [
        datetime(2025, 10, 20, 6, 30, tzinfo=UTC),
        datetime(2025, 10, 27, 7, 30, tzinfo=UTC),
        datetime(2026, 3, 29, 0, 59, tzinfo=UTC),
        datetime(2026, 3, 29, 1, 0, tzinfo=UTC),
    ],
)
def test_round_trip(moment: datetime) -> None:
    assert to_utc(*from_utc(moment)) == moment


def test_back_to_local_wall_clock() -> None:
    assert from_utc(datetime(2025, 10, 27, 7, 30, tzinfo=UTC)) == (date(2025, 10, 27), time(8, 30))
    other_zone = datetime(2025, 10, 27, 2, 30, tzinfo=timezone(timedelta(hours=-5)))
    assert from_utc(other_zone) == (date(2025, 10, 27), time(8, 30))


def test_naive_values_are_programming_errors() -> None:
    with pytest.raises(ValueError, match="aware"):
        from_utc(datetime(2025, 10, 27, 7, 30))
    with pytest.raises(ValueError, match="without tzinfo"):
        to_utc(date(2025, 10, 27), time(8, 30, tzinfo=UTC))


def test_amsterdam_date_of_a_moment() -> None:
    # 23:30 UTC on 31 December is already New Year's Day in Amsterdam.
    assert local_date(datetime(2025, 12, 31, 23, 30, tzinfo=UTC)) == date(2026, 1, 1)
    assert local_date(datetime(2025, 6, 30, 21, 59, tzinfo=UTC)) == date(2025, 6, 30)
    assert local_date(datetime(2025, 6, 30, 22, 0, tzinfo=UTC)) == date(2025, 7, 1)


def test_lesson_covering_two_lesson_hours() -> None:
    lesson = LessonTime(date(2025, 10, 27), time(10, 0), time(11, 30), 3, 4)
    assert lesson.lesson_hours == (3, 4)
    assert lesson.starts_at == datetime(2025, 10, 27, 9, 0, tzinfo=UTC)
    assert lesson.ends_at == datetime(2025, 10, 27, 10, 30, tzinfo=UTC)
    assert lesson.duration == timedelta(minutes=90)
    back = lesson_time_from_utc(lesson.starts_at, lesson.ends_at, 3, 4)
    assert back == lesson


@pytest.mark.parametrize(
    ("args", "field"),
    [
        ((time(9, 0), time(10, 0), 0, 1), "firstLessonHour"),
        ((time(9, 0), time(10, 0), 2, 1), "lastLessonHour"),
        ((time(10, 0), time(10, 0), 1, 1), "endTime"),
        ((time(10, 0), time(9, 0), 1, 1), "endTime"),
    ],
)
def test_malformed_lessons_are_refused(args: tuple[time, time, int, int], field: str) -> None:
    with pytest.raises(DomainError) as e:
        LessonTime(date(2025, 10, 27), *args)
    assert e.value.field == field


def test_lesson_in_the_skipped_hour_is_refused_when_made() -> None:
    with pytest.raises(DomainError) as e:
        LessonTime(MARCH_CHANGE, time(1, 30), time(2, 15), 1, 1)
    assert e.value.field == "endTime"


def test_elapsed_time_of_a_night_lesson_across_the_change() -> None:
    # Wall clock 01:30 to 03:30 on the October night spans three real hours.
    lesson = LessonTime(OCTOBER_CHANGE, time(1, 30), time(3, 30), 1, 2)
    assert lesson.duration == timedelta(hours=3)
