"""Device tokens ("device cookies", OWASP): proof that this browser or app logged in to this
account before, so an attacker's failed logins for the account do not lock its owner out.

Stateless: `d1.<nonce>.<signature>`, the signature an HMAC over the account's (normalised)
e-mail address and the nonce. Checking one needs no database, so a login or reset request
does the same work whether or not the address has an account.
"""

from __future__ import annotations

import secrets

from domain.core.signing import sign, verify

PREFIX = "d1"


def issue(secret_key: str, address: str) -> str:
    nonce = secrets.token_urlsafe(16)
    return f"{PREFIX}.{nonce}.{sign(secret_key, 'device', address, nonce)}"


def device_id(secret_key: str, token: str | None, address: str) -> str | None:
    """The device's nonce when `token` was issued for this address, else None."""
    if not token or len(token) > 200:
        return None
    parts = token.split(".")
    if len(parts) != 3 or parts[0] != PREFIX:
        return None
    _, nonce, signature = parts
    if not verify(secret_key, signature, "device", address, nonce):
        return None
    return nonce
