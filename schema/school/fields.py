"""Who may read what in the school portal, and the small helpers its types share."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from decimal import Decimal
from fractions import Fraction
from functools import lru_cache
from typing import Any, TypeVar, cast

import strawberry
from strawberry.dataloader import DataLoader

from domain.core.ids import encode_global_id
from domain.core.roles import SCHOOL_ADMINS, SCHOOL_STAFF, Relation, Requirement
from domain.core.roles import Role as R
from domain.school.grades import AssessmentKind as DomainKind
from domain.school.grades import (
    round_half_up,
)
from resolvers.core.prefetch import MISSING, peek
from schema.core.permissions import requires
from schema.school.enums import AssessmentKind

# Every type declares the requirement its fields share as `READ`, value types too: it is then
# decided once per object, when a field produces it, not again on each of its fields
# (schema.core.permissions.guard_types).

# The pupil card, results, attendance and agenda: the administration, the class's mentor and
# the teachers who teach a lesson of the class this school year (not every teacher of the
# location), the pupil, and guardians who may see the pupil today.
PUPIL_READ = Requirement.of(
    SCHOOL_ADMINS, [Relation.SELF, Relation.GUARDIAN, Relation.MENTOR, Relation.TEACHES]
)


# Who the guardians are and their consent state: administration, mentor, and the pupil, who
# manages consent. Separated parents do not see each other's details.
GUARDIANS_READ = Requirement.of(SCHOOL_ADMINS, [Relation.SELF, Relation.MENTOR])


# The history of a pupil's consent: the pupil, who gives it, and the administration.
CONSENT_HISTORY_READ = Requirement.of(SCHOOL_ADMINS, [Relation.SELF])


# The timetable of a class is also visible to its pupils (PUPIL on the class) and, by ID, to
# the guardians of its pupils. A timetable holds no pupil's data: every teacher of the location
# reads it (substitutions, planning).
LESSON_READ = Requirement.of(
    (*SCHOOL_STAFF, R.PUPIL),
    [Relation.SELF, Relation.GUARDIAN, Relation.MENTOR, Relation.TEACHES],
)


SUBJECT_READ = Requirement.of(
    (*SCHOOL_STAFF, R.PUPIL), [Relation.SELF, Relation.GUARDIAN, Relation.MENTOR, Relation.MEMBER]
)


STAFF_READ = Requirement.of(SCHOOL_STAFF, [Relation.MENTOR])


OWN_READ = Requirement.of((), [Relation.SELF])


def _f(requirement: Requirement, description: str) -> Any:
    return requires(requirement.roles, requirement.relations, description=description)


@lru_cache(maxsize=8192)
def _gid(type_name: str, pk: int | None) -> strawberry.ID:
    """A row's global ID; kept, as a dashboard names the same subjects again and again."""
    assert pk is not None
    return strawberry.ID(encode_global_id(type_name, pk))


def _dec(value: Fraction | None) -> Decimal | None:
    return None if value is None else round_half_up(value)


def _percent(share: Fraction) -> Decimal:
    return round_half_up(share * 100)


def _kind(kind: AssessmentKind | None) -> DomainKind | None:
    return None if kind is None else DomainKind(kind.value)


K = TypeVar("K")
V = TypeVar("V")
T = TypeVar("T")


def _later(awaitable: Awaitable[T]) -> T:
    """Not prefetched: resolve it by loading. graphql-core awaits what a sync resolver returns."""
    return cast(T, awaitable)


def loaded(loader: DataLoader[K, V], key: K, build: Callable[[V], T]) -> T:
    """`build` of what `loader` holds for `key`: synchronously when it was prefetched, else
    once loaded (graphql-core awaits what a sync resolver returns)."""
    found = peek(loader, key)
    if found is not MISSING:
        return build(found)

    async def later() -> T:
        return build(await loader.load(key))

    return _later(later())
