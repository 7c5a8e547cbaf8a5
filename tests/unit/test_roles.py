"""Roles on units, relationship roles and the permission question (domain/roles.py)."""

from __future__ import annotations

import itertools

import pytest

from domain.core.errors import DomainError, ErrorCode
from domain.core.orgtree import OrgUnitKind
from domain.core.roles import (
    ACTING_ROLES,
    ADMIN_ROLES,
    ANONYMOUS,
    ASSIGNABLE_BY,
    ROLE_UNIT_KINDS,
    Grant,
    Relation,
    RelationFact,
    Requirement,
    Role,
    Scope,
    Viewer,
    allows,
    check_role_on_kind,
    denial_reason,
    may_assign,
)
from domain.core.texts import ROLE_NAMES

K = OrgUnitKind

# A small tree:
#   platform 1
#   ├── academy 2 ──► clusters 3, 4
#   ├── institute 10 ──► client organisations 11, 12
#   └── school board 20 ──► school 21 ──► location 22 ──► class 23
#                       └── school 30 ──► location 31 ──► class 32
PLATFORM = "/1/"
ACADEMY = "/1/2/"
CLUSTER_A = "/1/2/3/"
CLUSTER_B = "/1/2/4/"
INSTITUTE = "/1/10/"
ORG_A = "/1/10/11/"
ORG_B = "/1/10/12/"
BOARD = "/1/20/"
SCHOOL = "/1/20/21/"
LOCATION = "/1/20/21/22/"
CLASS = "/1/20/21/22/23/"
OTHER_SCHOOL = "/1/20/30/"
OTHER_CLASS = "/1/20/30/31/32/"

ALL_PATHS = [
    PLATFORM,
    ACADEMY,
    CLUSTER_A,
    CLUSTER_B,
    INSTITUTE,
    ORG_A,
    ORG_B,
    BOARD,
    SCHOOL,
    LOCATION,
    CLASS,
    OTHER_SCHOOL,
    OTHER_CLASS,
]


def grant(role: Role, path: str) -> Grant:
    return Grant(role=role, unit_id=int(path.strip("/").split("/")[-1]), unit_path=path)


def school_facts(
    guardian_of: frozenset[int] = frozenset(), mentor_of: frozenset[int] = frozenset()
) -> tuple[RelationFact, ...]:
    """What the school's relation provider loads: guardian of pupils, mentor of classes."""
    return (
        RelationFact(Relation.GUARDIAN, "pupil_id", guardian_of),
        RelationFact(Relation.MENTOR, "class_unit_id", mentor_of),
    )


def viewer(
    *grants: Grant,
    person_id: int = 7,
    guardian_of: frozenset[int] = frozenset(),
    mentor_of: frozenset[int] = frozenset(),
    **kwargs: object,
) -> Viewer:
    return Viewer(
        person_id=person_id,
        grants=grants,
        facts=school_facts(guardian_of, mentor_of),
        **kwargs,  # type: ignore[arg-type]
    )


# --- Viewer basics ----------------------------------------------------------------------------


def test_anonymous_is_not_authenticated() -> None:
    assert not ANONYMOUS.is_authenticated
    assert ANONYMOUS.grants == ()
    assert viewer().is_authenticated


def test_anonymous_is_refused_even_a_requirement_it_would_meet_otherwise() -> None:
    unauthenticated = Viewer(person_id=None, grants=(grant(Role.PLATFORM_ADMIN, PLATFORM),))
    req = Requirement.of(roles=[Role.PLATFORM_ADMIN], relations=list(Relation))
    assert not allows(unauthenticated, req, Scope(unit_paths=(SCHOOL,)))
    assert not allows(unauthenticated, req, None)


def test_anonymous_has_no_relation() -> None:
    scope = Scope(unit_paths=(CLASS,), person_id=None, pupil_id=5, class_unit_id=23)
    anon = Viewer(facts=school_facts(frozenset({5}), frozenset({23})))
    assert not any(anon.has_relation(rel, scope) for rel in Relation)


