"""The academy in GraphQL: courses, learners (users of a cluster), enrolments, exams,
certificates, labels, registration numbers and report rows."""

from __future__ import annotations

import asyncio
import functools
import json
from collections.abc import Awaitable, Callable
from datetime import date, datetime
from enum import Enum
from typing import Any, TypeVar, cast

import strawberry

from domain.academy import accreditation
from domain.academy.exams import (
    PASS_MARK_PERCENT,
    AttemptResult,
    attempts_left,
    correct_answers_needed,
)
from domain.core.ids import encode_global_id
from domain.core.roles import Relation, Requirement, Scope
from domain.core.roles import Role as R
from persistence.academy.models import (
    Certificate,
    Course,
    Enrolment,
    ExamAttempt,
    Label,
    Learner,
    pk,
)
from persistence.academy.models import RegistrationNumber as RegistrationRow
from persistence.core.models import OrgUnit
from resolvers.context import Context
from resolvers.core.loader_group import referenced
from resolvers.core.prefetch import MISSING, peek
from schema.core.identity import PersonNode
from schema.core.info import Info
from schema.core.node import plain, register_node
from schema.core.org import OrgUnitNode
from schema.core.permissions import public_fields, requires
from schema.core.relay import Node

ADMINS = (R.PLATFORM_ADMIN, R.ACADEMY_ORG_ADMIN, R.CLUSTER_ADMIN)
CATALOGUE_READ = Requirement.of((*ADMINS, R.LEARNER))
LEARNER_READ = Requirement.of(ADMINS, [Relation.SELF])
LABEL_READ = Requirement.of(ADMINS)
SELF_ONLY = Requirement.of((), [Relation.SELF])


def _f(req: Requirement, description: str) -> Any:
    return requires(req.roles, req.relations, description=description)


# A page builds a node per row, many for the same course or label and in the same cluster for
# the same learner: both are pure and their results immutable, so they are computed once per
# key, not once per node. (IDs of rows that occur once a page are not worth caching.)
@functools.lru_cache(maxsize=65536)
def _gid(type_name: str, key: int) -> strawberry.ID:
    return strawberry.ID(encode_global_id(type_name, key))


@functools.lru_cache(maxsize=65536)
def _scope(path: str, person_id: int | None = None) -> Scope:
    return Scope(unit_paths=(path,), person_id=person_id)


T = TypeVar("T")
RowT = TypeVar("RowT")
NodeT = TypeVar("NodeT")


def _later(awaitable: Awaitable[T]) -> T:
    """Not prefetched: resolve it by loading. graphql-core awaits what a sync resolver returns."""
    return cast(T, awaitable)


async def in_units(
    ctx: Context,
    rows: list[RowT],
    unit_of: Callable[[RowT], int],
    make: Callable[[RowT, OrgUnit], NodeT],
) -> list[NodeT]:
    """Nodes of rows that live in a unit: the units in one batch, no coroutine per row."""
    units = await ctx.loaders.unit_by_id.load_many([unit_of(r) for r in rows])
    # Every row names an existing unit (a foreign key).
    return [make(r, cast(OrgUnit, u)) for r, u in zip(rows, units, strict=True)]


async def _visible(info: Info, nodes: list[Any]) -> list[Any]:
    return [n for n in nodes if info.context.allows(type(n).READ, n.scope)]


@strawberry.enum(description="Where a learner is in a course.")
class CourseStatus(Enum):
    NOT_STARTED = strawberry.enum_value("NOT_STARTED", description="No lesson completed yet.")
    IN_PROGRESS = strawberry.enum_value("IN_PROGRESS", description="Some lessons completed.")
    COMPLETED = strawberry.enum_value("COMPLETED", description="Every lesson completed.")


@strawberry.type(description="A lesson of a course.")
class Lesson:
    row: strawberry.Private[Any]
    scope: strawberry.Private[Scope | None] = None

    @_f(CATALOGUE_READ, "Global ID of the lesson.")
    def id(self) -> strawberry.ID:
        return strawberry.ID(encode_global_id("Lesson", pk(self.row)))

    @_f(CATALOGUE_READ, "Position in the course, from 1.")
    def position(self) -> int:
        return self.row.position

    @_f(CATALOGUE_READ, "Title of the module the lesson belongs to.")
    def module_title(self) -> str:
        return self.row.module_title

    @_f(CATALOGUE_READ, "Title of the lesson.")
    def title(self) -> str:
        return self.row.title

    @_f(CATALOGUE_READ, "Estimated duration in minutes.")
    def duration_minutes(self) -> int:
        return self.row.duration_minutes


