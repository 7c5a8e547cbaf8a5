"""The school's relation provider: GUARDIAN of pupils (legal representatives, consent applied)
and of their classes' timetables, MENTOR of classes, TEACHES (a lesson of the class this school
year)."""

from __future__ import annotations

from domain.core.roles import Relation, RelationFact
from persistence.school.queries import may_have_school_relations
from resolvers.context import Context
from resolvers.core.viewer import RelationProvider
from resolvers.school.access import school_relations


async def _school_relation_facts(ctx: Context, person_id: int) -> tuple[RelationFact, ...]:
    found = await school_relations(ctx, person_id)
    return (
        RelationFact(Relation.GUARDIAN, "pupil_id", found.guardian_of),
        # A lesson of the child's class: keyed on the timetable, never on the class itself, so
        # a guardian stands in no relation to the child's classmates.
        RelationFact(Relation.GUARDIAN, "timetable_class_id", found.timetables),
        RelationFact(Relation.MENTOR, "class_unit_id", found.mentor_of),
        RelationFact(Relation.TEACHES, "class_unit_id", found.teaches),
    )


# Most viewers (academy and institute people) have none: the probe spares them the statement.
school_relation_facts = RelationProvider(_school_relation_facts, probe=may_have_school_relations)
