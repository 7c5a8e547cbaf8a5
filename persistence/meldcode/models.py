"""The meldcode's tables: cases, signals, step entries, feedback, sharing, the social map.

Dutch terms of the guidance: dossier (case), niet-pluis-gevoel / signaal (signal), stap
(step), afweging (deliberation), terugkoppeling (feedback), informatiedeling (sharing),
sociale kaart (social map), verwijsindex (regional reference index), bewaartermijn
(retention). Every free text is stored encrypted (`*_ciphertext`, see `cipher.py`); the
columns a statistic needs (dates, steps, flags) stay plain so aggregates run in SQL.
"""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

import persistence.academy.models
import persistence.school.models  # noqa: F401  (the pupils the encrypted references point to)
from domain.meldcode.sharing import PartnerKind
from domain.meldcode.steps import CaseStatus, Decision, Outcome
from persistence.types import enum_column, foreign_key, timestamp


def _ciphertext(nullable: bool = False) -> object:
    return Field(default=None if nullable else "", sa_column=sa.Column(sa.Text, nullable=nullable))


def _person(nullable: bool = True) -> object:
    # People are set to NULL when a case is purged (or a person deleted): statistics stay.
    return foreign_key("person.id", nullable=nullable, ondelete="SET NULL")


class MeldcodeBoardPolicy(SQLModel, table=True):
    """A board's retention period and small-cell threshold (defaults apply without a row)."""

    __tablename__ = "meldcode_board_policy"

    board_unit_id: int = Field(
        sa_column=sa.Column(
            sa.Integer, sa.ForeignKey("org_unit.id", ondelete="CASCADE"), primary_key=True
        )
    )
    retention_months: int
    suppression_threshold: int
    updated_at: datetime = timestamp()


class MeldcodeSchoolProfile(SQLModel, table=True):
    """The implementation checklist of one school (the guidance's recommendations)."""

    __tablename__ = "meldcode_school_profile"

    school_unit_id: int = Field(
        sa_column=sa.Column(
            sa.Integer, sa.ForeignKey("org_unit.id", ondelete="CASCADE"), primary_key=True
        )
    )
    care_coordinator_hours_per_week: int = 0
    plan_dated_on: date | None = None
    plan_evaluated_on: date | None = None
    on_yearly_agenda: bool = False
    verwijsindex_connected: bool = False
    updated_at: datetime = timestamp()


class MeldcodeTrainingCourse(SQLModel, table=True):
    """An academy course that counts as reporting-code training for the staff-training share."""

    __tablename__ = "meldcode_training_course"

    course_id: int = Field(
        sa_column=sa.Column(
            sa.Integer, sa.ForeignKey("course.id", ondelete="CASCADE"), primary_key=True
        )
    )


class CarePartner(SQLModel, table=True):
    """A care partner on a school's social map, with its fixed contact person."""

    __tablename__ = "meldcode_care_partner"

    id: int | None = Field(default=None, primary_key=True)
    school_unit_id: int = foreign_key("org_unit.id")
    kind: PartnerKind = Field(sa_column=enum_column(PartnerKind, nullable=False))
    name: str = Field(max_length=200)
    contact_person: str = Field(default="", max_length=200)
    phone: str = Field(default="", max_length=40)
    email: str = Field(default="", max_length=254)
    created_at: datetime = timestamp()


class MeldcodeCase(SQLModel, table=True):
    """A case ("dossier") about a pupil at a school, opened by a staff member's signal."""

    __tablename__ = "meldcode_case"

    id: int | None = Field(default=None, primary_key=True)
    school_unit_id: int = foreign_key("org_unit.id")
    # Which pupil: a keyed hash to find the pupil's open case, and the pupil's id encrypted —
    # a dump does not link a case to a pupil. Both emptied once purged.
    pupil_ref: str | None = Field(default=None, max_length=64, index=True)
    pupil_ciphertext: str = _ciphertext()  # type: ignore[assignment]
    opened_by_person_id: int | None = _person()  # type: ignore[assignment]
    opened_on: date = Field(sa_column=sa.Column(sa.Date, nullable=False, index=True))
    status: CaseStatus = Field(sa_column=enum_column(CaseStatus, nullable=False))
    verwijsindex_signalled_on: date | None = None
    closed_on: date | None = None
    outcome: Outcome | None = Field(default=None, sa_column=enum_column(Outcome, nullable=True))
    outcome_note_ciphertext: str = _ciphertext()  # type: ignore[assignment]
    purged_at: datetime | None = timestamp(nullable=True)
    created_at: datetime = timestamp()