@public_fields
@strawberry.type(description="Points a course earns with a professional register.")
class Accreditation:
    register_code: str = strawberry.field(description="Code of the register, e.g. BIG or KNGF.")
    register_name: str = strawberry.field(description="Name of the register.")
    points: int = strawberry.field(description="Accreditation points.")


@strawberry.type(name="Course", description="A course of the catalogue.")
class CourseNode(Node):
    row: strawberry.Private[Course]
    scope: strawberry.Private[Scope | None]
    READ = CATALOGUE_READ

    @classmethod
    def from_row(cls, row: Course) -> CourseNode:
        return cls(id=_gid("Course", pk(row)), row=row, scope=None)

    @_f(CATALOGUE_READ, "Title.")
    def title(self) -> str:
        return self.row.title

    @_f(CATALOGUE_READ, "What the course is about.")
    def description(self) -> str:
        return self.row.description

    @_f(CATALOGUE_READ, "Estimated study time in minutes.")
    def estimated_minutes(self) -> int:
        return self.row.estimated_minutes

    @_f(CATALOGUE_READ, "Lessons in order.")
    async def lessons(self, info: Info) -> list[Lesson]:
        return [
            Lesson(row=r)
            for r in await info.context.loaders.academy.lessons_by_course.load(pk(self.row))
        ]

    @_f(CATALOGUE_READ, "Whether the course ends with an exam (pass mark 70%, at most 2 resits).")
    async def has_exam(self, info: Info) -> bool:
        return bool(await info.context.loaders.academy.questions_by_course.load(pk(self.row)))

    @_f(
        CATALOGUE_READ,
        "Score needed to pass the exam, in percent (70, fixed); null for a course without exam.",
    )
    async def pass_mark_percent(self, info: Info) -> int | None:
        questions = await info.context.loaders.academy.questions_by_course.load(pk(self.row))
        return PASS_MARK_PERCENT if questions else None

    @_f(CATALOGUE_READ, "Number of exam questions; 0 for a course without exam.")
    async def exam_question_count(self, info: Info) -> int:
        return len(await info.context.loaders.academy.questions_by_course.load(pk(self.row)))

    @_f(
        CATALOGUE_READ,
        "Correct answers needed to pass (70% of the questions, rounded up); null without exam.",
    )
    async def correct_answers_needed(self, info: Info) -> int | None:
        questions = await info.context.loaders.academy.questions_by_course.load(pk(self.row))
        return correct_answers_needed(len(questions)) if questions else None

    @_f(CATALOGUE_READ, "Accreditation with professional registers.")
    async def accreditations(self, info: Info) -> list[Accreditation]:
        rows = await info.context.loaders.academy.accreditations_by_course.load(pk(self.row))
        registers = {r.code: r.name for r in accreditation.REGISTERS.values()}
        return [
            Accreditation(
                register_code=r.register_code,
                register_name=registers.get(r.register_code, r.register_code),
                points=r.points,
            )
            for r in rows
        ]


@strawberry.type(name="Label", description="A label (kenmerk) an admin puts on users.")
class LabelNode(Node):
    row: strawberry.Private[Label]
    scope: strawberry.Private[Scope]
    READ = LABEL_READ

    @classmethod
    def ready(cls, ctx: Context, row: Label) -> LabelNode | None:
        """The node without awaiting, if its owner unit is loaded already."""
        unit = peek(ctx.loaders.unit_by_id, row.owner_unit_id)
        return None if unit is MISSING else cls.in_unit(row, unit)

    @classmethod
    async def build(cls, ctx: Context, row: Label) -> LabelNode:
        return cls.in_unit(row, await referenced(ctx.loaders.unit_by_id, row.owner_unit_id))

    @classmethod
    def in_unit(cls, row: Label, unit: OrgUnit) -> LabelNode:
        """The label owned by this unit."""
        return cls(
            id=_gid("Label", pk(row)),
            row=row,
            scope=_scope(unit.path),
        )

    @_f(LABEL_READ, "Name of the label.")
    def name(self) -> str:
        return self.row.name

    @_f(LABEL_READ, "Colour (GREY, RED, ORANGE, …).")
    def colour(self) -> str:
        return self.row.colour

    @_f(LABEL_READ, "The academy or cluster whose admins made it.")
    async def unit(self, info: Info) -> OrgUnitNode:
        return OrgUnitNode.from_row(
            await referenced(info.context.loaders.unit_by_id, self.row.owner_unit_id)
        )


