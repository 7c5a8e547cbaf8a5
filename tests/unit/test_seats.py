"""Seat limits of clusters and the admin's pasted list of e-mail addresses."""

from __future__ import annotations

import pytest

from domain.academy.seats import (
    MAX_PASTED_LINES,
    check_can_add,
    check_cluster_limit,
    parse_pasted_emails,
    seats_to_distribute,
)
from domain.core.errors import DomainError, ErrorCode


def test_seat_limit_exactly_reached_works() -> None:
    check_can_add(limit=25, used=20, adding=5)
    check_can_add(limit=25, used=25, adding=0)


def test_one_over_the_limit_is_refused_saying_how_many_are_left() -> None:
    with pytest.raises(DomainError) as caught:
        check_can_add(limit=25, used=20, adding=6)
    assert caught.value.code is ErrorCode.CONFLICT
    assert (
        caught.value.message == "Only 5 seats are left in this cluster; you tried to add 6 users."
    )


def test_the_seed_example_three_left_adding_five() -> None:
    with pytest.raises(DomainError) as caught:
        check_can_add(limit=10, used=7, adding=5)
    assert "Only 3 seats are left in this cluster; you tried to add 5 users" in caught.value.message


def test_singular_and_full_cluster_messages() -> None:
    with pytest.raises(DomainError) as caught:
        check_can_add(limit=10, used=9, adding=2)
    assert caught.value.message.startswith("Only 1 seat is left")
    with pytest.raises(DomainError) as caught:
        check_can_add(limit=10, used=10, adding=1)
    assert "full" in caught.value.message
    assert "1 user." in caught.value.message


def test_a_limit_lowered_below_use_leaves_no_seats() -> None:
    with pytest.raises(DomainError):
        check_can_add(limit=5, used=8, adding=1)


def test_cluster_limits_fit_within_the_membership() -> None:
    assert seats_to_distribute(100, [30, 50]) == 20
    check_cluster_limit(100, [30, 50], 20)
    with pytest.raises(DomainError) as caught:
        check_cluster_limit(100, [30, 50], 21)
    assert "Only 20 of the membership's 100 seats are left to distribute" in caught.value.message
    assert caught.value.field == "seatLimit"


def test_cluster_limit_not_below_its_users_nor_negative() -> None:
    check_cluster_limit(100, [], 12, used=12)
    with pytest.raises(DomainError) as caught:
        check_cluster_limit(100, [], 11, used=12)
    assert "already has 12 users" in caught.value.message
    with pytest.raises(DomainError):
        check_cluster_limit(100, [], -1)


def test_pasted_list_with_duplicates_blank_lines_and_an_invalid_address() -> None:
    text = (
        "anna@example.org\n"
        "\n"
        "  Bram@Example.org  \n"
        "ANNA@example.org\n"
        "not-an-address\n"
        "\n"
        "bram@example.org; carla@example.nl, dirk@example.nl eva@example.nl\r\n"
    )
    parsed = parse_pasted_emails(text)
    assert parsed.valid == (
        "anna@example.org",
        "bram@example.org",
        "carla@example.nl",
        "dirk@example.nl",
        "eva@example.nl",
    )
    assert parsed.duplicates == 2
    assert len(parsed.invalid) == 1
    bad = parsed.invalid[0]
    assert (bad.line, bad.entry) == (5, "not-an-address")
    assert "@" in str(bad.reason)  # a message id with its parameters


def test_pasted_list_takes_addresses_out_of_mail_program_format() -> None:
    parsed = parse_pasted_emails("Jan Jansen <jan@example.org>; Piet <piet@example.org>")
    assert parsed.valid == ("jan@example.org", "piet@example.org")
    assert parsed.invalid == ()


def test_empty_paste_gives_nothing() -> None:
    parsed = parse_pasted_emails(" \n\n ,; ")
    assert (parsed.valid, parsed.invalid, parsed.duplicates) == ((), (), 0)


def test_at_most_5000_lines_per_paste() -> None:
    at_limit = "\n".join(f"user{i}@example.org" for i in range(MAX_PASTED_LINES))
    assert len(parse_pasted_emails(at_limit).valid) == MAX_PASTED_LINES
    with pytest.raises(DomainError):
        parse_pasted_emails(at_limit + "\nextra@example.org")
    with pytest.raises(DomainError):
        parse_pasted_emails("\n" * (MAX_PASTED_LINES + 1))


def test_at_most_5000_addresses_even_on_one_line() -> None:
    one_line = ",".join(f"u{i}@example.org" for i in range(MAX_PASTED_LINES + 1))
    with pytest.raises(DomainError):
        parse_pasted_emails(one_line)


def test_every_pasted_entry_is_kept_in_order_with_the_line_it_repeats() -> None:
    parsed = parse_pasted_emails(
        "Anna@Example.org\nnot-an-address\n\nbram@example.org, ANNA@example.org"
    )
    assert [(e.line, e.entry, e.email, e.duplicate_of) for e in parsed.entries] == [
        (1, "Anna@Example.org", "anna@example.org", None),
        (2, "not-an-address", None, None),
        (4, "bram@example.org", "bram@example.org", None),
        (4, "ANNA@example.org", "anna@example.org", 1),
    ]
    assert parsed.entries[1].reason is not None and "@" in str(parsed.entries[1].reason)