class MeldcodeSignal(SQLModel, table=True):
    """A signal ("niet-pluis-gevoel") a staff member recorded; its author keeps seeing it."""

    __tablename__ = "meldcode_signal"

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = foreign_key("meldcode_case.id")
    author_person_id: int | None = _person()  # type: ignore[assignment]
    observed_on: date
    text_ciphertext: str = _ciphertext()  # type: ignore[assignment]
    recorded_at: datetime = timestamp()


class MeldcodeStepEntry(SQLModel, table=True):
    """One entry of the five-step history: append-only; a correction refers to its original."""

    __tablename__ = "meldcode_step_entry"

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = foreign_key("meldcode_case.id")
    step: int
    entry_date: date
    author_person_id: int | None = _person()  # type: ignore[assignment]
    deliberation_ciphertext: str = _ciphertext()  # type: ignore[assignment]
    # Whether a deliberation was written down: the board's share, countable without decrypting.
    documented: bool
    veilig_thuis_advice: bool = False
    injury_expert_advice: bool = False
    decision: Decision | None = Field(default=None, sa_column=enum_column(Decision, nullable=True))
    reported_on: date | None = None
    reporter_identity_withheld: bool = False
    corrects_entry_id: int | None = Field(
        default=None,
        sa_column=sa.Column(
            sa.Integer,
            sa.ForeignKey("meldcode_step_entry.id", ondelete="CASCADE"),
            nullable=True,
            unique=True,
        ),
    )
    recorded_at: datetime = timestamp()


class MeldcodeFeedback(SQLModel, table=True):
    """Feedback ("terugkoppeling") expected from a care partner, and when it came."""

    __tablename__ = "meldcode_feedback"

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = foreign_key("meldcode_case.id")
    partner_id: int | None = foreign_key(
        "meldcode_care_partner.id", nullable=True, ondelete="SET NULL"
    )
    expected_by: date
    received_on: date | None = None
    note_ciphertext: str = _ciphertext()  # type: ignore[assignment]
    recorded_at: datetime = timestamp()


class MeldcodeSharing(SQLModel, table=True):
    """One time information was shared: recipient (from the social map), purpose, consent."""

    __tablename__ = "meldcode_sharing"

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = foreign_key("meldcode_case.id")
    partner_id: int | None = foreign_key(
        "meldcode_care_partner.id", nullable=True, ondelete="SET NULL"
    )
    partner_kind: PartnerKind = Field(sa_column=enum_column(PartnerKind, nullable=False))
    shared_on: date
    consent_obtained: bool
    purpose_ciphertext: str = _ciphertext()  # type: ignore[assignment]
    recorded_by_person_id: int | None = _person()  # type: ignore[assignment]
    recorded_at: datetime = timestamp()


class MeldcodeAuditEvent(SQLModel, table=True):
    """Who read or changed which case, when and what: the case's own trail.

    Kept apart from the platform's audit log on purpose: that log is read by platform admins,
    and even "case 12 was read" tells them a case exists. This trail is shown to the school's
    care coordinators on the case, and to nobody else; it names no pupil and holds no content.
    """

    __tablename__ = "meldcode_audit_event"

    id: int | None = Field(default=None, primary_key=True)
    case_id: int | None = foreign_key("meldcode_case.id", nullable=True, ondelete="SET NULL")
    school_unit_id: int = foreign_key("org_unit.id")
    kind: str = Field(max_length=64)
    actor_person_id: int | None = _person()  # type: ignore[assignment]
    client_address: str | None = Field(default=None, max_length=64)
    detail: str = Field(default="", max_length=300)
    at: datetime = timestamp()