@public_fields
@strawberry.type(description="A lesson of your course and whether you completed it.")
class LessonProgress:
    lesson: Lesson = strawberry.field(description="The lesson.")
    completed: bool = strawberry.field(description="Whether it is completed.")


@strawberry.type(
    name="ExamAttempt",
    description="One attempt at a course's exam; pass its ID to submitExamAttempt. Only the "
    "score is kept, never the answers.",
)
class ExamAttemptNode(Node):
    row: strawberry.Private[ExamAttempt]
    scope: strawberry.Private[Scope]
    READ = LEARNER_READ

    @classmethod
    def of(cls, row: ExamAttempt, scope: Scope) -> ExamAttemptNode:
        """The attempt with its enrolment's scope; pass its ID to submitExamAttempt."""
        assert row.id is not None
        return cls(id=strawberry.ID(encode_global_id("ExamAttempt", pk(row))), row=row, scope=scope)

    @classmethod
    async def build(cls, ctx: Context, row: ExamAttempt) -> ExamAttemptNode:
        enrolment = await referenced(ctx.loaders.academy.enrolment_by_id, row.enrolment_id)
        return cls.of(row, (await EnrolmentNode.build(ctx, enrolment)).scope)

    @_f(LEARNER_READ, "1 for the first try, 2 and 3 for resits.")
    def number(self) -> int:
        return self.row.number

    @_f(LEARNER_READ, "When it started.")
    def started_at(self) -> datetime:
        return self.row.started_at

    @_f(LEARNER_READ, "When it was submitted; null while open.")
    def finished_at(self) -> datetime | None:
        return self.row.finished_at

    @_f(LEARNER_READ, "Score in whole percent, rounded down, once submitted.")
    def score_percent(self) -> int | None:
        return self.row.score_percent

    @_f(LEARNER_READ, "Passed (70% or more), once submitted.")
    def passed(self) -> bool | None:
        return self.row.passed


def _attempt_results(rows: list[ExamAttempt]) -> list[AttemptResult]:
    return [
        AttemptResult.OPEN
        if a.finished_at is None
        else AttemptResult.PASSED
        if a.passed
        else AttemptResult.FAILED
        for a in rows
    ]


@strawberry.type(
    name="Certificate",
    description="Certificate of participation: it shows the highest exam score, never pass or fail.",
)
class CertificateNode(Node):
    row: strawberry.Private[Certificate]
    scope: strawberry.Private[Scope]
    READ = LEARNER_READ

    @classmethod
    def of(cls, row: Certificate, scope: Scope) -> CertificateNode:
        """The certificate with its enrolment's scope."""
        return cls(id=strawberry.ID(encode_global_id("Certificate", pk(row))), row=row, scope=scope)

    @classmethod
    async def build(cls, ctx: Context, row: Certificate) -> CertificateNode:
        enrolment = await referenced(ctx.loaders.academy.enrolment_by_id, row.enrolment_id)
        return cls.of(row, (await EnrolmentNode.build(ctx, enrolment)).scope)

    @_f(LEARNER_READ, "Code anyone can check with `verifyCertificate`.")
    def verification_code(self) -> str:
        return self.row.verification_code

    @_f(LEARNER_READ, "When it was issued.")
    def issued_at(self) -> datetime:
        return self.row.issued_at

    @_f(LEARNER_READ, "Highest exam score in percent; null when no exam was taken.")
    def highest_score_percent(self) -> int | None:
        return self.row.highest_score_percent

    @_f(LEARNER_READ, "The course.")
    async def course(self, info: Info) -> CourseNode:
        loaders = info.context.loaders.academy
        enrolment = await referenced(loaders.enrolment_by_id, self.row.enrolment_id)
        return CourseNode.from_row(await referenced(loaders.course_by_id, enrolment.course_id))

    @requires(
        (),
        [Relation.SELF],
        description="Signed link to the PDF, valid for an hour; only for the learner.",
    )
    def pdf_url(self, info: Info) -> str | None:
        from resolvers.academy.documents import certificate_url

        assert self.scope.person_id is not None
        return certificate_url(info.context, pk(self.row), self.scope.person_id)

    @requires(
        ADMINS,
        description="Signed link to the PDF for you as the learner's admin: valid for an hour, "
        "only while you are logged in. The learner's own link (`pdfUrl`) stays theirs.",
    )
    def admin_pdf_url(self, info: Info) -> str | None:
        from resolvers.academy.documents import admin_certificate_url

        admin = info.context.viewer.person_id
        return admin_certificate_url(info.context, pk(self.row), admin) if admin else None


