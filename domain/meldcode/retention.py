"""Retention ("bewaartermijn") of closed cases, configurable per school board."""

from __future__ import annotations

from datetime import date

from domain.core.errors import DomainError, ErrorCode
from domain.core.texts import N_

DEFAULT_RETENTION_MONTHS = 60
MIN_RETENTION_MONTHS = 12
MAX_RETENTION_MONTHS = 240
DEFAULT_THRESHOLD = 5
MIN_THRESHOLD = 3
MAX_THRESHOLD = 50

RETENTION_RANGE = N_("The retention period must be between {low} and {high} months")
THRESHOLD_RANGE = N_("The suppression threshold must be between {low} and {high}")


def add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year = day.year + month // 12
    month = month % 12 + 1
    for d in (day.day, 30, 29, 28):
        try:
            return date(year, month, d)
        except ValueError:
            continue
    raise AssertionError("unreachable")


def purge_due(closed_on: date, retention_months: int) -> date:
    """The first day a closed case's content is purged."""
    return add_months(closed_on, retention_months)


def check_policy(retention_months: int, threshold: int) -> None:
    if not MIN_RETENTION_MONTHS <= retention_months <= MAX_RETENTION_MONTHS:
        raise DomainError(
            ErrorCode.INVALID,
            RETENTION_RANGE,
            "retentionMonths",
            low=MIN_RETENTION_MONTHS,
            high=MAX_RETENTION_MONTHS,
        )
    if not MIN_THRESHOLD <= threshold <= MAX_THRESHOLD:
        raise DomainError(
            ErrorCode.INVALID,
            THRESHOLD_RANGE,
            "suppressionThreshold",
            low=MIN_THRESHOLD,
            high=MAX_THRESHOLD,
        )