def test_requirement_of_builds_frozensets() -> None:
    req = Requirement.of([Role.TEACHER, Role.TEACHER], [Relation.SELF])
    assert req == Requirement(frozenset({Role.TEACHER}), frozenset({Relation.SELF}))
    assert Requirement.of() == Requirement()


# --- holds_on: roles inherit downward only ----------------------------------------------------


def test_role_holds_on_its_own_unit() -> None:
    assert viewer(grant(Role.SCHOOL_ADMIN, SCHOOL)).holds_on([Role.SCHOOL_ADMIN], SCHOOL)


@pytest.mark.parametrize("path", [LOCATION, CLASS])
def test_role_holds_on_every_unit_below(path: str) -> None:
    assert viewer(grant(Role.SCHOOL_ADMIN, SCHOOL)).holds_on([Role.SCHOOL_ADMIN], path)


@pytest.mark.parametrize("path", [BOARD, PLATFORM, OTHER_SCHOOL, OTHER_CLASS, ACADEMY, ORG_A])
def test_role_does_not_hold_above_or_beside(path: str) -> None:
    assert not viewer(grant(Role.SCHOOL_ADMIN, SCHOOL)).holds_on([Role.SCHOOL_ADMIN], path)


def test_role_does_not_hold_on_a_unit_whose_id_shares_a_prefix() -> None:
    # Unit 2 (the academy) must not reach unit 20 (the school board) or anything under it.
    v = viewer(grant(Role.ACADEMY_ORG_ADMIN, ACADEMY))
    assert not v.holds_on([Role.ACADEMY_ORG_ADMIN], BOARD)
    assert not v.holds_on([Role.ACADEMY_ORG_ADMIN], CLASS)


def test_platform_admin_holds_everywhere() -> None:
    v = viewer(grant(Role.PLATFORM_ADMIN, PLATFORM))
    assert all(v.holds_on([Role.PLATFORM_ADMIN], path) for path in ALL_PATHS)


def test_holds_on_needs_one_of_the_named_roles() -> None:
    v = viewer(grant(Role.TEACHER, SCHOOL))
    assert not v.holds_on([Role.SCHOOL_ADMIN, Role.DIRECTOR], CLASS)
    assert v.holds_on([Role.SCHOOL_ADMIN, Role.TEACHER], CLASS)
    assert not v.holds_on([], CLASS)


def test_several_roles_on_several_units() -> None:
    # A cluster admin who is also a learner elsewhere, and a teacher who is also a parent.
    v = viewer(grant(Role.CLUSTER_ADMIN, CLUSTER_A), grant(Role.LEARNER, CLUSTER_B))
    assert v.holds_on([Role.CLUSTER_ADMIN], CLUSTER_A)
    assert not v.holds_on([Role.CLUSTER_ADMIN], CLUSTER_B)
    assert v.holds_on([Role.LEARNER], CLUSTER_B)
    assert not v.holds_on([Role.LEARNER], CLUSTER_A)


def test_holds_anywhere() -> None:
    v = viewer(grant(Role.TEACHER, OTHER_SCHOOL))
    assert v.holds_anywhere([Role.TEACHER])
    assert v.holds_anywhere([Role.DIRECTOR, Role.TEACHER])
    assert not v.holds_anywhere([Role.DIRECTOR])
    assert not viewer().holds_anywhere(list(Role))


# --- acting roles -----------------------------------------------------------------------------


def test_acting_roles_are_the_institute_client_roles() -> None:
    assert ACTING_ROLES == {Role.CLIENT_ORG_ADMIN, Role.CONTACT}


@pytest.mark.parametrize("role", sorted(ACTING_ROLES))
def test_acting_role_does_not_hold_while_acting_as_oneself(role: Role) -> None:
    v = viewer(grant(role, ORG_A), acting_for_unit_id=None)
    assert not v.holds_on([role], ORG_A)
    assert not v.holds_anywhere([role])
    assert v.effective_grants == ()


@pytest.mark.parametrize("role", sorted(ACTING_ROLES))
def test_acting_role_holds_while_acting_for_that_unit(role: Role) -> None:
    v = viewer(grant(role, ORG_A), acting_for_unit_id=11)
    assert v.holds_on([role], ORG_A)
    assert v.holds_anywhere([role])


