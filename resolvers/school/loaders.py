"""Per-request dataloaders of the school portal: one batch per relation, keyed by pupil or class.

A guardian's dashboard with several children therefore costs the same number of statements as
one with a single child: every child's lessons, grades and absences load in one query each.
"""

from __future__ import annotations

from datetime import datetime
from functools import cached_property

from strawberry.dataloader import DataLoader

from persistence.core.models import Person
from persistence.school import queries as q
from persistence.school.models import (
    CalendarFeed,
    GuardianConsent,
    GuardianConsentChange,
    GuardianLink,
    LocationDetails,
    Pupil,
    PupilEnrolment,
    SchoolAbsence,
    SchoolAssessment,
    SchoolGrade,
    SchoolLesson,
    SchoolSubject,
)
from resolvers.core.loader_group import LoaderGroup


class SchoolLoaders(LoaderGroup):
    """The school portal's loaders, reached as `ctx.loaders.school`."""

    @cached_property
    def pupil_by_id(self) -> DataLoader[int, Pupil | None]:
        return self._loader(q.pupils_by_ids)

    @cached_property
    def pupil_by_person(self) -> DataLoader[int, Pupil | None]:
        return self._loader(q.pupils_by_person)

    @cached_property
    def location_details(self) -> DataLoader[int, LocationDetails | None]:
        return self._loader(q.location_details_by_units)

    @cached_property
    def mentors_by_class(self) -> DataLoader[int, list[Person]]:
        return self._loader(q.mentors_by_class)

    @cached_property
    def enrolments_by_pupil(self) -> DataLoader[int, list[PupilEnrolment]]:
        return self._loader(q.enrolments_by_pupil)

    @cached_property
    def enrolment_by_id(self) -> DataLoader[int, PupilEnrolment | None]:
        return self._loader(q.enrolments_by_ids)

    @cached_property
    def links_by_guardian(self) -> DataLoader[int, list[q.GuardianRow]]:
        return self._loader(q.links_by_guardian)

    @cached_property
    def links_by_pupil(self) -> DataLoader[int, list[GuardianLink]]:
        return self._loader(q.links_by_pupil)

    @cached_property
    def link_by_id(self) -> DataLoader[int, GuardianLink | None]:
        return self._loader(q.links_by_ids)

    @cached_property
    def consent_by_link(self) -> DataLoader[tuple[int, int], GuardianConsent | None]:
        return self._loader(q.consents_by_link)

    @cached_property
    def consent_changes_by_link(
        self,
    ) -> DataLoader[tuple[int, int], list[tuple[GuardianConsentChange, Person | None]]]:
        return self._loader(q.consent_changes_by_link)

    @cached_property
    def subject_by_id(self) -> DataLoader[int, SchoolSubject | None]:
        return self._loader(q.subjects_by_ids)

    @cached_property
    def assessment_by_id(self) -> DataLoader[int, SchoolAssessment | None]:
        return self._loader(q.assessments_by_ids)

    @cached_property
    def grade_by_id(self) -> DataLoader[int, SchoolGrade | None]:
        return self._loader(q.grades_by_ids)

    @cached_property
    def results_by_pupil(self) -> DataLoader[int, list[q.ResultRow]]:
        return self._loader(q.results_by_pupil)

    @cached_property
    def lessons_by_class_range(
        self,
    ) -> DataLoader[tuple[int, datetime, datetime], list[q.LessonRow]]:
        return self._loader(q.lessons_by_class_range)

    @cached_property
    def lesson_by_id(self) -> DataLoader[int, SchoolLesson | None]:
        return self._loader(q.lessons_by_ids)

    @cached_property
    def attendance_by_pupil(
        self,
    ) -> DataLoader[tuple[int, datetime, datetime], q.AttendanceRows]:
        return self._loader(q.attendance_by_pupil)

    @cached_property
    def absence_by_id(self) -> DataLoader[int, SchoolAbsence | None]:
        return self._loader(q.absences_by_ids)

    @cached_property
    def feed_by_id(self) -> DataLoader[int, CalendarFeed | None]:
        return self._loader(q.feeds_by_ids)

    @cached_property
    def feeds_of(self) -> DataLoader[tuple[int, int], list[CalendarFeed]]:
        return self._loader(q.feeds_of)
