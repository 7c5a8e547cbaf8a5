"""Roles held on units of the organisation tree, and the one question every permission asks.

A role held on a unit holds for every unit below it (as Moodle's contexts do). Relationship
roles are never stored: SELF and MEMBER follow from the viewer's person and grants; the others
are facts an area's relation provider loads for the Viewer (see `RelationFact`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from enum import Enum
from functools import cached_property

from domain.core.errors import DomainError, ErrorCode
from domain.core.orgtree import OrgUnitKind, is_ancestor_or_self


class Role(str, Enum):
    """A stored role, held by a person on one unit."""

    PLATFORM_ADMIN = "PLATFORM_ADMIN"
    ACADEMY_ORG_ADMIN = "ACADEMY_ORG_ADMIN"  # "organisatiebeheerder"
    CLUSTER_ADMIN = "CLUSTER_ADMIN"  # "clusterbeheerder"
    LEARNER = "LEARNER"  # "gebruiker / cursist"
    INSTITUTE_STAFF = "INSTITUTE_STAFF"  # "administratie" of the institute
    CLIENT_ORG_ADMIN = "CLIENT_ORG_ADMIN"  # "beheerder klantportaal"
    CONTACT = "CONTACT"  # "contactpersoon": a person belonging to a client organisation
    SCHOOL_ADMIN = "SCHOOL_ADMIN"  # "vestigingsadministratie"
    TEACHER = "TEACHER"  # "docent"
    PUPIL = "PUPIL"  # "leerling"
    CARE_COORDINATOR = "CARE_COORDINATOR"  # "aandachtsfunctionaris" / school social worker
    DIRECTOR = "DIRECTOR"  # "directie"
    BOARD_CONTACT = "BOARD_CONTACT"  # "centrale contactpersoon" of a school board


class Relation(str, Enum):
    """A relationship role, computed from the object read, never stored."""

    SELF = "SELF"  # the object is about the viewer
    GUARDIAN = "GUARDIAN"  # the viewer is a guardian of the pupil, with consent where needed
    MENTOR = "MENTOR"  # the viewer is mentor of the pupil's class
    TEACHES = "TEACHES"  # the viewer teaches a lesson of the class this school year
    MEMBER = "MEMBER"  # the viewer holds a role on this unit or below it (sees it from inside)


ROLE_UNIT_KINDS: dict[Role, frozenset[OrgUnitKind]] = {
    Role.PLATFORM_ADMIN: frozenset({OrgUnitKind.PLATFORM}),
    Role.ACADEMY_ORG_ADMIN: frozenset({OrgUnitKind.ACADEMY}),
    Role.CLUSTER_ADMIN: frozenset({OrgUnitKind.CLUSTER}),
    Role.LEARNER: frozenset({OrgUnitKind.CLUSTER}),
    Role.INSTITUTE_STAFF: frozenset({OrgUnitKind.INSTITUTE}),
    Role.CLIENT_ORG_ADMIN: frozenset({OrgUnitKind.CLIENT_ORGANISATION}),
    Role.CONTACT: frozenset({OrgUnitKind.CLIENT_ORGANISATION}),
    Role.SCHOOL_ADMIN: frozenset({OrgUnitKind.SCHOOL, OrgUnitKind.LOCATION}),
    Role.TEACHER: frozenset({OrgUnitKind.SCHOOL, OrgUnitKind.LOCATION}),
    Role.PUPIL: frozenset({OrgUnitKind.CLASS}),
    Role.CARE_COORDINATOR: frozenset({OrgUnitKind.SCHOOL}),
    Role.DIRECTOR: frozenset({OrgUnitKind.SCHOOL}),
    Role.BOARD_CONTACT: frozenset({OrgUnitKind.SCHOOL_BOARD}),
}

# Institute roles that only apply while the person acts for that organisation
# ("organisatie kiezen"); acting as themself, they are a private person.
ACTING_ROLES = frozenset({Role.CLIENT_ORG_ADMIN, Role.CONTACT})

# Roles that administer the unit they are held on (used for "units you administer").
ADMIN_ROLES = frozenset(
    {
        Role.PLATFORM_ADMIN,
        Role.ACADEMY_ORG_ADMIN,
        Role.CLUSTER_ADMIN,
        Role.INSTITUTE_STAFF,
        Role.CLIENT_ORG_ADMIN,
        Role.SCHOOL_ADMIN,
    }
)

# Named role sets, defined once: schema directives and resolvers of every area use these.
# Tuples keep the order the SDL prints them in.
EVERY_ROLE: tuple[Role, ...] = tuple(Role)
ALL_ADMINS: tuple[Role, ...] = tuple(sorted(ADMIN_ROLES, key=lambda x: x.value))
# Everyone who works on a unit, not only as a learner, pupil or contact on it.
STAFF_ROLES: tuple[Role, ...] = tuple(
    x for x in Role if x not in {Role.LEARNER, Role.PUPIL, Role.CONTACT}
)
SCHOOL_ADMINS: tuple[Role, ...] = (Role.SCHOOL_ADMIN,)
SCHOOL_STAFF: tuple[Role, ...] = (Role.SCHOOL_ADMIN, Role.TEACHER)
ACADEMY_ORG_ADMINS: tuple[Role, ...] = (Role.PLATFORM_ADMIN, Role.ACADEMY_ORG_ADMIN)
ACADEMY_ADMINS: tuple[Role, ...] = (Role.PLATFORM_ADMIN, Role.ACADEMY_ORG_ADMIN, Role.CLUSTER_ADMIN)
LEARNERS: tuple[Role, ...] = (Role.LEARNER,)


def check_role_on_kind(role: Role, kind: OrgUnitKind) -> None:
    if kind not in ROLE_UNIT_KINDS[role]:
        from domain.core.texts import ROLE_NAMES, Text  # texts names the roles defined here

        allowed = " or ".join(sorted(k.value for k in ROLE_UNIT_KINDS[role]))
        raise DomainError(
            ErrorCode.INVALID,
            "The role {role} is held on a {allowed} unit, not on a {kind} unit",
            "unitId",
            role=Text(ROLE_NAMES[role]),
            allowed=allowed,
            kind=kind.value,
        )


@dataclass(frozen=True)
class Grant:
    """One role a viewer holds, on one unit (identified by its id and path)."""

    role: Role
    unit_id: int
    unit_path: str
    assignment_id: int = 0


@dataclass(frozen=True)
class Scope:
    """Where an object lives, for permission checks: its units and whom it is about."""

    unit_paths: tuple[str, ...] = ()
    person_id: int | None = None
    pupil_id: int | None = None
    class_unit_id: int | None = None
    # The class whose timetable the object belongs to (a lesson): guardians of its pupils
    # read it, without standing in any relation to the class's other pupils.
    timetable_class_id: int | None = None


@dataclass(frozen=True)
class Requirement:
    """Who may read a field: any of `roles` on the object's unit or above, or a relation."""

    roles: frozenset[Role] = frozenset()
    relations: frozenset[Relation] = frozenset()

    @classmethod
    def of(cls, roles: Iterable[Role] = (), relations: Iterable[Relation] = ()) -> Requirement:
        return cls(frozenset(roles), frozenset(relations))