@pytest.mark.parametrize("role", sorted(ACTING_ROLES))
def test_acting_role_does_not_hold_while_acting_for_another_unit(role: Role) -> None:
    v = viewer(grant(role, ORG_A), grant(Role.CONTACT, ORG_B), acting_for_unit_id=12)
    assert not v.holds_on([role], ORG_A)
    assert v.holds_on([Role.CONTACT], ORG_B)


def test_acting_for_a_unit_only_activates_grants_on_that_unit() -> None:
    admin_a = grant(Role.CLIENT_ORG_ADMIN, ORG_A)
    contact_b = grant(Role.CONTACT, ORG_B)
    v = viewer(admin_a, contact_b, acting_for_unit_id=11)
    assert v.effective_grants == (admin_a,)


def test_other_roles_hold_regardless_of_acting() -> None:
    learner = grant(Role.LEARNER, CLUSTER_A)
    staff = grant(Role.INSTITUTE_STAFF, INSTITUTE)
    for acting in (None, 11, 12):
        v = viewer(learner, staff, grant(Role.CONTACT, ORG_A), acting_for_unit_id=acting)
        assert v.holds_on([Role.LEARNER], CLUSTER_A)
        assert v.holds_on([Role.INSTITUTE_STAFF], ORG_A)


def test_acting_role_on_unit_does_not_reach_a_sibling_organisation() -> None:
    v = viewer(grant(Role.CLIENT_ORG_ADMIN, ORG_A), acting_for_unit_id=11)
    assert not v.holds_on([Role.CLIENT_ORG_ADMIN], ORG_B)
    assert not v.holds_on([Role.CLIENT_ORG_ADMIN], INSTITUTE)


# --- relations --------------------------------------------------------------------------------


def test_self_relation() -> None:
    v = viewer(person_id=7)
    assert v.has_relation(Relation.SELF, Scope(person_id=7))
    assert not v.has_relation(Relation.SELF, Scope(person_id=8))
    assert not v.has_relation(Relation.SELF, Scope(person_id=None))


def test_guardian_relation() -> None:
    v = viewer(guardian_of=frozenset({100, 101}))
    assert v.has_relation(Relation.GUARDIAN, Scope(pupil_id=100))
    assert v.has_relation(Relation.GUARDIAN, Scope(pupil_id=101))
    assert not v.has_relation(Relation.GUARDIAN, Scope(pupil_id=102))
    assert not v.has_relation(Relation.GUARDIAN, Scope(pupil_id=None))


def test_guardian_relation_is_not_self() -> None:
    # A guardian of pupil 100 is not "self" of a scope about person 100.
    v = viewer(person_id=7, guardian_of=frozenset({100}))
    assert not v.has_relation(Relation.SELF, Scope(person_id=100, pupil_id=100))
    assert not v.has_relation(Relation.GUARDIAN, Scope(person_id=100))


def test_mentor_relation() -> None:
    v = viewer(mentor_of=frozenset({23}))
    assert v.has_relation(Relation.MENTOR, Scope(class_unit_id=23))
    assert not v.has_relation(Relation.MENTOR, Scope(class_unit_id=32))
    assert not v.has_relation(Relation.MENTOR, Scope(class_unit_id=None))


def test_member_relation_from_a_role_on_the_unit_or_below() -> None:
    v = viewer(grant(Role.PUPIL, CLASS))
    assert v.has_relation(Relation.MEMBER, Scope(unit_paths=(CLASS,)))
    assert v.has_relation(Relation.MEMBER, Scope(unit_paths=(SCHOOL,)))
    assert v.has_relation(Relation.MEMBER, Scope(unit_paths=(BOARD,)))
    assert not v.has_relation(Relation.MEMBER, Scope(unit_paths=(OTHER_SCHOOL,)))
    assert not v.has_relation(Relation.MEMBER, Scope(unit_paths=(ACADEMY,)))


