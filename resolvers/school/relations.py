"""The school's relation provider: GUARDIAN of pupils (consent applied) and MENTOR of classes."""

from __future__ import annotations

from domain.core.roles import Relation, RelationFact
from resolvers.context import Context
from resolvers.school.access import school_relations


async def school_relation_facts(ctx: Context, person_id: int) -> tuple[RelationFact, ...]:
    guardian_of, mentor_of = await school_relations(ctx, person_id)
    return (
        RelationFact(Relation.GUARDIAN, "pupil_id", guardian_of),
        RelationFact(Relation.MENTOR, "class_unit_id", mentor_of),
    )
