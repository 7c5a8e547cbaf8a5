"""Names people read for roles and relations, as message ids (translated at the edge)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from domain.core.roles import Relation, Role


def N_(message_id: str) -> str:
    """Marks a message id for extraction; it is translated where it is shown."""
    return message_id


@dataclass(frozen=True)
class Text:
    """A message id with its parameters, as a domain function returns a sentence a person reads.

    A parameter may be a Text itself, or a tuple of Texts (said as one list, "; " apart).
    """

    id: str
    params: Mapping[str, object] = field(default_factory=dict)

    def __str__(self) -> str:
        # The English text, for logs and DomainError.message; people get render(text).
        return self.id.format(**self.params) if self.params else self.id


ROLE_NAMES: dict[Role, str] = {
    Role.PLATFORM_ADMIN: N_("platform admin"),
    Role.ACADEMY_ORG_ADMIN: N_("organisation admin"),
    Role.CLUSTER_ADMIN: N_("cluster admin"),
    Role.LEARNER: N_("learner"),
    Role.INSTITUTE_STAFF: N_("institute administration"),
    Role.CLIENT_ORG_ADMIN: N_("customer portal admin"),
    Role.CONTACT: N_("contact person"),
    Role.SCHOOL_ADMIN: N_("school administration"),
    Role.TEACHER: N_("teacher"),
    Role.PUPIL: N_("pupil"),
    Role.CARE_COORDINATOR: N_("care coordinator"),
    Role.DIRECTOR: N_("school management"),
    Role.BOARD_CONTACT: N_("central contact of the board"),
}

RELATION_NAMES: dict[Relation, str] = {
    Relation.SELF: N_("the person it is about"),
    Relation.GUARDIAN: N_("guardians with access"),
    Relation.MENTOR: N_("the mentor"),
    Relation.TEACHES: N_("teachers of the class"),
    Relation.MEMBER: N_("members of the unit"),
}

ONLY_THESE_MAY_SEE = N_("Only for: {who}.")
LOG_IN_TO_SEE = N_("You need to log in to see this.")
LOG_IN_TO_DO = N_("You need to log in to do this.")
NOBODY_MAY_SEE = N_("Nobody may see this.")
NOT_FOUND = N_("No such object, or you may not see it.")
