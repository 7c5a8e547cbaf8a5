"""Encryption at rest of the meldcode's free text: Fernet (AES-128-CBC + HMAC-SHA256).

`MultiFernet` encrypts with the first key and decrypts with any: add a new key in front,
run `portaal meldcode rotate-key` (which re-encrypts every ciphertext under the first key, row
by row, while the old key still decrypts), then drop the old key. No downtime.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Sequence

from cryptography.fernet import Fernet, InvalidToken, MultiFernet

# Only outside production (settings refuse it there): a fixed key so `make run` keeps its data.
DEV_KEY = base64.urlsafe_b64encode(hashlib.sha256(b"portaal-dev-meldcode-key").digest()).decode()


class Keyring:
    """The meldcode's keys, newest first."""

    def __init__(self, keys: Sequence[str]) -> None:
        if not keys:
            raise ValueError("at least one meldcode key is needed")
        self._fernet = MultiFernet([Fernet(k.encode()) for k in keys])
        self.primary = Fernet(keys[0].encode())
        self._index_keys = [
            hashlib.sha256(b"portaal-meldcode-blind-index:" + base64.urlsafe_b64decode(k)).digest()
            for k in keys
        ]

    def blind_ref(self, value: str) -> str:
        """A keyed hash (HMAC-SHA256) under the newest key: equal values can be found again,
        but a dump does not tell which pupil a case is about."""
        return hmac.new(self._index_keys[0], value.encode(), hashlib.sha256).hexdigest()

    def blind_refs(self, value: str) -> list[str]:
        """The value's keyed hash under every configured key (while a rotation runs)."""
        return [hmac.new(k, value.encode(), hashlib.sha256).hexdigest() for k in self._index_keys]

    def encrypt(self, text: str) -> str:
        return "" if text == "" else self._fernet.encrypt(text.encode()).decode()

    def decrypt(self, token: str) -> str:
        if token == "":
            return ""
        try:
            return self._fernet.decrypt(token.encode()).decode()
        except InvalidToken:
            raise ValueError("a meldcode text does not decrypt with any configured key") from None

    def rotate(self, token: str) -> str:
        return "" if token == "" else self._fernet.rotate(token.encode()).decode()

    def is_current(self, token: str) -> bool:
        if token == "":
            return True
        try:
            self.primary.decrypt(token.encode())
        except InvalidToken:
            return False
        return True


def new_key() -> str:
    return Fernet.generate_key().decode()
