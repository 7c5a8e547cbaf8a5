"""The learner's side of the academy: lessons, exams, certificates, registration numbers,
refreshers; and the accreditation reports to the professional registers."""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass
from datetime import datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from domain.academy import accreditation, exams
from domain.academy.enrolments import (
    CourseStatus,
    course_status,
    highest_score,
    normalize_verification_code,
    progress_percent,
    verification_code,
)
from domain.academy.refreshers import refresher_due_dates
from domain.background.exports import ExportFormat
from domain.core.errors import DomainError, ErrorCode
from persistence.academy import queries as aq
from persistence.academy.models import (
    AccreditationReport,
    Certificate,
    Course,
    Enrolment,
    ExamAttempt,
    LessonCompletion,
    RegistrationNumber,
    pk,
)
from persistence.background import jobs as jobs_q
from persistence.background.models import ExportJob
from persistence.core import people as iq
from persistence.core.models import Person
from persistence.db import Database, UnitOfWork
from persistence.types import utcnow
from resolvers.academy.documents import refresher_url
from resolvers.background.mail import enqueue, render
from resolvers.context import Context
from resolvers.core.tree import not_found
from resolvers.settings import ServiceSettings

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
REFRESHER_SEND_AT = time(9, 0)


async def _own_enrolment(uow: UnitOfWork, enrolment_id: int) -> Enrolment:
    """The viewer's enrolment: `@requires(relations: [SELF], on: "enrolmentId")` checked it."""
    enrolment = await uow.get(Enrolment, enrolment_id)
    if enrolment is None:
        raise not_found("enrolmentId")
    return enrolment


async def schedule_refreshers(session: AsyncSession, enrolment: Enrolment) -> None:
    """At completion: refresher jobs for +3 and +6 months; the job keys make this idempotent."""
    assert enrolment.completed_at is not None
    modules = (await aq.refreshers_by_course(session, [enrolment.course_id]))[0]
    moments = {m.moment for m in modules}
    completed_on = enrolment.completed_at.astimezone(AMSTERDAM).date()
    for moment, due in refresher_due_dates(completed_on):
        if moment in moments:
            due_at = datetime.combine(due, REFRESHER_SEND_AT, tzinfo=AMSTERDAM).astimezone(
                enrolment.completed_at.tzinfo
            )
            await jobs_q.schedule(
                session,
                "refresher",
                f"refresher:{enrolment.id}:{moment.value}",
                due_at,
                {"enrolment_id": enrolment.id, "moment": moment.value},
            )


async def _issue_certificate(uow: UnitOfWork, enrolment: Enrolment) -> Certificate:
    assert enrolment.id is not None
    existing = (await aq.certificate_by_enrolment(uow.session, [enrolment.id]))[0]
    if existing:
        return existing
    certificate = uow.add(
        Certificate(
            enrolment_id=enrolment.id, verification_code=verification_code(secrets.token_bytes(8))
        )
    )
    await uow.flush()
    return certificate


async def complete_lesson(ctx: Context, enrolment_id: int, lesson_id: int) -> Enrolment:
    now = utcnow()
    async with ctx.uow() as uow:
        enrolment = await _own_enrolment(uow, enrolment_id)
        assert enrolment.id is not None
        lessons = (await aq.lessons_by_course(uow.session, [enrolment.course_id]))[0]
        if lesson_id not in {lesson.id for lesson in lessons}:
            raise DomainError(
                ErrorCode.NOT_FOUND, "This lesson is not part of the course", "lessonId"
            )
        completions = (await aq.completions_by_enrolment(uow.session, [enrolment.id]))[0]
        done = {c.lesson_id for c in completions}
        if lesson_id not in done:
            uow.add(
                LessonCompletion(enrolment_id=enrolment.id, lesson_id=lesson_id, completed_at=now)
            )
            done.add(lesson_id)
        was = enrolment.status
        enrolment.status = course_status(len(done), len(lessons))
        enrolment.progress_percent = progress_percent(len(done), len(lessons))
        enrolment.started_at = enrolment.started_at or now
        if enrolment.status is CourseStatus.COMPLETED and was is not CourseStatus.COMPLETED:
            enrolment.completed_at = now
            await uow.flush()
            await _issue_certificate(uow, enrolment)
            await schedule_refreshers(uow.session, enrolment)
        await uow.commit()
    return enrolment


