"""Permission directives, printed in the SDL and enforced on every field they decorate.

`@requires(roles, relations)`: one of the roles on the object's unit or above, or a relation
to the object. `@authenticated`: any logged-in viewer. `@public`: anyone. A field with none of
these does not pass the default-deny test.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import Enum
from inspect import isawaitable
from typing import Any

import strawberry
from strawberry.exceptions import StrawberryGraphQLError
from strawberry.extensions import FieldExtension
from strawberry.schema_directive import Location

from domain.core import roles as r
from domain.core.texts import (
    LOG_IN_TO_DO,
    LOG_IN_TO_SEE,
    NOBODY_MAY_SEE,
    ONLY_THESE_MAY_SEE,
    RELATION_NAMES,
    ROLE_NAMES,
)
from resolvers.core.i18n import N_, join_names, translate


@strawberry.enum(description="A role a person holds on a unit of the organisation tree.")
class Role(Enum):
    PLATFORM_ADMIN = strawberry.enum_value("PLATFORM_ADMIN", description="Platform staff.")
    ACADEMY_ORG_ADMIN = strawberry.enum_value(
        "ACADEMY_ORG_ADMIN", description="Academy organisation admin (organisatiebeheerder)."
    )
    CLUSTER_ADMIN = strawberry.enum_value(
        "CLUSTER_ADMIN", description="Admin of one academy cluster (clusterbeheerder)."
    )
    LEARNER = strawberry.enum_value("LEARNER", description="Learner in a cluster (cursist).")
    INSTITUTE_STAFF = strawberry.enum_value(
        "INSTITUTE_STAFF", description="Administration of a training institute."
    )
    CLIENT_ORG_ADMIN = strawberry.enum_value(
        "CLIENT_ORG_ADMIN", description="Admin of a client organisation (beheerder klantportaal)."
    )
    CONTACT = strawberry.enum_value(
        "CONTACT", description="Person belonging to a client organisation (contactpersoon)."
    )
    SCHOOL_ADMIN = strawberry.enum_value(
        "SCHOOL_ADMIN", description="School or location administration."
    )
    TEACHER = strawberry.enum_value("TEACHER", description="Teacher (docent).")
    PUPIL = strawberry.enum_value("PUPIL", description="Pupil in a class (leerling).")
    CARE_COORDINATOR = strawberry.enum_value(
        "CARE_COORDINATOR", description="Meldcode care coordinator (aandachtsfunctionaris)."
    )
    DIRECTOR = strawberry.enum_value("DIRECTOR", description="School management (directie).")
    BOARD_CONTACT = strawberry.enum_value(
        "BOARD_CONTACT", description="Central contact of a school board: aggregates only."
    )


@strawberry.enum(description="A relationship to the object read; computed, never stored.")
class Relation(Enum):
    SELF = strawberry.enum_value("SELF", description="The object is about the viewer.")
    GUARDIAN = strawberry.enum_value(
        "GUARDIAN", description="Viewer is a guardian of the pupil, with consent when 18+."
    )
    MENTOR = strawberry.enum_value("MENTOR", description="Viewer is mentor of the pupil's class.")
    TEACHES = strawberry.enum_value(
        "TEACHES", description="Viewer teaches a lesson of the pupil's class this school year."
    )
    MEMBER = strawberry.enum_value(
        "MEMBER", description="Viewer holds a role on this unit or on a unit below it."
    )


@strawberry.schema_directive(
    locations=[Location.FIELD_DEFINITION],
    description="Readable by viewers holding one of `roles` on the object's unit or an ancestor "
    "of it, or standing in one of `relations` to the object. On a root field or mutation, `on` "
    "names the argument whose object the requirement binds to; it is checked before the "
    "resolver runs, and an object outside your reach answers as if it did not exist.",
)
class Requires:
    roles: list[Role]
    relations: list[Relation]
    on: str | None = strawberry.UNSET


@strawberry.schema_directive(
    locations=[Location.FIELD_DEFINITION], description="Readable by any logged-in viewer."
)
class Authenticated:
    pass


@strawberry.schema_directive(
    locations=[Location.FIELD_DEFINITION], description="Readable by anyone, also without login."
)
class Public:
    pass


def _error(message: str, code: str, **params: Any) -> StrawberryGraphQLError:
    """A top-level error; `message` is a message id, said in the request's language."""
    return StrawberryGraphQLError(translate(message, **params), extensions={"code": code})


def _directive(requirement: r.Requirement, on: str | None = None) -> Requires:
    return Requires(
        roles=[Role(x.value) for x in sorted(requirement.roles, key=lambda x: x.value)],
        relations=[Relation(x.value) for x in sorted(requirement.relations, key=lambda x: x.value)],
        on=strawberry.UNSET if on is None else on,
    )


