"""Every GraphQL enum either mirrors a domain enum value for value, or is declared API-only."""

from __future__ import annotations

import importlib
import pkgutil
from enum import Enum

from graphql import GraphQLEnumType

from schema.build import build_schema

# GraphQL enums named differently from the domain enum they mirror.
RENAMED = {
    "GuardianAccessReason": "AccessReason",
    "AverageDifferenceReason": "DifferenceReason",
    "UserErrorCode": "ErrorCode",
    "MeldcodeStep": "Step",
}
# Enums that exist only in the API: ways to ask, not facts of the domain.
API_ONLY = {
    "UserStatus",
    "LearnerSort",
    "ExportKind",
    "AddUserOutcome",
    "ActivationState",
    "MagazineState",
    "DossierKind",
}


def _domain_enums() -> dict[str, type[Enum]]:
    found: dict[str, type[Enum]] = {}
    for package in ("domain", "persistence"):
        root = importlib.import_module(package)
        for info in pkgutil.walk_packages(root.__path__, f"{package}."):
            if ".migrations" in info.name:
                continue
            module = importlib.import_module(info.name)
            for value in vars(module).values():
                if (
                    isinstance(value, type)
                    and issubclass(value, Enum)
                    and value.__module__ == info.name
                ):
                    found.setdefault(value.__name__, value)
    return found


def test_every_graphql_enum_mirrors_its_domain_enum() -> None:
    schema = build_schema()._schema
    domain = _domain_enums()
    enums = {
        name: t
        for name, t in schema.type_map.items()
        if isinstance(t, GraphQLEnumType) and not name.startswith("__")
    }
    checked = []
    for name, enum in enums.items():
        if name in API_ONLY:
            continue
        mirror = domain.get(RENAMED.get(name, name))
        assert mirror is not None, f"{name} mirrors no domain enum: add it to RENAMED or API_ONLY"
        assert set(enum.values) == {m.name for m in mirror}, name
        checked.append(name)
    assert len(checked) >= 14, checked
    assert API_ONLY <= set(enums), API_ONLY - set(enums)
