"""Opaque Relay global IDs (domain/ids.py)."""

from __future__ import annotations

import base64

import pytest

from domain.core.errors import DomainError, ErrorCode
from domain.core.ids import decode_expected, decode_global_id, encode_global_id


def raw_id(text: str | bytes) -> str:
    data = text.encode() if isinstance(text, str) else text
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


@pytest.mark.parametrize(
    ("type_name", "pk"),
    [("Person", 1), ("OrgUnit", 42), ("CourseEvent", 10**15), ("A", 7), ("Exam_Attempt", 3)],
)
def test_round_trip(type_name: str, pk: int) -> None:
    assert decode_global_id(encode_global_id(type_name, pk)) == (type_name, pk)


def test_known_encoding() -> None:
    assert encode_global_id("Person", 1) == "UGVyc29uOjE"
    assert decode_global_id("UGVyc29uOjE") == ("Person", 1)


def test_ids_are_opaque_url_safe_and_unpadded() -> None:
    for pk in range(1, 300):
        gid = encode_global_id("OrgUnit", pk)
        assert "OrgUnit" not in gid
        assert "=" not in gid
        assert not set(gid) & set("+/")


def test_type_is_part_of_the_id() -> None:
    assert encode_global_id("Person", 5) != encode_global_id("Invoice", 5)


def test_padded_id_is_accepted() -> None:
    padded = base64.urlsafe_b64encode(b"Person:123").decode()
    assert padded.endswith("=")
    assert decode_global_id(padded) == ("Person", 123)


@pytest.mark.parametrize(
    "global_id",
    [
        "",
        "x",
        "!!!!",
        raw_id("Person"),  # no colon, no number
        raw_id("Person:"),
        raw_id("Person:abc"),
        raw_id("Person:1.0"),
        raw_id("Person:0"),  # primary keys start at 1
        raw_id("Person:-3"),
        raw_id(":5"),  # no type
        raw_id("Person:1:2"),
        raw_id(b"\xff\xfe:1"),
    ],
)
def test_invalid_ids_are_refused(global_id: str) -> None:
    with pytest.raises(DomainError) as caught:
        decode_global_id(global_id)
    assert caught.value.code is ErrorCode.INVALID
    assert caught.value.field == "id"
    assert caught.value.message == "This is not a valid ID."
    assert not global_id or global_id not in caught.value.message


def test_invalid_id_names_the_given_field() -> None:
    with pytest.raises(DomainError) as caught:
        decode_global_id("nonsense", field="unitId")
    assert caught.value.field == "unitId"


def test_decode_expected_returns_the_primary_key() -> None:
    assert decode_expected(encode_global_id("OrgUnit", 9), "OrgUnit") == 9


def test_decode_expected_refuses_another_type() -> None:
    gid = encode_global_id("Person", 9)
    with pytest.raises(DomainError) as caught:
        decode_expected(gid, "OrgUnit", field="unitId")
    assert caught.value.code is ErrorCode.INVALID
    assert caught.value.field == "unitId"
    assert caught.value.message == "This is not the ID of a OrgUnit."


def test_decode_expected_type_is_case_sensitive() -> None:
    with pytest.raises(DomainError):
        decode_expected(encode_global_id("orgunit", 9), "OrgUnit")


def test_decode_expected_passes_invalid_ids_on_with_the_field() -> None:
    with pytest.raises(DomainError) as caught:
        decode_expected(raw_id("OrgUnit:0"), "OrgUnit", field="parentId")
    assert caught.value.field == "parentId"
    assert "is not a valid ID" in caught.value.message
