"""School parent portal: queries and mutations (placeholder until the portal lands)."""

from __future__ import annotations

from typing import Any

import strawberry

from schema.permissions import authenticated

SCHOOL_NODE_TYPES: list[Any] = []


@strawberry.type
class SchoolQueries:
    @authenticated(description="Whether the school portal is available to you.")
    def school_portal_enabled(self) -> bool:
        return False


@strawberry.type
class SchoolMutations:
    @authenticated(description="Placeholder; always false.")
    def school_noop(self) -> bool:
        return False
