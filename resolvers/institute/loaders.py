"""Per-request dataloaders of the institute portal, reached as `ctx.loaders.institute`."""

from __future__ import annotations

from functools import cached_property

from strawberry.dataloader import DataLoader

from persistence.institute import queries as q
from persistence.institute.models import (
    CatalogueCategory,
    ClientOrganisation,
    CourseEvent,
    EmployeeDetails,
    EventMeeting,
    InstituteCourse,
    InstituteDetails,
    InstituteEnrolment,
    Invoice,
    InvoiceLine,
    PrivateDetails,
)
from resolvers.core.loader_group import LoaderGroup


class InstituteLoaders(LoaderGroup):
    @cached_property
    def event_by_id(self) -> DataLoader[int, CourseEvent | None]:
        return self._loader(q.events_by_ids)

    @cached_property
    def course_by_id(self) -> DataLoader[int, InstituteCourse | None]:
        return self._loader(q.courses_by_ids)

    @cached_property
    def category_by_id(self) -> DataLoader[int, CatalogueCategory | None]:
        return self._loader(q.categories_by_ids)

    @cached_property
    def enrolment_by_id(self) -> DataLoader[int, InstituteEnrolment | None]:
        return self._loader(q.enrolments_by_ids)

    @cached_property
    def invoice_by_id(self) -> DataLoader[int, Invoice | None]:
        return self._loader(q.invoices_by_ids)

    @cached_property
    def lines_by_invoice(self) -> DataLoader[int, list[InvoiceLine]]:
        return self._loader(q.lines_by_invoices)

    @cached_property
    def meetings_by_event(self) -> DataLoader[int, list[EventMeeting]]:
        return self._loader(q.meetings_by_events)

    @cached_property
    def seated_by_event(self) -> DataLoader[int, int]:
        return self._loader(q.seated_by_events)

    @cached_property
    def client_org(self) -> DataLoader[int, ClientOrganisation | None]:
        return self._loader(q.client_orgs_by_units)

    @cached_property
    def institute_details(self) -> DataLoader[int, InstituteDetails | None]:
        return self._loader(q.institute_details_by_units)

    @cached_property
    def private_details(self) -> DataLoader[int, PrivateDetails | None]:
        return self._loader(q.private_details_by_persons)

    @cached_property
    def employee_details(self) -> DataLoader[tuple[int, int], EmployeeDetails | None]:
        return self._loader(q.employee_details_by_person_org)
