"""Root queries of the meldcode: a school's cases and social map for its care coordinators,
your own signals for whoever recorded them, and aggregate figures (see `insight.py`)."""

from __future__ import annotations

import asyncio
from typing import Annotated

import strawberry

from domain.core.ids import decode_expected
from domain.core.roles import Role as R
from domain.meldcode.steps import CaseStatus as DomainStatus
from resolvers.core.pagination import keep, with_items
from resolvers.meldcode import cases as resolve
from schema.core.info import Info
from schema.core.pagination import AFTER, BEFORE, FIRST, LAST, page_request, to_connection
from schema.core.payloads import arg
from schema.core.permissions import authenticated, requires
from schema.core.relay import Connection
from schema.meldcode.enums import CaseStatus
from schema.meldcode.types import CarePartnerNode, MeldcodeCaseNode, MeldcodeSignalNode


@strawberry.type
class MeldcodeQueries:
    @requires(
        [R.CARE_COORDINATOR],
        on="schoolId",
        description="The school's meldcode cases, newest first: for its care coordinators only. "
        "Every case returned is recorded as read in its audit trail.",
    )
    async def meldcode_cases(
        self,
        info: Info,
        school_id: Annotated[strawberry.ID, arg("The school.")],
        status: Annotated[
            CaseStatus | None, arg("OPEN or CLOSED; null (the default) for both.")
        ] = None,
        first: Annotated[int | None, FIRST] = None,
        after: Annotated[str | None, AFTER] = None,
        last: Annotated[int | None, LAST] = None,
        before: Annotated[str | None, BEFORE] = None,
    ) -> Connection[MeldcodeCaseNode]:
        ctx = info.context
        school = await resolve.school_unit(
            ctx, decode_expected(school_id, "OrgUnit", "schoolId"), "schoolId"
        )
        assert school.id is not None
        page = await resolve.school_cases(
            ctx,
            school.id,
            None if status is None else DomainStatus(status.value),
            page_request(first, after, last, before),
        )
        nodes = {n.row.id: n for n in await MeldcodeCaseNode.visible(info, page.items)}
        return to_connection(keep(page, lambda row: row.id in nodes), lambda row: nodes[row.id])

    @authenticated(
        description="The signals you recorded yourself, newest first. You see your own signals "
        "only, never the case they joined."
    )
    async def my_meldcode_signals(
        self,
        info: Info,
        first: Annotated[int | None, FIRST] = None,
        after: Annotated[str | None, AFTER] = None,
        last: Annotated[int | None, LAST] = None,
        before: Annotated[str | None, BEFORE] = None,
    ) -> Connection[MeldcodeSignalNode]:
        ctx = info.context
        page = await resolve.my_signals(ctx, page_request(first, after, last, before))
        # Gathered: the reads are audited in one batch, not one transaction per signal.
        nodes = list(
            await asyncio.gather(*(MeldcodeSignalNode.audited(ctx, row) for row in page.items))
        )
        return to_connection(with_items(page, nodes), lambda node: node)

    @requires(
        [R.CARE_COORDINATOR],
        on="schoolId",
        description="The school's social map ('sociale kaart'): care partners and contacts.",
    )
    async def care_partners(
        self, info: Info, school_id: Annotated[strawberry.ID, arg("The school.")]
    ) -> list[CarePartnerNode]:
        ctx = info.context
        pk = decode_expected(school_id, "OrgUnit", "schoolId")
        rows = await ctx.loaders.meldcode.partners_by_school.load(pk)
        return [await CarePartnerNode.build(ctx, r) for r in rows]
