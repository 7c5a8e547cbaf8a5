"""Permission directives, printed in the SDL and enforced on every field they decorate.

`@requires(roles, relations)`: one of the roles on the object's unit or above, or a relation
to the object. `@authenticated`: any logged-in viewer. `@public`: anyone. A field with none of
these does not pass the default-deny test.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import Enum
from typing import Any

import strawberry
from strawberry.exceptions import StrawberryGraphQLError
from strawberry.extensions import FieldExtension
from strawberry.schema_directive import Location

from domain.core import roles as r


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
    MEMBER = strawberry.enum_value(
        "MEMBER", description="Viewer holds a role on this unit or on a unit below it."
    )


@strawberry.schema_directive(
    locations=[Location.FIELD_DEFINITION],
    description="Readable by viewers holding one of `roles` on the object's unit or an ancestor "
    "of it, or standing in one of `relations` to the object.",
)
class Requires:
    roles: list[Role]
    relations: list[Relation]


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


def _error(message: str, code: str) -> StrawberryGraphQLError:
    return StrawberryGraphQLError(message, extensions={"code": code})


class Guard(FieldExtension):
    """Enforces a Requirement against the source object's `scope` before the field resolves."""

    def __init__(self, requirement: r.Requirement) -> None:
        self.requirement = requirement
        self.directive = Requires(
            roles=[Role(x.value) for x in sorted(requirement.roles, key=lambda x: x.value)],
            relations=[
                Relation(x.value) for x in sorted(requirement.relations, key=lambda x: x.value)
            ],
        )

    def apply(self, field: Any) -> None:
        # apply() runs on every schema build; the field object is shared between builds.
        if self.directive not in field.directives:
            field.directives.append(self.directive)

    def check(self, source: Any, info: Any) -> None:
        viewer: r.Viewer = info.context.viewer
        scope = getattr(source, "scope", None) if source is not None else None
        if not r.allows(viewer, self.requirement, scope):
            code = "FORBIDDEN" if viewer.is_authenticated else "UNAUTHENTICATED"
            raise _error(r.denial_reason(viewer, self.requirement), code)

    def resolve(self, next_: Any, source: Any, info: Any, **kwargs: Any) -> Any:
        self.check(source, info)
        return next_(source, info, **kwargs)

    async def resolve_async(self, next_: Any, source: Any, info: Any, **kwargs: Any) -> Any:
        self.check(source, info)
        return await next_(source, info, **kwargs)


class LoginRequired(FieldExtension):
    """Enforces `@authenticated`."""

    def apply(self, field: Any) -> None:
        if not any(isinstance(d, Authenticated) for d in field.directives):
            field.directives.append(Authenticated())

    def check(self, info: Any) -> None:
        if not info.context.viewer.is_authenticated:
            raise _error("You need to log in to see this.", "UNAUTHENTICATED")

    def resolve(self, next_: Any, source: Any, info: Any, **kwargs: Any) -> Any:
        self.check(info)
        return next_(source, info, **kwargs)

    async def resolve_async(self, next_: Any, source: Any, info: Any, **kwargs: Any) -> Any:
        self.check(info)
        return await next_(source, info, **kwargs)


def requires(
    roles: Iterable[r.Role] = (),
    relations: Iterable[r.Relation] = (),
    **field_kwargs: Any,
) -> Any:
    """A field readable per `@requires(roles, relations)`."""
    requirement = r.Requirement.of(roles, relations)
    return strawberry.field(extensions=[Guard(requirement)], **field_kwargs)


def authenticated(**field_kwargs: Any) -> Any:
    return strawberry.field(extensions=[LoginRequired()], **field_kwargs)


def public(**field_kwargs: Any) -> Any:
    """A field anyone may read; only a directive, so it costs nothing at run time."""
    directives = [*field_kwargs.pop("directives", []), Public()]
    return strawberry.field(directives=directives, **field_kwargs)


def forbidden(message: str = "You may not do this.") -> StrawberryGraphQLError:
    return _error(message, "FORBIDDEN")


def unauthenticated() -> StrawberryGraphQLError:
    return _error("You need to log in to do this.", "UNAUTHENTICATED")


# Role sets used across the schema, named for who they are.
EVERY_ROLE = tuple(r.Role)
ALL_ADMINS = tuple(sorted(r.ADMIN_ROLES, key=lambda x: x.value))
STAFF_ROLES = tuple(x for x in r.Role if x not in {r.Role.LEARNER, r.Role.PUPIL, r.Role.CONTACT})


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
