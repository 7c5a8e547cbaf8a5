"""Invoices (facturen): numbers, amounts and VAT in integer cents, status.

Dutch invoice requirements (art. 35a Wet OB): supplier name, address, KvK and VAT number; the
customer's name and address; the invoice date and a unique number from a gapless sequence; a
description of what was supplied; amounts excluding VAT, VAT per rate, total including VAT.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from enum import Enum

PAYMENT_TERM = timedelta(days=30)


class InvoiceStatus(str, Enum):
    OPEN = "OPEN"
    PAID = "PAID"
    CREDITED = "CREDITED"  # a credit note with its own number cancels it


def invoice_number(year: int, sequence: int) -> str:
    """`2026-000123`: the year and the institute's gapless sequence within that year."""
    return f"{year}-{sequence:06d}"


@dataclass(frozen=True)
class Line:
    quantity: int
    unit_price_cents: int  # excluding VAT; negative on a credit note
    vat_rate_percent: int  # 21, 9 or 0

    @property
    def amount_cents(self) -> int:
        return self.quantity * self.unit_price_cents


@dataclass(frozen=True)
class Totals:
    excl_vat_cents: int
    vat_by_rate: dict[int, int]  # rate percent -> VAT cents
    incl_vat_cents: int


def vat_cents(amount_cents: int, rate_percent: int) -> int:
    """VAT on an amount, rounded half away from zero to a whole cent."""
    sign = -1 if amount_cents < 0 else 1
    return sign * ((abs(amount_cents) * rate_percent + 50) // 100)


def totals(lines: Iterable[Line]) -> Totals:
    """Totals with VAT computed per rate over the sum of that rate's lines (not per line)."""
    per_rate: dict[int, int] = defaultdict(int)
    for line in lines:
        per_rate[line.vat_rate_percent] += line.amount_cents
    excl = sum(per_rate.values())
    vat = {rate: vat_cents(amount, rate) for rate, amount in sorted(per_rate.items())}
    return Totals(excl, vat, excl + sum(vat.values()))


def due_date(issued: date) -> date:
    return issued + PAYMENT_TERM


def is_overdue(status: InvoiceStatus, due: date, today: date) -> bool:
    return status is InvoiceStatus.OPEN and today > due


def euro(cents: int) -> str:
    """`EUR 1.234,56` — Dutch notation, for the PDF (its core fonts have no euro sign)."""
    sign = "-" if cents < 0 else ""
    whole, rest = divmod(abs(cents), 100)
    grouped = f"{whole:,}".replace(",", ".")
    return f"{sign}EUR {grouped},{rest:02d}"