@strawberry.type(name="Enrolment", description="A course given to a learner, with progress.")
class EnrolmentNode(Node):
    row: strawberry.Private[Enrolment]
    scope: strawberry.Private[Scope]
    READ = LEARNER_READ

    @classmethod
    async def build(cls, ctx: Context, row: Enrolment) -> EnrolmentNode:
        return cls.in_unit(row, await referenced(ctx.loaders.unit_by_id, row.cluster_id))

    @classmethod
    def ready(cls, ctx: Context, row: Enrolment) -> EnrolmentNode | None:
        """The node without awaiting, if its cluster is loaded already."""
        unit = peek(ctx.loaders.unit_by_id, row.cluster_id)
        return None if unit is MISSING else cls.in_unit(row, unit)

    @classmethod
    def in_unit(cls, row: Enrolment, unit: OrgUnit) -> EnrolmentNode:
        """The enrolment in its cluster."""
        return cls(
            id=strawberry.ID(encode_global_id("Enrolment", pk(row))),
            row=row,
            scope=_scope(unit.path, row.person_id),
        )

    @classmethod
    async def many(cls, info: Info, rows: list[Enrolment]) -> list[EnrolmentNode]:
        nodes = await in_units(info.context, rows, lambda r: r.cluster_id, cls.in_unit)
        return await _visible(info, nodes)

    @classmethod
    def many_now(cls, info: Info, rows: list[Enrolment]) -> list[EnrolmentNode]:
        """`many`, synchronously when every cluster is prefetched, else by loading."""
        nodes = [cls.ready(info.context, r) for r in rows]
        if any(n is None for n in nodes):
            return _later(cls.many(info, rows))
        return [n for n in nodes if n is not None and info.context.allows(cls.READ, n.scope)]

    @_f(LEARNER_READ, "The course.")
    def course(self, info: Info) -> CourseNode:
        loader = info.context.loaders.academy.course_by_id
        row = peek(loader, self.row.course_id)
        if row is MISSING:
            return _later(self._load_course(loader))
        return CourseNode.from_row(row)

    async def _load_course(self, loader: Any) -> CourseNode:
        return CourseNode.from_row(await loader.load(self.row.course_id))

    @_f(LEARNER_READ, "Where the learner is.")
    def status(self) -> CourseStatus:
        return CourseStatus(self.row.status.value)

    @_f(LEARNER_READ, "Completed lessons as a percentage of all lessons (rounded down).")
    def progress_percent(self) -> int:
        return self.row.progress_percent

    @_f(LEARNER_READ, "When the course was given.")
    def assigned_at(self) -> datetime:
        return self.row.assigned_at

    @_f(LEARNER_READ, "When the first lesson was completed.")
    def started_at(self) -> datetime | None:
        return self.row.started_at

    @_f(LEARNER_READ, "When the last lesson was completed.")
    def completed_at(self) -> datetime | None:
        return self.row.completed_at

    @_f(LEARNER_READ, "Each lesson and whether it is completed.")
    async def lessons(self, info: Info) -> list[LessonProgress]:
        loaders = info.context.loaders.academy
        lessons, done = await asyncio.gather(
            loaders.lessons_by_course.load(self.row.course_id),
            loaders.completions_by_enrolment.load(pk(self.row)),
        )
        finished = {c.lesson_id for c in done}
        return [LessonProgress(lesson=Lesson(row=r), completed=r.id in finished) for r in lessons]

    @_f(LEARNER_READ, "Exam attempts so far.")
    def exam_attempts(self, info: Info) -> list[ExamAttemptNode]:
        rows = peek(info.context.loaders.academy.attempts_by_enrolment, pk(self.row))
        if rows is MISSING:
            return _later(self._load_attempts(info))
        return [ExamAttemptNode.of(r, self.scope) for r in rows]

    @_f(LEARNER_READ, "Attempts still possible: 3 in all, none after a pass.")
    def exam_attempts_left(self, info: Info) -> int:
        rows = peek(info.context.loaders.academy.attempts_by_enrolment, pk(self.row))
        if rows is MISSING:
            return _later(self._load_attempts_left(info))
        return attempts_left(_attempt_results(rows))

    async def _load_attempts(self, info: Info) -> list[ExamAttemptNode]:
        rows = await info.context.loaders.academy.attempts_by_enrolment.load(pk(self.row))
        return [ExamAttemptNode.of(r, self.scope) for r in rows]

    async def _load_attempts_left(self, info: Info) -> int:
        rows = await info.context.loaders.academy.attempts_by_enrolment.load(pk(self.row))
        return attempts_left(_attempt_results(rows))

    @_f(LEARNER_READ, "The certificate, once the course is completed.")
    def certificate(self, info: Info) -> CertificateNode | None:
        row = peek(info.context.loaders.academy.certificate_by_enrolment, pk(self.row))
        if row is MISSING:
            return _later(self._load_certificate(info))
        return CertificateNode.of(row, self.scope) if row else None

    async def _load_certificate(self, info: Info) -> CertificateNode | None:
        row = await info.context.loaders.academy.certificate_by_enrolment.load(pk(self.row))
        return CertificateNode.of(row, self.scope) if row else None


