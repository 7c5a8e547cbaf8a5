"""The committed SDL, default deny and documentation completeness."""

from __future__ import annotations

from pathlib import Path

from graphql import (
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLInterfaceType,
    GraphQLObjectType,
    parse,
)
from graphql.language import (
    FieldDefinitionNode,
    InterfaceTypeDefinitionNode,
    ObjectTypeDefinitionNode,
)

from domain.core import errors, orgtree, roles
from schema.build import build_schema, print_sdl
from schema.core import org, permissions, relay

ROOT = Path(__file__).resolve().parent.parent
PERMISSION_DIRECTIVES = {"requires", "authenticated", "public"}


def test_committed_schema_is_current() -> None:
    committed = (ROOT / "schema.graphql").read_text()
    assert committed == print_sdl(), "schema.graphql is stale: run `portaal export-schema`"


def test_every_field_has_a_permission_directive() -> None:
    """Default deny: a field with no @requires, @authenticated or @public must not exist."""
    document = parse(print_sdl())
    missing = []
    checked = 0
    for definition in document.definitions:
        if isinstance(definition, (ObjectTypeDefinitionNode, InterfaceTypeDefinitionNode)):
            for field in definition.fields or ():
                assert isinstance(field, FieldDefinitionNode)
                checked += 1
                names = {d.name.value for d in field.directives or ()}
                if not names & PERMISSION_DIRECTIVES:
                    missing.append(f"{definition.name.value}.{field.name.value}")
    assert checked > 100
    assert missing == []


def test_every_type_field_argument_and_enum_value_is_described() -> None:
    schema = build_schema()._schema
    missing = []
    for name, gtype in schema.type_map.items():
        if name.startswith("__") or name in {"String", "Int", "Float", "Boolean", "ID"}:
            continue
        if not gtype.description:
            missing.append(name)
        if isinstance(gtype, (GraphQLObjectType, GraphQLInterfaceType, GraphQLInputObjectType)):
            for fname, field in gtype.fields.items():
                if not field.description:
                    missing.append(f"{name}.{fname}")
                for aname, argument in getattr(field, "args", {}).items():
                    if not argument.description:
                        missing.append(f"{name}.{fname}({aname})")
        if isinstance(gtype, GraphQLEnumType):
            missing += [f"{name}.{v}" for v, value in gtype.values.items() if not value.description]
    assert missing == []


def test_schema_enums_mirror_the_domain() -> None:
    assert {r.value for r in permissions.Role} == {r.value for r in roles.Role}
    assert {r.value for r in permissions.Relation} == {r.value for r in roles.Relation}
    assert {k.value for k in org.OrgUnitKind} == {k.value for k in orgtree.OrgUnitKind}
    assert {c.value for c in relay.UserErrorCode} == {c.value for c in errors.ErrorCode}


def test_requires_directive_prints_its_roles() -> None:
    sdl = print_sdl()
    assert (
        "directive @requires(roles: [Role!]!, relations: [Relation!]!, on: String) on FIELD_DEFINITION"
        in sdl
    )
    assert "auditEvents(" in sdl and "@requires(roles: [PLATFORM_ADMIN], relations: [])" in sdl


def test_every_node_type_can_be_fetched_by_id() -> None:
    from schema.core.node import REGISTRY

    schema = build_schema()._schema
    node_types = {
        name
        for name, t in schema.type_map.items()
        if isinstance(t, GraphQLObjectType) and any(i.name == "Node" for i in t.interfaces)
    }
    assert node_types == set(REGISTRY)
