"""Registration numbers per register and the six-weekly attendance report."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from domain.academy.accreditation import (
    REGISTERS,
    next_report_due,
    normalize_registration_number,
    register_for,
    report_due,
    report_window,
    reportable_since,
)
from domain.core.errors import DomainError, ErrorCode


def at(day: int, hour: int = 12) -> datetime:
    return datetime(2025, 3, day, hour, tzinfo=UTC)


def test_big_number_is_eleven_digits_typed_with_spaces_or_dots() -> None:
    assert normalize_registration_number("BIG", "1234 5678 901") == "12345678901"
    assert normalize_registration_number("big", "123.456.789.01") == "12345678901"
    with pytest.raises(DomainError) as caught:
        normalize_registration_number("BIG", "1234567890")
    assert "11 digits" in caught.value.message
    assert caught.value.field == "registrationNumber"


def test_digit_registers_refuse_letters() -> None:
    assert normalize_registration_number("KNGF", "123456") == "123456"
    assert normalize_registration_number("VVN", "123-456-789") == "123456789"
    with pytest.raises(DomainError):
        normalize_registration_number("VVN", "12345A")


def test_generic_format_for_registers_without_one() -> None:
    assert normalize_registration_number("SKJ", " ab-1234 ") == "AB-1234"
    for bad in ["AB", "X" * 31, "AB_123", "AB/123"]:
        with pytest.raises(DomainError):
            normalize_registration_number("SKJ", bad)


def test_blank_number_and_unknown_register_are_refused() -> None:
    with pytest.raises(DomainError) as caught:
        normalize_registration_number("BIG", "   ")
    assert "required" in caught.value.message
    with pytest.raises(DomainError) as caught:
        normalize_registration_number("NOPE", "123")
    assert caught.value.code is ErrorCode.NOT_FOUND


def test_teacher_and_youth_care_registers_are_not_reported_by_the_academy() -> None:
    assert not register_for("SKJ").reported_by_academy
    assert not register_for("REGISTERLERAAR").reported_by_academy
    assert register_for("BIG").reported_by_academy
    assert all(code == r.code for code, r in REGISTERS.items())


def test_consecutive_windows_report_everything_exactly_once() -> None:
    completions = [at(1), at(10), at(14, 0), at(20), at(28)]
    first = report_window(None, at(14, 0))
    second = report_window(first.until, at(28))
    for moment in completions:
        assert [first.contains(moment), second.contains(moment)].count(True) == 1
    assert first.contains(at(14, 0))  # on the boundary: the earlier export
    assert not second.contains(at(14, 0))
    assert not second.contains(at(28) + timedelta(seconds=1))  # not yet: the next one


def test_window_refuses_naive_times_and_a_last_export_in_the_future() -> None:
    with pytest.raises(ValueError):
        report_window(None, datetime(2025, 3, 1))  # naive on purpose
    with pytest.raises(ValueError):
        report_window(at(20), at(10))


def test_a_number_entered_after_the_window_is_still_reported_once() -> None:
    first = report_window(None, at(10))
    second = report_window(first.until, at(20))
    since = reportable_since(completed_at=at(5), number_entered_at=at(15))
    assert since == at(15)
    assert not first.contains(since)
    assert second.contains(since)
    assert reportable_since(at(5), None) is None
    assert reportable_since(at(5), at(1)) == at(5)


def test_next_report_is_due_six_weeks_after_the_last() -> None:
    assert next_report_due(date(2025, 1, 6)) == date(2025, 2, 17)
    assert report_due(None, date(2025, 1, 1))
    assert not report_due(date(2025, 1, 6), date(2025, 2, 16))
    assert report_due(date(2025, 1, 6), date(2025, 2, 17))
