"""Demo data of the academy: a catalogue, a membership, seats, and learners at every stage."""

from __future__ import annotations

import json
import secrets
from datetime import timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from domain.academy.enrolments import CourseStatus, verification_code
from domain.academy.refreshers import RefresherMoment
from domain.core.roles import Role
from persistence.academy import queries as aq
from persistence.academy.models import (
    Certificate,
    ClusterSeats,
    Course,
    CourseAccreditation,
    Enrolment,
    ExamAttempt,
    ExamQuestion,
    Label,
    LabelAssignment,
    Learner,
    Lesson,
    LessonCompletion,
    Membership,
    MembershipCourse,
    RefresherModule,
    RegistrationNumber,
    pk,
)
from persistence.core import people as iq
from persistence.core.models import Person
from persistence.types import utcnow

COURSES = [
    (
        "Meldcode huiselijk geweld en kindermishandeling",
        "De vijf stappen van de meldcode in de praktijk.",
        [
            "Signalen herkennen",
            "Collegiale consultatie",
            "Gesprek met betrokkenen",
            "Wegen",
            "Beslissen",
        ],
        True,
        "VVN",
    ),
    (
        "Medicatieveiligheid",
        "Veilig omgaan met medicatie in zorg en welzijn.",
        ["Voorschrijven", "Toedienen", "Fouten melden"],
        True,
        "BIG",
    ),
    (
        "Privacy en de AVG",
        "Wat de AVG van zorgprofessionals vraagt.",
        ["Grondslagen", "Rechten van cliënten"],
        False,
        None,
    ),
]
QUESTIONS = [
    ("Wat is stap 1 van de meldcode?", ["Beslissen", "Signalen in kaart brengen", "Melden"], 1),
    ("Wie raadpleeg je in stap 2?", ["Een collega", "De politie", "Niemand"], 0),
    ("Mag je zonder toestemming informatie delen met Veilig Thuis?", ["Ja", "Nee"], 0),
]