@dataclass(frozen=True)
class RelationFact:
    """The viewer stands in `relation` to every object whose scope's `key` is one of `ids`
    (e.g. GUARDIAN to the pupils with these ids); loaded by the relation's area."""

    relation: Relation
    key: str  # an attribute of Scope, e.g. "pupil_id"
    ids: frozenset[int]

    def covers(self, scope: Scope) -> bool:
        value = getattr(scope, self.key)
        return value is not None and value in self.ids


@dataclass(frozen=True)
class Viewer:
    """Everything a permission check needs about the person asking, loaded once per request."""

    person_id: int | None = None
    grants: tuple[Grant, ...] = ()
    acting_for_unit_id: int | None = None
    # An API token is bound to one role assignment: its script has that role and nothing else.
    token_scoped: bool = False
    facts: tuple[RelationFact, ...] = ()

    @property
    def is_authenticated(self) -> bool:
        return self.person_id is not None

    def related(self, relation: Relation) -> frozenset[int]:
        """The ids the viewer stands in this (provided) relation to."""
        return frozenset().union(*(f.ids for f in self.facts if f.relation is relation))

    @cached_property
    def effective_grants(self) -> tuple[Grant, ...]:
        return tuple(
            g
            for g in self.grants
            if g.role not in ACTING_ROLES or g.unit_id == self.acting_for_unit_id
        )

    def holds_anywhere(self, roles: Iterable[Role]) -> bool:
        wanted = set(roles)
        return any(g.role in wanted for g in self.effective_grants)

    def holds_on(self, roles: Iterable[Role], unit_path: str) -> bool:
        """Whether the viewer holds one of `roles` on this unit or an ancestor of it."""
        wanted = set(roles)
        return any(
            g.role in wanted and is_ancestor_or_self(g.unit_path, unit_path)
            for g in self.effective_grants
        )

    def has_relation(self, relation: Relation, scope: Scope) -> bool:
        if self.person_id is None:
            return False
        if self.token_scoped and relation is not Relation.MEMBER:
            return False
        # The core's own relations follow from the viewer's person and grants.
        if relation is Relation.SELF:
            return scope.person_id is not None and scope.person_id == self.person_id
        if relation is Relation.MEMBER:
            # Belonging is not acting: you see your organisation's name while acting as yourself.
            return any(
                is_ancestor_or_self(path, g.unit_path)
                for path in scope.unit_paths
                for g in self.grants
            )
        # Every other relation is a fact an area's provider loaded.
        return any(f.relation is relation and f.covers(scope) for f in self.facts)


