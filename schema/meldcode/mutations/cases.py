"""Mutations on cases: signals, the five steps, sharing, feedback, verwijsindex, closing."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import strawberry

from domain.core.ids import decode_expected
from domain.core.roles import Role as R
from domain.meldcode.steps import Decision as DomainDecision
from domain.meldcode.steps import EntryDraft, Step
from domain.meldcode.steps import Outcome as DomainOutcome
from resolvers.meldcode import cases as resolve
from schema.core.info import Info
from schema.core.payloads import arg, attempt
from schema.core.permissions import requires
from schema.meldcode.enums import STEP_NUMBERS, Outcome
from schema.meldcode.inputs import SharingInput, StepEntryInput
from schema.meldcode.payloads import (
    FeedbackPayload,
    MeldcodeCasePayload,
    RecordSignalPayload,
    StepEntryPayload,
)
from schema.meldcode.types import (
    MeldcodeCaseNode,
    MeldcodeFeedbackNode,
    MeldcodeSignalNode,
    MeldcodeStepEntry_,
)

CC = [R.CARE_COORDINATOR]


async def _case_node(info: Info, case_id: int) -> MeldcodeCaseNode:
    row = await info.context.loaders.meldcode.case_by_id.load(case_id)
    assert row is not None
    return await MeldcodeCaseNode.audited(info.context, row)


@strawberry.type
class MeldcodeCaseMutations:
    @requires(
        [R.TEACHER, R.CARE_COORDINATOR, R.DIRECTOR],
        on="pupilId",
        description="Record a concern about a pupil ('niet-pluis-gevoel'). It joins the pupil's "
        "open case at the school or opens one; you see your own signal afterwards, nothing else.",
    )
    async def record_meldcode_signal(
        self,
        info: Info,
        pupil_id: Annotated[strawberry.ID, arg("The pupil.")],
        observed_on: Annotated[date, arg("The day you observed it; not in the future.")],
        text: Annotated[str, arg("What you observed; stored encrypted.")],
    ) -> RecordSignalPayload:
        async def work() -> RecordSignalPayload:
            row = await resolve.record_signal(
                info.context, decode_expected(pupil_id, "Pupil", "pupilId"), observed_on, text
            )
            return RecordSignalPayload(signal=await MeldcodeSignalNode.build(info.context, row))

        return await attempt(RecordSignalPayload, work)

    @requires(
        CC,
        on="input.caseId",
        description="Add an entry to a case's five-step history (append-only; to correct an "
        "entry, add one with `correctsEntryId`).",
    )
    async def add_meldcode_step_entry(
        self, info: Info, input: Annotated[StepEntryInput, arg("The entry.")]
    ) -> StepEntryPayload:
        async def work() -> StepEntryPayload:
            ctx = info.context
            case_id = decode_expected(input.case_id, "MeldcodeCase", "caseId")
            corrects = (
                None
                if input.corrects_entry_id is None
                else decode_expected(
                    input.corrects_entry_id, "MeldcodeStepEntry", "correctsEntryId"
                )
            )
            draft = EntryDraft(
                step=Step(STEP_NUMBERS[input.step]),
                entry_date=input.entry_date,
                deliberation=input.deliberation,
                veilig_thuis_advice=input.veilig_thuis_advice,
                injury_expert_advice=input.injury_expert_advice,
                decision=None if input.decision is None else DomainDecision(input.decision.value),
                reported_on=input.reported_on,
                reporter_identity_withheld=input.reporter_identity_withheld,
            )
            row = await resolve.add_step_entry(ctx, case_id, draft, corrects)
            node = await _case_node(info, case_id)
            entry = MeldcodeStepEntry_(scope=node.scope, row=row, ctx=ctx, corrected_by=None)
            return StepEntryPayload(entry=entry, case=node)

        return await attempt(StepEntryPayload, work)

    @requires(
        CC,
        on="input.caseId",
        description="Log that information was shared. Without consent only Veilig Thuis, the "
        "Child Protection Board, the police and the certified institution are allowed; any "
        "other recipient is refused, quoting the rule.",
    )
    async def record_meldcode_sharing(
        self, info: Info, input: Annotated[SharingInput, arg("The sharing.")]
    ) -> MeldcodeCasePayload:
        async def work() -> MeldcodeCasePayload:
            case_id = decode_expected(input.case_id, "MeldcodeCase", "caseId")
            await resolve.record_sharing(
                info.context,
                case_id,
                decode_expected(input.partner_id, "CarePartner", "partnerId"),
                input.shared_on,
                input.purpose,
                input.consent_obtained,
            )
            return MeldcodeCasePayload(case=await _case_node(info, case_id))

        return await attempt(MeldcodeCasePayload, work)

    @requires(CC, on="caseId", description="Note that feedback is expected from a care partner.")
    async def expect_meldcode_feedback(
        self,
        info: Info,
        case_id: Annotated[strawberry.ID, arg("The case.")],
        partner_id: Annotated[strawberry.ID, arg("The partner, from the social map.")],
        expected_by: Annotated[date, arg("The day by which it is expected.")],
    ) -> FeedbackPayload:
        async def work() -> FeedbackPayload:
            row = await resolve.expect_feedback(
                info.context,
                decode_expected(case_id, "MeldcodeCase", "caseId"),
                decode_expected(partner_id, "CarePartner", "partnerId"),
                expected_by,
            )
            return FeedbackPayload(feedback=await MeldcodeFeedbackNode.build(info.context, row))

        return await attempt(FeedbackPayload, work)

    @requires(CC, on="feedbackId", description="Record that expected feedback was received.")
    async def receive_meldcode_feedback(
        self,
        info: Info,
        feedback_id: Annotated[strawberry.ID, arg("The expected feedback.")],
        received_on: Annotated[date, arg("The day it came.")],
        note: Annotated[str, arg("What was fed back; stored encrypted.")] = "",
    ) -> FeedbackPayload:
        async def work() -> FeedbackPayload:
            row = await resolve.receive_feedback(
                info.context,
                decode_expected(feedback_id, "MeldcodeFeedback", "feedbackId"),
                received_on,
                note,
            )
            return FeedbackPayload(feedback=await MeldcodeFeedbackNode.build(info.context, row))

        return await attempt(FeedbackPayload, work)

    @requires(
        CC,
        on="caseId",
        description="Record whether and when the pupil was signalled in the regional "
        "verwijsindex: only the fact and the date, no content.",
    )
    async def set_meldcode_verwijsindex(
        self,
        info: Info,
        case_id: Annotated[strawberry.ID, arg("The case.")],
        signalled_on: Annotated[date | None, arg("The day; null if not signalled.")],
    ) -> MeldcodeCasePayload:
        async def work() -> MeldcodeCasePayload:
            pk = decode_expected(case_id, "MeldcodeCase", "caseId")
            await resolve.set_verwijsindex(info.context, pk, signalled_on)
            return MeldcodeCasePayload(case=await _case_node(info, pk))

        return await attempt(MeldcodeCasePayload, work)

    @requires(
        CC,
        on="caseId",
        description="Close a case with its outcome. After the board's retention period its "
        "content is purged; only anonymous statistics remain.",
    )
    async def close_meldcode_case(
        self,
        info: Info,
        case_id: Annotated[strawberry.ID, arg("The case.")],
        outcome: Annotated[Outcome, arg("How it ended.")],
        note: Annotated[str, arg("Note on the outcome; stored encrypted.")] = "",
    ) -> MeldcodeCasePayload:
        async def work() -> MeldcodeCasePayload:
            pk = decode_expected(case_id, "MeldcodeCase", "caseId")
            await resolve.close_case(info.context, pk, DomainOutcome(outcome.value), note)
            return MeldcodeCasePayload(case=await _case_node(info, pk))

        return await attempt(MeldcodeCasePayload, work)
