"""Inputs of the meldcode's mutations."""

from __future__ import annotations

from datetime import date

import strawberry

from schema.meldcode.enums import Decision, MeldcodeStep


@strawberry.input(description="One entry of the five-step history.")
class StepEntryInput:
    case_id: strawberry.ID = strawberry.field(description="The case.")
    step: MeldcodeStep = strawberry.field(description="The step taken.")
    entry_date: date = strawberry.field(description="The day it was taken; not in the future.")
    deliberation: str = strawberry.field(
        default="", description="The deliberation; stored encrypted. Empty = not documented."
    )
    veilig_thuis_advice: bool = strawberry.field(
        default=False, description="Step 2 or 4: advice asked at Veilig Thuis."
    )
    injury_expert_advice: bool = strawberry.field(
        default=False, description="Step 2: advice asked from an injury expert."
    )
    decision: Decision | None = strawberry.field(default=None, description="Step 5 only.")
    reported_on: date | None = strawberry.field(
        default=None, description="Step 5, report: the date of the report to Veilig Thuis."
    )
    reporter_identity_withheld: bool = strawberry.field(
        default=False,
        description="Step 5, report: asked Veilig Thuis not to disclose the reporter (Bijlage 6).",
    )
    corrects_entry_id: strawberry.ID | None = strawberry.field(
        default=None, description="To correct an entry: its ID. The original stays in history."
    )


@strawberry.input(description="A record that information about a case was shared.")
class SharingInput:
    case_id: strawberry.ID = strawberry.field(description="The case.")
    partner_id: strawberry.ID = strawberry.field(
        description="The recipient, from the school's social map."
    )
    shared_on: date = strawberry.field(description="The day it was shared.")
    purpose: str = strawberry.field(description="Why; stored encrypted.")
    consent_obtained: bool = strawberry.field(
        description="Whether consent was obtained. Without it only Veilig Thuis, the Child "
        "Protection Board, the police and the certified institution may receive information."
    )


@strawberry.input(description="The implementation checklist of a school.")
class ChecklistInput:
    school_id: strawberry.ID = strawberry.field(description="The school.")
    care_coordinator_hours_per_week: int = strawberry.field(
        description="Hours per week of the care coordinator(s) for the meldcode."
    )
    plan_dated_on: date | None = strawberry.field(
        default=None, description="Date of the plan of approach ('plan van aanpak')."
    )
    plan_evaluated_on: date | None = strawberry.field(
        default=None, description="Date of its latest yearly evaluation."
    )
    on_yearly_agenda: bool = strawberry.field(
        default=False, description="The meldcode is on the school's yearly agenda."
    )
    verwijsindex_connected: bool = strawberry.field(
        default=False, description="The school is connected to the regional verwijsindex."
    )
