"""The agenda: which days a view shows, and lesson times between Amsterdam wall clock and UTC.

Lessons are planned in local time ("8:30, 1st hour") and stored in UTC; the offset changes on
the last Sundays of March and October, so conversions always go through zoneinfo, never a
fixed +1/+2 hours.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import Enum
from functools import lru_cache
from zoneinfo import ZoneInfo

from domain.core.errors import DomainError, ErrorCode
from domain.school.attendance import check_lesson_hour, week_start

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
MAX_LIST_DAYS = 62  # two months of lessons is the most one list request returns
DEFAULT_LIST_DAYS = 14


class AgendaView(str, Enum):
    """The seed's "Lijst / werkweek / Week"; the week is the default."""

    WEEK = "WEEK"  # Monday to Sunday
    WORK_WEEK = "WORK_WEEK"  # Monday to Friday
    LIST = "LIST"  # any range of at most MAX_LIST_DAYS days


@dataclass(frozen=True)
class DateRange:
    """Days from `first` to `last`, both included."""

    first: date
    last: date

    def __post_init__(self) -> None:
        if self.last < self.first:
            raise DomainError(
                ErrorCode.INVALID,
                "The end date {end} lies before the start date {start}",
                "endDate",
                end=self.last,
                start=self.first,
            )

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1

    def dates(self) -> list[date]:
        return [self.first + timedelta(days=i) for i in range(self.days)]

    def __contains__(self, day: object) -> bool:
        return isinstance(day, date) and self.first <= day <= self.last


def view_range(view: AgendaView, day: date, end_date: date | None = None) -> DateRange:
    """The days a view shows around `day`; LIST runs from `day` to `end_date` (default 14 days)."""
    if view is AgendaView.LIST:
        if end_date is None:
            end_date = day + timedelta(days=DEFAULT_LIST_DAYS - 1)
        span = DateRange(day, end_date)
        if span.days > MAX_LIST_DAYS:
            raise DomainError(
                ErrorCode.INVALID,
                "A list shows at most {max_list_days} days; {days} were asked for",
                "endDate",
                max_list_days=MAX_LIST_DAYS,
                days=span.days,
            )
        return span
    if end_date is not None:
        raise DomainError(ErrorCode.INVALID, "An end date applies only to the LIST view", "endDate")
    monday = week_start(day)
    return DateRange(monday, monday + timedelta(days=6 if view is AgendaView.WEEK else 4))


def step_range(view: AgendaView, current: DateRange, steps: int) -> DateRange:
    """Where the arrows lead: whole weeks for the week views, the list's own length for LIST."""
    if view is AgendaView.LIST:
        return DateRange(
            current.first + timedelta(days=current.days * steps),
            current.last + timedelta(days=current.days * steps),
        )
    return view_range(view, current.first + timedelta(weeks=steps))


def local_date(moment: datetime) -> date:
    """The Amsterdam calendar date of an aware moment: "today" for ages, weeks and school days."""
    _check_aware(moment)
    return moment.astimezone(AMSTERDAM).date()


def _check_aware(moment: datetime) -> None:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("expected an aware datetime, got a naive one")


def to_utc(day: date, local_time: time, field: str = "startTime") -> datetime:
    """Amsterdam wall-clock time on `day` as an aware UTC datetime.

    A time skipped when clocks go forward is refused. A time that occurs twice when they go
    back means its first (summer time) occurrence unless `local_time.fold` is 1.
    """
    if local_time.tzinfo is not None:
        raise ValueError("expected a local wall-clock time without tzinfo")
    local = datetime.combine(day, local_time, tzinfo=AMSTERDAM)
    moment = local.astimezone(UTC)
    # zoneinfo maps a skipped time to a real instant an hour off; the round trip shows it.
    if moment.astimezone(AMSTERDAM).replace(tzinfo=None) != local.replace(tzinfo=None):
        raise DomainError(
            ErrorCode.INVALID,
            "{time} does not exist on {day} in Europe/Amsterdam: the clocks go forward an hour then",
            field,
            time=local_time.isoformat("minutes"),
            day=day,
        )
    return moment


# A timetable repeats its moments: an agenda converts each lesson's start three times, and
# lessons of one school start at the same few times. The result depends on the instant alone.
@lru_cache(maxsize=4096)
def from_utc(moment: datetime) -> tuple[date, time]:
    """The Amsterdam date and wall-clock time of an aware moment (fold=1 for the repeated hour)."""
    _check_aware(moment)
    local = moment.astimezone(AMSTERDAM)
    return local.date(), local.time()


@dataclass(frozen=True)
class LessonTime:
    """When a lesson takes place: local date and times, and the lesson hours it covers."""

    day: date
    start: time
    end: time
    first_hour: int  # "lesuur", numbered from 1
    last_hour: int

    def __post_init__(self) -> None:
        check_lesson_hour(self.first_hour, "firstLessonHour")
        check_lesson_hour(self.last_hour, "lastLessonHour")
        if self.last_hour < self.first_hour:
            raise DomainError(
                ErrorCode.INVALID,
                "The last lesson hour comes before the first",
                "lastLessonHour",
            )
        if self.end <= self.start:
            raise DomainError(ErrorCode.INVALID, "A lesson ends after it starts", "endTime")
        # Refuse a wall-clock time that does not exist now, not when someone reads the lesson.
        to_utc(self.day, self.start, "startTime")
        to_utc(self.day, self.end, "endTime")

    @property
    def lesson_hours(self) -> tuple[int, ...]:
        return tuple(range(self.first_hour, self.last_hour + 1))

    @property
    def starts_at(self) -> datetime:
        return to_utc(self.day, self.start)

    @property
    def ends_at(self) -> datetime:
        return to_utc(self.day, self.end, "endTime")

    @property
    def duration(self) -> timedelta:
        """Elapsed time: differs from the wall-clock span if the clocks change during the lesson."""
        return self.ends_at - self.starts_at


def lesson_time_from_utc(
    starts_at: datetime, ends_at: datetime, first_hour: int, last_hour: int | None = None
) -> LessonTime:
    """A stored lesson (UTC instants) back on the Amsterdam wall clock; one hour unless told."""
    day, start = from_utc(starts_at)
    end_day, end = from_utc(ends_at)
    if end_day != day:
        raise DomainError(ErrorCode.INVALID, "A lesson starts and ends on the same day", "endTime")
    return LessonTime(day, start, end, first_hour, first_hour if last_hour is None else last_hour)