def _denied(ctx: Any, requirement: r.Requirement) -> StrawberryGraphQLError:
    viewer: r.Viewer = ctx.viewer
    code = "FORBIDDEN" if viewer.is_authenticated else "UNAUTHENTICATED"
    if not viewer.is_authenticated:
        return _error(LOG_IN_TO_SEE, code)
    names = [ROLE_NAMES[x] for x in sorted(requirement.roles, key=lambda x: x.value)]
    names += [RELATION_NAMES[x] for x in sorted(requirement.relations, key=lambda x: x.value)]
    if not names:
        return _error(NOBODY_MAY_SEE, code)
    # Role names as people say them ("clusterbeheerder"), never the enum value.
    return _error(ONLY_THESE_MAY_SEE, code, who=join_names(names))


class Guard(FieldExtension):
    """Enforces a Requirement against the source object's `scope` before the field resolves.

    Only fields that need more than their type's `READ` keep a Guard (see `guard_types`); with
    `on`, the requirement binds to the object an argument names (see `bound_objects`).
    """

    def __init__(self, requirement: r.Requirement, on: str | None = None) -> None:
        self.requirement = requirement
        self.on = on
        self.directive = _directive(requirement, on)
        self.field: Any = None

    def apply(self, field: Any) -> None:
        # apply() runs on every schema build; the field object is shared between builds.
        self.field = field
        if self.directive not in field.directives:
            field.directives.append(self.directive)

    def check(self, source: Any, info: Any) -> None:
        ctx = info.context
        scope = getattr(source, "scope", None) if source is not None else None
        if not ctx.allows(self.requirement, scope):
            raise _denied(ctx, self.requirement)

    def resolve(self, next_: Any, source: Any, info: Any, **kwargs: Any) -> Any:
        if self.on is not None:
            raise TypeError(f"@requires(on: {self.on!r}) needs an async resolver")
        self.check(source, info)
        return next_(source, info, **kwargs)

    async def resolve_async(self, next_: Any, source: Any, info: Any, **kwargs: Any) -> Any:
        if self.on is None:
            self.check(source, info)
        else:
            # Without any of the roles anywhere you may not do this at all: FORBIDDEN. A
            # requirement of relations only (SELF, GUARDIAN, …) is decided on the object itself.
            ctx = info.context
            relation_only = not self.requirement.roles and ctx.viewer.is_authenticated
            if not (relation_only or ctx.allows(self.requirement, None)):
                raise _denied(ctx, self.requirement)
            refusal = await self.check_bound(ctx, kwargs)
            if refusal is not None:
                return refusal
        return await next_(source, info, **kwargs)

    async def check_bound(self, ctx: Any, kwargs: dict[str, Any]) -> Any:
        """None when the viewer may act on every object the `on` argument names, else the answer."""
        from schema.core.binding import bound_objects, refusal

        objects = await bound_objects(ctx, kwargs, self.on or "")
        if objects is not None and all(ctx.allows(self.requirement, o.scope) for o in objects):
            return None
        return refusal(ctx, self.field, self.on or "", self.requirement, objects)


class Produces(FieldExtension):
    """Checks each object of a guarded type once, when a field produces it.

    A guarded type declares `READ`, the requirement all its fields share; a denied object is
    `null` with a FORBIDDEN error at its path, naming who may read it.
    """

    def check(self, result: Any, info: Any) -> Any:
        if result is None:
            return result
        ctx = info.context
        for obj in _objects(result):
            requirement = getattr(type(obj), "READ", None)
            if requirement is not None and not ctx.allows(requirement, obj.scope):
                raise _denied(ctx, requirement)
        return result

    def resolve(self, next_: Any, source: Any, info: Any, **kwargs: Any) -> Any:
        result = next_(source, info, **kwargs)
        if isawaitable(result):
            # A sync field whose data was not prefetched loads it: check once it arrives.
            return self._check_later(result, info)
        return self.check(result, info)

    async def _check_later(self, result: Any, info: Any) -> Any:
        return self.check(await result, info)

    async def resolve_async(self, next_: Any, source: Any, info: Any, **kwargs: Any) -> Any:
        return self.check(await next_(source, info, **kwargs), info)


class LoginRequired(FieldExtension):
    """Enforces `@authenticated`."""

    def apply(self, field: Any) -> None:
        if not any(isinstance(d, Authenticated) for d in field.directives):
            field.directives.append(Authenticated())

    def check(self, info: Any) -> None:
        if not info.context.viewer.is_authenticated:
            raise _error(LOG_IN_TO_SEE, "UNAUTHENTICATED")

    def resolve(self, next_: Any, source: Any, info: Any, **kwargs: Any) -> Any:
        self.check(info)
        return next_(source, info, **kwargs)

    async def resolve_async(self, next_: Any, source: Any, info: Any, **kwargs: Any) -> Any:
        self.check(info)
        return await next_(source, info, **kwargs)