def test_member_relation_does_not_come_from_a_role_above() -> None:
    # A platform admin sees the school through its role, but is not a member of it.
    v = viewer(grant(Role.PLATFORM_ADMIN, PLATFORM))
    assert not v.has_relation(Relation.MEMBER, Scope(unit_paths=(SCHOOL,)))


def test_member_relation_with_several_scope_units() -> None:
    v = viewer(grant(Role.LEARNER, CLUSTER_B))
    assert v.has_relation(Relation.MEMBER, Scope(unit_paths=(CLUSTER_A, CLUSTER_B)))
    assert not v.has_relation(Relation.MEMBER, Scope(unit_paths=(CLUSTER_A, ORG_A)))
    assert not v.has_relation(Relation.MEMBER, Scope(unit_paths=()))


def test_member_relation_holds_for_acting_roles_while_acting_as_oneself() -> None:
    # Belonging is not acting: a contact sees their organisation's name as a private person.
    v = viewer(grant(Role.CONTACT, ORG_A), acting_for_unit_id=None)
    assert not v.holds_on([Role.CONTACT], ORG_A)
    assert v.has_relation(Relation.MEMBER, Scope(unit_paths=(ORG_A,)))


# --- API-token-scoped viewers -----------------------------------------------------------------


def token_viewer() -> Viewer:
    return viewer(
        grant(Role.TEACHER, SCHOOL),
        person_id=7,
        token_scoped=True,
        guardian_of=frozenset({100}),
        mentor_of=frozenset({23}),
    )


@pytest.mark.parametrize(
    ("relation", "scope"),
    [
        (Relation.SELF, Scope(person_id=7)),
        (Relation.GUARDIAN, Scope(pupil_id=100)),
        (Relation.MENTOR, Scope(class_unit_id=23)),
    ],
)
def test_token_scoped_viewer_has_no_relationship_roles(relation: Relation, scope: Scope) -> None:
    untokened = viewer(
        grant(Role.TEACHER, SCHOOL),
        person_id=7,
        guardian_of=frozenset({100}),
        mentor_of=frozenset({23}),
    )
    assert untokened.has_relation(relation, scope)
    assert not token_viewer().has_relation(relation, scope)


def test_token_scoped_viewer_keeps_member() -> None:
    assert token_viewer().has_relation(Relation.MEMBER, Scope(unit_paths=(SCHOOL,)))
    assert token_viewer().has_relation(Relation.MEMBER, Scope(unit_paths=(BOARD,)))
    assert not token_viewer().has_relation(Relation.MEMBER, Scope(unit_paths=(OTHER_SCHOOL,)))


def test_token_scoped_viewer_keeps_its_role() -> None:
    req = Requirement.of(roles=[Role.TEACHER])
    assert allows(token_viewer(), req, Scope(unit_paths=(CLASS,)))


def test_token_scoped_viewer_cannot_read_own_data_through_self() -> None:
    req = Requirement.of(relations=[Relation.SELF])
    assert allows(viewer(person_id=7), req, Scope(person_id=7))
    assert not allows(token_viewer(), req, Scope(person_id=7))


# --- allows() ---------------------------------------------------------------------------------


def test_allows_through_a_role_on_an_ancestor_unit() -> None:
    req = Requirement.of(roles=[Role.SCHOOL_ADMIN])
    v = viewer(grant(Role.SCHOOL_ADMIN, SCHOOL))
    assert allows(v, req, Scope(unit_paths=(CLASS,)))
    assert not allows(v, req, Scope(unit_paths=(OTHER_CLASS,)))


def test_allows_when_any_scope_unit_is_covered() -> None:
    req = Requirement.of(roles=[Role.CLUSTER_ADMIN])
    v = viewer(grant(Role.CLUSTER_ADMIN, CLUSTER_B))
    assert allows(v, req, Scope(unit_paths=(CLUSTER_A, CLUSTER_B)))
    assert not allows(v, req, Scope(unit_paths=(CLUSTER_A,)))