async def load_academy_demo(
    session: AsyncSession, units: dict[str, Any], people: dict[str, Person]
) -> None:
    now = utcnow()
    add = session.add
    courses = []
    for title, description, lessons, exam, register in COURSES:
        course = await iq.add(
            session,
            Course(title=title, description=description, estimated_minutes=20 * len(lessons)),
        )
        courses.append(course)
        for i, lesson in enumerate(lessons, start=1):
            add(
                Lesson(
                    course_id=course.id,
                    position=i,
                    module_title="Module 1" if i <= 2 else "Module 2",
                    title=lesson,
                )
            )
        if exam:
            for i, (text, options, correct) in enumerate(QUESTIONS, start=1):
                add(
                    ExamQuestion(
                        course_id=course.id,
                        position=i,
                        text=text,
                        options_json=json.dumps(options),
                        correct_option=correct,
                    )
                )
        if register:
            add(CourseAccreditation(course_id=course.id, register_code=register, points=4))
        add(
            RefresherModule(
                course_id=course.id,
                moment=RefresherMoment.THREE_MONTHS,
                title=f"Opfrisser: {title}",
                duration_minutes=10,
            )
        )
        add(
            RefresherModule(
                course_id=course.id,
                moment=RefresherMoment.SIX_MONTHS,
                title=f"Tweede opfrisser: {title}",
                duration_minutes=15,
            )
        )
    academy, noord, zuid = units["academy"], units["noord"], units["zuid"]
    add(Membership(academy_id=academy.id, total_seats=50))
    for course in courses:
        add(MembershipCourse(academy_id=academy.id, course_id=course.id))
    add(ClusterSeats(cluster_id=noord.id, seat_limit=25))
    add(ClusterSeats(cluster_id=zuid.id, seat_limit=15))
    await session.flush()

    extra = [
        ("daan.smit@example.org", "Daan", "Smit", noord),
        ("eva.devries@example.org", "Eva", "de Vries", noord),
        ("finn.mulder@example.org", "Finn", "Mulder", zuid),
    ]
    for email, given, family, cluster in extra:
        prefix, _, last = family.rpartition(" ")
        people[email] = await iq.add(
            session,
            Person(
                email=email,
                given_name=given,
                name_prefix=prefix,
                family_name=last,
                password_hash=people["lotte.jansen@example.org"].password_hash,
                profile_completed=True,
            ),
        )
        await iq.assign_role(session, pk(people[email]), Role.LEARNER, cluster.id)
    cluster_of = {
        "lotte.jansen@example.org": noord,
        "sanne.visser@example.org": noord,
        "ahmed.elamrani@example.org": zuid,
        "daan.smit@example.org": noord,
        "eva.devries@example.org": noord,
        "finn.mulder@example.org": zuid,
    }
    for i, (email, cluster) in enumerate(cluster_of.items()):
        add(
            Learner(
                person_id=pk(people[email]),
                cluster_id=cluster.id,
                added_at=now - timedelta(days=40 - 5 * i),
            )
        )
    meldcode = courses[0]
    await session.flush()
    course_lessons = dict(
        zip(
            [pk(c) for c in courses],
            await aq.lessons_by_course(session, [pk(c) for c in courses]),
            strict=True,
        )
    )

    async def enrol(
        email: str, course: Course, done: int, scores: list[int], days_ago: int = 10
    ) -> Enrolment:
        person, cluster = people[email], cluster_of[email]
        total = len(course_lessons[pk(course)])
        status = (
            CourseStatus.NOT_STARTED
            if done == 0
            else CourseStatus.COMPLETED
            if done == total
            else CourseStatus.IN_PROGRESS
        )
        enrolment = await iq.add(
            session,
            Enrolment(
                person_id=pk(person),
                course_id=pk(course),
                cluster_id=cluster.id,
                status=status,
                progress_percent=done * 100 // total,
                assigned_at=now - timedelta(days=days_ago + 5),
                started_at=now - timedelta(days=days_ago) if done else None,
                completed_at=now - timedelta(days=days_ago - 2)
                if status is CourseStatus.COMPLETED
                else None,
            ),
        )
        for lesson in course_lessons[pk(course)][:done]:
            add(
                LessonCompletion(
                    enrolment_id=enrolment.id,
                    lesson_id=pk(lesson),
                    completed_at=now - timedelta(days=days_ago),
                )
            )
        for n, score in enumerate(scores, start=1):
            add(
                ExamAttempt(
                    enrolment_id=enrolment.id,
                    number=n,
                    started_at=now - timedelta(days=days_ago - 3),
                    finished_at=now - timedelta(days=days_ago - 3),
                    score_percent=score,
                    passed=score >= 70,
                    review_shown=True,
                )
            )
        if status is CourseStatus.COMPLETED:
            add(
                Certificate(
                    enrolment_id=enrolment.id,
                    verification_code=verification_code(secrets.token_bytes(8)),
                    issued_at=now - timedelta(days=days_ago - 2),
                    highest_score_percent=max(scores) if scores else None,
                )
            )
        return enrolment

    await enrol("lotte.jansen@example.org", meldcode, 5, [85])  # completed, passed first time
    await enrol("lotte.jansen@example.org", courses[2], 1, [])  # in progress
    await enrol("sanne.visser@example.org", meldcode, 5, [60])  # completed, failed once
    await enrol("daan.smit@example.org", meldcode, 5, [55, 75])  # passed on the resit
    await enrol("eva.devries@example.org", meldcode, 0, [])  # not started
    await enrol("ahmed.elamrani@example.org", courses[1], 2, [])  # in progress
    add(
        RegistrationNumber(
            person_id=pk(people["lotte.jansen@example.org"]), register_code="VVN", number="1234567"
        )
    )
    label = await iq.add(session, Label(owner_unit_id=noord.id, name="Avonddienst", colour="BLUE"))
    await iq.add(session, Label(owner_unit_id=academy.id, name="Teamleider", colour="GREEN"))
    add(LabelAssignment(label_id=label.id, person_id=pk(people["lotte.jansen@example.org"])))
    add(LabelAssignment(label_id=label.id, person_id=pk(people["daan.smit@example.org"])))
    await session.flush()
