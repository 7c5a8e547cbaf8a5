"""The institute's pure rules: enrolment status and seats, deadlines, invoice numbers and VAT."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from domain.core.errors import DomainError, ErrorCode
from domain.institute import enrolments as e
from domain.institute import invoices as inv
from domain.institute.enrolments import EnrolmentStatus as S

NOW = datetime(2026, 12, 1, 12, tzinfo=UTC)


def test_a_seat_while_one_is_left_then_waitlist_or_refusal() -> None:
    assert e.new_status("BHV", 2, 1, waitlist=False) is S.PROCESSING
    assert e.new_status("BHV", 2, 2, waitlist=True) is S.WAITLISTED
    with pytest.raises(DomainError) as refused:
        e.new_status("BHV", 2, 2, waitlist=False)
    assert refused.value.code is ErrorCode.CONFLICT and refused.value.params == {"title": "BHV"}
    assert e.seats_left(2, 5) == 0


def test_deadlines() -> None:
    start = NOW + timedelta(days=10)
    e.check_open("BHV", start, NOW + timedelta(days=3), NOW)
    with pytest.raises(DomainError):
        e.check_open("BHV", start, NOW - timedelta(seconds=1), NOW)
    with pytest.raises(DomainError):
        e.check_open("BHV", NOW, NOW + timedelta(days=1), NOW)  # started: never open
    e.may_cancel_self(NOW, NOW)
    with pytest.raises(DomainError) as late:
        e.may_cancel_self(NOW - timedelta(minutes=1), NOW)
    assert late.value.field == "enrolmentId"


@pytest.mark.parametrize(
    ("current", "target", "ok"),
    [
        (S.PROCESSING, S.CONFIRMED, True),
        (S.WAITLISTED, S.PROCESSING, True),
        (S.WAITLISTED, S.CONFIRMED, False),
        (S.CONFIRMED, S.CANCELLED, True),
        (S.CANCELLED, S.PROCESSING, False),
        (S.CANCELLED, S.CANCELLED, False),
    ],
)
def test_status_machine(current: S, target: S, ok: bool) -> None:
    if ok:
        e.check_transition(current, target, "f")
    else:
        with pytest.raises(DomainError):
            e.check_transition(current, target, "f")


def test_invoice_number_and_vat_per_rate_in_cents() -> None:
    assert inv.invoice_number(2026, 123) == "2026-000123"
    lines = [
        inv.Line(1, 24500, 21),
        inv.Line(2, 333, 21),
        inv.Line(1, 64500, 9),
        inv.Line(1, 100, 0),
    ]
    total = inv.totals(lines)
    assert total.excl_vat_cents == 24500 + 666 + 64500 + 100
    # VAT per rate over the rate's sum, rounded half away from zero once per rate.
    assert total.vat_by_rate == {0: 0, 9: 5805, 21: 5285}
    assert total.incl_vat_cents == total.excl_vat_cents + 5805 + 5285
    credit = inv.totals([inv.Line(1, -24500, 21)])
    assert credit.vat_by_rate == {21: -5145} and credit.incl_vat_cents == -29645


def test_due_and_overdue_and_euro() -> None:
    issued = date(2026, 11, 1)
    assert inv.due_date(issued) == date(2026, 12, 1)
    assert not inv.is_overdue(inv.InvoiceStatus.OPEN, date(2026, 12, 1), date(2026, 12, 1))
    assert inv.is_overdue(inv.InvoiceStatus.OPEN, date(2026, 12, 1), date(2026, 12, 2))
    assert not inv.is_overdue(inv.InvoiceStatus.PAID, date(2026, 12, 1), date(2027, 1, 1))
    assert inv.euro(123456789) == "EUR 1.234.567,89"
    assert inv.euro(-5) == "-EUR 0,05"
