"""The learner's side of the academy: lessons, exams, certificates, registration numbers,
refreshers; and the accreditation reports to the professional registers."""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass
from datetime import datetime, time
from typing import Any
from zoneinfo import ZoneInfo

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
from domain.core.errors import DomainError, ErrorCode
from persistence.academy import queries as aq
from persistence.academy.models import (
    AccreditationReport,
    AccreditationReportLine,
    Certificate,
    Course,
    Enrolment,
    ExamAttempt,
    LessonCompletion,
    RegistrationNumber,
)
from persistence.background import jobs as jobs_q
from persistence.core import people as iq
from persistence.core.models import Person
from persistence.types import utcnow
from resolvers.background.mail import enqueue, render
from resolvers.context import Context

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
REFRESHER_SEND_AT = time(9, 0)


async def _own_enrolment(session: Any, ctx: Context, enrolment_id: int) -> Enrolment:
    enrolment = await session.get(Enrolment, enrolment_id)
    if enrolment is None or enrolment.person_id != ctx.viewer.person_id or ctx.viewer.token_scoped:
        raise DomainError(ErrorCode.NOT_FOUND, "No such course of yours.", "enrolmentId")
    return enrolment


async def schedule_refreshers(session: Any, enrolment: Enrolment) -> None:
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


async def _issue_certificate(session: Any, enrolment: Enrolment) -> Certificate:
    existing = (await aq.certificate_by_enrolment(session, [enrolment.id]))[0]  # type: ignore[list-item]
    if existing:
        return existing
    return await iq.add(
        session,
        Certificate(
            enrolment_id=enrolment.id, verification_code=verification_code(secrets.token_bytes(8))
        ),
    )  # type: ignore[arg-type]


async def complete_lesson(ctx: Context, enrolment_id: int, lesson_id: int) -> Enrolment:
    now = utcnow()
    async with ctx.db.write() as session:
        enrolment = await _own_enrolment(session, ctx, enrolment_id)
        lessons = (await aq.lessons_by_course(session, [enrolment.course_id]))[0]
        if lesson_id not in {lesson.id for lesson in lessons}:
            raise DomainError(
                ErrorCode.NOT_FOUND, "This lesson is not part of the course", "lessonId"
            )
        done = {
            c.lesson_id for c in (await aq.completions_by_enrolment(session, [enrolment.id]))[0]
        }  # type: ignore[list-item]
        if lesson_id not in done:
            session.add(
                LessonCompletion(enrolment_id=enrolment.id, lesson_id=lesson_id, completed_at=now)
            )  # type: ignore[arg-type]
            done.add(lesson_id)
        was = enrolment.status
        enrolment.status = course_status(len(done), len(lessons))
        enrolment.progress_percent = progress_percent(len(done), len(lessons))
        enrolment.started_at = enrolment.started_at or now
        if enrolment.status is CourseStatus.COMPLETED and was is not CourseStatus.COMPLETED:
            enrolment.completed_at = now
            await session.flush()
            await _issue_certificate(session, enrolment)
            await schedule_refreshers(session, enrolment)
    ctx.loaders.clear()
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
    async with ctx.db.write() as session:
        enrolment = await _own_enrolment(session, ctx, enrolment_id)
        questions = (await aq.questions_by_course(session, [enrolment.course_id]))[0]
        if not questions:
            raise DomainError(ErrorCode.CONFLICT, "This course has no exam.", "enrolmentId")
        attempts = (await aq.attempts_by_enrolment(session, [enrolment.id]))[0]  # type: ignore[list-item]
        exams.check_may_start(enrolment.status is CourseStatus.COMPLETED, _results(attempts))
        attempt = await iq.add(
            session, ExamAttempt(enrolment_id=enrolment.id, number=len(attempts) + 1)
        )  # type: ignore[arg-type]
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
    async with ctx.db.write() as session:
        attempt = await session.get(ExamAttempt, attempt_id)
        enrolment = await session.get(Enrolment, attempt.enrolment_id) if attempt else None
        if (
            attempt is None
            or enrolment is None
            or enrolment.person_id != ctx.viewer.person_id
            or ctx.viewer.token_scoped
        ):
            raise DomainError(ErrorCode.NOT_FOUND, "No such exam attempt of yours.", "attemptId")
        if attempt.finished_at is not None:
            raise DomainError(
                ErrorCode.CONFLICT, "This attempt has been submitted already.", "attemptId"
            )
        questions = (await aq.questions_by_course(session, [enrolment.course_id]))[0]
        grading = exams.grade({q.id: q.correct_option for q in questions}, answers)  # type: ignore[misc]
        attempt.finished_at = utcnow()
        attempt.score_percent = grading.score_percent
        attempt.passed = grading.passed
        attempt.review_shown = True
        attempts = (await aq.attempts_by_enrolment(session, [enrolment.id]))[0]  # type: ignore[list-item]
        certificate = await _issue_certificate(session, enrolment)
        certificate.highest_score_percent = highest_score(
            [a.score_percent for a in attempts if a.score_percent is not None]
        )
        left = exams.attempts_left(_results(attempts))
    ctx.loaders.clear()
    return SubmittedAttempt(attempt, grading, questions, left)


