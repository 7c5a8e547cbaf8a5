"""Per-request dataloaders: one batch per type and relation, memoised for the request."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from functools import cached_property
from typing import Any

from strawberry.dataloader import DataLoader

from domain.core.orgtree import OrgUnitKind
from persistence.background import jobs as jobs_q
from persistence.background import outbox as outbox_q
from persistence.background.models import ExportJob, OutboxMail
from persistence.core import people as identity_q
from persistence.core import tree as org_q
from persistence.core.models import AccessToken, AuditEvent, OrgUnit, Person, RoleAssignment
from persistence.db import Reader
from persistence.paging import Seek, Slice
from resolvers.academy.loaders import AcademyLoaders
from resolvers.core.loader_group import LoaderGroup
from resolvers.institute.loaders import InstituteLoaders
from resolvers.meldcode.loaders import MeldcodeLoaders
from resolvers.school.loaders import SchoolLoaders


class Loaders(LoaderGroup):
    """`XByYLoader`s of one request; create a new Loaders for every request."""

    def __init__(self, db: Reader) -> None:
        super().__init__(db)
        self._keyed: dict[Any, DataLoader[Any, Any]] = {}

    def keyed(
        self, name: str, fn: Callable[..., Awaitable[Sequence[Any]]], *args: Any
    ) -> DataLoader[Any, Any]:
        """A loader per distinct extra argument set (e.g. a kind filter), made on first use."""
        key = (name, *args)
        if key not in self._keyed:
            self._keyed[key] = self._loader(fn, *args)
        return self._keyed[key]

    def clear(self) -> None:
        """Forget everything loaded: called after a mutation commits."""
        for name in list(vars(self)):
            if isinstance(
                vars(self)[name],
                DataLoader | AcademyLoaders | SchoolLoaders | InstituteLoaders | MeldcodeLoaders,
            ):
                delattr(self, name)
        self._keyed.clear()

    @cached_property
    def academy(self) -> AcademyLoaders:
        return AcademyLoaders(self._db)

    @cached_property
    def school(self) -> SchoolLoaders:
        return SchoolLoaders(self._db)

    @cached_property
    def institute(self) -> InstituteLoaders:
        return InstituteLoaders(self._db)

    @cached_property
    def meldcode(self) -> MeldcodeLoaders:
        return MeldcodeLoaders(self._db)

    @cached_property
    def unit_by_id(self) -> DataLoader[int, OrgUnit | None]:
        return self._loader(org_q.units_by_ids)

    @cached_property
    def person_by_id(self) -> DataLoader[int, Person | None]:
        return self._loader(identity_q.persons_by_ids)

    @cached_property
    def unit_paths_by_person(self) -> DataLoader[int, tuple[str, ...]]:
        return self._loader(identity_q.unit_paths_by_person)

    @cached_property
    def assignments_by_person(self) -> DataLoader[int, list[RoleAssignment]]:
        return self._loader(identity_q.assignments_by_person)

    @cached_property
    def assignment_by_id(self) -> DataLoader[int, RoleAssignment | None]:
        return self._loader(identity_q.assignments_by_ids)

    @cached_property
    def api_token_by_id(self) -> DataLoader[int, AccessToken | None]:
        return self._loader(identity_q.api_tokens_by_ids)

    @cached_property
    def audit_event_by_id(self) -> DataLoader[int, AuditEvent | None]:
        return self._loader(identity_q.audit_events_by_ids)

    @cached_property
    def export_by_id(self) -> DataLoader[int, ExportJob | None]:
        return self._loader(jobs_q.exports_by_ids)

    @cached_property
    def mail_by_id(self) -> DataLoader[int, OutboxMail | None]:
        return self._loader(outbox_q.mails_by_ids)

    def children_page(
        self, kinds: tuple[OrgUnitKind, ...] | None
    ) -> DataLoader[tuple[int, Seek], Slice[OrgUnit]]:
        return self.keyed("children_page", org_q.children_pages, kinds)

    def children_count(self, kinds: tuple[OrgUnitKind, ...] | None) -> DataLoader[int, int]:
        return self.keyed("children_count", org_q.children_counts, kinds)
