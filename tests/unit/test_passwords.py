"""Password policy of the institute seed (domain/passwords.py)."""

from __future__ import annotations

import pytest

from domain.core.errors import DomainErrors, ErrorCode
from domain.core.passwords import (
    MAX_LENGTH,
    MIN_LENGTH,
    character_groups,
    check_password,
    common_passwords,
    password_problems,
)

TOO_SHORT = "A password has at least 8 characters"
TOO_LONG = "A password has at most 256 characters"
GROUPS = (
    "A password uses characters from at least three of the four groups: "
    "capitals (A-Z), lower case (a-z), digits (0-9) and other characters (!@#$%…)"
)
NAME = "A password may not contain (part of) your name or e-mail address"
COMMON = "This password is one of the most common passwords; choose another"

# A password that passes every rule for a user with an unrelated name and address.
GOOD = "Kq7#vWz!pX"


def messages(password: str, names: list[str] | None = None, email: str | None = None) -> list[str]:
    problems = password_problems(password, names=names or [], email=email)
    return [p.message for p in problems]


# --- the seed's own example -------------------------------------------------------------------


def test_seed_example_martin_sommer_may_not_use_dollar_omm1234q() -> None:
    assert messages("$omm1234Q", names=["Martin", "Sommer"]) == [NAME]


def test_seed_example_with_full_name_as_one_string() -> None:
    assert messages("$omm1234Q", names=["Martin Sommer"]) == [NAME]


def test_seed_example_password_is_fine_for_someone_else() -> None:
    # Proves the refusal above is about the name, not the password itself.
    assert messages("$omm1234Q", names=["Jan", "de Vries"], email="jan@example.nl") == []


def test_seed_example_raises_through_check_password() -> None:
    with pytest.raises(DomainErrors) as caught:
        check_password("$omm1234Q", names=["Martin", "Sommer"], email=None)
    assert [e.message for e in caught.value.errors] == [NAME]
    assert str(caught.value) == NAME


# --- length -----------------------------------------------------------------------------------


def test_length_constants_match_the_policy() -> None:
    assert MIN_LENGTH == 8
    assert MAX_LENGTH == 256


def test_seven_characters_is_too_short_eight_is_enough() -> None:
    assert messages("Kq7#vWz") == [TOO_SHORT]
    assert messages("Kq7#vWzp") == []


def test_exactly_max_length_is_allowed() -> None:
    password = ("Kq7#vWz!" * 32)[:MAX_LENGTH]
    assert len(password) == MAX_LENGTH
    assert messages(password) == []


def test_over_max_length_is_refused_with_only_that_message() -> None:
    # 257 characters of one lower-case letter would also break the group rule; the length
    # check comes first and alone, before any other work is done on the input.
    assert messages("a" * (MAX_LENGTH + 1)) == [TOO_LONG]


def test_megabyte_password_is_refused_without_further_checks() -> None:
    problems = password_problems("x" * 1_000_000, names=["Xxxx"], email="xxxx@xxxx.nl")
    assert [p.message for p in problems] == [TOO_LONG]


def test_long_passphrase_of_64_characters_is_allowed() -> None:
    passphrase = "Correct horse battery staple, on a windy Tuesday in Rotterdam 42"
    assert len(passphrase) == 64
    assert messages(passphrase, names=["Jan", "de Vries"], email="jan@example.nl") == []


# --- character groups -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("password", "groups"),
    [
        ("", 0),
        ("abcdefgh", 1),
        ("ABCDEFGH", 1),
        ("12345678", 1),
        ("!@#$%^&*", 1),
        ("abcdEFGH", 2),
        ("abcd1234", 2),
        ("abcd !?.", 2),
        ("abCD1234", 3),
        ("abCD12!?", 4),
        ("aB1 ", 4),  # a space is an "other" character
        ("éÉ9€", 4),  # non-ASCII letters count as upper/lower case
    ],
)
def test_character_groups(password: str, groups: int) -> None:
    assert character_groups(password) == groups


@pytest.mark.parametrize("password", ["qzvkwxtr", "QZVKWXTR", "94728163", "qzvkWXTR", "qzvk9472"])
def test_fewer_than_three_groups_is_refused(password: str) -> None:
    assert GROUPS in messages(password)


@pytest.mark.parametrize("password", ["qzvkWXT9", "qzvkWX#!", "qzvk94#!", "QZVK94#!", "qZvK9#!x"])
def test_three_or_four_groups_are_accepted(password: str) -> None:
    assert messages(password) == []


# --- name and e-mail --------------------------------------------------------------------------


def test_name_in_plain_form_is_refused() -> None:
    assert messages("Sommer2024!", names=["Martin", "Sommer"]) == [NAME]


def test_any_four_consecutive_letters_of_a_name_count() -> None:
    # "mart" is part of "Martin"
    assert messages("Smart#2024", names=["Martin", "Sommer"]) == [NAME]
    # "rtin" as well
    assert messages("Qrtin#2024", names=["Martin", "Sommer"]) == [NAME]


def test_three_letters_of_a_long_name_are_not_a_part() -> None:
    assert messages("Mar#2024xZ", names=["Martin"]) == []


def test_a_three_letter_name_is_a_part_itself() -> None:
    assert messages("Xbas#2024", names=["Bas", "Kok"]) == [NAME]
    assert messages("Kok#2024xZ", names=["Bas", "Kok"]) == [NAME]


def test_a_two_letter_name_is_too_short_to_count() -> None:
    assert messages("Bo#2024xZq", names=["Bo"]) == []