ANONYMOUS = Viewer()


class Decisions:
    """Permission decisions of one request, each (requirement, scope) evaluated once."""

    def __init__(self, viewer: Viewer) -> None:
        self.viewer = viewer
        self.evaluated = 0
        self._memo: dict[tuple[Requirement, Scope | None], bool] = {}
        # Objects of one page share their units but not their scopes (each its own person):
        # the role part of a decision is kept per (roles, unit path).
        self._held: dict[tuple[frozenset[Role], str], bool] = {}
        self._seen: dict[tuple[int, int], tuple[Requirement, Scope | None, bool]] = {}
        self._by_role: dict[tuple[frozenset[Role], tuple[str, ...]], bool] = {}

    def allows(self, requirement: Requirement, scope: Scope | None) -> bool:
        # The same scope object is asked about again and again (an enrolment, then each of
        # its attempts): by identity first, which spares hashing the dataclasses. The entry
        # keeps both alive, so their ids cannot be reused within the request.
        seen = self._seen.get((id(requirement), id(scope)))
        if seen is not None and seen[0] is requirement and seen[1] is scope:
            return seen[2]
        if scope is not None and self.viewer.is_authenticated:
            # A role on the object's units decides alone, whoever the object is about: a page
            # of a hundred learners (each its own scope) shares one decision per cluster.
            by_role = self._by_role.get((requirement.roles, scope.unit_paths))
            if by_role is None:
                roles = requirement.roles
                by_role = self._by_role[(roles, scope.unit_paths)] = any(
                    self._holds_on(roles, path) for path in scope.unit_paths
                )
            if by_role:
                self._seen[(id(requirement), id(scope))] = (requirement, scope, True)
                return True
        key = (requirement, scope)
        found = self._memo.get(key)
        if found is None:
            self.evaluated += 1
            found = self._memo[key] = allows(self.viewer, requirement, scope, self._holds_on)
        self._seen[(id(requirement), id(scope))] = (requirement, scope, found)
        return found

    def _holds_on(self, roles: frozenset[Role], unit_path: str) -> bool:
        key = (roles, unit_path)
        held = self._held.get(key)
        if held is None:
            held = self._held[key] = self.viewer.holds_on(roles, unit_path)
        return held


def allows(
    viewer: Viewer,
    requirement: Requirement,
    scope: Scope | None,
    holds_on: Callable[[frozenset[Role], str], bool] | None = None,
) -> bool:
    """May the viewer read something with this requirement, living in this scope?

    Without a scope (a root field) a role held anywhere is enough: the resolver then
    checks the specific unit the arguments name.
    """
    if not viewer.is_authenticated:
        return False
    if scope is None:
        return viewer.holds_anywhere(requirement.roles)
    held = holds_on or viewer.holds_on
    if any(held(requirement.roles, path) for path in scope.unit_paths):
        return True
    return any(viewer.has_relation(rel, scope) for rel in requirement.relations)


def denial_reason(viewer: Viewer, requirement: Requirement) -> str:
    """A sentence that says who may read it, so a denied field is never a silent null."""
    if not viewer.is_authenticated:
        return "You need to log in to see this."
    who = [r.value for r in sorted(requirement.roles, key=lambda r: r.value)]
    who += [r.value for r in sorted(requirement.relations, key=lambda r: r.value)]
    if not who:
        return "Nobody may see this."
    return "Only " + ", ".join(who) + " of this object may see this."


# Which roles a holder of an admin role may give or take away, on its unit or below.
ASSIGNABLE_BY: dict[Role, frozenset[Role]] = {
    Role.PLATFORM_ADMIN: frozenset(Role),
    Role.ACADEMY_ORG_ADMIN: frozenset({Role.ACADEMY_ORG_ADMIN, Role.CLUSTER_ADMIN, Role.LEARNER}),
    Role.CLUSTER_ADMIN: frozenset({Role.LEARNER}),
    Role.INSTITUTE_STAFF: frozenset({Role.INSTITUTE_STAFF, Role.CLIENT_ORG_ADMIN, Role.CONTACT}),
    Role.CLIENT_ORG_ADMIN: frozenset({Role.CONTACT}),
    Role.SCHOOL_ADMIN: frozenset({Role.TEACHER, Role.PUPIL}),
    Role.BOARD_CONTACT: frozenset(),
}


def may_assign(viewer: Viewer, role: Role, unit_path: str) -> bool:
    """Whether the viewer may give (or take away) `role` on the unit with this path."""
    return any(
        role in ASSIGNABLE_BY.get(g.role, frozenset())
        and is_ancestor_or_self(g.unit_path, unit_path)
        for g in viewer.effective_grants
    )


# Who may read a person: admins of a unit the person holds a role on, and the person.
PERSON_READ = Requirement.of(ADMIN_ROLES, [Relation.SELF])