def test_allows_needs_the_right_role_not_just_any_role() -> None:
    req = Requirement.of(roles=[Role.CLUSTER_ADMIN])
    v = viewer(grant(Role.LEARNER, CLUSTER_A))
    assert not allows(v, req, Scope(unit_paths=(CLUSTER_A,)))


def test_allows_through_a_listed_relation() -> None:
    req = Requirement.of(roles=[Role.SCHOOL_ADMIN], relations=[Relation.GUARDIAN])
    scope = Scope(unit_paths=(CLASS,), pupil_id=100, class_unit_id=23)
    assert allows(viewer(guardian_of=frozenset({100})), req, scope)
    assert not allows(viewer(guardian_of=frozenset({101})), req, scope)


def test_relation_counts_only_when_the_requirement_names_it() -> None:
    scope = Scope(unit_paths=(CLASS,), person_id=7, pupil_id=100, class_unit_id=23)
    v = viewer(person_id=7, guardian_of=frozenset({100}), mentor_of=frozenset({23}))
    assert not allows(v, Requirement.of(roles=[Role.SCHOOL_ADMIN]), scope)
    assert not allows(v, Requirement.of(relations=[Relation.MEMBER]), scope)
    assert allows(v, Requirement.of(relations=[Relation.SELF]), scope)
    assert allows(v, Requirement.of(relations=[Relation.GUARDIAN]), scope)
    assert allows(v, Requirement.of(relations=[Relation.MENTOR]), scope)


def test_empty_requirement_allows_nobody() -> None:
    v = viewer(grant(Role.PLATFORM_ADMIN, PLATFORM))
    assert not allows(v, Requirement(), Scope(unit_paths=(SCHOOL,), person_id=7))
    assert not allows(v, Requirement(), None)


def test_without_scope_a_role_anywhere_is_enough() -> None:
    req = Requirement.of(roles=[Role.CLUSTER_ADMIN])
    assert allows(viewer(grant(Role.CLUSTER_ADMIN, CLUSTER_B)), req, None)
    assert not allows(viewer(grant(Role.LEARNER, CLUSTER_B)), req, None)


def test_without_scope_relations_do_not_count() -> None:
    req = Requirement.of(relations=[Relation.SELF, Relation.MEMBER])
    assert not allows(viewer(grant(Role.LEARNER, CLUSTER_A)), req, None)


def test_without_scope_acting_roles_count_only_while_acting() -> None:
    req = Requirement.of(roles=[Role.CLIENT_ORG_ADMIN])
    assert not allows(viewer(grant(Role.CLIENT_ORG_ADMIN, ORG_A)), req, None)
    assert allows(viewer(grant(Role.CLIENT_ORG_ADMIN, ORG_A), acting_for_unit_id=11), req, None)


def test_employer_invoices_visible_only_while_acting_for_the_employer() -> None:
    # The institute seed: own invoices always, the employer's when acting for it.
    req = Requirement.of(roles=[Role.CONTACT, Role.INSTITUTE_STAFF], relations=[Relation.SELF])
    employer_invoice = Scope(unit_paths=(ORG_A,), person_id=None)
    own_invoice = Scope(unit_paths=(), person_id=7)
    as_self = viewer(grant(Role.CONTACT, ORG_A), person_id=7)
    for_employer = viewer(grant(Role.CONTACT, ORG_A), person_id=7, acting_for_unit_id=11)
    assert not allows(as_self, req, employer_invoice)
    assert allows(for_employer, req, employer_invoice)
    assert allows(as_self, req, own_invoice)
    assert allows(for_employer, req, own_invoice)
    staff = viewer(grant(Role.INSTITUTE_STAFF, INSTITUTE), person_id=8)
    assert allows(staff, req, employer_invoice)
    assert not allows(staff, req, own_invoice)


def test_meldcode_cases_are_for_the_schools_own_care_coordinator() -> None:
    req = Requirement.of(roles=[Role.CARE_COORDINATOR])
    board = viewer(grant(Role.BOARD_CONTACT, BOARD))
    coordinator = viewer(grant(Role.CARE_COORDINATOR, SCHOOL))
    case = Scope(unit_paths=(SCHOOL,))
    assert not allows(board, req, case)
    assert allows(coordinator, req, case)
    assert not allows(coordinator, req, Scope(unit_paths=(OTHER_SCHOOL,)))


