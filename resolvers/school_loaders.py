"""Per-request dataloaders of the school portal."""

from __future__ import annotations

from persistence.db import RequestSession


class SchoolLoaders:
    def __init__(self, db: RequestSession) -> None:
        self._db = db
