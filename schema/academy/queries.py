"""Academy root queries: learners, catalogue, previews, reports, seats and labels."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from typing import Annotated, Any

import strawberry

from domain.academy import accreditation
from domain.core.ids import decode_expected
from domain.core.roles import Relation, Scope
from domain.core.roles import Role as R
from persistence.academy.models import pk
from resolvers.academy import learning
from resolvers.academy import queries as reads
from resolvers.academy.activation import first_invitation, plan_reinvite
from resolvers.academy.assignment import preview_assignment
from resolvers.academy.labels import label_usage
from resolvers.academy.prefetch import prefetch_learners
from resolvers.academy.selection import selected_person_ids
from resolvers.background import messages
from resolvers.core.i18n import N_, translate
from resolvers.core.pagination import Page
from schema.academy.inputs import (
    LEARNERS,
    CourseMailInput,
    LearnerFilterInput,
    LearnerSort,
    UserSelectionInput,
    _mail,
    to_filter,
    to_selection,
)
from schema.academy.payloads import (
    AccreditationReportInfo,
    CourseAssignmentPreview,
    InvitationPreview,
    LabelDeletionPreview,
    UserMailPreview,
    _counts,
    _learners,
    already_has,
)
from schema.academy.types import (
    ADMINS,
    AcademyReportRow,
    CertificateVerification,
    CourseNode,
    EnrolmentNode,
    LabelNode,
    LearnerNode,
    Refresher,
    Register,
    RegistrationNumber,
    SeatUsage,
)
from schema.core.info import Info
from schema.core.pagination import AFTER, BEFORE, FIRST, LAST, page_request, to_connection
from schema.core.payloads import arg, attempt
from schema.core.permissions import public, requires
from schema.core.relay import Connection
from schema.core.selection import selected_names


@strawberry.type
class AcademyQueries:
    @requires(
        ADMINS,
        description="The users of the clusters you manage, filtered, searched and sorted; "
        "each with courses, progress and labels. Filters have visible defaults.",
    )
    async def learners(
        self,
        info: Info,
        filter: Annotated[
            LearnerFilterInput | None, arg("Filters; null for the defaults (active users only).")
        ] = None,
        sort: Annotated[LearnerSort, arg("Order.")] = LearnerSort.NAME,
        descending: Annotated[bool, arg("Reverse the order.")] = False,
        first: Annotated[int | None, FIRST] = None,
        after: Annotated[str | None, AFTER] = None,
        last: Annotated[int | None, LAST] = None,
        before: Annotated[str | None, BEFORE] = None,
    ) -> Connection[LearnerNode]:
        wanted = selected_names(info)
        page: Page[Any] = await reads.learners(
            info.context,
            to_filter(filter),
            sort.name,
            descending,
            page_request(first, after, last, before),
            with_total="totalCount" in wanted,
            with_person="person" in wanted,
        )
        ctx = info.context
        # One batch per relation the page shows, so the learners' fields resolve without await.
        await prefetch_learners(ctx, page.items, wanted)
        nodes = [LearnerNode.ready(ctx, r) or await LearnerNode.build(ctx, r) for r in page.items]
        return to_connection(replace(page, items=nodes), lambda n: n)

    @requires(
        (*ADMINS, R.LEARNER),
        description="Courses you can assign (admins) or follow (learners); the whole catalogue for platform admins.",
    )
    async def courses(self, info: Info) -> list[CourseNode]:
        return [CourseNode.from_row(c) for c in await reads.catalogue(info.context)]

    @requires(
        ADMINS,
        description="Preview of `assignCourses`: how many users get which course, who has it already, and the mail as sent.",
    )
    async def preview_course_assignment(
        self,
        info: Info,
        selection: Annotated[UserSelectionInput, arg("The users.")],
        course_ids: Annotated[list[strawberry.ID], arg("The courses.")],
        mail: Annotated[CourseMailInput, arg("The invitation mail.")],
    ) -> CourseAssignmentPreview:
        async def work() -> CourseAssignmentPreview:
            ids = [decode_expected(i, "Course", "courseIds") for i in course_ids]
            plan, rendered = await preview_assignment(
                info.context, to_selection(selection), ids, _mail(mail)
            )
            return CourseAssignmentPreview(
                user_count=len(plan.learners),
                courses=_counts(plan),
                already_has=await already_has(info, plan),
                mail_subject=rendered.subject if rendered else None,
                mail_text=rendered.text if rendered else None,
                mail_html=rendered.html if rendered else None,
            )

        return await attempt(CourseAssignmentPreview, work)

    @requires(
        ADMINS,
        description="Preview of `sendUserMail`: how many users get it, and the mail as sent to the first.",
    )
    async def preview_user_mail(
        self,
        info: Info,
        selection: Annotated[UserSelectionInput, arg("The users.")],
        subject: Annotated[str, arg("Subject line.")],
        body: Annotated[str, arg("The message.")],
        sender_name: Annotated[str, arg("Sender name.")],
    ) -> UserMailPreview:
        async def work() -> UserMailPreview:
            ids = await selected_person_ids(info.context, to_selection(selection))
            planned = await messages.plan(info.context, ids, subject, body, sender_name)
            first = messages.first_mail(planned)
            return UserMailPreview(
                recipient_count=len(planned.recipients),
                subject=first.subject if first else None,
                text_body=first.text if first else None,
                html_body=first.html if first else None,
            )

        return await attempt(UserMailPreview, work)

    @requires(
        ADMINS,
        description="Preview of `resendInvitations`: how many selected users never activated and "
        "get a new link, who is skipped, and the mail as sent.",
    )
    async def preview_invitations(
        self, info: Info, selection: Annotated[UserSelectionInput, arg("The users.")]
    ) -> InvitationPreview:
        async def work() -> InvitationPreview:
            ctx = info.context
            plan = await plan_reinvite(ctx.db, ctx, to_selection(selection))
            first = first_invitation(ctx, plan)
            return InvitationPreview(
                recipient_count=len(plan.recipients),
                already_activated=await _learners(info, [lr for lr, _ in plan.activated]),
                subject=first.subject if first else None,
                text_body=first.text if first else None,
                html_body=first.html if first else None,
            )

        return await attempt(InvitationPreview, work)

    @requires(
        ADMINS,
        on="labelId",
        description="Preview of `deleteLabel`: how many users would lose the label.",
    )
    async def preview_label_deletion(
        self, info: Info, label_id: Annotated[strawberry.ID, arg("The label.")]
    ) -> LabelDeletionPreview:
        async def work() -> LabelDeletionPreview:
            label, users = await label_usage(
                info.context, decode_expected(label_id, "Label", "labelId")
            )
            return LabelDeletionPreview(
                label=await LabelNode.build(info.context, label), users_losing_it=users
            )

        return await attempt(LabelDeletionPreview, work)

    @requires(LEARNERS, description="Your courses with progress, exams and certificates.")
    async def my_enrolments(self, info: Info) -> list[EnrolmentNode]:
        return await EnrolmentNode.many(info, await reads.my_enrolments(info.context))

    @requires(
        LEARNERS,
        description="Refresher modules sent to you, newest first, each with your link to open "
        "it. Only ever your own; admins cannot see refreshers.",
    )
    async def my_refreshers(self, info: Info) -> list[Refresher]:
        return [
            Refresher(delivery=d, module=m, course_row=c, scope=Scope(person_id=d.person_id))
            for d, m, c in await learning.my_refreshers(info.context)
        ]

    @requires(LEARNERS, description="Your registration numbers with professional registers.")
    async def my_registration_numbers(self, info: Info) -> list[RegistrationNumber]:
        rows = await reads.my_registration_numbers(info.context)
        return [RegistrationNumber(row=r, scope=Scope(person_id=r.person_id)) for r in rows]

    @public(description="Professional registers and the format of their numbers.")
    def registers(self) -> list[Register]:
        return [
            Register(
                code=r.code,
                name=r.name,
                format_hint=r.format_hint,
                reported_by_academy=r.reported_by_academy,
                learner_sends_certificate=not r.reported_by_academy,
                reporting=translate(
                    N_("The academy reports your attendance to this register every six weeks.")
                    if r.reported_by_academy
                    else N_(
                        "The academy does not report to this register: send your certificate "
                        "to it yourself."
                    )
                ),
            )
            for r in accreditation.REGISTERS.values()
        ]

    @public(description="Check a certificate by its verification code; anyone may ask.")
    async def verify_certificate(
        self,
        info: Info,
        code: Annotated[str, arg("The code on the certificate, e.g. 7K3M-9QX2-D4HT.")],
    ) -> CertificateVerification:
        found = await learning.verify_certificate(info.context, code)
        if found is None:
            return CertificateVerification(valid=False)
        certificate, _enrolment, course, person = found
        return CertificateVerification(
            valid=True,
            learner_name=person.display_name,
            course_title=course.title,
            issued_on=certificate.issued_at.date(),
            highest_score_percent=certificate.highest_score_percent,
        )

    @requires(
        ADMINS,
        description="Per cluster and course you manage: learners by status and the average best score. Computed in SQL, scoped like the rows.",
    )
    async def academy_report(self, info: Info) -> list[AcademyReportRow]:
        return [
            AcademyReportRow(
                cluster_row=cluster,
                course_row=course,
                not_started=r[2],
                in_progress=r[3],
                completed=r[4],
                average_best_score_percent=round(float(r[5]), 1) if r[5] is not None else None,
            )
            for r, cluster, course in await reads.report(info.context)
        ]

    @requires(
        [R.PLATFORM_ADMIN],
        description="Reports to the professional registers, newest first (at most 100). "
        "The worker makes one per register every six weeks.",
    )
    async def accreditation_reports(
        self,
        info: Info,
        register_code: Annotated[str | None, arg("Only this register; null for all.")] = None,
    ) -> list[AccreditationReportInfo]:
        from domain.core.ids import encode_global_id

        return [
            AccreditationReportInfo(
                id=strawberry.ID(encode_global_id("AccreditationReport", pk(r))),
                register_code=r.register_code,
                created_at=r.created_at,
                completions=r.row_count,
                automatic=r.created_by is None,
            )
            for r in await learning.reports(info.context, register_code)
        ]

    @requires(
        ADMINS,
        [Relation.MEMBER],
        on="academyId",
        description="Seats of the clusters you manage under an academy organisation "
        "(an organisation admin: all of them; a cluster admin: their own).",
    )
    async def seat_usage(
        self,
        info: Info,
        academy_id: Annotated[strawberry.ID, arg("The academy organisation.")],
    ) -> list[SeatUsage]:
        usage = await reads.seat_usage(
            info.context, decode_expected(academy_id, "OrgUnit", "academyId")
        )
        return [
            SeatUsage(cluster_row=c, seat_limit=limit, seats_used=used) for c, limit, used in usage
        ]

    @requires(ADMINS, description="Labels of the academies and clusters you manage.")
    async def labels(self, info: Info) -> list[LabelNode]:
        return list(
            await asyncio.gather(
                *(LabelNode.build(info.context, r) for r in await reads.labels(info.context))
            )
        )