async def verify_certificate(
    ctx: Context, code: str
) -> tuple[Certificate, Enrolment, Course, Person] | None:
    try:
        normal = normalize_verification_code(code)
    except DomainError:
        return None
    return await ctx.db.read(aq.certificate_by_code, normal)


async def set_registration_number(
    ctx: Context, register_code: str, number: str
) -> RegistrationNumber:
    from resolvers.core.accounts import require_login_session

    require_login_session(ctx)
    register = accreditation.register_for(register_code)
    clean = accreditation.normalize_registration_number(register.code, number)
    async with ctx.db.write() as session:
        rows = (await aq.registration_numbers_by_person(session, [ctx.viewer.person_id]))[0]  # type: ignore[list-item]
        row = next((r for r in rows if r.register_code == register.code), None)
        if row is None:
            row = await iq.add(
                session,
                RegistrationNumber(
                    person_id=ctx.viewer.person_id, register_code=register.code, number=clean
                ),
            )  # type: ignore[arg-type]
        else:
            row.number, row.entered_at = clean, utcnow()
    ctx.loaders.clear()
    return row


async def create_accreditation_report(
    session: Any, register_code: str, actor: int | None
) -> AccreditationReport:
    """Everything completed and not yet reported to this register goes in; the unique
    (register, enrolment) lines make a second report skip it, so nothing is reported twice
    and nothing completed is missed, however late its number was entered."""
    register = accreditation.register_for(register_code)
    rows = await aq.unreported_completions(session, register.code)
    report = await iq.add(
        session,
        AccreditationReport(register_code=register.code, created_by=actor, row_count=len(rows)),
    )
    session.add_all(
        [
            AccreditationReportLine(
                report_id=report.id, register_code=register.code, enrolment_id=e.id
            )
            for e, *_ in rows
        ]
    )
    await session.flush()
    return report


async def start_accreditation_export(
    ctx: Context, register_code: str, fmt: Any, report_id: int | None = None
) -> Any:
    """A new report now (or the file of an earlier one, e.g. a six-weekly report) as an export."""
    from persistence.background.models import ExportJob

    async with ctx.db.write() as session:
        if report_id is None:
            report = await create_accreditation_report(session, register_code, ctx.viewer.person_id)
        else:
            report = await session.get(AccreditationReport, report_id)
            if report is None:
                raise DomainError(ErrorCode.NOT_FOUND, "No such report.", "reportId")
        job = await iq.add(
            session,
            ExportJob(
                kind="ACCREDITATION",
                format=fmt,
                requested_by=ctx.viewer.person_id,
                params=json.dumps({"report_id": report.id}),
            ),
        )
        report.export_job_id = job.id
        await jobs_q.schedule(
            session, "export", f"export:{job.id}", utcnow(), {"export_id": job.id}
        )
        await iq.audit(
            session,
            "ACCREDITATION_REPORTED",
            actor=ctx.viewer.person_id,
            address=ctx.client_address,
            detail=f"{report.register_code}: {report.row_count} completions",
        )
    return job


async def send_refresher(database: Any, settings: Any, enrolment_id: int, moment: str) -> str:
    """The job: one mail, keyed so a retried job cannot send it twice. Admins never see these."""
    async with database.transaction() as session:
        enrolment = await session.get(Enrolment, enrolment_id)
        if enrolment is None:
            return "enrolment gone"
        person = await session.get(Person, enrolment.person_id)
        course = await session.get(Course, enrolment.course_id)
        module = next(
            m
            for m in (await aq.refreshers_by_course(session, [course.id]))[0]
            if m.moment.value == moment
        )  # type: ignore[union-attr]
        mail = render(
            "refresher",
            person.language.value,
            name=person.given_name or person.email,  # type: ignore[union-attr]
            course=course.title,
            title=module.title,
            minutes=module.duration_minutes,  # type: ignore[union-attr]
            link=f"{settings.public_url}/refreshers/{module.id}",
        )
        await enqueue(
            session,
            mail,
            to=person.email,
            person_id=person.id,  # type: ignore[union-attr]
            idempotency_key=f"refresher:{enrolment_id}:{moment}",
        )
    return json.dumps({"sent_to": enrolment.person_id, "moment": moment})


async def reports(info: Any, register_code: str | None) -> list[AccreditationReport]:
    return await info.context.db.read(aq.accreditation_reports, register_code)