@strawberry.type(
    name="Learner", description="A person as a user of one academy cluster (gebruiker)."
)
class LearnerNode(Node):
    row: strawberry.Private[Learner]
    scope: strawberry.Private[Scope]
    READ = LEARNER_READ

    @staticmethod
    def global_id(row: Learner) -> strawberry.ID:
        return strawberry.ID(encode_global_id("Learner", pk(row)))

    @classmethod
    async def build(cls, ctx: Context, row: Learner) -> LearnerNode:
        return cls.in_unit(row, await referenced(ctx.loaders.unit_by_id, row.cluster_id))

    @classmethod
    def ready(cls, ctx: Context, row: Learner) -> LearnerNode | None:
        """The node without awaiting, if its cluster is loaded already."""
        unit = peek(ctx.loaders.unit_by_id, row.cluster_id)
        return None if unit is MISSING else cls.in_unit(row, unit)

    @classmethod
    def in_unit(cls, row: Learner, unit: OrgUnit) -> LearnerNode:
        """The learner in their cluster."""
        return cls(
            id=cls.global_id(row),
            row=row,
            scope=_scope(unit.path, row.person_id),
        )

    @_f(LEARNER_READ, "The person.")
    def person(self, info: Info) -> PersonNode:
        loaders = info.context.loaders
        row = peek(loaders.person_by_id, self.row.person_id)
        paths = peek(loaders.unit_paths_by_person, self.row.person_id)
        if row is MISSING or paths is MISSING:
            return _later(self._load_person(info))
        return PersonNode.of(row, paths)

    async def _load_person(self, info: Info) -> PersonNode:
        return await PersonNode.load(
            info, await referenced(info.context.loaders.person_by_id, self.row.person_id)
        )

    @_f(LEARNER_READ, "The cluster.")
    def cluster(self, info: Info) -> OrgUnitNode:
        unit = peek(info.context.loaders.unit_by_id, self.row.cluster_id)
        if unit is MISSING:
            return _later(self._load_cluster(info))
        return OrgUnitNode.from_row(unit)

    async def _load_cluster(self, info: Info) -> OrgUnitNode:
        return OrgUnitNode.from_row(
            await referenced(info.context.loaders.unit_by_id, self.row.cluster_id)
        )

    @_f(LEARNER_READ, "When the user was added to the cluster (for 'recently uploaded').")
    def added_at(self) -> datetime:
        return self.row.added_at

    @_f(LEARNER_READ, "Whether admins hid the user from their lists.")
    def hidden(self) -> bool:
        return self.row.hidden_at is not None

    @_f(LEARNER_READ, "Whether the user receives the magazine.")
    def magazine(self) -> bool:
        return self.row.magazine

    @_f(LEARNER_READ, "Courses given to the user, limited to those you may see.")
    def enrolments(self, info: Info) -> list[EnrolmentNode]:
        rows = peek(info.context.loaders.academy.enrolments_by_person, self.row.person_id)
        if rows is MISSING:
            return _later(self._load_enrolments(info))
        return EnrolmentNode.many_now(info, rows)

    async def _load_enrolments(self, info: Info) -> list[EnrolmentNode]:
        rows = await info.context.loaders.academy.enrolments_by_person.load(self.row.person_id)
        return await EnrolmentNode.many(info, rows)

    @_f(LEARNER_READ, "Labels on the user, limited to those you may see.")
    def labels(self, info: Info) -> list[LabelNode]:
        ctx = info.context
        ids = peek(ctx.loaders.academy.label_ids_by_person, self.row.person_id)
        if ids is not MISSING:
            rows = [peek(ctx.loaders.academy.label_by_id, i) for i in ids]
            if MISSING not in rows:
                nodes = [LabelNode.ready(ctx, r) for r in rows if r is not None]
                if None not in nodes:
                    return [n for n in nodes if n is not None and ctx.allows(n.READ, n.scope)]
        return _later(self._load_labels(info))

    async def _load_labels(self, info: Info) -> list[LabelNode]:
        loaders = info.context.loaders.academy
        ids = await loaders.label_ids_by_person.load(self.row.person_id)
        rows = [r for r in await loaders.label_by_id.load_many(ids) if r is not None]
        nodes = await in_units(info.context, rows, lambda r: r.owner_unit_id, LabelNode.in_unit)
        return await _visible(info, nodes)


