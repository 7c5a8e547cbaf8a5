"""Binding a root field's requirement to the object an argument names (`@requires(on: …)`).

The argument's global ID is loaded through the node registry (one batch, the request's
loaders) and its scope checked before the resolver runs; an object you may not reach answers
exactly like one that does not exist.
"""

from __future__ import annotations

import asyncio
import re
from typing import Any

from domain.core import roles as r
from domain.core.ids import decode_global_id
from domain.core.texts import NOT_FOUND, RELATION_NAMES, ROLE_NAMES
from resolvers.core.i18n import N_, join_names, translate
from schema.core.node import DECOY_PK, REGISTRY

NOT_FOUND_MESSAGE = NOT_FOUND  # a message id, translated where it is shown
ONLY_THESE_MAY_DO = N_("Only {who} may do this.")


def _python_name(graphql_name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", graphql_name).lower()


def _argument(kwargs: dict[str, Any], path: str) -> Any:
    value: Any = kwargs
    for part in path.split("."):
        name = _python_name(part)
        value = value.get(name) if isinstance(value, dict) else getattr(value, name, None)
        if value is None:
            return None
    return value


async def bound_objects(ctx: Any, kwargs: dict[str, Any], on: str) -> list[Any] | None:
    """The objects the argument names (each with its `scope`); None if one does not exist.

    An absent optional argument binds to nothing, and the resolver decides what that means.
    """
    value = _argument(kwargs, on)
    if value is None:
        return []
    ids = value if isinstance(value, list) else [value]
    objects = []
    for global_id in ids:
        try:
            type_name, pk = decode_global_id(str(global_id))
        except Exception:
            return None
        entry = REGISTRY.get(type_name)
        if entry is None:
            return None
        # As in node(id:): a missing object builds a decoy in its place (same statements).
        loader = entry.loader(ctx)
        row, decoy = await asyncio.gather(loader.load(pk), loader.load(DECOY_PK))
        if row is None:
            if decoy is not None:
                await entry.wrap(ctx, decoy)
            return None
        objects.append(await entry.wrap(ctx, row))
    return objects


def refusal(
    ctx: Any,
    field: Any,
    on: str,
    requirement: r.Requirement,
    objects: list[Any] | None,
) -> Any:
    """The answer for an object outside the viewer's reach: FORBIDDEN when the viewer works
    inside it but lacks the role, else NOT_FOUND — in the payload when the field has one."""
    from schema.core.permissions import _denied, _error
    from schema.core.relay import UserError, UserErrorCode

    viewer: r.Viewer = ctx.viewer
    if not viewer.is_authenticated:
        raise _denied(ctx, requirement)
    # Someone who may see the object, or works inside its unit, is told they may not do this;
    # to anyone else it does not exist. A requirement of relations only asks nothing of the
    # unit (a classmate holds LEARNER on the cluster too): there only seeing the object counts.
    inside = objects is not None and any(
        ctx.allows(type(obj).READ, obj.scope)
        or (
            bool(requirement.roles)
            and any(viewer.holds_on(r.EVERY_ROLE, path) for path in obj.scope.unit_paths)
        )
        for obj in objects
    )
    if inside:
        names = [ROLE_NAMES[x] for x in sorted(requirement.roles, key=lambda x: x.value)]
        if not names:
            names = [
                RELATION_NAMES[x] for x in sorted(requirement.relations, key=lambda x: x.value)
            ]
        raise _error(ONLY_THESE_MAY_DO, "FORBIDDEN", who=join_names(names, style="or"))
    payload = _payload_class(field)
    if payload is None:
        raise _error(NOT_FOUND_MESSAGE, "NOT_FOUND")
    message = translate(NOT_FOUND_MESSAGE)
    return payload(errors=[UserError(code=UserErrorCode.NOT_FOUND, field=on, message=message)])


def _payload_class(field: Any) -> Any:
    from strawberry.types.base import StrawberryOptional

    field_type = field.type if field is not None else None
    if isinstance(field_type, StrawberryOptional):
        field_type = field_type.of_type
    definition = getattr(field_type, "__strawberry_definition__", None)
    if definition is None or not any(f.name == "errors" for f in definition.fields):
        return None
    return field_type
