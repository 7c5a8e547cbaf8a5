"""Labels ("kenmerken") admins create to group their own users."""

from __future__ import annotations

from collections.abc import Iterable
from enum import Enum

from domain.core.errors import DomainError, ErrorCode

MAX_LABEL_LENGTH = 50


class LabelColour(str, Enum):
    """A small fixed palette, so the frontend can guarantee readable contrast for each."""

    GREY = "GREY"
    RED = "RED"
    ORANGE = "ORANGE"
    YELLOW = "YELLOW"
    GREEN = "GREEN"
    TEAL = "TEAL"
    BLUE = "BLUE"
    PURPLE = "PURPLE"
    PINK = "PINK"


DEFAULT_COLOUR = LabelColour.GREY


def clean_label_name(raw: str, field: str = "name") -> str:
    """Trimmed, inner runs of whitespace collapsed, 1 to 50 characters, no control characters."""
    name = " ".join(raw.split())
    if not name:
        raise DomainError(ErrorCode.INVALID, "A label needs a name", field)
    if len(name) > MAX_LABEL_LENGTH:
        raise DomainError(
            ErrorCode.INVALID,
            "A label name has at most {max_label_length} characters",
            field,
            max_label_length=MAX_LABEL_LENGTH,
        )
    if any(ord(c) < 32 or ord(c) == 127 for c in name):
        raise DomainError(
            ErrorCode.INVALID, "A label name may not contain control characters", field
        )
    return name


def _key(name: str) -> str:
    # casefold, not lower: "STRASSE" and "straße" are the same label to a reader.
    return " ".join(name.split()).casefold()


def check_label_unique(existing_names: Iterable[str], name: str, field: str = "name") -> None:
    """Refuse a name another label of the same owner unit already has, whatever the case.

    When renaming, leave the label itself out of `existing_names` so a case change is allowed.
    """
    wanted = _key(name)
    for existing in existing_names:
        if _key(existing) == wanted:
            raise DomainError(
                ErrorCode.ALREADY_EXISTS,
                "There is already a label named '{existing}'",
                field,
                existing=existing,
            )


def parse_colour(raw: str | None, field: str = "colour") -> LabelColour:
    """The palette colour named by `raw` (any case); no colour given means the default."""
    if raw is None or not raw.strip():
        return DEFAULT_COLOUR
    try:
        return LabelColour(raw.strip().upper())
    except ValueError:
        choices = ", ".join(c.value for c in LabelColour)
        raise DomainError(
            ErrorCode.INVALID,
            "'{colour}' is not a label colour; choose {choices}",
            field,
            colour=raw.strip()[:20],
            choices=choices,
        ) from None
