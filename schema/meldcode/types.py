"""The meldcode's types. Case content is for the school's care coordinators only; a signal
also for its author. No type reached by directors, boards, guardians, pupils or platform
admins carries a case, a pupil's name or an ID (see `insight.py` for what they get)."""

from __future__ import annotations

import asyncio
from datetime import date, datetime
from typing import Any

import strawberry

from domain.core.ids import encode_global_id
from domain.core.roles import Relation, Requirement, Scope
from domain.core.roles import Role as R
from domain.meldcode.steps import CaseStatus as DomainStatus
from persistence.meldcode.models import (
    CarePartner,
    MeldcodeCase,
    MeldcodeFeedback,
    MeldcodeSharing,
    MeldcodeSignal,
    MeldcodeStepEntry,
)
from resolvers.context import Context
from resolvers.meldcode import cases as resolve
from schema.core.info import Info
from schema.core.permissions import requires
from schema.core.relay import Node
from schema.meldcode.enums import (
    STEP_OF_NUMBER,
    CaseStatus,
    Decision,
    MeldcodeStep,
    Outcome,
    PartnerKind,
)

CASE_READ = Requirement.of([R.CARE_COORDINATOR])
# The author keeps seeing their own signal; nothing else of the case.
SIGNAL_READ = Requirement.of([R.CARE_COORDINATOR], [Relation.SELF])


def _f(requirement: Requirement, description: str) -> Any:
    return requires(requirement.roles, requirement.relations, description=description)


def _gid(type_name: str, pk: int | None) -> strawberry.ID:
    assert pk is not None
    return strawberry.ID(encode_global_id(type_name, pk))


@strawberry.type(
    name="CarePartner",
    description="A care partner on a school's social map, with its contact person.",
)
class CarePartnerNode(Node):
    row: strawberry.Private[CarePartner]
    scope: strawberry.Private[Scope]
    READ = CASE_READ

    @classmethod
    async def build(cls, ctx: Context, row: CarePartner) -> CarePartnerNode:
        return cls(
            id=_gid("CarePartner", row.id), row=row, scope=await resolve.partner_scope(ctx, row)
        )

    @_f(CASE_READ, "Kind of partner; decides whether sharing needs consent.")
    def kind(self) -> PartnerKind:
        return PartnerKind(self.row.kind.value)

    @_f(CASE_READ, "Name of the organisation, e.g. 'Veilig Thuis Rotterdam Rijnmond'.")
    def name(self) -> str:
        return self.row.name

    @_f(CASE_READ, "The fixed contact person there.")
    def contact_person(self) -> str:
        return self.row.contact_person

    @_f(CASE_READ, "Phone number of the contact person.")
    def phone(self) -> str:
        return self.row.phone

    @_f(CASE_READ, "E-mail address of the contact person.")
    def email(self) -> str:
        return self.row.email


@strawberry.type(
    name="MeldcodeSignal", description="A signal ('niet-pluis-gevoel') a staff member recorded."
)
class MeldcodeSignalNode(Node):
    row: strawberry.Private[MeldcodeSignal]
    scope: strawberry.Private[Scope]
    ctx: strawberry.Private[Context]
    READ = SIGNAL_READ

    @classmethod
    async def build(cls, ctx: Context, row: MeldcodeSignal) -> MeldcodeSignalNode:
        return cls(
            id=_gid("MeldcodeSignal", row.id),
            row=row,
            scope=await resolve.signal_scope(ctx, row),
            ctx=ctx,
        )

    @classmethod
    async def audited(cls, ctx: Context, row: MeldcodeSignal) -> MeldcodeSignalNode:
        """The node; if the viewer may read it, the read is audited first."""
        node = await cls.build(ctx, row)
        if ctx.allows(cls.READ, node.scope):
            case = await ctx.loaders.meldcode.case_by_id.load(row.case_id)
            assert case is not None
            await resolve.audit_read(
                ctx, "meldcode.signal.read", row.case_id, case.school_unit_id, f"signal {row.id}"
            )
        return node

    @_f(SIGNAL_READ, "The day the concern was observed.")
    def observed_on(self) -> date:
        return self.row.observed_on

    @_f(SIGNAL_READ, "What was observed (stored encrypted).")
    def text(self) -> str:
        return resolve.decrypt(self.ctx, self.row.text_ciphertext)

    @_f(SIGNAL_READ, "When it was recorded.")
    def recorded_at(self) -> datetime:
        return self.row.recorded_at

    @_f(SIGNAL_READ, "Who recorded it; null once the case is purged.")
    async def author_name(self) -> str | None:
        return await resolve.person_name(self.ctx, self.row.author_person_id)


