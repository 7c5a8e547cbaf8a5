"""Helpers for the school portal tests: staff set things up through the real mutations."""

from __future__ import annotations

from datetime import date
from typing import Any

import sqlalchemy as sa

from domain.core.ids import encode_global_id
from persistence.core.models import Person
from persistence.school.models import Pupil, SchoolSubject
from tests.conftest import Api
from tests.helpers import link_token, outbox

ADMIN = "administratie@lindenhove.example"  # SCHOOL_ADMIN on the school
TEACHER = "r.mulder@lindenhove.example"  # TEACHER on Locatie Centrum, mentor of 3A
NOORD_TEACHER = "j.dekker@lindenhove.example"  # TEACHER on Locatie Noord, mentor of 4H
SANDRA = "sandra.bos@example.nl"  # mother of Tim (15) and Eva (18+, no consent)
PETER = "peter.bos@example.com"  # father, separated, own account
TIM = "tim.bos@leerling.lindenhove.example"
EVA = "eva.bos@leerling.lindenhove.example"
NOOR = "noor.dejong@leerling.lindenhove.example"
NEW_PASSWORD = "Kastanje-Boom-77!"


def years_ago(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return date(day.year - years, 3, 1)


async def ok(api: Api, query: str, variables: dict[str, Any], token: str, field: str) -> Any:
    """A mutation that must succeed: its payload, with no errors."""
    payload = (await api.data(query, variables, token))[field]
    assert payload["errors"] == [], payload
    return payload


async def pupil_id(api: Api, email: str) -> str:
    async with api.database.transaction() as s:
        stmt = sa.select(Pupil.id).join(Person, Person.id == Pupil.person_id)
        pid = (await s.execute(stmt.where(Person.email == email))).scalar_one()
    return encode_global_id("Pupil", pid)


async def subject_id(api: Api, code: str, school_year: int) -> str:
    async with api.database.transaction() as s:
        stmt = sa.select(SchoolSubject.id).where(
            SchoolSubject.code == code, SchoolSubject.school_year == school_year
        )
        sid = (await s.execute(stmt)).scalar_one()
    return encode_global_id("SchoolSubject", sid)


REGISTER = """mutation($c: ID!, $e: String!, $g: String!, $n: String!, $d: Date!) {
  registerPupil(input: {classId: $c, email: $e, givenName: $g, familyName: "Test",
                studentNumber: $n, dateOfBirth: $d, programme: "havo"}) {
    pupil { id displayName } errors { code field message } } }"""

LINK = """mutation($p: ID!, $e: String!, $g: String!, $f: String!) {
  linkGuardian(input: {pupilId: $p, email: $e, givenName: $g, familyName: $f}) {
    guardianLink { id guardianName } errors { code field message } } }"""

ACTIVATE = """mutation($t: String!, $p: String!) { activateAccount(token: $t, password: $p) {
  token errors { code message } } }"""


async def register_pupil(
    api: Api, admin: str, class_name: str, email: str, given: str, born: date, number: str
) -> str:
    payload = await ok(
        api,
        REGISTER,
        {"c": await api.unit_id(class_name), "e": email, "g": given, "n": number, "d": str(born)},
        admin,
        "registerPupil",
    )
    return str(payload["pupil"]["id"])


async def link_guardian(
    api: Api, admin: str, pupil: str, email: str, given: str, family: str = "Test"
) -> dict[str, Any]:
    return await api.data(LINK, {"p": pupil, "e": email, "g": given, "f": family}, admin)


async def activate(api: Api, email: str) -> str:
    """Use the activation link of the newest mail to this address; the new session's token."""
    mail = [m for m in await outbox(api.database, email) if "token=" in m.text_body][-1]
    done = (await api.data(ACTIVATE, {"t": link_token(mail), "p": NEW_PASSWORD}))["activateAccount"]
    assert done["errors"] == [], done
    return str(done["token"])


TEACH = """mutation($c: ID!, $s: ID!, $d: Date!, $t: ID) { scheduleLesson(input: {classId: $c,
  subjectId: $s, date: $d, startTime: "08:30", endTime: "09:20", firstLessonHour: 1,
  teacherId: $t}) { lesson { id } errors { code field message } } }"""


async def teach(api: Api, admin: str, teacher_email: str, class_name: str) -> str:
    """The administration puts a lesson of the class, taught by the teacher, on today's
    timetable: from the teacher's next request on, the class's pupils are theirs to see."""
    from domain.school.grades import school_year_of
    from domain.school.timetable import local_date
    from persistence.types import utcnow

    today = local_date(utcnow())
    variables = {
        "c": await api.unit_id(class_name),
        "s": await subject_id(api, "WI", school_year_of(today).start_year),
        "d": str(today),
        "t": await api.person_id(teacher_email),
    }
    payload = await ok(api, TEACH, variables, admin, "scheduleLesson")
    return str(payload["lesson"]["id"])
