"""Demo data of the school parent portal, relative to the day the demo is loaded.

Lindenhove College with two locations; the Bos family: Tim (15, class 3A) and Eva (18+, class
4H, has not consented), and their separated parents Sandra Bos and Peter Bos, each with their
own account. A timetable for last, this and next week; grades with sub-tests, several attempts
and an exam result the exam board has not finalised; absences in every state.
"""

from __future__ import annotations

from datetime import date, time, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from domain.core.hashing import hash_password
from domain.core.roles import Role
from domain.school.attendance import week_start
from domain.school.grades import AssessmentKind, school_year_of
from domain.school.timetable import LessonTime
from persistence.core import people as identity_q
from persistence.core.models import Person
from persistence.school.models import (
    ClassMentor,
    GuardianLink,
    LocationDetails,
    Pupil,
    PupilEnrolment,
    SchoolAbsence,
    SchoolAssessment,
    SchoolGrade,
    SchoolLesson,
    SchoolSubject,
    pk,
)
from persistence.types import utcnow
from resolvers.school.access import today

# Lesson hours ("lesuren") of the demo school, Amsterdam wall clock.
HOURS = {
    1: (time(8, 30), time(9, 20)),
    2: (time(9, 20), time(10, 10)),
    3: (time(10, 30), time(11, 20)),
    4: (time(11, 20), time(12, 10)),
    5: (time(12, 40), time(13, 30)),
}
# Per weekday (0 = Monday) the subject codes of hours 1-5.
TIMETABLE = {
    0: ["NE", "WI", "EN", "BI", "DU"],
    1: ["WI", "EN", "NE", "DU", "BI"],
    2: ["EN", "NE", "WI", "BI"],
    3: ["BI", "DU", "NE", "WI", "EN"],
    4: ["NE", "EN", "WI"],
}
SUBJECTS = [
    ("NE", "Nederlands"),
    ("EN", "Engels"),
    ("WI", "Wiskunde"),
    ("BI", "Biologie"),
    ("DU", "Duits"),
]


def _years_ago(day: date, years: int, days: int = 0) -> date:
    try:
        born = day.replace(year=day.year - years)
    except ValueError:  # 29 February
        born = date(day.year - years, 2, 28)
    return born - timedelta(days=days)


async def _person(
    session: AsyncSession,
    people: dict[str, Any],
    email: str,
    given: str,
    prefix: str,
    family: str,
    password_hash: str,
) -> Person:
    if email not in people:
        people[email] = await identity_q.add(
            session,
            Person(
                email=email,
                given_name=given,
                name_prefix=prefix,
                family_name=family,
                password_hash=password_hash,
                profile_completed=True,
            ),
        )
    return people[email]  # type: ignore[no-any-return]


