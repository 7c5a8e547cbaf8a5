"""Accreditation: registration numbers with professional registers and the six-weekly report.

The register table is representative, not authoritative: formats are illustrative and a
register without a known format falls back to a generic one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from domain.core.errors import DomainError, ErrorCode

# The academy reports attendance to the registers once every six weeks (academy seed).
REPORT_INTERVAL = timedelta(weeks=6)
GENERIC_NUMBER = re.compile(r"[A-Z0-9-]{3,30}")


@dataclass(frozen=True)
class Register:
    """A professional register ("kwaliteitsregister") learners can be registered with."""

    code: str
    name: str
    number_format: re.Pattern[str] | None  # None: the generic format
    format_hint: str
    # Dots and dashes people type between digit groups are dropped before checking.
    digits_only: bool = False
    # Teachers' and youth-care registers take the certificate from the learner (academy seed).
    reported_by_academy: bool = True


_GENERIC_HINT = "3 to 30 letters, digits or dashes"
REGISTERS: dict[str, Register] = {
    r.code: r
    for r in (
        Register("BIG", "BIG-register", re.compile(r"\d{11}"), "11 digits", digits_only=True),
        Register(
            "KNGF",
            "KNGF Kwaliteitsregister Fysiotherapie",
            re.compile(r"\d{5,8}"),
            "5 to 8 digits",
            digits_only=True,
        ),
        Register(
            "VVN",
            "V&VN Kwaliteitsregister",
            re.compile(r"\d{6,9}"),
            "6 to 9 digits",
            digits_only=True,
        ),
        Register(
            "SKJ",
            "Stichting Kwaliteitsregister Jeugd",
            None,
            _GENERIC_HINT,
            reported_by_academy=False,
        ),
        Register(
            "REGISTERLERAAR", "Registerleraar", None, _GENERIC_HINT, reported_by_academy=False
        ),
    )
}


def register_for(code: str, field: str = "register") -> Register:
    register = REGISTERS.get(code.strip().upper())
    if register is None:
        raise DomainError(
            ErrorCode.NOT_FOUND, "'{value}' is not a known register", field, value=code.strip()
        )
    return register


def normalize_registration_number(
    register_code: str, raw: str, field: str = "registrationNumber"
) -> str:
    """The number as stored and reported: upper case, without spaces (and without dots or
    dashes for registers whose numbers are all digits), or a message giving the format.
    """
    register = register_for(register_code)
    number = "".join(raw.split()).upper()
    if register.digits_only:
        number = number.replace(".", "").replace("-", "")
    if not number:
        raise DomainError(
            ErrorCode.INVALID,
            "A registration number for {register} is required",
            field,
            register=register.name,
        )
    pattern = register.number_format or GENERIC_NUMBER
    if not pattern.fullmatch(number):
        raise DomainError(
            ErrorCode.INVALID,
            "A registration number for {register} has {format_hint}",
            field,
            register=register.name,
            format_hint=register.format_hint,
        )
    return number


@dataclass(frozen=True)
class ReportWindow:
    """Completions in (after, until] go in one export; None: from the very beginning."""

    after: datetime | None
    until: datetime

    def contains(self, moment: datetime) -> bool:
        return (self.after is None or moment > self.after) and moment <= self.until


def _require_aware(moment: datetime, name: str) -> None:
    # Comparing naive and aware times raises mid-export; refuse them up front instead.
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{name} must be timezone-aware (store times in UTC)")


def report_window(last_exported_until: datetime | None, now: datetime) -> ReportWindow:
    """The next export's window. Each export starts where the last one ended, so with
    `until` stored as the next `last_exported_until` nothing is reported twice or missed.
    A completion stamped before `now` but committed after the export read it would fall in
    neither window: pass a `now` a few minutes behind the clock, past any open transaction.
    """
    _require_aware(now, "now")
    if last_exported_until is not None:
        _require_aware(last_exported_until, "last_exported_until")
        if last_exported_until > now:
            raise ValueError("the last export cannot end in the future")
    return ReportWindow(after=last_exported_until, until=now)


def reportable_since(completed_at: datetime, number_entered_at: datetime | None) -> datetime | None:
    """When a completion can first be reported: once completed *and* the number is known.

    Windows are chosen on this moment, so a number entered after the course (the seed allows
    "vlak na afronding") is reported in the next export instead of never; a corrected number
    is reported again. None: no number yet.
    """
    if number_entered_at is None:
        return None
    return max(completed_at, number_entered_at)


def next_report_due(last_exported_on: date) -> date:
    return last_exported_on + REPORT_INTERVAL


def report_due(last_exported_on: date | None, today: date) -> bool:
    """Whether an export is due today; the very first one is due at once."""
    return last_exported_on is None or today >= next_report_due(last_exported_on)