@dataclass
class StartedAttempt:
    attempt: ExamAttempt
    questions: list[Any]


def _results(attempts: list[ExamAttempt]) -> list[exams.AttemptResult]:
    return [
        exams.AttemptResult.OPEN
        if a.finished_at is None
        else exams.AttemptResult.PASSED
        if a.passed
        else exams.AttemptResult.FAILED
        for a in attempts
    ]


async def start_attempt(ctx: Context, enrolment_id: int) -> StartedAttempt:
    async with ctx.uow() as uow:
        enrolment = await _own_enrolment(uow, enrolment_id)
        assert enrolment.id is not None
        questions = (await aq.questions_by_course(uow.session, [enrolment.course_id]))[0]
        if not questions:
            raise DomainError(ErrorCode.CONFLICT, "This course has no exam.", "enrolmentId")
        attempts = (await aq.attempts_by_enrolment(uow.session, [enrolment.id]))[0]
        exams.check_may_start(enrolment.status is CourseStatus.COMPLETED, _results(attempts))
        attempt = uow.add(ExamAttempt(enrolment_id=enrolment.id, number=len(attempts) + 1))
        await uow.flush()
        await uow.commit()
    return StartedAttempt(attempt, questions)


@dataclass
class SubmittedAttempt:
    attempt: ExamAttempt
    grading: exams.Grading
    questions: list[Any]
    attempts_left: int


async def submit_attempt(
    ctx: Context, attempt_id: int, answers: dict[int, int]
) -> SubmittedAttempt:
    """Score it; only the score is stored. The review with correct answers is returned now,
    once, and never again (the seed: shown once after finishing)."""
    async with ctx.uow() as uow:
        attempt = await uow.get(ExamAttempt, attempt_id)
        enrolment = await uow.get(Enrolment, attempt.enrolment_id) if attempt else None
        if attempt is None or enrolment is None or enrolment.id is None:
            raise not_found("attemptId")
        if attempt.finished_at is not None:
            raise DomainError(
                ErrorCode.CONFLICT, "This attempt has been submitted already.", "attemptId"
            )
        questions = (await aq.questions_by_course(uow.session, [enrolment.course_id]))[0]
        grading = exams.grade(
            {q.id: q.correct_option for q in questions if q.id is not None}, answers
        )
        attempt.finished_at = utcnow()
        attempt.score_percent = grading.score_percent
        attempt.passed = grading.passed
        attempt.review_shown = True
        await uow.flush()
        attempts = (await aq.attempts_by_enrolment(uow.session, [enrolment.id]))[0]
        certificate = await _issue_certificate(uow, enrolment)
        certificate.highest_score_percent = highest_score(
            [a.score_percent for a in attempts if a.score_percent is not None]
        )
        left = exams.attempts_left(_results(attempts))
        await uow.commit()
    return SubmittedAttempt(attempt, grading, questions, left)


async def verify_certificate(
    ctx: Context, code: str
) -> tuple[Certificate, Enrolment, Course, Person] | None:
    try:
        normal = normalize_verification_code(code)
    except DomainError:
        return None
    # Anyone may check a code (an employer, a register): a lookup across tenants by the code
    # alone, so a system transaction of its own (row-level security, docs/security.md).
    async with ctx.database.transaction() as session:
        return await aq.certificate_by_code(session, normal)


async def set_registration_number(
    ctx: Context, register_code: str, number: str
) -> RegistrationNumber:
    from resolvers.core.accounts import require_login_session

    require_login_session(ctx)
    person_id = ctx.viewer.person_id
    assert person_id is not None
    register = accreditation.register_for(register_code)
    clean = accreditation.normalize_registration_number(register.code, number)
    async with ctx.uow() as uow:
        rows = (await aq.registration_numbers_by_person(uow.session, [person_id]))[0]
        row = next((r for r in rows if r.register_code == register.code), None)
        if row is None:
            row = uow.add(
                RegistrationNumber(person_id=person_id, register_code=register.code, number=clean)
            )
        else:
            row.number, row.entered_at = clean, utcnow()
        await uow.flush()
        await uow.commit()
    return row