def _objects(result: Any) -> Iterable[Any]:
    if isinstance(result, list | tuple):
        for item in result:
            yield from _objects(item)
    elif hasattr(result, "edges") and hasattr(result, "page_info"):
        for edge in result.edges:
            yield edge.node
    elif result is not None:
        yield result


def requires(
    roles: Iterable[r.Role] = (),
    relations: Iterable[r.Relation] = (),
    *,
    on: str | None = None,
    **field_kwargs: Any,
) -> Any:
    """A field readable per `@requires(roles, relations)`; `on` binds it to an argument's object.

    `on` is the argument's GraphQL name (`"clusterId"`, or `"selection.clusterId"` inside an
    input); its global ID (or each of a list of them) is loaded and checked before the resolver.
    """
    requirement = r.Requirement.of(roles, relations)
    return strawberry.field(extensions=[Guard(requirement, on)], **field_kwargs)


def authenticated(**field_kwargs: Any) -> Any:
    return strawberry.field(extensions=[LoginRequired()], **field_kwargs)


def public(**field_kwargs: Any) -> Any:
    """A field anyone may read; only a directive, so it costs nothing at run time."""
    directives = [*field_kwargs.pop("directives", []), Public()]
    return strawberry.field(directives=directives, **field_kwargs)


def forbidden(message: str = N_("You may not do this."), **params: Any) -> StrawberryGraphQLError:
    """A refusal; `message` is a message id, translated into the request's language."""
    return _error(message, "FORBIDDEN", **params)


def unauthenticated() -> StrawberryGraphQLError:
    return _error(LOG_IN_TO_DO, "UNAUTHENTICATED")


def public_fields(cls: Any) -> Any:
    """Mark every field of a value type `@public` that has no permission of its own.

    For small value types reached only through a guarded field (a report row, a review):
    whoever may read the parent may read all of it. Put it above `@strawberry.type`.
    """
    for field in cls.__strawberry_definition__.fields:
        guarded = any(isinstance(e, Guard | LoginRequired) for e in field.extensions)
        declared = any(isinstance(d, Public | Requires | Authenticated) for d in field.directives)
        if not guarded and not declared:
            field.directives.append(Public())
    return cls


def guard_types(types: Iterable[Any]) -> None:
    """Check each type's shared requirement once per object instead of on every field.

    A type's `READ` is the requirement its fields share. Fields guarded by exactly `READ` lose
    their per-field check (keeping the directive, so the SDL still says who may read them);
    `Produces` checks the object when a field returns it. A value type with a `scope` whose
    guarded fields all share one requirement gets that requirement as its `READ`.
    """
    for cls in types:
        definition = getattr(cls, "__strawberry_definition__", None)
        if definition is None or definition.is_input:
            continue
        guards = {
            f.name: g
            for f in definition.fields
            for g in f.extensions
            if isinstance(g, Guard) and g.on is None
        }
        requirement = getattr(cls, "READ", None)
        if requirement is None:
            shared = {g.requirement for g in guards.values()}
            has_scope = "scope" in getattr(cls, "__annotations__", {})
            if not (has_scope and len(shared) == 1 and len(guards) == len(definition.fields)):
                continue
            requirement = shared.pop()
            cls.READ = requirement
        for f in definition.fields:
            guard = guards.get(f.name)
            if guard is not None and guard.requirement == requirement:
                f.extensions.remove(guard)
                if guard.directive not in f.directives:
                    f.directives.append(guard.directive)


def check_produced_objects(types: Iterable[Any]) -> None:
    """Give every field that returns objects a `Produces` check (once per object, not field)."""
    for cls in types:
        definition = getattr(cls, "__strawberry_definition__", None)
        if definition is None or definition.is_input:
            continue
        for f in definition.fields:
            if _returns_objects(f.type) and not any(isinstance(e, Produces) for e in f.extensions):
                f.extensions.append(Produces())


def _returns_objects(field_type: Any) -> bool:
    from strawberry.types.base import StrawberryList, StrawberryOptional, has_object_definition
    from strawberry.types.lazy_type import LazyType

    while True:
        if isinstance(field_type, StrawberryOptional | StrawberryList):
            field_type = field_type.of_type
        elif isinstance(field_type, LazyType):
            field_type = field_type.resolve_type()
        else:
            return has_object_definition(field_type)
