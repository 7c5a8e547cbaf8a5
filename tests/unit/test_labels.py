"""Labels ("kenmerken"): names, uniqueness per owner unit, colours."""

from __future__ import annotations

import pytest

from domain.academy.labels import (
    DEFAULT_COLOUR,
    MAX_LABEL_LENGTH,
    LabelColour,
    check_label_unique,
    clean_label_name,
    parse_colour,
)
from domain.core.errors import DomainError, ErrorCode


def test_name_is_trimmed_and_inner_whitespace_collapsed() -> None:
    assert clean_label_name("  Team   Noord \t") == "Team Noord"


def test_name_length_one_to_fifty() -> None:
    assert clean_label_name("A") == "A"
    assert clean_label_name("x" * MAX_LABEL_LENGTH) == "x" * MAX_LABEL_LENGTH
    for bad in ["", "   ", "x" * (MAX_LABEL_LENGTH + 1)]:
        with pytest.raises(DomainError) as caught:
            clean_label_name(bad)
        assert caught.value.field == "name"


def test_name_refuses_control_characters() -> None:
    with pytest.raises(DomainError):
        clean_label_name("Team\x00Noord")


def test_unique_per_owner_case_insensitively() -> None:
    existing = ["Team Noord", "Nachtdienst"]
    check_label_unique(existing, "Team Zuid")
    with pytest.raises(DomainError) as caught:
        check_label_unique(existing, "team  NOORD")
    assert caught.value.code is ErrorCode.ALREADY_EXISTS
    assert "'Team Noord'" in caught.value.message


def test_renaming_a_label_to_a_different_case_is_allowed() -> None:
    # The caller leaves the label being renamed out of the existing names.
    check_label_unique(["Nachtdienst"], "TEAM NOORD")


def test_colour_from_the_palette() -> None:
    assert parse_colour(None) is DEFAULT_COLOUR
    assert parse_colour(" ") is DEFAULT_COLOUR
    assert parse_colour("blue") is LabelColour.BLUE
    with pytest.raises(DomainError) as caught:
        parse_colour("#ff0000")
    assert "BLUE" in caught.value.message
