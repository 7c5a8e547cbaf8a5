"""Per-request dataloaders of the meldcode: one batch per relation, keyed by case or school."""

from __future__ import annotations

from functools import cached_property
from typing import Any

from strawberry.dataloader import DataLoader

from persistence.meldcode import queries as q
from persistence.meldcode.models import (
    CarePartner,
    MeldcodeCase,
    MeldcodeFeedback,
    MeldcodeSchoolProfile,
    MeldcodeSharing,
    MeldcodeSignal,
    MeldcodeStepEntry,
)
from resolvers.core.loader_group import LoaderGroup


class MeldcodeLoaders(LoaderGroup):
    """The meldcode's loaders, reached as `ctx.loaders.meldcode`."""

    @cached_property
    def case_by_id(self) -> DataLoader[int, MeldcodeCase | None]:
        return self._loader(q.cases_by_ids)

    @cached_property
    def signal_by_id(self) -> DataLoader[int, MeldcodeSignal | None]:
        return self._loader(q.signals_by_ids)

    @cached_property
    def entry_by_id(self) -> DataLoader[int, MeldcodeStepEntry | None]:
        return self._loader(q.entries_by_ids)

    @cached_property
    def partner_by_id(self) -> DataLoader[int, CarePartner | None]:
        return self._loader(q.partners_by_ids)

    @cached_property
    def feedback_by_id(self) -> DataLoader[int, MeldcodeFeedback | None]:
        return self._loader(q.feedback_by_ids)

    @cached_property
    def signals_by_case(self) -> DataLoader[int, list[MeldcodeSignal]]:
        return self._loader(q.signals_by_case)

    @cached_property
    def entries_by_case(self) -> DataLoader[int, list[MeldcodeStepEntry]]:
        return self._loader(q.entries_by_case)

    @cached_property
    def feedback_by_case(self) -> DataLoader[int, list[MeldcodeFeedback]]:
        return self._loader(q.feedback_by_case)

    @cached_property
    def sharing_by_case(self) -> DataLoader[int, list[MeldcodeSharing]]:
        return self._loader(q.sharing_by_case)

    @cached_property
    def audit_by_case(self) -> DataLoader[int, list[Any]]:
        return self._loader(q.audit_by_case)

    @cached_property
    def partners_by_school(self) -> DataLoader[int, list[CarePartner]]:
        return self._loader(q.partners_by_school)

    @cached_property
    def profile_by_school(self) -> DataLoader[int, MeldcodeSchoolProfile | None]:
        return self._loader(q.profiles_by_school)
