"""Signed, expiring URLs (export downloads): HMAC-SHA256 over what the URL grants."""

from __future__ import annotations

import hashlib
import hmac
from datetime import datetime


def sign(secret_key: str, *parts: object) -> str:
    message = "|".join(str(p) for p in parts).encode()
    return hmac.new(secret_key.encode(), message, hashlib.sha256).hexdigest()


def verify(secret_key: str, signature: str, *parts: object) -> bool:
    return hmac.compare_digest(sign(secret_key, *parts), signature)


def expired(expires: int, now: datetime) -> bool:
    return now.timestamp() > expires