@strawberry.type(
    name="MeldcodeStepEntry",
    description="One entry of a case's five-step history. Append-only: a correction is a new "
    "entry whose `correctsEntryId` names the entry it corrects.",
)
class MeldcodeStepEntry_:
    scope: strawberry.Private[Scope]
    row: strawberry.Private[MeldcodeStepEntry]
    ctx: strawberry.Private[Context]
    corrected_by: strawberry.Private[int | None]

    @_f(CASE_READ, "Opaque ID; pass it as `correctsEntryId` to correct this entry.")
    def id(self) -> strawberry.ID:
        return _gid("MeldcodeStepEntry", self.row.id)

    @_f(CASE_READ, "The step.")
    def step(self) -> MeldcodeStep:
        return STEP_OF_NUMBER[self.row.step]

    @_f(CASE_READ, "The day the step was taken.")
    def entry_date(self) -> date:
        return self.row.entry_date

    @_f(CASE_READ, "The documented deliberation (stored encrypted); empty if none.")
    def deliberation(self) -> str:
        return resolve.decrypt(self.ctx, self.row.deliberation_ciphertext)

    @_f(CASE_READ, "Whether a deliberation was written down.")
    def documented(self) -> bool:
        return self.row.documented

    @_f(CASE_READ, "Step 2 or 4: advice was asked at Veilig Thuis.")
    def veilig_thuis_advice(self) -> bool:
        return self.row.veilig_thuis_advice

    @_f(CASE_READ, "Step 2: advice was asked from an injury expert ('letselduiding').")
    def injury_expert_advice(self) -> bool:
        return self.row.injury_expert_advice

    @_f(CASE_READ, "Step 5: the decision.")
    def decision(self) -> Decision | None:
        return Decision(self.row.decision.value) if self.row.decision else None

    @_f(CASE_READ, "Step 5, reported: the date of the report to Veilig Thuis.")
    def reported_on(self) -> date | None:
        return self.row.reported_on

    @_f(
        CASE_READ,
        "Step 5, reported: the reporter asked Veilig Thuis not to disclose their identity "
        "(Bijlage 6, art. 4.1.8 Uitvoeringsbesluit Wmo 2015).",
    )
    def reporter_identity_withheld(self) -> bool:
        return self.row.reporter_identity_withheld

    @_f(CASE_READ, "The entry this one corrects; null for an original entry.")
    def corrects_entry_id(self) -> strawberry.ID | None:
        cid = self.row.corrects_entry_id
        return None if cid is None else _gid("MeldcodeStepEntry", cid)

    @_f(CASE_READ, "The entry that corrects this one; null while it is current.")
    def corrected_by_entry_id(self) -> strawberry.ID | None:
        return None if self.corrected_by is None else _gid("MeldcodeStepEntry", self.corrected_by)

    @_f(CASE_READ, "When it was recorded.")
    def recorded_at(self) -> datetime:
        return self.row.recorded_at

    @_f(CASE_READ, "Who recorded it; null once the case is purged.")
    async def author_name(self) -> str | None:
        return await resolve.person_name(self.ctx, self.row.author_person_id)