@strawberry.type(description="A learner's number with a professional register.")
class RegistrationNumber:
    row: strawberry.Private[RegistrationRow]
    scope: strawberry.Private[Scope]
    READ = SELF_ONLY

    @_f(SELF_ONLY, "Code of the register.")
    def register_code(self) -> str:
        return self.row.register_code

    @_f(SELF_ONLY, "The registration number, normalised.")
    def number(self) -> str:
        return self.row.number

    @_f(SELF_ONLY, "When it was entered.")
    def entered_at(self) -> datetime:
        return self.row.entered_at


@strawberry.type(
    description="A refresher module (opfrismodule) sent to you 3 or 6 months after completing a "
    "course. Only you see it: admins cannot monitor refreshers."
)
class Refresher:
    delivery: strawberry.Private[Any]
    module: strawberry.Private[Any]
    course_row: strawberry.Private[Course]
    scope: strawberry.Private[Scope]
    READ = SELF_ONLY

    @_f(SELF_ONLY, "Title of the refresher.")
    def title(self) -> str:
        return self.module.title

    @_f(SELF_ONLY, "How long it takes, at most 15 minutes.")
    def duration_minutes(self) -> int:
        return self.module.duration_minutes

    @_f(SELF_ONLY, "Sent this many months after you completed the course (3 or 6).")
    def months_after_completion(self) -> int:
        from domain.academy.refreshers import MONTHS_AFTER_COMPLETION

        return MONTHS_AFTER_COMPLETION[self.module.moment]

    @_f(SELF_ONLY, "When it was sent to you.")
    def sent_at(self) -> datetime:
        return self.delivery.sent_at

    @_f(SELF_ONLY, "The course it refreshes.")
    def course(self) -> CourseNode:
        return CourseNode.from_row(self.course_row)

    @_f(SELF_ONLY, "Your personal link to open it (the one in the mail).")
    def url(self, info: Info) -> str:
        from resolvers.academy.documents import refresher_url

        settings = info.context.settings
        return refresher_url(
            settings.public_url, settings.secret_key, pk(self.delivery), self.delivery.person_id
        )


