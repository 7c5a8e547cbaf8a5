"""Opaque Relay global IDs: base64 of "TypeName:number"."""

from __future__ import annotations

import base64
import binascii

from domain.core.errors import DomainError, ErrorCode
from domain.core.texts import N_

# The input is never echoed back: an error message is no place to reflect what a client sent.
NOT_AN_ID = N_("This is not a valid ID.")
NOT_OF_TYPE = N_("This is not the ID of a {type}.")


def encode_global_id(type_name: str, pk: int) -> str:
    return base64.urlsafe_b64encode(f"{type_name}:{pk}".encode()).decode().rstrip("=")


def decode_global_id(global_id: str, field: str = "id") -> tuple[str, int]:
    """Split a global ID into its type name and primary key, or say why it is not one."""
    try:
        padded = global_id + "=" * (-len(global_id) % 4)
        type_name, _, raw = base64.urlsafe_b64decode(padded.encode()).decode().partition(":")
        pk = int(raw)
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise DomainError(ErrorCode.INVALID, NOT_AN_ID, field) from None
    if not type_name or pk < 1:
        raise DomainError(ErrorCode.INVALID, NOT_AN_ID, field)
    return type_name, pk


def decode_expected(global_id: str, expected_type: str, field: str = "id") -> int:
    """Primary key of a global ID that must be of `expected_type`."""
    type_name, pk = decode_global_id(global_id, field)
    if type_name != expected_type:
        raise DomainError(ErrorCode.INVALID, NOT_OF_TYPE, field, type=expected_type)
    return pk
