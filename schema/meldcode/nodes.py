"""The meldcode's Node types and how `node(id:)` loads each (a case read is audited)."""

from __future__ import annotations

from typing import Any

from schema.core.node import register_node
from schema.meldcode.types import (
    CarePartnerNode,
    MeldcodeAuditEntry,
    MeldcodeCaseNode,
    MeldcodeFeedbackNode,
    MeldcodeSharingRecord,
    MeldcodeSignalNode,
    MeldcodeStepEntry_,
)

register_node("MeldcodeCase", MeldcodeCaseNode.audited, lambda ctx: ctx.loaders.meldcode.case_by_id)
register_node(
    "MeldcodeSignal", MeldcodeSignalNode.audited, lambda ctx: ctx.loaders.meldcode.signal_by_id
)
register_node(
    "MeldcodeFeedback", MeldcodeFeedbackNode.build, lambda ctx: ctx.loaders.meldcode.feedback_by_id
)
register_node("CarePartner", CarePartnerNode.build, lambda ctx: ctx.loaders.meldcode.partner_by_id)

MELDCODE_TYPES: list[Any] = [
    MeldcodeCaseNode,
    MeldcodeSignalNode,
    MeldcodeFeedbackNode,
    CarePartnerNode,
    MeldcodeStepEntry_,
    MeldcodeSharingRecord,
    MeldcodeAuditEntry,
]
