"""The meldcode's service layer: signals, the five-step history, sharing, feedback, closing.

Every change writes its audit entry in the same unit of work as the change; every read of a
case writes one in its own short transaction before the content is returned (`audit_reads`):
the deliberate exception to "a read request writes nothing" (docs/meldcode.md).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from strawberry.dataloader import DataLoader

from domain.core.errors import DomainError, ErrorCode
from domain.core.orgtree import OrgUnitKind
from domain.core.pagination import PageRequest
from domain.core.roles import Scope
from domain.core.texts import N_
from domain.meldcode import retention, sharing, steps
from domain.meldcode.steps import CaseStatus, Outcome, Step
from domain.school.timetable import local_date
from persistence.core.models import OrgUnit
from persistence.db import UnitOfWork
from persistence.meldcode import queries as q
from persistence.meldcode.cipher import Keyring
from persistence.meldcode.models import (
    CarePartner,
    MeldcodeBoardPolicy,
    MeldcodeCase,
    MeldcodeFeedback,
    MeldcodeSchoolProfile,
    MeldcodeSharing,
    MeldcodeSignal,
    MeldcodeStepEntry,
)
from persistence.paging import Seek, Slice
from persistence.school.models import Pupil
from persistence.types import utcnow
from resolvers.context import Context
from resolvers.core.loader_group import referenced
from resolvers.core.pagination import Page, paginate
from resolvers.core.tree import not_found

PARTNER_OTHER_SCHOOL = N_("This care partner is not on the social map of the case's school")
FEEDBACK_RECEIVED = N_("This feedback was recorded as received already")
NAME_REQUIRED = N_("Give the care partner's name")


def today() -> date:
    return local_date(utcnow())


def keyring(ctx: Context) -> Keyring:
    found = ctx.extra.get("meldcode_keyring")
    if found is None:
        found = ctx.extra["meldcode_keyring"] = Keyring(ctx.settings.meldcode_keys)
    return found  # type: ignore[no-any-return]


# --- scopes: where each object lives, for the permission checks ---------------------------------


async def school_of(ctx: Context, school_id: int) -> OrgUnit:
    return await referenced(ctx.loaders.unit_by_id, school_id)


async def case_scope(ctx: Context, case: MeldcodeCase) -> Scope:
    # The school only: no person, so no SELF or GUARDIAN relation ever reaches a case.
    school = await school_of(ctx, case.school_unit_id)
    return Scope(unit_paths=(school.path,))


async def signal_scope(ctx: Context, signal: MeldcodeSignal) -> Scope:
    case = await referenced(ctx.loaders.meldcode.case_by_id, signal.case_id)
    school = await school_of(ctx, case.school_unit_id)
    # The author (SELF) keeps seeing their own signal; the school's care coordinators see all.
    return Scope(unit_paths=(school.path,), person_id=signal.author_person_id)


async def partner_scope(ctx: Context, partner: CarePartner) -> Scope:
    school = await school_of(ctx, partner.school_unit_id)
    return Scope(unit_paths=(school.path,))


async def pupil_name(ctx: Context, pupil_ciphertext: str) -> str | None:
    if not pupil_ciphertext:
        return None
    pupil = await ctx.loaders.school.pupil_by_id.load(int(decrypt(ctx, pupil_ciphertext)))
    if pupil is None:
        return None
    person = await ctx.loaders.person_by_id.load(pupil.person_id)
    return person.display_name if person else None


async def person_name(ctx: Context, person_id: int | None) -> str | None:
    if person_id is None:
        return None
    person = await ctx.loaders.person_by_id.load(person_id)
    return person.display_name if person else None


# --- audited reads ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ReadKey:
    kind: str
    case_id: int
    school_id: int
    detail: str


def _read_auditor(ctx: Context) -> DataLoader[ReadKey, bool]:
    found = ctx.extra.get("meldcode_read_audit")
    if found is None:

        async def write(keys: list[ReadKey]) -> list[bool]:
            # Its own transaction, committed before the content leaves: no audit, no answer.
            async with ctx.database.transaction() as session:
                await q.add_audit(
                    session,
                    [q.AuditEntry(k.case_id, k.school_id, k.kind, k.detail) for k in keys],
                    ctx.viewer.person_id,
                    ctx.client_address,
                )
            return [True] * len(keys)

        found = ctx.extra["meldcode_read_audit"] = DataLoader(load_fn=write)
    return found  # type: ignore[no-any-return]


async def audit_read(ctx: Context, kind: str, case_id: int, school_id: int, detail: str) -> None:
    """Record that the viewer reads this case (or signal); batched per request, memoised."""
    await _read_auditor(ctx).load(ReadKey(kind, case_id, school_id, detail))


# --- reads -----------------------------------------------------------------------------------


async def school_cases(
    ctx: Context, school_id: int, status: CaseStatus | None, request: PageRequest
) -> Page[MeldcodeCase]:
    async def fetch(seek: Seek) -> Slice[MeldcodeCase]:
        return await ctx.db.read(q.cases_page, school_id, status, seek)

    async def count() -> int:
        return int(await ctx.db.read(q.cases_count, school_id, status))

    return await paginate(request, fetch, count, q.CASE_ORDER)


async def my_signals(ctx: Context, request: PageRequest) -> Page[MeldcodeSignal]:
    person_id = ctx.viewer.person_id
    assert person_id is not None

    async def fetch(seek: Seek) -> Slice[MeldcodeSignal]:
        return await ctx.db.read(q.signals_of_author_page, person_id, seek)

    async def count() -> int:
        return int(await ctx.db.read(q.signals_of_author_count, person_id))

    return await paginate(request, fetch, count, q.SIGNAL_ORDER)


async def school_unit(ctx: Context, school_id: int, field: str) -> OrgUnit:
    unit = await ctx.loaders.unit_by_id.load(school_id)
    if unit is None or unit.kind is not OrgUnitKind.SCHOOL:
        raise not_found(field)
    return unit


def decrypt(ctx: Context, token: str) -> str:
    return keyring(ctx).decrypt(token)


# --- writes ----------------------------------------------------------------------------------


async def _audit(
    uow: UnitOfWork, case: MeldcodeCase | None, school_id: int, kind: str, detail: str
) -> None:
    await q.add_audit(
        uow.session,
        [q.AuditEntry(case.id if case else None, school_id, kind, detail)],
        uow.actor,
        uow.address,
    )
    await uow.flush()


async def _case_for_change(
    uow: UnitOfWork, case_id: int, *, open_only: bool = True
) -> MeldcodeCase:
    case = await uow.get(MeldcodeCase, case_id)
    if case is None or case.purged_at is not None:
        raise not_found("caseId")
    if open_only and case.status is not CaseStatus.OPEN:
        raise DomainError(ErrorCode.CONFLICT, steps.CASE_CLOSED, "caseId")
    return case


async def record_signal(
    ctx: Context, pupil_id: int, observed_on: date, text: str
) -> MeldcodeSignal:
    """A staff member's concern about a pupil: it joins the pupil's open case at the school,
    or opens one. The answer never says which — the author learns nothing about other signals."""
    body = steps.check_text(text, "text", required=True)
    steps.check_day(observed_on, today(), "observedOn")
    async with ctx.uow() as uow:
        pupil = await uow.get(Pupil, pupil_id)
        if pupil is None:
            raise not_found("pupilId")
        keys = keyring(ctx)
        refs = keys.blind_refs(str(pupil_id))
        case = await uow.read(q.open_case_of_pupil, pupil.school_unit_id, refs)
        if case is None:
            case = uow.add(
                MeldcodeCase(
                    school_unit_id=pupil.school_unit_id,
                    pupil_ref=keys.blind_ref(str(pupil_id)),
                    pupil_ciphertext=keys.encrypt(str(pupil_id)),
                    opened_by_person_id=ctx.viewer.person_id,
                    opened_on=today(),
                    status=CaseStatus.OPEN,
                )
            )
            await uow.flush()
            await _audit(uow, case, pupil.school_unit_id, "meldcode.case.opened", "by a signal")
        assert case.id is not None
        signal = uow.add(
            MeldcodeSignal(
                case_id=case.id,
                author_person_id=ctx.viewer.person_id,
                observed_on=observed_on,
                text_ciphertext=keyring(ctx).encrypt(body),
            )
        )
        await uow.flush()
        await _audit(
            uow, case, pupil.school_unit_id, "meldcode.signal.recorded", f"signal {signal.id}"
        )
        await uow.commit()
    return signal


async def add_step_entry(
    ctx: Context, case_id: int, draft: steps.EntryDraft, corrects_entry_id: int | None
) -> MeldcodeStepEntry:
    async with ctx.uow() as uow:
        case = await _case_for_change(uow, case_id, open_only=False)
        corrected = None
        if corrects_entry_id is not None:
            original = await uow.get(MeldcodeStepEntry, corrects_entry_id)
            if original is None:
                raise not_found("correctsEntryId")
            corrected = steps.CorrectedEntry(
                case_id=original.case_id,
                step=Step(original.step),
                already_corrected=await uow.read(q.is_corrected, corrects_entry_id),
            )
        steps.check_entry(
            draft,
            case_id=case_id,
            case_open=case.status is CaseStatus.OPEN,
            opened_on=case.opened_on,
            today=today(),
            corrects=corrected,
        )
        deliberation = draft.deliberation.strip()
        entry = uow.add(
            MeldcodeStepEntry(
                case_id=case_id,
                step=int(draft.step),
                entry_date=draft.entry_date,
                author_person_id=ctx.viewer.person_id,
                deliberation_ciphertext=keyring(ctx).encrypt(deliberation),
                documented=steps.is_documented(deliberation),
                veilig_thuis_advice=draft.veilig_thuis_advice,
                injury_expert_advice=draft.injury_expert_advice,
                decision=draft.decision,
                reported_on=draft.reported_on,
                reporter_identity_withheld=draft.reporter_identity_withheld,
                corrects_entry_id=corrects_entry_id,
            )
        )
        await uow.flush()
        what = f"entry {entry.id} step {int(draft.step)}"
        if corrects_entry_id is not None:
            what += f" corrects entry {corrects_entry_id}"
        await _audit(uow, case, case.school_unit_id, "meldcode.step.recorded", what)
        await uow.commit()
    return entry


async def _partner_of_case(uow: UnitOfWork, case: MeldcodeCase, partner_id: int) -> CarePartner:
    partner = await uow.get(CarePartner, partner_id)
    if partner is None:
        raise not_found("partnerId")
    if partner.school_unit_id != case.school_unit_id:
        raise DomainError(ErrorCode.INVALID, PARTNER_OTHER_SCHOOL, "partnerId")
    return partner


async def record_sharing(
    ctx: Context, case_id: int, partner_id: int, shared_on: date, purpose: str, consent: bool
) -> MeldcodeSharing:
    async with ctx.uow() as uow:
        case = await _case_for_change(uow, case_id, open_only=False)
        partner = await _partner_of_case(uow, case, partner_id)
        sharing.check_sharing(partner.kind, partner.name, consent, purpose)
        steps.check_text(purpose, "purpose", required=True)
        steps.check_day(shared_on, today(), "sharedOn", case.opened_on)
        row = uow.add(
            MeldcodeSharing(
                case_id=case_id,
                partner_id=partner.id,
                partner_kind=partner.kind,
                shared_on=shared_on,
                consent_obtained=consent,
                purpose_ciphertext=keyring(ctx).encrypt(purpose.strip()),
                recorded_by_person_id=ctx.viewer.person_id,
            )
        )
        await uow.flush()
        await _audit(
            uow,
            case,
            case.school_unit_id,
            "meldcode.sharing.recorded",
            f"sharing {row.id} with partner {partner.id} consent {consent}",
        )
        await uow.commit()
    return row


async def expect_feedback(
    ctx: Context, case_id: int, partner_id: int, expected_by: date
) -> MeldcodeFeedback:
    async with ctx.uow() as uow:
        case = await _case_for_change(uow, case_id)
        partner = await _partner_of_case(uow, case, partner_id)
        row = uow.add(
            MeldcodeFeedback(case_id=case_id, partner_id=partner.id, expected_by=expected_by)
        )
        await uow.flush()
        await _audit(
            uow, case, case.school_unit_id, "meldcode.feedback.expected", f"feedback {row.id}"
        )
        await uow.commit()
    return row


async def receive_feedback(
    ctx: Context, feedback_id: int, received_on: date, note: str
) -> MeldcodeFeedback:
    async with ctx.uow() as uow:
        row = await uow.get(MeldcodeFeedback, feedback_id)
        if row is None:
            raise not_found("feedbackId")
        case = await _case_for_change(uow, row.case_id, open_only=False)
        if row.received_on is not None:
            raise DomainError(ErrorCode.CONFLICT, FEEDBACK_RECEIVED, "feedbackId")
        steps.check_day(received_on, today(), "receivedOn", case.opened_on)
        row.received_on = received_on
        row.note_ciphertext = keyring(ctx).encrypt(steps.check_text(note, "note", required=False))
        uow.add(row)
        await _audit(
            uow, case, case.school_unit_id, "meldcode.feedback.received", f"feedback {row.id}"
        )
        await uow.commit()
    return row


async def set_verwijsindex(ctx: Context, case_id: int, signalled_on: date | None) -> MeldcodeCase:
    async with ctx.uow() as uow:
        case = await _case_for_change(uow, case_id)
        if signalled_on is not None:
            steps.check_day(signalled_on, today(), "signalledOn")
        case.verwijsindex_signalled_on = signalled_on
        uow.add(case)
        await _audit(uow, case, case.school_unit_id, "meldcode.verwijsindex.set", "fact and date")
        await uow.commit()
    return case


async def close_case(ctx: Context, case_id: int, outcome: Outcome, note: str) -> MeldcodeCase:
    async with ctx.uow() as uow:
        case = await _case_for_change(uow, case_id)
        case.status = CaseStatus.CLOSED
        case.closed_on = today()
        case.outcome = outcome
        case.outcome_note_ciphertext = keyring(ctx).encrypt(
            steps.check_text(note, "note", required=False)
        )
        uow.add(case)
        await _audit(uow, case, case.school_unit_id, "meldcode.case.closed", outcome.value)
        await uow.commit()
    return case


async def add_partner(
    ctx: Context,
    school_id: int,
    kind: sharing.PartnerKind,
    name: str,
    contact_person: str,
    phone: str,
    email: str,
) -> CarePartner:
    if not name.strip():
        raise DomainError(ErrorCode.INVALID, NAME_REQUIRED, "name")
    async with ctx.uow() as uow:
        unit = await uow.get(OrgUnit, school_id)
        if unit is None or unit.kind is not OrgUnitKind.SCHOOL:
            raise not_found("schoolId")
        row = uow.add(
            CarePartner(
                school_unit_id=school_id,
                kind=kind,
                name=name.strip()[:200],
                contact_person=contact_person.strip()[:200],
                phone=phone.strip()[:40],
                email=email.strip()[:254],
            )
        )
        await uow.flush()
        await _audit(uow, None, school_id, "meldcode.partner.added", f"partner {row.id}")
        await uow.commit()
    return row


async def set_policy(
    ctx: Context, board_id: int, retention_months: int, threshold: int
) -> MeldcodeBoardPolicy:
    retention.check_policy(retention_months, threshold)
    async with ctx.uow() as uow:
        unit = await uow.get(OrgUnit, board_id)
        if unit is None or unit.kind is not OrgUnitKind.SCHOOL_BOARD:
            raise not_found("boardId")
        row = await uow.get(MeldcodeBoardPolicy, board_id)
        if row is None:
            row = MeldcodeBoardPolicy(
                board_unit_id=board_id, retention_months=0, suppression_threshold=0
            )
        row.retention_months = retention_months
        row.suppression_threshold = threshold
        row.updated_at = utcnow()
        uow.add(row)
        await uow.audit(
            "meldcode.policy.set",
            unit=board_id,
            detail=f"retention {retention_months} months, threshold {threshold}",
        )
        await uow.commit()
    return row


async def set_profile(
    ctx: Context,
    school_id: int,
    hours: int,
    plan_dated_on: date | None,
    plan_evaluated_on: date | None,
    on_yearly_agenda: bool,
    verwijsindex_connected: bool,
) -> MeldcodeSchoolProfile:
    if not 0 <= hours <= 40:
        raise DomainError(
            ErrorCode.INVALID,
            N_("Hours per week must be between 0 and 40"),
            "careCoordinatorHoursPerWeek",
        )
    for day, field in ((plan_dated_on, "planDatedOn"), (plan_evaluated_on, "planEvaluatedOn")):
        if day is not None:
            steps.check_day(day, today(), field)
    async with ctx.uow() as uow:
        unit = await uow.get(OrgUnit, school_id)
        if unit is None or unit.kind is not OrgUnitKind.SCHOOL:
            raise not_found("schoolId")
        row = await uow.get(MeldcodeSchoolProfile, school_id)
        if row is None:
            row = MeldcodeSchoolProfile(school_unit_id=school_id)
        row.care_coordinator_hours_per_week = hours
        row.plan_dated_on = plan_dated_on
        row.plan_evaluated_on = plan_evaluated_on
        row.on_yearly_agenda = on_yearly_agenda
        row.verwijsindex_connected = verwijsindex_connected
        row.updated_at = utcnow()
        uow.add(row)
        await uow.audit("meldcode.checklist.set", unit=school_id, detail="implementation checklist")
        await uow.commit()
    return row


def current_entries(entries: list[MeldcodeStepEntry]) -> list[MeldcodeStepEntry]:
    corrected = {e.corrects_entry_id for e in entries if e.corrects_entry_id is not None}
    return [e for e in entries if e.id not in corrected]


def highest_step(entries: list[MeldcodeStepEntry]) -> int | None:
    current = current_entries(entries)
    return max((e.step for e in current), default=None)
