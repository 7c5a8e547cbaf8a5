"""The organisation tree: allowed parents and materialised paths (domain/orgtree.py)."""

from __future__ import annotations

import itertools

import pytest

from domain.core.errors import DomainError, ErrorCode
from domain.core.orgtree import (
    ALLOWED_PARENTS,
    OrgUnitKind,
    check_parent,
    child_path,
    depth,
    is_ancestor_or_self,
    path_ids,
)

K = OrgUnitKind

ALLOWED_PAIRS = [(kind, parent) for kind, parents in ALLOWED_PARENTS.items() for parent in parents]
FORBIDDEN_PAIRS = [
    (kind, parent)
    for kind, parent in itertools.product(OrgUnitKind, OrgUnitKind)
    if parent not in ALLOWED_PARENTS[kind]
]


def test_every_kind_has_a_parent_rule() -> None:
    assert set(ALLOWED_PARENTS) == set(OrgUnitKind)


def test_tree_shape_from_the_design() -> None:
    assert ALLOWED_PARENTS == {
        K.PLATFORM: frozenset(),
        K.ACADEMY: {K.PLATFORM},
        K.CLUSTER: {K.ACADEMY},
        K.INSTITUTE: {K.PLATFORM},
        K.CLIENT_ORGANISATION: {K.INSTITUTE},
        K.SCHOOL_BOARD: {K.PLATFORM},
        K.SCHOOL: {K.SCHOOL_BOARD},
        K.LOCATION: {K.SCHOOL},
        K.CLASS: {K.LOCATION},
    }


def test_every_kind_but_platform_leads_up_to_the_platform() -> None:
    for kind in OrgUnitKind:
        seen = {kind}
        while ALLOWED_PARENTS[kind]:
            (kind,) = ALLOWED_PARENTS[kind]  # one parent kind each: the tree is not a DAG
            assert kind not in seen, "cycle in ALLOWED_PARENTS"
            seen.add(kind)
        assert kind is K.PLATFORM


@pytest.mark.parametrize(("kind", "parent"), ALLOWED_PAIRS)
def test_allowed_parent_is_accepted(kind: OrgUnitKind, parent: OrgUnitKind) -> None:
    assert check_parent(kind, parent) is None


@pytest.mark.parametrize(("kind", "parent"), FORBIDDEN_PAIRS)
def test_other_parents_are_refused(kind: OrgUnitKind, parent: OrgUnitKind) -> None:
    with pytest.raises(DomainError) as caught:
        check_parent(kind, parent)
    assert caught.value.code is ErrorCode.INVALID
    assert caught.value.field == "parentId"
    assert caught.value.message == (
        f"A {kind.value} unit cannot be placed under a {parent.value} unit"
    )


def test_forbidden_pairs_include_the_obvious_mistakes() -> None:
    assert (K.CLASS, K.SCHOOL) in FORBIDDEN_PAIRS  # a class skips the location
    assert (K.CLUSTER, K.INSTITUTE) in FORBIDDEN_PAIRS  # portals do not mix
    assert (K.PLATFORM, K.PLATFORM) in FORBIDDEN_PAIRS
    assert (K.SCHOOL, K.SCHOOL) in FORBIDDEN_PAIRS


def test_platform_is_the_only_root() -> None:
    assert check_parent(K.PLATFORM, None) is None


@pytest.mark.parametrize("kind", [k for k in OrgUnitKind if k is not K.PLATFORM])
def test_other_kinds_need_a_parent(kind: OrgUnitKind) -> None:
    with pytest.raises(DomainError) as caught:
        check_parent(kind, None)
    (parent,) = ALLOWED_PARENTS[kind]
    assert caught.value.code is ErrorCode.INVALID
    assert caught.value.field == "parentId"
    assert caught.value.message == f"A {kind.value} unit needs a parent of kind {parent.value}"


def test_kinds_are_strings_for_the_schema() -> None:
    assert K.CLIENT_ORGANISATION == "CLIENT_ORGANISATION"
    assert K("LOCATION") is K.LOCATION


# --- paths ------------------------------------------------------------------------------------


def test_child_path_of_a_root() -> None:
    assert child_path(None, 1) == "/1/"
    assert child_path("", 1) == "/1/"


def test_child_path_appends_the_id() -> None:
    assert child_path("/1/", 4) == "/1/4/"
    assert child_path("/1/4/", 9) == "/1/4/9/"


def test_path_ids_root_first_self_last() -> None:
    assert path_ids("/1/4/9/") == [1, 4, 9]
    assert path_ids("/1/") == [1]
    assert path_ids("/") == []


def test_path_ids_reads_multi_digit_ids() -> None:
    assert path_ids("/12/345/6789/") == [12, 345, 6789]


def test_building_a_path_and_reading_it_back() -> None:
    path = None
    for unit_id in [1, 20, 21, 22, 23]:
        path = child_path(path, unit_id)
    assert path == "/1/20/21/22/23/"
    assert path_ids(path) == [1, 20, 21, 22, 23]
    assert depth(path) == 4


def test_depth() -> None:
    assert depth("/1/") == 0
    assert depth("/1/4/") == 1
    assert depth("/1/4/9/") == 2


def test_a_unit_is_its_own_ancestor() -> None:
    assert is_ancestor_or_self("/1/4/", "/1/4/")


def test_ancestors_on_the_path() -> None:
    assert is_ancestor_or_self("/1/", "/1/4/9/")
    assert is_ancestor_or_self("/1/4/", "/1/4/9/")


def test_descendants_are_not_ancestors() -> None:
    assert not is_ancestor_or_self("/1/4/9/", "/1/4/")
    assert not is_ancestor_or_self("/1/4/", "/1/")


def test_siblings_and_cousins_are_not_ancestors() -> None:
    assert not is_ancestor_or_self("/1/4/", "/1/5/")
    assert not is_ancestor_or_self("/1/4/", "/1/5/4/")


def test_a_sibling_whose_id_starts_with_the_same_digits_is_not_a_descendant() -> None:
    # The trailing slash keeps unit 4 from claiming unit 45 or 40.
    assert not is_ancestor_or_self("/1/4/", "/1/45/")
    assert not is_ancestor_or_self("/1/4/", "/1/40/7/")
    assert not is_ancestor_or_self("/1/", "/10/")


def test_child_path_results_nest_under_their_parent() -> None:
    parent = child_path(None, 1)
    child = child_path(parent, 4)
    grandchild = child_path(child, 9)
    assert is_ancestor_or_self(parent, grandchild)
    assert is_ancestor_or_self(child, grandchild)
    assert not is_ancestor_or_self(child_path(parent, 45), grandchild)