@strawberry.type(
    name="MeldcodeFeedback", description="Feedback expected from a care partner ('terugkoppeling')."
)
class MeldcodeFeedbackNode(Node):
    row: strawberry.Private[MeldcodeFeedback]
    scope: strawberry.Private[Scope]
    ctx: strawberry.Private[Context]
    READ = CASE_READ

    @classmethod
    async def build(cls, ctx: Context, row: MeldcodeFeedback) -> MeldcodeFeedbackNode:
        case = await ctx.loaders.meldcode.case_by_id.load(row.case_id)
        assert case is not None
        scope = await resolve.case_scope(ctx, case)
        return cls(id=_gid("MeldcodeFeedback", row.id), row=row, scope=scope, ctx=ctx)

    @_f(CASE_READ, "The partner that is to give feedback; null once purged.")
    async def partner(self) -> CarePartnerNode | None:
        if self.row.partner_id is None:
            return None
        row = await self.ctx.loaders.meldcode.partner_by_id.load(self.row.partner_id)
        return await CarePartnerNode.build(self.ctx, row) if row else None

    @_f(CASE_READ, "The day by which feedback is expected.")
    def expected_by(self) -> date:
        return self.row.expected_by

    @_f(CASE_READ, "The day it was received; null while outstanding.")
    def received_on(self) -> date | None:
        return self.row.received_on

    @_f(CASE_READ, "Overdue: not received by the expected day (or received later).")
    def overdue(self) -> bool:
        if self.row.received_on is None:
            return self.row.expected_by < resolve.today()
        return self.row.received_on > self.row.expected_by

    @_f(CASE_READ, "Note on what was fed back (stored encrypted).")
    def note(self) -> str:
        return resolve.decrypt(self.ctx, self.row.note_ciphertext)


@strawberry.type(description="One time information about the case was shared.")
class MeldcodeSharingRecord:
    scope: strawberry.Private[Scope]
    row: strawberry.Private[MeldcodeSharing]
    ctx: strawberry.Private[Context]

    @_f(CASE_READ, "The recipient from the social map; null once purged.")
    async def partner(self) -> CarePartnerNode | None:
        if self.row.partner_id is None:
            return None
        row = await self.ctx.loaders.meldcode.partner_by_id.load(self.row.partner_id)
        return await CarePartnerNode.build(self.ctx, row) if row else None

    @_f(CASE_READ, "The kind of recipient at the time of sharing.")
    def partner_kind(self) -> PartnerKind:
        return PartnerKind(self.row.partner_kind.value)

    @_f(CASE_READ, "The day it was shared.")
    def shared_on(self) -> date:
        return self.row.shared_on

    @_f(CASE_READ, "Whether consent was obtained.")
    def consent_obtained(self) -> bool:
        return self.row.consent_obtained

    @_f(CASE_READ, "The purpose of sharing (stored encrypted).")
    def purpose(self) -> str:
        return resolve.decrypt(self.ctx, self.row.purpose_ciphertext)


@strawberry.type(description="Who read or changed the case, when, and what.")
class MeldcodeAuditEntry:
    scope: strawberry.Private[Scope]
    row: strawberry.Private[Any]
    ctx: strawberry.Private[Context]

    @_f(CASE_READ, "What happened, e.g. meldcode.case.read or meldcode.step.recorded.")
    def kind(self) -> str:
        return str(self.row.kind)

    @_f(CASE_READ, "When.")
    def at(self) -> datetime:
        return self.row.at  # type: ignore[no-any-return]

    @_f(CASE_READ, "Details without content, e.g. 'entry 12 step 3'.")
    def detail(self) -> str:
        return str(self.row.detail)

    @_f(CASE_READ, "Who; null once the person is gone.")
    async def actor_name(self) -> str | None:
        return await resolve.person_name(self.ctx, self.row.actor_person_id)


