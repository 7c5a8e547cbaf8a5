"""Labels (kenmerken) an admin puts on users."""

from __future__ import annotations

from domain.academy import labels as label_rules
from domain.core.orgtree import OrgUnitKind
from persistence.academy import queries as aq
from persistence.academy.models import Label
from persistence.core.models import OrgUnit
from persistence.db import UnitOfWork
from resolvers.academy.selection import Selection, selected_learners
from resolvers.context import Context
from resolvers.core.tree import not_found

LABEL_OWNERS = (OrgUnitKind.ACADEMY, OrgUnitKind.CLUSTER)


async def create_label(ctx: Context, unit_id: int, name: str, colour: str | None) -> Label:
    clean = label_rules.clean_label_name(name)
    parsed = label_rules.parse_colour(colour)
    async with ctx.uow() as uow:
        unit = await uow.get(OrgUnit, unit_id)
        if unit is None or unit.id is None or unit.kind not in LABEL_OWNERS:
            raise not_found("unitId")
        existing = await aq.labels_of_units(uow.session, [unit.id])
        label_rules.check_label_unique([lb.name for lb in existing], clean)
        label = uow.add(Label(owner_unit_id=unit.id, name=clean, colour=parsed.value))
        await uow.flush()
        await uow.commit()
    return label


async def _label(uow: UnitOfWork, label_id: int) -> Label:
    # Who may change it was decided before the resolver (`@requires(on: "labelId")`).
    label = await uow.get(Label, label_id)
    if label is None or label.id is None:
        raise not_found("labelId")
    return label


async def delete_label(ctx: Context, label_id: int) -> int:
    async with ctx.uow() as uow:
        await uow.delete(await _label(uow, label_id))
        await uow.commit()
    return label_id


async def set_label(
    ctx: Context, label_id: int, selection: Selection, on: bool
) -> tuple[Label, int]:
    async with ctx.uow() as uow:
        label = await _label(uow, label_id)
        assert label.id is not None
        learners = await selected_learners(uow, ctx, selection)
        person_ids = sorted({lr.person_id for lr in learners})
        changed = await aq.set_label_assignments(uow.session, label.id, person_ids, on)
        await uow.commit()
    return label, changed