async def create_accreditation_report(
    session: AsyncSession, register_code: str, actor: int | None
) -> AccreditationReport:
    """Everything completed and not yet reported to this register goes in; the unique
    (register, enrolment) lines make a second report skip it, so nothing is reported twice
    and nothing completed is missed, however late its number was entered."""
    register = accreditation.register_for(register_code)
    rows = await aq.unreported_completions(session, register.code)
    return await aq.record_accreditation_report(
        session, register.code, actor, [e.id for e, *_ in rows if e.id is not None]
    )


async def start_accreditation_export(
    ctx: Context, register_code: str, fmt: ExportFormat, report_id: int | None = None
) -> ExportJob:
    """A new report now (or the file of an earlier one, e.g. a six-weekly report) as an export."""
    person_id = ctx.viewer.person_id
    assert person_id is not None
    if report_id is None:
        register = accreditation.register_for(register_code, "registerCode")
        if not register.reported_by_academy:
            # Teachers and SKJ-registered users send their certificate themselves (academy seed).
            raise DomainError(
                ErrorCode.CONFLICT,
                "The academy does not report to {register}: learners send their certificate "
                "to this register themselves",
                "registerCode",
                register=register.name,
            )
    async with ctx.uow() as uow:
        if report_id is None:
            report = await create_accreditation_report(uow.session, register_code, person_id)
        else:
            found = await uow.get(AccreditationReport, report_id)
            if found is None:
                raise DomainError(ErrorCode.NOT_FOUND, "No such report.", "reportId")
            report = found
        job = uow.add(
            ExportJob(
                kind="ACCREDITATION",
                format=fmt,
                requested_by=person_id,
                # The file speaks the language of the person who asked for it.
                params=json.dumps({"report_id": report.id, "language": ctx.language}),
            )
        )
        await uow.flush()
        report.export_job_id = job.id
        await jobs_q.schedule(
            uow.session, "export", f"export:{job.id}", utcnow(), {"export_id": job.id}
        )
        await uow.audit(
            "ACCREDITATION_REPORTED",
            detail=f"{report.register_code}: {report.row_count} completions",
        )
        await uow.commit()
    return job


async def send_refresher(
    database: Database, settings: ServiceSettings, enrolment_id: int, moment: str
) -> str:
    """The job: one mail, keyed so a retried job cannot send it twice. Admins never see these."""
    async with database.transaction() as session:
        enrolment = (await aq.enrolments_by_ids(session, [enrolment_id]))[0]
        if enrolment is None:
            return "enrolment gone"
        person = (await iq.persons_by_ids(session, [enrolment.person_id]))[0]
        course = (await aq.courses_by_ids(session, [enrolment.course_id]))[0]
        assert person is not None and course is not None and course.id is not None
        module = next(
            m
            for m in (await aq.refreshers_by_course(session, [course.id]))[0]
            if m.moment.value == moment
        )
        # What the link opens: the learner's own record of the refresher, made once.
        delivery = await aq.record_refresher_delivery(session, enrolment, module)
        mail = render(
            "refresher",
            person.language.value,
            name=person.given_name or person.email,
            course=course.title,
            title=module.title,
            minutes=module.duration_minutes,
            link=refresher_url(settings.public_url, settings.secret_key, pk(delivery), pk(person)),
        )
        await enqueue(
            session,
            mail,
            to=person.email,
            person_id=person.id,
            idempotency_key=f"refresher:{enrolment_id}:{moment}",
        )
    return json.dumps({"sent_to": enrolment.person_id, "moment": moment})


async def reports(ctx: Context, register_code: str | None) -> list[AccreditationReport]:
    return await ctx.db.read(aq.accreditation_reports, register_code)


async def my_refreshers(ctx: Context) -> list[tuple[Any, Any, Course]]:
    """The refreshers sent to the viewer; nobody else's, whoever asks."""
    if ctx.viewer.person_id is None or ctx.viewer.token_scoped:
        return []
    return await ctx.db.read(aq.refreshers_of_person, ctx.viewer.person_id)
