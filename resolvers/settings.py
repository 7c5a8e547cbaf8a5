"""What the service layer reads of the configuration; the composition root hands it in.

Resolvers never import `portaal` (also not for types): this protocol is all they know of it.
"""

from __future__ import annotations

from typing import Protocol


class ServiceSettings(Protocol):
    """The settings resolvers and job handlers use, through `ctx.settings`."""

    @property
    def public_url(self) -> str: ...  # base of API links in a mail or document (/exports, /ics)

    @property
    def frontend_url(self) -> str: ...  # base of pages a person opens (/activate, /reset-password)

    @property
    def secret_key(self) -> str: ...  # signs download, certificate and unsubscribe links

    @property
    def session_hours(self) -> int: ...

    @property
    def remember_days(self) -> int: ...

    @property
    def meldcode_keys(self) -> tuple[str, ...]: ...  # Fernet keys, newest first (meldcode texts)