async def load_school_demo(
    session: AsyncSession, units: dict[str, Any], people: dict[str, Any]
) -> None:
    # Imported here: portaal.demo imports this module at its top.
    from portaal.demo import DEMO_PASSWORD

    password_hash = hash_password(DEMO_PASSWORD)
    on = today()
    year = school_year_of(on).start_year
    school = units["school"]
    add = identity_q.add

    # Locations ("vestigingen") with address and general phone number.
    await add(
        session,
        LocationDetails(
            org_unit_id=units["centrum"].id,
            street="Lindenlaan 12",
            postcode="3511 AB",
            city="Utrecht",
            phone="030 123 45 67",
        ),
    )
    await add(
        session,
        LocationDetails(
            org_unit_id=units["noordloc"].id,
            street="Noorderweg 3",
            postcode="3555 CD",
            city="Utrecht",
            phone="030 765 43 21",
        ),
    )

    # Staff: Rik Mulder (Centrum) mentors 3A; Joke Dekker teaches at Noord and mentors 4H.
    mulder = people["r.mulder@lindenhove.example"]
    dekker = await _person(
        session, people, "j.dekker@lindenhove.example", "Joke", "", "Dekker", password_hash
    )
    await identity_q.assign_role(session, pk(dekker), Role.TEACHER, units["noordloc"].id)
    await add(session, ClassMentor(class_unit_id=units["3a"].id, teacher_person_id=mulder.id))
    await add(session, ClassMentor(class_unit_id=units["4h"].id, teacher_person_id=pk(dekker)))
    # Sven de Wit (Centrum) mentors 3B and teaches 3A its German lessons: he sees 3A's pupils
    # as their teacher, though not their mentor; Joke Dekker (Noord) sees none of them.
    dewit = await _person(
        session, people, "s.dewit@lindenhove.example", "Sven", "de", "Wit", password_hash
    )
    await identity_q.assign_role(session, pk(dewit), Role.TEACHER, units["centrum"].id)
    await add(session, ClassMentor(class_unit_id=units["3b"].id, teacher_person_id=pk(dewit)))

    # Subjects of last and this school year.
    subjects: dict[tuple[int, str], SchoolSubject] = {}
    for y in (year - 1, year):
        for code, name in SUBJECTS:
            subjects[(y, code)] = await add(
                session,
                SchoolSubject(school_unit_id=school.id, school_year=y, code=code, name=name),
            )

    # Pupils: Tim exists already (PUPIL on 3A); Eva is 18 and some weeks; Noor is Tim's classmate.
    tim_person = people["tim.bos@leerling.lindenhove.example"]
    eva_person = await _person(
        session, people, "eva.bos@leerling.lindenhove.example", "Eva", "", "Bos", password_hash
    )
    await identity_q.assign_role(session, pk(eva_person), Role.PUPIL, units["4h"].id)
    noor_person = await _person(
        session,
        people,
        "noor.dejong@leerling.lindenhove.example",
        "Noor",
        "de",
        "Jong",
        password_hash,
    )
    await identity_q.assign_role(session, pk(noor_person), Role.PUPIL, units["3a"].id)

    def pupil(person: Person, cls: str, number: str, born: date, programme: str) -> Pupil:
        return Pupil(
            person_id=pk(person),
            school_unit_id=school.id,
            class_unit_id=units[cls].id,
            student_number=number,
            date_of_birth=born,
            phone="06 12345678",
            street="Kastanjelaan 7",
            postcode="3521 XY",
            city="Utrecht",
            programme=programme,
        )

    tim = await add(session, pupil(tim_person, "3a", "240117", _years_ago(on, 15, 100), "havo"))
    eva = await add(
        session,
        pupil(eva_person, "4h", "210342", _years_ago(on, 18, 40), "vmbo-kader Zorg en Welzijn"),
    )
    noor = await add(session, pupil(noor_person, "3a", "240118", _years_ago(on, 14, 20), "havo"))
    for p, previous_class in ((tim, "3b"), (eva, "4h"), (noor, "3b")):
        await add(
            session,
            PupilEnrolment(
                pupil_id=p.id,
                school_year=year - 1,
                class_unit_id=units[previous_class].id,
                programme=p.programme,
            ),
        )
        await add(
            session,
            PupilEnrolment(
                pupil_id=p.id,
                school_year=year,
                class_unit_id=p.class_unit_id,
                programme=p.programme,
            ),
        )

    # Separated parents, each with their own account and e-mail address, linked to both.
    sandra = await _person(
        session, people, "sandra.bos@example.nl", "Sandra", "", "Bos", password_hash
    )
    peter = await _person(
        session, people, "peter.bos@example.com", "Peter", "", "Bos", password_hash
    )
    for parent in (sandra, peter):
        for child in (tim, eva):
            await add(session, GuardianLink(guardian_person_id=pk(parent), pupil_id=child.id))

    # Timetable: last, this and next week for 3A and 4H.
    monday = week_start(on) - timedelta(weeks=1)
    now = utcnow()
    lessons: dict[tuple[str, date, int], SchoolLesson] = {}
    for cls, teacher, code in (("3a", mulder, "MUL"), ("4h", dekker, "DEK")):
        for offset in range(21):
            day = monday + timedelta(days=offset)
            for hour, subject_code in enumerate(TIMETABLE.get(day.weekday(), []), start=1):
                start, end = HOURS[hour]
                slot = LessonTime(day, start, end, hour, hour)
                by, by_code = (
                    (dewit, "WIT") if (cls, subject_code) == ("3a", "DU") else (teacher, code)
                )
                lesson = await add(
                    session,
                    SchoolLesson(
                        class_unit_id=units[cls].id,
                        subject_id=pk(subjects[(year, subject_code)]),
                        starts_at=slot.starts_at,
                        ends_at=slot.ends_at,
                        first_hour=hour,
                        last_hour=hour,
                        room=f"{1 + hour % 2}.{10 + hour + day.weekday()}",
                        teacher_code=by_code,
                        teacher_person_id=by.id,
                        attendance_registered=slot.starts_at < now,
                        homework=(
                            f"Leer de woorden van hoofdstuk {day.isocalendar()[1] % 8 + 1}"
                            if subject_code in {"EN", "DU"}
                            else ("Maak opgave 1 t/m 12" if subject_code == "WI" else None)
                        ),
                    ),
                )
                lessons[(cls, day, hour)] = lesson

    # Absences in every state, in last week (always in the past).
    absences = [
        # (pupil, class, weekday, hour, reason, authorised, handled)
        (tim, "3a", 0, 1, None, False, False),  # no known reason: unauthorised, not handled
        (tim, "3a", 1, 3, "Ziek", True, True),
        (tim, "3a", 1, 4, "Ziek", True, True),
        (tim, "3a", 3, 2, "Te laat, verslapen", False, True),
        (tim, "3a", 4, 1, "Tandarts", True, False),
        (eva, "4h", 2, 1, None, False, False),
        (eva, "4h", 3, 5, "Stagegesprek", True, True),
    ]
    for p, cls, weekday, hour, reason, authorised, handled in absences:
        lesson = lessons[(cls, monday + timedelta(days=weekday), hour)]
        await add(
            session,
            SchoolAbsence(
                pupil_id=p.id,
                lesson_id=pk(lesson),
                reason=reason,
                authorised=authorised,
                handled=handled,
                handled_by=mulder.id if handled else None,
            ),
        )

    # Grades: tests with weights, a test built from sub-tests, a resit, and exam results.
    async def test(
        cls: str,
        y: int,
        code: str,
        name: str,
        weight: str,
        kind: AssessmentKind = AssessmentKind.REGULAR,
        parent: SchoolAssessment | None = None,
        finalised: bool = False,
    ) -> SchoolAssessment:
        return await add(  # type: ignore[no-any-return]
            session,
            SchoolAssessment(
                subject_id=pk(subjects[(y, code)]),
                class_unit_id=units[cls].id,
                parent_id=parent.id if parent else None,
                name=name,
                weight_hundredths=int(Decimal(weight) * 100),
                kind=kind,
                finalised=finalised,
            ),
        )

    async def grade(
        t: SchoolAssessment, p: Pupil, value: str, days_ago: int, attempt: int = 1
    ) -> None:
        await add(
            session,
            SchoolGrade(
                assessment_id=pk(t),
                pupil_id=pk(p),
                grade_tenths=int(Decimal(value) * 10),
                taken_on=on - timedelta(days=days_ago),
                attempt=attempt,
                recorded_by=mulder.id,
            ),
        )

    exam = AssessmentKind.EXAM_ORIENTED
    for p, cls in ((tim, "3a"), (noor, "3a")):
        bump = "0" if p is tim else "1"
        t = await test(cls, year, "NE", "Leesvaardigheid", "1")
        await grade(t, p, "7.0" if bump == "0" else "8.0", 30)
        writing = await test(cls, year, "NE", "Schrijfopdracht", "2")
        await grade(await test(cls, year, "NE", "Opzet", "1", parent=writing), p, "6.0", 20)
        await grade(await test(cls, year, "NE", "Eindversie", "3", parent=writing), p, "8.1", 12)
        await grade(await test(cls, year, "NE", "Spreekbeurt", "1"), p, "5.5", 5)
        await grade(await test(cls, year, "WI", "Hoofdstuk 1", "1"), p, "6.8", 25)
        chapter = await test(cls, year, "WI", "Hoofdstuk 2", "2")
        await grade(chapter, p, "5.2", 15)
        await grade(chapter, p, "6.4", 8, attempt=2)  # the resit counts
        await grade(await test(cls, year, "EN", "Woordentoets", "1"), p, "7.7", 18)
        listening = await test(cls, year, "EN", "Kijk- en luistertoets", "1", exam, finalised=True)
        await grade(listening, p, "6.9", 40)
        # Not yet finalised by the exam board: staff see it, family does not.
        hidden = await test(cls, year, "EN", "Schoolexamen leesvaardigheid", "2", exam)
        await grade(hidden, p, "5.4", 3)
        # Last school year (in class 3B), for the overview per enrolment.
        await grade(await test("3b", year - 1, "NE", "Eindtoets", "1"), p, "6.6", 300)
        await grade(await test("3b", year - 1, "WI", "Eindtoets", "1"), p, "7.3", 300)
    await grade(await test("4h", year, "NE", "Brief schrijven", "1"), eva, "7.9", 10)
    await grade(await test("4h", year, "BI", "Practicum", "2"), eva, "8.4", 14)
    await grade(await test("4h", year - 1, "NE", "Eindtoets", "1"), eva, "6.1", 300)