# --- denial_reason ----------------------------------------------------------------------------


def test_denial_reason_for_anonymous() -> None:
    req = Requirement.of(roles=[Role.TEACHER])
    assert denial_reason(ANONYMOUS, req) == "You need to log in to see this."


def test_denial_reason_names_roles_then_relations_sorted() -> None:
    req = Requirement.of(
        roles=[Role.TEACHER, Role.SCHOOL_ADMIN], relations=[Relation.SELF, Relation.GUARDIAN]
    )
    assert denial_reason(viewer(), req) == (
        "Only SCHOOL_ADMIN, TEACHER, GUARDIAN, SELF of this object may see this."
    )


def test_denial_reason_when_nobody_may() -> None:
    assert denial_reason(viewer(), Requirement()) == "Nobody may see this."


# --- role on unit kind ------------------------------------------------------------------------


def test_every_role_has_unit_kinds() -> None:
    assert set(ROLE_UNIT_KINDS) == set(Role)
    assert all(ROLE_UNIT_KINDS.values())


@pytest.mark.parametrize(
    ("role", "kind"), [(r, k) for r, kinds in ROLE_UNIT_KINDS.items() for k in kinds]
)
def test_role_on_its_kind_is_accepted(role: Role, kind: OrgUnitKind) -> None:
    assert check_role_on_kind(role, kind) is None


@pytest.mark.parametrize(
    ("role", "kind"),
    [(r, k) for r, k in itertools.product(Role, OrgUnitKind) if k not in ROLE_UNIT_KINDS[r]],
)
def test_role_on_another_kind_is_refused(role: Role, kind: OrgUnitKind) -> None:
    with pytest.raises(DomainError) as caught:
        check_role_on_kind(role, kind)
    assert caught.value.code is ErrorCode.INVALID
    assert caught.value.field == "unitId"
    assert f"The role {ROLE_NAMES[role]} is held on a "  # as people say it in caught.value.message
    assert caught.value.message.endswith(f"not on a {kind.value} unit")


def test_role_on_kind_message_lists_all_allowed_kinds() -> None:
    with pytest.raises(DomainError) as caught:
        check_role_on_kind(Role.TEACHER, K.CLASS)
    assert caught.value.message == (
        "The role teacher is held on a LOCATION or SCHOOL unit, not on a CLASS unit"
    )


def test_learner_is_held_on_a_cluster_not_the_academy() -> None:
    check_role_on_kind(Role.LEARNER, K.CLUSTER)
    with pytest.raises(DomainError):
        check_role_on_kind(Role.LEARNER, K.ACADEMY)


# --- may_assign -------------------------------------------------------------------------------


def test_admin_roles_can_each_assign_something() -> None:
    for role in ADMIN_ROLES:
        assert ASSIGNABLE_BY[role], role


def test_platform_admin_may_assign_every_role_anywhere() -> None:
    v = viewer(grant(Role.PLATFORM_ADMIN, PLATFORM))
    for role in Role:
        for path in ALL_PATHS:
            assert may_assign(v, role, path)


def test_cluster_admin_assigns_learners_in_own_cluster_only() -> None:
    v = viewer(grant(Role.CLUSTER_ADMIN, CLUSTER_A))
    assert may_assign(v, Role.LEARNER, CLUSTER_A)
    assert not may_assign(v, Role.LEARNER, CLUSTER_B)
    assert not may_assign(v, Role.CLUSTER_ADMIN, CLUSTER_A)
    assert not may_assign(v, Role.ACADEMY_ORG_ADMIN, ACADEMY)


def test_academy_org_admin_assigns_within_its_organisation() -> None:
    v = viewer(grant(Role.ACADEMY_ORG_ADMIN, ACADEMY))
    for role in (Role.ACADEMY_ORG_ADMIN, Role.CLUSTER_ADMIN, Role.LEARNER):
        assert may_assign(v, role, CLUSTER_B)
    assert may_assign(v, Role.ACADEMY_ORG_ADMIN, ACADEMY)
    assert not may_assign(v, Role.PLATFORM_ADMIN, ACADEMY)
    assert not may_assign(v, Role.LEARNER, PLATFORM)
    assert not may_assign(v, Role.CONTACT, ORG_A)


