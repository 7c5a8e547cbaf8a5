"""Per-request dataloaders of the academy (reached as `ctx.loaders.academy`)."""

from __future__ import annotations

from functools import cached_property
from typing import Any

from strawberry.dataloader import DataLoader

from persistence.academy import queries as aq
from resolvers.core.loader_group import LoaderGroup


class AcademyLoaders(LoaderGroup):
    @cached_property
    def course_by_id(self) -> DataLoader[int, Any]:
        return self._loader(aq.courses_by_ids)

    @cached_property
    def learner_by_id(self) -> DataLoader[int, Any]:
        return self._loader(aq.learners_by_ids)

    @cached_property
    def enrolment_by_id(self) -> DataLoader[int, Any]:
        return self._loader(aq.enrolments_by_ids)

    @cached_property
    def attempt_by_id(self) -> DataLoader[int, Any]:
        return self._loader(aq.attempts_by_ids)

    @cached_property
    def certificate_by_id(self) -> DataLoader[int, Any]:
        return self._loader(aq.certificates_by_ids)

    @cached_property
    def label_by_id(self) -> DataLoader[int, Any]:
        return self._loader(aq.labels_by_ids)

    @cached_property
    def enrolments_by_person(self) -> DataLoader[int, Any]:
        return self._loader(aq.enrolments_by_person)

    @cached_property
    def lessons_by_course(self) -> DataLoader[int, Any]:
        return self._loader(aq.lessons_by_course)

    @cached_property
    def questions_by_course(self) -> DataLoader[int, Any]:
        return self._loader(aq.questions_by_course)

    @cached_property
    def completions_by_enrolment(self) -> DataLoader[int, Any]:
        return self._loader(aq.completions_by_enrolment)

    @cached_property
    def attempts_by_enrolment(self) -> DataLoader[int, Any]:
        return self._loader(aq.attempts_by_enrolment)

    @cached_property
    def certificate_by_enrolment(self) -> DataLoader[int, Any]:
        return self._loader(aq.certificate_by_enrolment)

    @cached_property
    def accreditations_by_course(self) -> DataLoader[int, Any]:
        return self._loader(aq.accreditations_by_course)

    @cached_property
    def label_ids_by_person(self) -> DataLoader[int, Any]:
        return self._loader(aq.label_ids_by_person)

    @cached_property
    def registration_numbers_by_person(self) -> DataLoader[int, Any]:
        return self._loader(aq.registration_numbers_by_person)

    @cached_property
    def seats_by_cluster(self) -> DataLoader[int, Any]:
        return self._loader(aq.seats_by_cluster)
