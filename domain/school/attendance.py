"""Absences per lesson, absence and presence percentages, and ISO weeks for the week overview.

The seed shows only absences ("presentie" is empty for a pupil never absent) and gives the
percentages as a trend, so they are rounded to one decimal, half up.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction

from domain.core.errors import DomainError, ErrorCode
from domain.school.grades import round_half_up


@dataclass(frozen=True, order=True)
class IsoWeek:
    """An ISO 8601 week: weeks start on Monday; week 1 holds the year's first Thursday."""

    year: int
    week: int

    @property
    def monday(self) -> date:
        return date.fromisocalendar(self.year, self.week, 1)

    @property
    def sunday(self) -> date:
        return date.fromisocalendar(self.year, self.week, 7)

    def __str__(self) -> str:
        return f"{self.year}-W{self.week:02d}"


def iso_week(day: date) -> IsoWeek:
    """The ISO week of a day; its year can differ from the calendar year around New Year."""
    year, week, _ = day.isocalendar()
    return IsoWeek(year, week)


def week_start(day: date) -> date:
    """The Monday of the day's week."""
    return day - timedelta(days=day.weekday())


@dataclass(frozen=True)
class Absence:
    """One lesson missed: day, lesson hour ("lesuur"), subject and what is known about it.

    A reason (`None` = not known yet) decides whether the absence is authorised ("geoorloofd")
    and the school's follow-up whether it is handled ("afgehandeld"). Without a known reason an
    absence is unauthorised and not handled, so those flags are refused until a reason is given.
    """

    day: date
    lesson_hour: int
    subject: str
    reason: str | None = None
    authorised: bool = False
    handled: bool = False

    def __post_init__(self) -> None:
        check_lesson_hour(self.lesson_hour)
        if self.reason is not None and not self.reason.strip():
            raise DomainError(
                ErrorCode.INVALID,
                "A reason cannot be blank; leave it out while it is not known",
                "reason",
            )
        if self.reason is None and (self.authorised or self.handled):
            raise DomainError(
                ErrorCode.INVALID,
                "An absence without a known reason is unauthorised and not handled; "
                "record the reason first",
                "reason",
            )

    @property
    def reason_known(self) -> bool:
        return self.reason is not None

    @property
    def week(self) -> IsoWeek:
        return iso_week(self.day)


def check_lesson_hour(hour: int, field: str = "lessonHour") -> int:
    """Lesson hours ("lesuren") are numbered from 1."""
    if isinstance(hour, bool) or not isinstance(hour, int) or hour < 1:
        raise DomainError(ErrorCode.INVALID, "A lesson hour is a whole number from 1", field)
    return hour


def lesson_hours(first_hour: int, last_hour: int) -> int:
    """How many lesson hours ("lesuren") a lesson spans: a double lesson (hours 3-4) is 2.

    The seed counts attendance in hours ("uren/dagen waarop een leerling afwezig is geweest"),
    so a missed double lesson weighs twice a missed single one.
    """
    check_lesson_hour(first_hour, "firstLessonHour")
    if last_hour < first_hour:
        raise DomainError(
            ErrorCode.INVALID, "The last lesson hour comes before the first", "lastLessonHour"
        )
    return last_hour - first_hour + 1


@dataclass(frozen=True)
class AttendanceRates:
    """Absence and presence over a period; percentages are None when no lessons were registered.

    absence % = absent lessons / registered lessons · 100, rounded to one decimal, half up;
    presence % = 100 - the rounded absence %, so the two shown numbers always add up to 100.
    """

    registered_lessons: int
    absent_lessons: int
    absence_percent: Decimal | None
    presence_percent: Decimal | None


def attendance_rates(registered_lessons: int, absent_lessons: int) -> AttendanceRates:
    """Rates from counts: registered lessons are the lessons scheduled in the period."""
    for name, count in (
        ("registeredLessons", registered_lessons),
        ("absentLessons", absent_lessons),
    ):
        if isinstance(count, bool) or not isinstance(count, int) or count < 0:
            raise DomainError(ErrorCode.INVALID, "A number of lessons is zero or more", name)
    if absent_lessons > registered_lessons:
        raise DomainError(
            ErrorCode.INVALID,
            "{absent_lessons} absent lessons out of {registered_lessons} registered is impossible",
            "absentLessons",
            absent_lessons=absent_lessons,
            registered_lessons=registered_lessons,
        )
    if registered_lessons == 0:
        return AttendanceRates(0, 0, None, None)
    absence = round_half_up(Fraction(absent_lessons * 100, registered_lessons))
    return AttendanceRates(registered_lessons, absent_lessons, absence, Decimal(100) - absence)


def period_rates(
    registered_lessons: int, absences: Iterable[Absence], first_day: date, last_day: date
) -> AttendanceRates:
    """Rates over first_day..last_day (both included); a lesson hour missed counts once."""
    if last_day < first_day:
        raise DomainError(ErrorCode.INVALID, "The period ends before it starts", "lastDay")
    missed = {(a.day, a.lesson_hour) for a in absences if first_day <= a.day <= last_day}
    return attendance_rates(registered_lessons, len(missed))


def absences_by_week(absences: Iterable[Absence]) -> list[tuple[IsoWeek, list[Absence]]]:
    """The week overview: latest week first; in a week the latest day first, hours in order."""
    weeks: dict[IsoWeek, list[Absence]] = defaultdict(list)
    for absence in absences:
        weeks[absence.week].append(absence)
    return [
        (week, sorted(items, key=lambda a: (-a.day.toordinal(), a.lesson_hour)))
        for week, items in sorted(weeks.items(), key=lambda kv: kv[0], reverse=True)
    ]
