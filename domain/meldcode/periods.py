"""Reporting periods: the school year ("schooljaar", 1 August – 31 July) and its quarters.

Figures are published on one fixed grid only (a school year, split in four quarters), so no
two periods overlap partly: a count can never be recovered by subtracting one period from
another.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from domain.core.errors import DomainError, ErrorCode
from domain.core.texts import N_

QUARTERS = 4
YEAR_OUT_OF_RANGE = N_("The school year {year} is outside 2000–2100")
QUARTER_NAMES = (N_("Aug–Oct"), N_("Nov–Jan"), N_("Feb–Apr"), N_("May–Jul"))


@dataclass(frozen=True)
class SchoolYear:
    start_year: int  # 2025 is the school year 2025–2026

    @property
    def first_day(self) -> date:
        return date(self.start_year, 8, 1)

    @property
    def end(self) -> date:
        """The first day after the school year."""
        return date(self.start_year + 1, 8, 1)

    @property
    def last_day(self) -> date:
        return self.end - timedelta(days=1)

    @property
    def label(self) -> str:
        return f"{self.start_year}–{self.start_year + 1}"


def school_year(start_year: int) -> SchoolYear:
    if not 2000 <= start_year <= 2100:
        raise DomainError(ErrorCode.INVALID, YEAR_OUT_OF_RANGE, "schoolYear", year=start_year)
    return SchoolYear(start_year)


def school_year_of(day: date) -> SchoolYear:
    return SchoolYear(day.year if day.month >= 8 else day.year - 1)


def quarter_of_month(month: int) -> int:
    """0 for August–October … 3 for May–July (the same formula runs in SQL)."""
    return ((month + 4) % 12) // 3
