"""E-mail addresses as identities (domain/emails.py)."""

from __future__ import annotations

import pytest

from domain.core.emails import MAX_EMAIL_LENGTH, normalize_email
from domain.core.errors import DomainError, ErrorCode


def refusal(raw: str, field: str = "email") -> DomainError:
    with pytest.raises(DomainError) as caught:
        normalize_email(raw, field)
    assert caught.value.code is ErrorCode.INVALID
    assert caught.value.field == field
    return caught.value


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("jan@example.nl", "jan@example.nl"),
        ("Jan.de.Vries@Example.NL", "jan.de.vries@example.nl"),
        ("  martin.sommer@example.nl \n", "martin.sommer@example.nl"),
        ("\tMARTIN@EXAMPLE.COM\t", "martin@example.com"),
        ("j+tag@mail.example.co.uk", "j+tag@mail.example.co.uk"),
        ("o'brien@example.ie", "o'brien@example.ie"),
        ("user_1-x@sub-domain.example.nl", "user_1-x@sub-domain.example.nl"),
        ("a@b.c", "a@b.c"),
        ("1@2.3", "1@2.3"),
    ],
)
def test_valid_addresses_are_trimmed_and_lower_cased(raw: str, expected: str) -> None:
    assert normalize_email(raw) == expected


def test_normalising_twice_changes_nothing() -> None:
    once = normalize_email("  Jan@Example.NL ")
    assert normalize_email(once) == once


@pytest.mark.parametrize("raw", ["", "   ", "\n\t"])
def test_an_address_is_required(raw: str) -> None:
    assert refusal(raw).message == "An e-mail address is required"


def test_missing_at_sign() -> None:
    assert refusal("  Jan.example.nl ").message == "'Jan.example.nl' has no @"


@pytest.mark.parametrize(
    "raw",
    [
        "@example.nl",  # no local part
        "jan@",  # no domain
        "jan@example",  # no dot in the domain
        "jan@@example.nl",
        "jan@piet@example.nl",
        "jan de vries@example.nl",  # space
        "jan@exa mple.nl",
        "<jan@example.nl>",
        "Jan <jan@example.nl>",
        "jan,piet@example.nl",
        "jan;piet@example.nl",
        'j"an@example.nl',
        "jan(x)@example.nl",
        "jan[1]@example.nl",
        "jan\\x@example.nl",
        "jan:x@example.nl",
        "jan@-example.nl",  # label may not start with a hyphen
        "jan@example-.nl",  # nor end with one
        "jan@example..nl",
        "jan@.example.nl",
        "jan@example.nl.",
        "jan@exa_mple.nl",
        "jan@bücher.de",  # internationalised domains must be given in punycode
        "jan@example.nl\njan",
    ],
)
def test_malformed_addresses_are_refused(raw: str) -> None:
    assert refusal(raw).message == f"'{raw.strip()}' is not a valid e-mail address"


def test_refusal_message_quotes_the_input_as_given_but_trimmed() -> None:
    assert refusal(" Jan@Example ").message == "'Jan@Example' is not a valid e-mail address"


def test_field_is_passed_on() -> None:
    assert refusal("nope", field="contactEmail").field == "contactEmail"


def test_punycode_domain_is_accepted() -> None:
    assert normalize_email("jan@xn--bcher-kva.de") == "jan@xn--bcher-kva.de"


def test_max_length_is_allowed() -> None:
    domain = "@example.nl"
    email = "a" * (MAX_EMAIL_LENGTH - len(domain)) + domain
    assert len(email) == MAX_EMAIL_LENGTH == 254
    assert normalize_email(email) == email


def test_one_over_max_length_is_refused() -> None:
    domain = "@example.nl"
    email = "a" * (MAX_EMAIL_LENGTH + 1 - len(domain)) + domain
    assert refusal(email).message == "An e-mail address has at most 254 characters"


def test_length_is_counted_after_trimming() -> None:
    domain = "@example.nl"
    email = "a" * (MAX_EMAIL_LENGTH - len(domain)) + domain
    assert normalize_email("   " + email + "   ") == email
