"""The message catalogue: language negotiation, translation with placeholders, Dutch formats."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from domain.core.errors import DomainError, ErrorCode
from domain.core.roles import Relation, Role
from domain.core.texts import NOT_FOUND, ONLY_THESE_MAY_SEE, RELATION_NAMES, ROLE_NAMES
from resolvers.core import i18n


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (None, "nl"),
        ("", "nl"),
        ("en", "en"),
        ("en-GB,en;q=0.9,nl;q=0.8", "en"),
        ("nl-BE, en;q=0.5", "nl"),
        ("nl;q=0.5, en;q=0.6", "en"),
        ("de, fr;q=0.9", "nl"),
        ("fr, en;q=0.1", "en"),
        ("en;q=0, nl;q=0.1", "nl"),
        ("en;q=abc", "nl"),
    ],
)
def test_accept_language_picks_our_best_language(header: str | None, expected: str) -> None:
    assert i18n.negotiate(header) == expected


def test_messages_translate_with_named_placeholders() -> None:
    who_nl = i18n.join_names([ROLE_NAMES[Role.TEACHER], RELATION_NAMES[Relation.MENTOR]], "nl")
    who_en = i18n.join_names([ROLE_NAMES[Role.TEACHER], RELATION_NAMES[Relation.MENTOR]], "en")
    assert (
        i18n.translate(ONLY_THESE_MAY_SEE, "nl", who=who_nl) == "Alleen voor: docent en de mentor."
    )
    assert (
        i18n.translate(ONLY_THESE_MAY_SEE, "en", who=who_en) == "Only for: teacher and the mentor."
    )
    assert i18n.translate(NOT_FOUND, "nl") == "Dit bestaat niet, of je mag het niet zien."
    assert i18n.translate(NOT_FOUND, "en") == NOT_FOUND


def test_every_role_and_relation_has_a_dutch_name() -> None:
    for message_id in [*ROLE_NAMES.values(), *RELATION_NAMES.values()]:
        assert i18n.translate(message_id, "nl") != message_id, message_id
    assert set(ROLE_NAMES) == set(Role) and set(RELATION_NAMES) == set(Relation)


def test_the_request_language_is_scoped() -> None:
    assert i18n.current_language() == "nl"
    with i18n.language("en"):
        assert i18n.translate(NOT_FOUND) == NOT_FOUND
        with i18n.language("xx"):
            assert i18n.current_language() == "nl"
    assert i18n.translate(NOT_FOUND).startswith("Dit bestaat niet")


def test_domain_errors_carry_a_message_id_and_its_parameters() -> None:
    error = DomainError(ErrorCode.INVALID, "At most {count} users at once", "userIds", count=5000)
    assert error.message_id == "At most {count} users at once"
    assert error.params == {"count": 5000}
    assert error.message == "At most 5000 users at once"


def test_dutch_formats_dates_decimals_and_percentages() -> None:
    assert i18n.format_date(date(2026, 11, 23), "nl") == "23 november 2026"
    assert i18n.format_date(date(2026, 11, 23), "en") == "November 23, 2026"
    assert i18n.format_decimal(Decimal("7.14"), "nl") == "7,1"
    assert i18n.format_decimal(Decimal("7.14"), "en") == "7.1"
    assert i18n.format_percent(Decimal("0.6667"), "nl") == "66,7 %"
    assert i18n.format_percent(Decimal("0.6667"), "en") == "66.7%"
