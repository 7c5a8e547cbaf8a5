"""Consent of adult pupils: age on the request date, the 18th birthday, 29 February."""

from __future__ import annotations

from datetime import date

import pytest

from domain.core.errors import DomainError, ErrorCode
from domain.school.consent import (
    AccessReason,
    adult_from,
    age_on,
    check_may_set_consent,
    guardian_access,
    guardian_may_see,
    needs_consent,
)

BORN = date(2008, 5, 14)


@pytest.mark.parametrize(
    ("today", "age"),
    [
        (date(2008, 5, 14), 0),
        (date(2026, 5, 13), 17),  # the day before the 18th birthday
        (date(2026, 5, 14), 18),  # the birthday itself
        (date(2026, 12, 31), 18),
        (date(2027, 5, 13), 18),
        (date(2027, 5, 14), 19),
    ],
)
def test_age_in_whole_years(today: date, age: int) -> None:
    assert age_on(BORN, today) == age


def test_consent_is_needed_from_the_18th_birthday_itself() -> None:
    assert not needs_consent(BORN, date(2026, 5, 13))
    assert needs_consent(BORN, date(2026, 5, 14))
    assert adult_from(BORN) == date(2026, 5, 14)


@pytest.mark.parametrize(
    ("today", "age"),
    [
        (date(2025, 2, 28), 16),  # common year: no 29 February, birthday not yet passed
        (date(2025, 3, 1), 17),  # ... it counts on 1 March
        (date(2026, 2, 28), 17),
        (date(2026, 3, 1), 18),
        (date(2028, 2, 28), 19),  # leap year: the birthday is 29 February itself
        (date(2028, 2, 29), 20),
    ],
)
def test_born_on_29_february(today: date, age: int) -> None:
    assert age_on(date(2008, 2, 29), today) == age


def test_born_on_29_february_becomes_adult_on_1_march() -> None:
    born = date(2008, 2, 29)
    assert adult_from(born) == date(2026, 3, 1)
    assert not guardian_may_see(born, date(2026, 3, 1), consent_given=False)
    assert guardian_may_see(born, date(2026, 2, 28), consent_given=False)


def test_guardian_of_a_minor_sees_data_whatever_the_consent_flag() -> None:
    access = guardian_access(BORN, date(2026, 5, 13), consent_given=False)
    assert access.allowed
    assert access.reason is AccessReason.PUPIL_MINOR


def test_adult_pupil_without_consent_hides_everything_and_says_why() -> None:
    access = guardian_access(BORN, date(2026, 5, 14), consent_given=False)
    assert not access.allowed
    assert access.reason is AccessReason.PUPIL_ADULT_NO_CONSENT
    assert access.reason.value == "PUPIL_ADULT_NO_CONSENT"
    assert "18 or older" in access.message
    assert "not given consent" in access.message


def test_adult_pupil_with_consent() -> None:
    access = guardian_access(BORN, date(2030, 1, 1), consent_given=True)
    assert access.allowed
    assert access.reason is AccessReason.PUPIL_ADULT_CONSENT_GIVEN
    assert guardian_may_see(BORN, date(2030, 1, 1), consent_given=True)


def test_decision_follows_the_request_date_not_a_stored_flag() -> None:
    # The same stored facts give a different answer the day the pupil turns 18.
    assert guardian_may_see(BORN, date(2026, 5, 13), consent_given=False)
    assert not guardian_may_see(BORN, date(2026, 5, 14), consent_given=False)


def test_date_of_birth_in_the_future_is_refused() -> None:
    with pytest.raises(DomainError) as e:
        age_on(date(2030, 1, 1), date(2026, 1, 1))
    assert e.value.code is ErrorCode.INVALID
    assert e.value.field == "dateOfBirth"


def test_only_an_adult_pupil_sets_consent() -> None:
    check_may_set_consent(BORN, date(2026, 5, 14))
    with pytest.raises(DomainError) as e:
        check_may_set_consent(BORN, date(2026, 5, 13))
    assert e.value.field == "consent"
    assert "2026-05-14" in e.value.message
