"""The filters of the admin's user list; the same value selects users for bulk actions."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

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

    def within(self, scope_paths: tuple[str, ...]) -> LearnerFilter:
        """The same filter limited to the units a viewer administers."""
        return replace(self, scope_paths=scope_paths)
