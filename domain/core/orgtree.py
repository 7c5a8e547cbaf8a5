"""The organisation tree: every portal is a tree of units under one platform root.

Ancestry is a materialised path ("/1/4/9/") so ancestor and descendant questions are
string operations here and index-backed prefix queries in the database.
"""

from __future__ import annotations

from enum import Enum

from domain.core.errors import DomainError, ErrorCode


class OrgUnitKind(str, Enum):
    """What a unit of the organisation tree is."""

    PLATFORM = "PLATFORM"
    ACADEMY = "ACADEMY"  # e-learning academy organisation
    CLUSTER = "CLUSTER"  # "cluster" of an academy organisation
    INSTITUTE = "INSTITUTE"  # training institute
    CLIENT_ORGANISATION = "CLIENT_ORGANISATION"  # "klantorganisatie" of an institute
    SCHOOL_BOARD = "SCHOOL_BOARD"  # "schoolbestuur"
    SCHOOL = "SCHOOL"
    LOCATION = "LOCATION"  # "vestiging"
    CLASS = "CLASS"  # "klas"


ALLOWED_PARENTS: dict[OrgUnitKind, frozenset[OrgUnitKind]] = {
    OrgUnitKind.PLATFORM: frozenset(),
    OrgUnitKind.ACADEMY: frozenset({OrgUnitKind.PLATFORM}),
    OrgUnitKind.CLUSTER: frozenset({OrgUnitKind.ACADEMY}),
    OrgUnitKind.INSTITUTE: frozenset({OrgUnitKind.PLATFORM}),
    OrgUnitKind.CLIENT_ORGANISATION: frozenset({OrgUnitKind.INSTITUTE}),
    OrgUnitKind.SCHOOL_BOARD: frozenset({OrgUnitKind.PLATFORM}),
    OrgUnitKind.SCHOOL: frozenset({OrgUnitKind.SCHOOL_BOARD}),
    OrgUnitKind.LOCATION: frozenset({OrgUnitKind.SCHOOL}),
    OrgUnitKind.CLASS: frozenset({OrgUnitKind.LOCATION}),
}


def check_parent(kind: OrgUnitKind, parent_kind: OrgUnitKind | None) -> None:
    """Refuse a unit placed under a parent its kind cannot have."""
    allowed = ALLOWED_PARENTS[kind]
    if parent_kind is None:
        if allowed:
            raise DomainError(
                ErrorCode.INVALID,
                "A {kind} unit needs a parent of kind {kinds}",
                "parentId",
                kind=kind.value,
                kinds=" or ".join(sorted(k.value for k in allowed)),
            )
        return
    if parent_kind not in allowed:
        raise DomainError(
            ErrorCode.INVALID,
            "A {kind} unit cannot be placed under a {parent_kind} unit",
            "parentId",
            kind=kind.value,
            parent_kind=parent_kind.value,
        )


def child_path(parent_path: str | None, unit_id: int) -> str:
    """The path of a unit: its parent's path followed by its own id."""
    return f"{parent_path or '/'}{unit_id}/"


def path_ids(path: str) -> list[int]:
    """Unit ids on a path, root first, the unit itself last."""
    return [int(part) for part in path.strip("/").split("/") if part]


def is_ancestor_or_self(ancestor_path: str, path: str) -> bool:
    """Whether `ancestor_path` lies on `path` (a unit is its own ancestor here)."""
    return path.startswith(ancestor_path)


def depth(path: str) -> int:
    """Root has depth 0."""
    return len(path_ids(path)) - 1
