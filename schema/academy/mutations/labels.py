"""Academy label mutations (kenmerken)."""

from __future__ import annotations

from typing import Annotated

import strawberry

from domain.core.ids import decode_expected
from resolvers.academy.labels import create_label, delete_label, rename_label, set_label
from schema.academy.inputs import UserSelectionInput, to_selection
from schema.academy.payloads import LabelPayload
from schema.academy.types import (
    ADMINS,
    LabelNode,
)
from schema.core.info import Info
from schema.core.payloads import arg, attempt
from schema.core.permissions import requires


async def _label_change(
    info: Info, label_id: strawberry.ID, selection: UserSelectionInput, *, on: bool
) -> LabelPayload:
    async def work() -> LabelPayload:
        label, changed = await set_label(
            info.context, decode_expected(label_id, "Label", "labelId"), to_selection(selection), on
        )
        return LabelPayload(label=await LabelNode.build(info.context, label), changed_users=changed)

    return await attempt(LabelPayload, work)


@strawberry.type
class AcademyLabelMutations:
    @requires(
        ADMINS,
        on="unitId",
        description="Create a label for the users of an academy or cluster you manage.",
    )
    async def create_label(
        self,
        info: Info,
        unit_id: Annotated[strawberry.ID, arg("The academy or cluster.")],
        name: Annotated[str, arg("Name, 1 to 50 characters, unique per unit.")],
        colour: Annotated[str | None, arg("Colour name; default GREY.")] = None,
    ) -> LabelPayload:
        async def work() -> LabelPayload:
            row = await create_label(
                info.context, decode_expected(unit_id, "OrgUnit", "unitId"), name, colour
            )
            return LabelPayload(label=await LabelNode.build(info.context, row))

        return await attempt(LabelPayload, work)

    @requires(
        ADMINS,
        on="labelId",
        description="Delete a label, also one in use: its users lose it (`changedUsers` says how "
        "many). `previewLabelDeletion` tells the count first.",
    )
    async def delete_label(
        self, info: Info, label_id: Annotated[strawberry.ID, arg("The label.")]
    ) -> LabelPayload:
        async def work() -> LabelPayload:
            lost = await delete_label(info.context, decode_expected(label_id, "Label", "labelId"))
            return LabelPayload(changed_users=lost)

        return await attempt(LabelPayload, work)

    @requires(
        ADMINS,
        on="labelId",
        description="Rename a label (unique within its unit, whatever the case) and optionally "
        "change its colour; its users keep it.",
    )
    async def rename_label(
        self,
        info: Info,
        label_id: Annotated[strawberry.ID, arg("The label.")],
        name: Annotated[str, arg("The new name, 1 to 50 characters.")],
        colour: Annotated[str | None, arg("A new colour; null keeps the colour.")] = None,
    ) -> LabelPayload:
        async def work() -> LabelPayload:
            row = await rename_label(
                info.context, decode_expected(label_id, "Label", "labelId"), name, colour
            )
            return LabelPayload(label=await LabelNode.build(info.context, row))

        return await attempt(LabelPayload, work)

    @requires(ADMINS, on="labelId", description="Put a label on users (in bulk).")
    async def add_label(
        self,
        info: Info,
        label_id: Annotated[strawberry.ID, arg("The label.")],
        selection: Annotated[UserSelectionInput, arg("The users.")],
    ) -> LabelPayload:
        return await _label_change(info, label_id, selection, on=True)

    @requires(ADMINS, on="labelId", description="Take a label off users (in bulk).")
    async def remove_label(
        self,
        info: Info,
        label_id: Annotated[strawberry.ID, arg("The label.")],
        selection: Annotated[UserSelectionInput, arg("The users.")],
    ) -> LabelPayload:
        return await _label_change(info, label_id, selection, on=False)
