"""The five steps of the reporting code ("meldcode") and the rules an entry on a case follows.

Stap 1 signalen in kaart brengen; stap 2 collegiale consultatie, eventueel Veilig Thuis of een
letselduider raadplegen; stap 3 gesprek met de betrokkene(n); stap 4 wegen (bij twijfel altijd
Veilig Thuis raadplegen); stap 5 beslissen: zelf hulp organiseren of melden bij Veilig Thuis.
The history of a case is append-only: a correction is a new entry that refers to the one it
corrects ("correctie"), never an update.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import Enum, IntEnum

from domain.core.errors import DomainError, ErrorCode
from domain.core.texts import N_


class Step(IntEnum):
    """A step of the meldcode."""

    SIGNALS_MAPPED = 1
    COLLEAGUE_CONSULTED = 2
    CONVERSATION = 3
    WEIGHING = 4
    DECISION = 5


class Decision(str, Enum):
    """The decision of step 5."""

    ORGANISE_HELP = "ORGANISE_HELP"  # "zelf hulp organiseren"
    REPORT_TO_VEILIG_THUIS = "REPORT_TO_VEILIG_THUIS"  # "melden bij Veilig Thuis"


class Outcome(str, Enum):
    """How a case was closed ("afsluiting")."""

    HELP_ORGANISED = "HELP_ORGANISED"
    REPORTED = "REPORTED"
    CONCERN_UNFOUNDED = "CONCERN_UNFOUNDED"
    PUPIL_LEFT_SCHOOL = "PUPIL_LEFT_SCHOOL"
    OTHER = "OTHER"


class CaseStatus(str, Enum):
    OPEN = "OPEN"
    CLOSED = "CLOSED"


FUTURE_DATE = N_("The date {day} lies in the future")
CASE_CLOSED = N_("The case is closed; nothing can be added to it")
DECISION_ONLY_STEP_5 = N_("Only step 5 records a decision")
DECISION_REQUIRED = N_("Step 5 needs a decision: organise help or report to Veilig Thuis")
REPORT_DATE_REQUIRED = N_("A report to Veilig Thuis needs the date it was made")
REPORT_DATE_ONLY_WITH_REPORT = N_("A report date belongs to a report to Veilig Thuis only")
IDENTITY_ONLY_WITH_REPORT = N_(
    "Asking Veilig Thuis not to disclose the reporter belongs to a report only"
)
ADVICE_STEPS = N_("Advice from Veilig Thuis is recorded at step 2 or step 4")
INJURY_EXPERT_STEP = N_("Advice from an injury expert is recorded at step 2")
CORRECTS_OTHER_CASE = N_("The corrected entry belongs to another case")
CORRECTS_OTHER_STEP = N_("A correction keeps the step of the entry it corrects (step {step})")
ALREADY_CORRECTED = N_("This entry was corrected already; correct the latest correction")
EMPTY_TEXT = N_("Describe the signal; it may not be empty")
TEXT_TOO_LONG = N_("The text is longer than {limit} characters")
BEFORE_OPENED = N_("The date {day} lies before the case was opened")

MAX_TEXT = 20_000


@dataclass(frozen=True)
class EntryDraft:
    """What a care coordinator records for one step."""

    step: Step
    entry_date: date
    deliberation: str
    veilig_thuis_advice: bool = False
    injury_expert_advice: bool = False
    decision: Decision | None = None
    reported_on: date | None = None
    reporter_identity_withheld: bool = False


@dataclass(frozen=True)
class CorrectedEntry:
    """The facts about an entry that a correction must respect."""

    case_id: int
    step: Step
    already_corrected: bool


def check_text(text: str, field: str, *, required: bool) -> str:
    cleaned = text.strip()
    if required and not cleaned:
        raise DomainError(ErrorCode.INVALID, EMPTY_TEXT, field)
    if len(cleaned) > MAX_TEXT:
        raise DomainError(ErrorCode.INVALID, TEXT_TOO_LONG, field, limit=MAX_TEXT)
    return cleaned


def check_day(day: date, today: date, field: str, opened_on: date | None = None) -> None:
    if day > today:
        raise DomainError(ErrorCode.INVALID, FUTURE_DATE, field, day=day.isoformat())
    if opened_on is not None and day < opened_on:
        raise DomainError(ErrorCode.INVALID, BEFORE_OPENED, field, day=day.isoformat())


def check_entry(
    draft: EntryDraft,
    *,
    case_id: int,
    case_open: bool,
    opened_on: date,
    today: date,
    corrects: CorrectedEntry | None,
) -> None:
    """Raise the first rule the entry breaks; nothing is stored when one does."""
    if not case_open:
        raise DomainError(ErrorCode.CONFLICT, CASE_CLOSED, "caseId")
    check_day(draft.entry_date, today, "entryDate", opened_on)
    check_text(draft.deliberation, "deliberation", required=False)
    if draft.step is Step.DECISION:
        if draft.decision is None:
            raise DomainError(ErrorCode.INVALID, DECISION_REQUIRED, "decision")
    elif draft.decision is not None:
        raise DomainError(ErrorCode.INVALID, DECISION_ONLY_STEP_5, "decision")
    reporting = draft.decision is Decision.REPORT_TO_VEILIG_THUIS
    if reporting and draft.reported_on is None:
        raise DomainError(ErrorCode.INVALID, REPORT_DATE_REQUIRED, "reportedOn")
    if not reporting and draft.reported_on is not None:
        raise DomainError(ErrorCode.INVALID, REPORT_DATE_ONLY_WITH_REPORT, "reportedOn")
    if draft.reported_on is not None:
        check_day(draft.reported_on, today, "reportedOn", opened_on)
    if not reporting and draft.reporter_identity_withheld:
        raise DomainError(ErrorCode.INVALID, IDENTITY_ONLY_WITH_REPORT, "reporterIdentityWithheld")
    if draft.veilig_thuis_advice and draft.step not in {Step.COLLEAGUE_CONSULTED, Step.WEIGHING}:
        raise DomainError(ErrorCode.INVALID, ADVICE_STEPS, "veiligThuisAdvice")
    if draft.injury_expert_advice and draft.step is not Step.COLLEAGUE_CONSULTED:
        raise DomainError(ErrorCode.INVALID, INJURY_EXPERT_STEP, "injuryExpertAdvice")
    if corrects is not None:
        if corrects.case_id != case_id:
            raise DomainError(ErrorCode.INVALID, CORRECTS_OTHER_CASE, "correctsEntryId")
        if corrects.step is not draft.step:
            raise DomainError(
                ErrorCode.INVALID, CORRECTS_OTHER_STEP, "correctsEntryId", step=int(corrects.step)
            )
        if corrects.already_corrected:
            raise DomainError(ErrorCode.CONFLICT, ALREADY_CORRECTED, "correctsEntryId")


def is_documented(deliberation: str) -> bool:
    """Whether a step's deliberation was written down (the board asks for the share)."""
    return bool(deliberation.strip())