@public_fields
@strawberry.type(description="A professional register the academy reports attendance to.")
class Register:
    code: str = strawberry.field(description="Code, e.g. BIG.")
    name: str = strawberry.field(description="Name of the register.")
    format_hint: str = strawberry.field(description="What a registration number looks like.")
    reported_by_academy: bool = strawberry.field(
        description="Whether the academy reports attendance every six weeks; otherwise the learner sends the certificate."
    )
    learner_sends_certificate: bool = strawberry.field(
        default=False,
        description="True when the academy does not report to this register: the learner sends "
        "their certificate to it themselves.",
    )
    reporting: str = strawberry.field(
        default="", description="How attendance reaches this register, in the reader's language."
    )


@public_fields
@strawberry.type(description="The public answer to `verifyCertificate`.")
class CertificateVerification:
    valid: bool = strawberry.field(description="Whether a certificate with this code exists.")
    learner_name: str | None = strawberry.field(
        description="Name on the certificate.", default=None
    )
    course_title: str | None = strawberry.field(description="The course.", default=None)
    issued_on: date | None = strawberry.field(description="Date of issue.", default=None)
    highest_score_percent: int | None = strawberry.field(
        description="Highest exam score, if an exam was taken.", default=None
    )


@public_fields
@strawberry.type(description="One row of the academy report: a cluster and a course.")
class AcademyReportRow:
    cluster_row: strawberry.Private[Any]
    course_row: strawberry.Private[Any]
    not_started: int = strawberry.field(description="Learners who have not started.")
    in_progress: int = strawberry.field(description="Learners under way.")
    completed: int = strawberry.field(description="Learners who completed the course.")
    average_best_score_percent: float | None = strawberry.field(
        description="Average of each learner's best exam score."
    )

    @strawberry.field(description="The cluster.")
    def cluster(self) -> OrgUnitNode:
        return OrgUnitNode.from_row(self.cluster_row)

    @strawberry.field(description="The course.")
    def course(self) -> CourseNode:
        return CourseNode.from_row(self.course_row)


@public_fields
@strawberry.type(description="Seats of a cluster.")
class SeatUsage:
    cluster_row: strawberry.Private[Any]
    seat_limit: int = strawberry.field(
        description="Maximum number of users, set by the organisation admin."
    )
    seats_used: int = strawberry.field(description="Users in the cluster, hidden ones included.")

    @strawberry.field(description="Seats still free.")
    def seats_left(self) -> int:
        return max(0, self.seat_limit - self.seats_used)

    @strawberry.field(description="The cluster.")
    def cluster(self) -> OrgUnitNode:
        return OrgUnitNode.from_row(self.cluster_row)


@public_fields
@strawberry.type(description="An exam question while you take the exam: no correct answer here.")
class ExamQuestion:
    id: strawberry.ID = strawberry.field(description="Pass it back with your answer.")
    text: str = strawberry.field(description="The question.")
    options: list[str] = strawberry.field(
        description="Possible answers; answer with the index, from 0."
    )


@public_fields
@strawberry.type(
    description="A question after submitting: your answer and the correct one. Shown once."
)
class QuestionReview:
    question: ExamQuestion = strawberry.field(description="The question.")
    chosen_option: int | None = strawberry.field(description="Your answer; null if unanswered.")
    correct_option: int = strawberry.field(description="The correct answer.")
    correct: bool = strawberry.field(description="Whether you answered correctly.")


def question_of(row: Any) -> ExamQuestion:
    return ExamQuestion(
        id=strawberry.ID(encode_global_id("ExamQuestion", pk(row))),
        text=row.text,
        options=json.loads(row.options_json),
    )


register_node("Course", plain(CourseNode.from_row), lambda ctx: ctx.loaders.academy.course_by_id)
register_node("Learner", LearnerNode.build, lambda ctx: ctx.loaders.academy.learner_by_id)
register_node("Enrolment", EnrolmentNode.build, lambda ctx: ctx.loaders.academy.enrolment_by_id)
register_node(
    "Certificate", CertificateNode.build, lambda ctx: ctx.loaders.academy.certificate_by_id
)
register_node("Label", LabelNode.build, lambda ctx: ctx.loaders.academy.label_by_id)
register_node("ExamAttempt", ExamAttemptNode.build, lambda ctx: ctx.loaders.academy.attempt_by_id)

ACADEMY_NODE_TYPES = [
    CourseNode,
    LearnerNode,
    EnrolmentNode,
    CertificateNode,
    LabelNode,
    ExamAttemptNode,
]