def test_institute_staff_assigns_client_roles() -> None:
    v = viewer(grant(Role.INSTITUTE_STAFF, INSTITUTE))
    assert may_assign(v, Role.CLIENT_ORG_ADMIN, ORG_A)
    assert may_assign(v, Role.CONTACT, ORG_B)
    assert may_assign(v, Role.INSTITUTE_STAFF, INSTITUTE)
    assert not may_assign(v, Role.LEARNER, CLUSTER_A)


def test_client_org_admin_assigns_contacts_only_while_acting_for_the_organisation() -> None:
    admin = grant(Role.CLIENT_ORG_ADMIN, ORG_A)
    assert not may_assign(viewer(admin), Role.CONTACT, ORG_A)
    acting = viewer(admin, acting_for_unit_id=11)
    assert may_assign(acting, Role.CONTACT, ORG_A)
    assert not may_assign(acting, Role.CLIENT_ORG_ADMIN, ORG_A)
    assert not may_assign(acting, Role.CONTACT, ORG_B)


def test_school_admin_assigns_teachers_and_pupils_below() -> None:
    v = viewer(grant(Role.SCHOOL_ADMIN, LOCATION))
    assert may_assign(v, Role.TEACHER, LOCATION)
    assert may_assign(v, Role.PUPIL, CLASS)
    assert not may_assign(v, Role.TEACHER, SCHOOL)  # above its own unit
    assert not may_assign(v, Role.PUPIL, OTHER_CLASS)
    assert not may_assign(v, Role.SCHOOL_ADMIN, LOCATION)
    assert not may_assign(v, Role.CARE_COORDINATOR, SCHOOL)


@pytest.mark.parametrize(
    "role",
    [Role.BOARD_CONTACT, Role.TEACHER, Role.LEARNER, Role.PUPIL, Role.DIRECTOR, Role.CONTACT],
)
def test_roles_that_assign_nothing(role: Role) -> None:
    # Held on every unit (and acting for client organisation 11), still nothing to give.
    v = viewer(*(grant(role, p) for p in ALL_PATHS), acting_for_unit_id=11)
    assert not any(may_assign(v, r, p) for r in Role for p in ALL_PATHS)


def test_may_assign_for_anonymous_is_false() -> None:
    assert not may_assign(ANONYMOUS, Role.LEARNER, CLUSTER_A)


# --- relations provided by areas --------------------------------------------------------------


def test_a_provided_relation_is_a_fact_keyed_on_a_scope_attribute() -> None:
    # The core knows no area: a relation beyond SELF and MEMBER is whatever a provider loaded.
    fact = RelationFact(Relation.MENTOR, "class_unit_id", frozenset({23}))
    v = Viewer(person_id=7, facts=(fact,))
    assert v.has_relation(Relation.MENTOR, Scope(class_unit_id=23))
    assert not v.has_relation(Relation.MENTOR, Scope(class_unit_id=24))
    assert not v.has_relation(Relation.GUARDIAN, Scope(class_unit_id=23, pupil_id=23))
    assert v.related(Relation.MENTOR) == frozenset({23})
    assert viewer().related(Relation.MENTOR) == frozenset()


def test_facts_of_several_providers_for_one_relation_add_up() -> None:
    v = Viewer(
        person_id=7,
        facts=(
            RelationFact(Relation.GUARDIAN, "pupil_id", frozenset({1})),
            RelationFact(Relation.GUARDIAN, "pupil_id", frozenset({2})),
        ),
    )
    assert v.has_relation(Relation.GUARDIAN, Scope(pupil_id=1))
    assert v.has_relation(Relation.GUARDIAN, Scope(pupil_id=2))
    assert v.related(Relation.GUARDIAN) == frozenset({1, 2})
