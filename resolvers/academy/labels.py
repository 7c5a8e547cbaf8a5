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
    """Delete a label, also one in use: its users lose it. Returns how many lost it."""
    async with ctx.uow() as uow:
        label = await _label(uow, label_id)
        users = await aq.label_user_count(uow.session, label_id)
        await aq.set_label_assignments(
            uow.session, label_id, await aq.label_person_ids(uow.session, label_id), False
        )
        await uow.delete(label)
        await uow.audit("LABEL_DELETED", unit=label.owner_unit_id, detail=f"{label.name}: {users}")
        await uow.commit()
    return users


async def label_usage(ctx: Context, label_id: int) -> tuple[Label, int]:
    """The preview of a deletion: the label and how many users would lose it."""
    label = await ctx.loaders.academy.label_by_id.load(label_id)
    if label is None:
        raise not_found("labelId")
    return label, await ctx.db.read(aq.label_user_count, label_id)


async def rename_label(ctx: Context, label_id: int, name: str, colour: str | None) -> Label:
    """A new name (unique within its unit, whatever the case) and, if given, a new colour."""
    clean = label_rules.clean_label_name(name)
    parsed = label_rules.parse_colour(colour) if colour is not None else None
    async with ctx.uow() as uow:
        label = await _label(uow, label_id)
        others = [
            lb.name
            for lb in await aq.labels_of_units(uow.session, [label.owner_unit_id])
            if lb.id != label.id
        ]
        label_rules.check_label_unique(others, clean)
        before = label.name
        label.name = clean
        if parsed is not None:
            label.colour = parsed.value
        await uow.flush()
        await uow.audit("LABEL_RENAMED", unit=label.owner_unit_id, detail=f"{before} -> {clean}")
        await uow.commit()
    return label


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
