"""Labels (kenmerken) an admin puts on users."""

from __future__ import annotations

from typing import Any

from domain.academy import labels as label_rules
from domain.core.orgtree import OrgUnitKind
from persistence.academy import queries as aq
from persistence.academy.models import Label
from persistence.core import people as iq
from resolvers.academy.selection import ACADEMY_ADMINS, Selection, _not_yours, selected_learners
from resolvers.context import Context


async def create_label(ctx: Context, unit_id: int, name: str, colour: str | None) -> Label:
    clean = label_rules.clean_label_name(name)
    parsed = label_rules.parse_colour(colour)
    async with ctx.db.write() as session:
        unit = await iq.unit_by_id(session, unit_id)
        if (
            unit is None
            or unit.kind not in (OrgUnitKind.ACADEMY, OrgUnitKind.CLUSTER)
            or not ctx.viewer.holds_on(ACADEMY_ADMINS, unit.path)
        ):
            raise _not_yours("unitId")
        existing = await aq.labels_of_units(session, [unit.id])  # type: ignore[list-item]
        label_rules.check_label_unique([lb.name for lb in existing], clean)
        label = await iq.add(session, Label(owner_unit_id=unit.id, name=clean, colour=parsed.value))  # type: ignore[arg-type]
    ctx.loaders.clear()
    return label


async def _label(session: Any, ctx: Context, label_id: int) -> Label:
    label = await session.get(Label, label_id)
    unit = await iq.unit_by_id(session, label.owner_unit_id) if label else None
    if label is None or unit is None or not ctx.viewer.holds_on(ACADEMY_ADMINS, unit.path):
        raise _not_yours("labelId")
    return label


async def delete_label(ctx: Context, label_id: int) -> int:
    async with ctx.db.write() as session:
        label = await _label(session, ctx, label_id)
        await iq.delete_row(session, label)
    ctx.loaders.clear()
    return label_id


async def set_label(
    ctx: Context, label_id: int, selection: Selection, on: bool
) -> tuple[Label, int]:
    async with ctx.db.write() as session:
        label = await _label(session, ctx, label_id)
        learners = await selected_learners(session, ctx, selection)
        person_ids = sorted({lr.person_id for lr in learners})
        changed = await aq.set_label_assignments(session, label.id, person_ids, on)  # type: ignore[arg-type]
    ctx.loaders.clear()
    return label, changed