def test_name_match_ignores_case() -> None:
    assert messages("SOMMER#2024x", names=["sommer"]) == [NAME]
    assert messages("sOmMeR#2024", names=["SOMMER"]) == [NAME]


@pytest.mark.parametrize(
    "password",
    [
        "$omm2024!Q",  # $ for s: "somm"
        "5omm2024!Q",  # 5 for s: "somm"
        "S0mm2024!Q",  # 0 for o: "somm"
        "M@rt2024!Q",  # @ for a: "mart"
        "M4rt2024!Q",  # 4 for a: "mart"
        "Xrt1n#2024",  # 1 for i: "rtin"
        "Xart!n#2024",  # ! for i: "arti"
        "Xart|n#2024",  # | for i: "arti"
        "Mar7in#2024",  # 7 for t: "mart"
        "Mar+in#2024",  # + for t: "mart"
        "Xmm3r#2024",  # 3 for e: "mmer"
    ],
)
def test_look_alike_substitutions_are_seen_through(password: str) -> None:
    # None of these contains a part of the name literally; only the look-alike reading does.
    assert messages(password, names=["Martin", "Sommer"]) == [NAME]
    assert messages(password, names=["Jan", "Bakker"]) == []


def test_one_as_l_substitution_is_seen_through() -> None:
    # The second table reads 1 and ! and | as "l".
    assert messages("Wi11em#2024", names=["Willem"]) == [NAME]
    assert messages("Wi!|em#2024", names=["Willem"]) == [NAME]


def test_email_local_part_counts() -> None:
    assert messages("Msom#2024x", email="msom@example.nl") == [NAME]
    assert messages("Pietje#2024", email="p.pietje@example.nl") == [NAME]


def test_email_domain_name_counts_but_not_the_top_level_domain() -> None:
    assert messages("Acme#2024xq", email="jan@acme.nl") == [NAME]
    # ".com" is not part of the domain name that counts
    assert messages("Xcom#2024q", email="jan@acme.com") == []


def test_digits_in_the_email_local_part_count() -> None:
    # "jan1985": its four-character windows include "1985"
    assert messages("Qx1985#zzz", email="jan1985@example.nl") == [NAME]


def test_no_email_and_no_names_means_no_name_rule() -> None:
    assert messages("Sommer#2024", names=[], email=None) == []
    assert messages("Sommer#2024", names=[], email="") == []


def test_unrelated_name_and_email_are_fine() -> None:
    assert messages(GOOD, names=["Martin", "Sommer"], email="martin.sommer@example.nl") == []


def test_name_with_non_ascii_letters_is_refused() -> None:
    assert messages("Öztürk#2024", names=["Ayşe", "Öztürk"]) == [NAME]


# --- common passwords -------------------------------------------------------------------------


def test_common_password_list_is_large_and_lower_case() -> None:
    words = common_passwords()
    assert 19_000 <= len(words) <= 21_000
    assert "password" in words
    assert "123456" in words
    assert all(w == w.lower() for w in words)


def test_common_password_list_is_loaded_once() -> None:
    assert common_passwords() is common_passwords()


def test_common_password_that_meets_every_other_rule_is_refused() -> None:
    assert "p@ssw0rd" in common_passwords()
    assert messages("P@ssw0rd") == [COMMON]


def test_common_password_check_ignores_case() -> None:
    assert messages("P@SSW0RD") == [COMMON]


def test_common_password_must_match_whole() -> None:
    # Containing a common password is not the same as being one.
    assert messages("P@ssw0rd-Kq7#vWz") == []


# --- every violation with its own message -----------------------------------------------------


def test_each_violation_is_reported_with_its_own_message_in_order() -> None:
    # "password" has 8 characters but one group, contains "swor"/"word" and is common.
    assert messages("password", names=["Sword"]) == [GROUPS, NAME, COMMON]


def test_short_single_group_name_password_collects_three_problems() -> None:
    assert messages("somm", names=["Sommer"]) == [TOO_SHORT, GROUPS, NAME]


def test_empty_password() -> None:
    assert messages("") == [TOO_SHORT, GROUPS]


def test_all_messages_are_distinct() -> None:
    assert len({TOO_SHORT, TOO_LONG, GROUPS, NAME, COMMON}) == 5


def test_problems_carry_the_weak_password_code_and_the_field() -> None:
    problems = password_problems("somm", names=["Sommer"], email=None, field="newPassword")
    assert problems
    assert all(p.code is ErrorCode.WEAK_PASSWORD for p in problems)
    assert all(p.field == "newPassword" for p in problems)


def test_field_defaults_to_password() -> None:
    (problem,) = password_problems("Kq7#vWz", names=[], email=None)
    assert problem.field == "password"


def test_check_password_passes_silently_for_a_good_password() -> None:
    assert check_password(GOOD, names=["Martin"], email="martin@example.nl") is None


def test_check_password_raises_all_problems_with_field() -> None:
    with pytest.raises(DomainErrors) as caught:
        check_password("qzx", names=[], email=None, field="newPassword")
    errors = caught.value.errors
    assert [e.message for e in errors] == [TOO_SHORT, GROUPS]
    assert {e.field for e in errors} == {"newPassword"}
    assert str(caught.value) == f"{TOO_SHORT}; {GROUPS}"


def test_names_argument_is_not_modified() -> None:
    names = ["Martin", "Sommer"]
    password_problems("$omm1234Q", names=names, email="m.sommer@example.nl")
    assert names == ["Martin", "Sommer"]
