"""Learner mutations: lessons and exam attempts."""

from __future__ import annotations

from typing import Annotated

import strawberry

from domain.academy.exams import PASS_MARK_PERCENT, correct_answers_needed
from domain.core.ids import decode_expected
from domain.core.roles import Relation
from resolvers.academy import learning
from resolvers.core.loader_group import referenced
from schema.academy.inputs import ExamAnswerInput
from schema.academy.payloads import EnrolmentPayload, StartExamPayload, SubmitExamPayload
from schema.academy.types import (
    EnrolmentNode,
    ExamAttemptNode,
    QuestionReview,
    question_of,
)
from schema.core.info import Info
from schema.core.payloads import arg, attempt
from schema.core.permissions import requires


@strawberry.type
class AcademyLearningMutations:
    @requires(
        (),
        [Relation.SELF],
        on="enrolmentId",
        description="Mark a lesson of your course completed; completing it again changes nothing.",
    )
    async def complete_lesson(
        self,
        info: Info,
        enrolment_id: Annotated[strawberry.ID, arg("Your course (Enrolment ID).")],
        lesson_id: Annotated[strawberry.ID, arg("The lesson.")],
    ) -> EnrolmentPayload:
        async def work() -> EnrolmentPayload:
            row = await learning.complete_lesson(
                info.context,
                decode_expected(enrolment_id, "Enrolment", "enrolmentId"),
                decode_expected(lesson_id, "Lesson", "lessonId"),
            )
            return EnrolmentPayload(enrolment=await EnrolmentNode.build(info.context, row))

        return await attempt(EnrolmentPayload, work)

    @requires(
        (),
        [Relation.SELF],
        on="enrolmentId",
        description="Start an exam attempt: only after the course is completed; 3 attempts at most, none after a pass.",
    )
    async def start_exam_attempt(
        self,
        info: Info,
        enrolment_id: Annotated[strawberry.ID, arg("Your course (Enrolment ID).")],
    ) -> StartExamPayload:
        async def work() -> StartExamPayload:
            started = await learning.start_attempt(
                info.context, decode_expected(enrolment_id, "Enrolment", "enrolmentId")
            )
            enrolment = await EnrolmentNode.build(
                info.context,
                await referenced(
                    info.context.loaders.academy.enrolment_by_id, started.attempt.enrolment_id
                ),
            )
            return StartExamPayload(
                attempt=ExamAttemptNode.of(started.attempt, enrolment.scope),
                questions=[question_of(q) for q in started.questions],
                pass_mark_percent=PASS_MARK_PERCENT,
                correct_answers_needed=correct_answers_needed(len(started.questions)),
            )

        return await attempt(StartExamPayload, work)

    @requires(
        (),
        [Relation.SELF],
        on="attemptId",
        description="Hand in your answers. Returns the score and, this once, the questions with the correct answers. Your answers are not stored.",
    )
    async def submit_exam_attempt(
        self,
        info: Info,
        attempt_id: Annotated[strawberry.ID, arg("The attempt.")],
        answers: Annotated[
            list[ExamAnswerInput], arg("Your answers; unanswered questions count as wrong.")
        ],
    ) -> SubmitExamPayload:
        async def work() -> SubmitExamPayload:
            given = {
                decode_expected(a.question_id, "ExamQuestion", "answers"): a.option_index
                for a in answers
            }
            done = await learning.submit_attempt(
                info.context, decode_expected(attempt_id, "ExamAttempt", "attemptId"), given
            )
            questions = {q.id: q for q in done.questions}
            review = [
                QuestionReview(
                    question=question_of(questions[r.question_id]),
                    chosen_option=r.chosen_option_id,
                    correct_option=r.correct_option_id,
                    correct=r.correct,
                )
                for r in done.grading.review
            ]
            enrolment = await EnrolmentNode.build(
                info.context,
                await referenced(
                    info.context.loaders.academy.enrolment_by_id, done.attempt.enrolment_id
                ),
            )
            return SubmitExamPayload(
                attempt=ExamAttemptNode.of(done.attempt, enrolment.scope),
                score_percent=done.grading.score_percent,
                passed=done.grading.passed,
                attempts_left=done.attempts_left,
                review=review,
            )

        return await attempt(SubmitExamPayload, work)
