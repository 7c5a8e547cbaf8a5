"""Guardians and adult pupils: from 18, guardians see nothing without the pupil's consent.

Consent is "toestemming" in the seed. Age and the need for consent are computed from the
date of birth on the request date (the Europe/Amsterdam calendar date), never stored: a stored
"is adult" flag goes stale on the birthday.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import Enum

from domain.core.errors import DomainError, ErrorCode
from domain.core.texts import N_

ADULT_AGE = 18


def _check_born(date_of_birth: date, today: date) -> None:
    if date_of_birth > today:
        raise DomainError(ErrorCode.INVALID, "The date of birth lies in the future", "dateOfBirth")


def age_on(date_of_birth: date, today: date) -> int:
    """Whole years on `today`; born on 29 February: a year older on 1 March in common years."""
    _check_born(date_of_birth, today)
    # Comparing (month, day) means a 29 February birthday has not passed on 28 February of a
    # common year and has passed on 1 March, so no date arithmetic can fail on a missing day.
    birthday_to_come = (today.month, today.day) < (date_of_birth.month, date_of_birth.day)
    return today.year - date_of_birth.year - birthday_to_come


def adult_from(date_of_birth: date) -> date:
    """The 18th birthday; 1 March for 29 February (18 years after a leap year is never one)."""
    year = date_of_birth.year + ADULT_AGE
    try:
        return date_of_birth.replace(year=year)
    except ValueError:  # 29 February in a common year
        return date(year, 3, 1)


def needs_consent(date_of_birth: date, today: date) -> bool:
    """Whether guardians need the pupil's consent: from the 18th birthday itself."""
    return age_on(date_of_birth, today) >= ADULT_AGE


class AccessReason(str, Enum):
    """Why a guardian does or does not see a linked pupil's data."""

    PUPIL_MINOR = "PUPIL_MINOR"
    PUPIL_ADULT_CONSENT_GIVEN = "PUPIL_ADULT_CONSENT_GIVEN"
    PUPIL_ADULT_NO_CONSENT = "PUPIL_ADULT_NO_CONSENT"
    NOT_LEGAL_REPRESENTATIVE = "NOT_LEGAL_REPRESENTATIVE"


_MESSAGES = {
    AccessReason.PUPIL_MINOR: N_("The pupil is under 18, so guardians see the pupil's data."),
    AccessReason.PUPIL_ADULT_CONSENT_GIVEN: N_(
        "The pupil is 18 or older and has given consent, so guardians see the pupil's data."
    ),
    # Answers the seed's FAQ "I don't see my son's/daughter's data" for an adult pupil.
    AccessReason.PUPIL_ADULT_NO_CONSENT: N_(
        "The pupil is 18 or older and has not given consent to show their data to guardians. "
        "Nothing is shown until the pupil gives consent in the student portal; "
        "ask them to do so."
    ),
    # The seed gives access to those registered as legal representative ("wettelijk
    # vertegenwoordiger"); any other link is recorded but shows nothing.
    AccessReason.NOT_LEGAL_REPRESENTATIVE: N_(
        "You are not registered as the pupil's legal representative, so nothing is shown. "
        "Contact the school's administration if this is not right."
    ),
}


@dataclass(frozen=True)
class GuardianAccess:
    """Whether a linked guardian sees the pupil's data today, with a code and message saying why."""

    allowed: bool
    reason: AccessReason
    message: str  # a message id, translated where it is shown


def guardian_access(
    date_of_birth: date, today: date, consent_given: bool, legal_representative: bool = True
) -> GuardianAccess:
    """The decision for a guardian already linked to the pupil: only a legal representative
    sees anything; consent only counts from 18."""
    if not legal_representative:
        reason = AccessReason.NOT_LEGAL_REPRESENTATIVE
    elif not needs_consent(date_of_birth, today):
        reason = AccessReason.PUPIL_MINOR
    elif consent_given:
        reason = AccessReason.PUPIL_ADULT_CONSENT_GIVEN
    else:
        reason = AccessReason.PUPIL_ADULT_NO_CONSENT
    allowed = reason in (AccessReason.PUPIL_MINOR, AccessReason.PUPIL_ADULT_CONSENT_GIVEN)
    return GuardianAccess(allowed=allowed, reason=reason, message=_MESSAGES[reason])


def guardian_may_see(date_of_birth: date, today: date, consent_given: bool) -> bool:
    return guardian_access(date_of_birth, today, consent_given).allowed


def check_may_set_consent(date_of_birth: date, today: date, field: str = "consent") -> None:
    """Only a pupil of 18 or over gives or withdraws consent; before that guardians see all."""
    if not needs_consent(date_of_birth, today):
        raise DomainError(
            ErrorCode.INVALID,
            "Consent for guardians can be given or withdrawn from the 18th birthday ({adult_from}); until then guardians see the data",
            field,
            adult_from=adult_from(date_of_birth),
        )