@strawberry.type(
    name="MeldcodeCase",
    description="A case ('dossier') about a pupil at a school: for the school's care "
    "coordinators only. Every read is recorded in its audit trail.",
)
class MeldcodeCaseNode(Node):
    row: strawberry.Private[MeldcodeCase]
    scope: strawberry.Private[Scope]
    ctx: strawberry.Private[Context]
    READ = CASE_READ

    @classmethod
    async def build(cls, ctx: Context, row: MeldcodeCase) -> MeldcodeCaseNode:
        scope = await resolve.case_scope(ctx, row)
        return cls(id=_gid("MeldcodeCase", row.id), row=row, scope=scope, ctx=ctx)

    @classmethod
    async def audited(cls, ctx: Context, row: MeldcodeCase) -> MeldcodeCaseNode:
        """The node; if the viewer may read it, the read is audited before anything is shown."""
        node = await cls.build(ctx, row)
        if ctx.allows(cls.READ, node.scope) and row.purged_at is None:
            assert row.id is not None
            await resolve.audit_read(
                ctx, "meldcode.case.read", row.id, row.school_unit_id, f"case {row.id}"
            )
        return node

    @classmethod
    async def visible(cls, info: Info, rows: list[MeldcodeCase]) -> list[MeldcodeCaseNode]:
        nodes = await asyncio.gather(*(cls.audited(info.context, r) for r in rows))
        return [n for n in nodes if info.context.allows(cls.READ, n.scope)]

    @_f(CASE_READ, "The pupil's name; null once the case is purged.")
    async def pupil_name(self) -> str | None:
        return await resolve.pupil_name(self.ctx, self.row.pupil_ciphertext)

    @_f(CASE_READ, "The day the case was opened (by the first signal).")
    def opened_on(self) -> date:
        return self.row.opened_on

    @_f(CASE_READ, "Open or closed.")
    def status(self) -> CaseStatus:
        return CaseStatus(self.row.status.value)

    @_f(CASE_READ, "The day the pupil was signalled in the verwijsindex; null if not (no content).")
    def verwijsindex_signalled_on(self) -> date | None:
        return self.row.verwijsindex_signalled_on

    @_f(CASE_READ, "The day the case was closed; null while open.")
    def closed_on(self) -> date | None:
        return self.row.closed_on

    @_f(CASE_READ, "How the case was closed; null while open.")
    def outcome(self) -> Outcome | None:
        return Outcome(self.row.outcome.value) if self.row.outcome else None

    @_f(CASE_READ, "Note on the outcome (stored encrypted).")
    def outcome_note(self) -> str:
        return resolve.decrypt(self.ctx, self.row.outcome_note_ciphertext)

    @_f(CASE_READ, "The highest step the current history reaches; null before step 1.")
    async def highest_step(self) -> MeldcodeStep | None:
        assert self.row.id is not None
        entries = await self.ctx.loaders.meldcode.entries_by_case.load(self.row.id)
        top = resolve.highest_step(entries)
        return None if top is None else STEP_OF_NUMBER[top]

    @_f(CASE_READ, "The signals of the case, oldest first.")
    async def signals(self) -> list[MeldcodeSignalNode]:
        assert self.row.id is not None
        rows = await self.ctx.loaders.meldcode.signals_by_case.load(self.row.id)
        return [
            MeldcodeSignalNode(
                id=_gid("MeldcodeSignal", r.id),
                row=r,
                scope=Scope(unit_paths=self.scope.unit_paths, person_id=r.author_person_id),
                ctx=self.ctx,
            )
            for r in rows
        ]

    @_f(CASE_READ, "The whole five-step history, corrections included, in recording order.")
    async def history(self) -> list[MeldcodeStepEntry_]:
        assert self.row.id is not None
        rows = await self.ctx.loaders.meldcode.entries_by_case.load(self.row.id)
        corrected_by = {r.corrects_entry_id: r.id for r in rows if r.corrects_entry_id}
        return [
            MeldcodeStepEntry_(
                scope=self.scope,
                row=r,
                ctx=self.ctx,
                corrected_by=None if r.id is None else corrected_by.get(r.id),
            )
            for r in rows
        ]

    @_f(CASE_READ, "Feedback expected from and received of care partners.")
    async def feedback(self) -> list[MeldcodeFeedbackNode]:
        assert self.row.id is not None
        rows = await self.ctx.loaders.meldcode.feedback_by_case.load(self.row.id)
        return [
            MeldcodeFeedbackNode(
                id=_gid("MeldcodeFeedback", r.id), row=r, scope=self.scope, ctx=self.ctx
            )
            for r in rows
        ]

    @_f(CASE_READ, "The information-sharing log of the case.")
    async def sharing(self) -> list[MeldcodeSharingRecord]:
        assert self.row.id is not None
        rows = await self.ctx.loaders.meldcode.sharing_by_case.load(self.row.id)
        return [MeldcodeSharingRecord(scope=self.scope, row=r, ctx=self.ctx) for r in rows]

    @_f(CASE_READ, "Every read and change of the case: who, when, what.")
    async def audit_trail(self) -> list[MeldcodeAuditEntry]:
        assert self.row.id is not None
        rows = await self.ctx.loaders.meldcode.audit_by_case.load(self.row.id)
        return [MeldcodeAuditEntry(scope=self.scope, row=r, ctx=self.ctx) for r in rows]


def is_open(row: MeldcodeCase) -> bool:
    return row.status is DomainStatus.OPEN
