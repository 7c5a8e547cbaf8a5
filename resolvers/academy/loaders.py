"""Per-request dataloaders of the academy (reached as `ctx.loaders.academy`)."""

from __future__ import annotations

from functools import cached_property

from strawberry.dataloader import DataLoader

from persistence.academy import queries as aq
from persistence.academy.models import (
    Certificate,
    Course,
    CourseAccreditation,
    Enrolment,
    ExamAttempt,
    ExamQuestion,
    Label,
    Learner,
    Lesson,
    LessonCompletion,
    RegistrationNumber,
)
from resolvers.core.loader_group import LoaderGroup


class AcademyLoaders(LoaderGroup):
    @cached_property
    def course_by_id(self) -> DataLoader[int, Course | None]:
        return self._loader(aq.courses_by_ids)

    @cached_property
    def learner_by_id(self) -> DataLoader[int, Learner | None]:
        return self._loader(aq.learners_by_ids)

    @cached_property
    def enrolment_by_id(self) -> DataLoader[int, Enrolment | None]:
        return self._loader(aq.enrolments_by_ids)

    @cached_property
    def attempt_by_id(self) -> DataLoader[int, ExamAttempt | None]:
        return self._loader(aq.attempts_by_ids)

    @cached_property
    def certificate_by_id(self) -> DataLoader[int, Certificate | None]:
        return self._loader(aq.certificates_by_ids)

    @cached_property
    def label_by_id(self) -> DataLoader[int, Label | None]:
        return self._loader(aq.labels_by_ids)

    @cached_property
    def enrolments_by_person(self) -> DataLoader[int, list[Enrolment]]:
        return self._loader(aq.enrolments_by_person)

    @cached_property
    def lessons_by_course(self) -> DataLoader[int, list[Lesson]]:
        return self._loader(aq.lessons_by_course)

    @cached_property
    def questions_by_course(self) -> DataLoader[int, list[ExamQuestion]]:
        return self._loader(aq.questions_by_course)

    @cached_property
    def completions_by_enrolment(self) -> DataLoader[int, list[LessonCompletion]]:
        return self._loader(aq.completions_by_enrolment)

    @cached_property
    def attempts_by_enrolment(self) -> DataLoader[int, list[ExamAttempt]]:
        return self._loader(aq.attempts_by_enrolment)

    @cached_property
    def certificate_by_enrolment(self) -> DataLoader[int, Certificate | None]:
        return self._loader(aq.certificate_by_enrolment)

    @cached_property
    def accreditations_by_course(self) -> DataLoader[int, list[CourseAccreditation]]:
        return self._loader(aq.accreditations_by_course)

    @cached_property
    def label_ids_by_person(self) -> DataLoader[int, list[int]]:
        return self._loader(aq.label_ids_by_person)

    @cached_property
    def registration_numbers_by_person(self) -> DataLoader[int, list[RegistrationNumber]]:
        return self._loader(aq.registration_numbers_by_person)

    @cached_property
    def seats_by_cluster(self) -> DataLoader[int, tuple[int, int]]:
        return self._loader(aq.seats_by_cluster)
