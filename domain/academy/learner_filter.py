"""The filters of the admin's user list; the same value selects users for bulk actions."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from domain.academy.enrolments import CourseStatus


@dataclass(frozen=True)
class LearnerFilter:
    """Every filter of the user list, with its default; `scope_paths` is the viewer's reach."""

    scope_paths: tuple[str, ...] = ()  # cluster paths must start with one of these
    cluster_ids: tuple[int, ...] = ()
    course_ids: tuple[int, ...] = ()
    hidden: bool | None = False  # False: active only; True: hidden only; None: both
    label_ids: tuple[int, ...] = ()
    added_since: datetime | None = None
    course_status: CourseStatus | None = None
    search: str | None = None
    activated: bool | None = None  # True: chose a password; False: never activated; None: both
    magazine: bool | None = None  # True: subscribed to the magazine; False: unsubscribed

    def as_params(self) -> dict[str, Any]:
        """The filter as JSON-able values, e.g. for an export job the worker runs later."""
        return {
            "scope_paths": list(self.scope_paths),
            "cluster_ids": list(self.cluster_ids),
            "course_ids": list(self.course_ids),
            "hidden": self.hidden,
            "label_ids": list(self.label_ids),
            "added_since": self.added_since.isoformat() if self.added_since else None,
            "course_status": self.course_status.value if self.course_status else None,
            "search": self.search,
            "activated": self.activated,
            "magazine": self.magazine,
        }

    @classmethod
    def from_params(cls, p: dict[str, Any]) -> LearnerFilter:
        """The filter `as_params` wrote."""
        return cls(
            scope_paths=tuple(p.get("scope_paths", ())),
            cluster_ids=tuple(p.get("cluster_ids", ())),
            course_ids=tuple(p.get("course_ids", ())),
            hidden=p.get("hidden", False),
            label_ids=tuple(p.get("label_ids", ())),
            added_since=datetime.fromisoformat(p["added_since"]) if p.get("added_since") else None,
            course_status=CourseStatus(p["course_status"]) if p.get("course_status") else None,
            search=p.get("search"),
            activated=p.get("activated"),
            magazine=p.get("magazine"),
        )

    def within(self, scope_paths: tuple[str, ...]) -> LearnerFilter:
        """The same filter limited to the units a viewer administers."""
        return replace(self, scope_paths=scope_paths)
