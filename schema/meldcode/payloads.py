"""Mutation payloads of the meldcode: the changed object, or why nothing changed."""

from __future__ import annotations

import strawberry

from schema.core.payloads import errors_field
from schema.core.permissions import public
from schema.core.relay import UserError
from schema.meldcode.types import (
    CarePartnerNode,
    MeldcodeCaseNode,
    MeldcodeFeedbackNode,
    MeldcodeSignalNode,
    MeldcodeStepEntry_,
)


@strawberry.type(description="Result of recordMeldcodeSignal: your signal, nothing of the case.")
class RecordSignalPayload:
    signal: MeldcodeSignalNode | None = public(description="The signal you recorded.", default=None)
    errors: list[UserError] = errors_field()


@strawberry.type(description="Result of a change to a case.")
class MeldcodeCasePayload:
    case: MeldcodeCaseNode | None = public(description="The case as it is now.", default=None)
    errors: list[UserError] = errors_field()


@strawberry.type(description="Result of addMeldcodeStepEntry.")
class StepEntryPayload:
    entry: MeldcodeStepEntry_ | None = public(description="The new entry.", default=None)
    case: MeldcodeCaseNode | None = public(description="The case as it is now.", default=None)
    errors: list[UserError] = errors_field()


@strawberry.type(description="Result of a feedback change.")
class FeedbackPayload:
    feedback: MeldcodeFeedbackNode | None = public(description="The feedback.", default=None)
    errors: list[UserError] = errors_field()


@strawberry.type(description="Result of addCarePartner.")
class CarePartnerPayload:
    partner: CarePartnerNode | None = public(description="The new partner.", default=None)
    errors: list[UserError] = errors_field()


@strawberry.type(description="Result of a board's or school's meldcode settings change.")
class MeldcodeSettingsPayload:
    ok: bool = public(description="Whether the settings were saved.", default=False)
    errors: list[UserError] = errors_field()
