"""The school's relation provider: GUARDIAN of pupils (legal representatives, consent applied)
and of their classes' timetables, MENTOR of classes, TEACHES (a lesson of the class this school
year)."""

from __future__ import annotations

from domain.core.roles import Relation, RelationFact
from resolvers.context import Context
from resolvers.school.access import school_relations


async def school_relation_facts(ctx: Context, person_id: int) -> tuple[RelationFact, ...]:
    found = await school_relations(ctx, person_id)
    return (
        RelationFact(Relation.GUARDIAN, "pupil_id", found.guardian_of),
        # A lesson of the child's class: keyed on the timetable, never on the class itself, so
        # a guardian stands in no relation to the child's classmates.
        RelationFact(Relation.GUARDIAN, "timetable_class_id", found.timetables),
        RelationFact(Relation.MENTOR, "class_unit_id", found.mentor_of),
        RelationFact(Relation.TEACHES, "class_unit_id", found.teaches),
    )
