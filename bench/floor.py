"""Floors: the same reads as Portaal's GraphQL answers, with the fewest SQL statements (one per
request, authentication included) straight on psycopg, the rest in plain Python, encoded with
orjson. A floor answers exactly the fields of its document in bench/queries.py; the harness
checks that its `data` equals Portaal's.

The rules copied here from the app (ordering, visibility, rounding, time zones, messages) are
deliberately duplicated: the bench must not import app modules, and the equality check catches
any drift between the two.
"""

from __future__ import annotations

import asyncio
import math
from collections import defaultdict
from collections.abc import Awaitable, Callable
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from fractions import Fraction
from typing import Any

import orjson
import psycopg
from psycopg.types.json import set_json_loads
from starlette.requests import Request
from starlette.responses import Response

from bench.common import AMSTERDAM, cursor, gid, hash_secret, school_year_start

Handler = Callable[[Request], Awaitable[Response]]

VIEWER = """
viewer AS (
  SELECT t.person_id FROM access_token t JOIN person p ON p.id = t.person_id
  WHERE t.token_hash = %(token)s AND t.revoked_at IS NULL
    AND (t.expires_at IS NULL OR t.expires_at > now()) AND p.deactivated_at IS NULL
)"""
SCOPE = """
scope AS (
  SELECT u.path || '%%' AS pattern
  FROM role_assignment r JOIN org_unit u ON u.id = r.org_unit_id
  WHERE r.person_id = (SELECT person_id FROM viewer)
    AND r.role IN ('PLATFORM_ADMIN', 'ACADEMY_ORG_ADMIN', 'CLUSTER_ADMIN')
)"""


def statement(template: str) -> str:
    """The CTEs every floor starts with: who asks (the token), and where they administer."""
    return template.replace("{VIEWER}", VIEWER).replace("{SCOPE}", SCOPE)


LEARNERS_SQL = statement(
    """
WITH {VIEWER}, {SCOPE},
page AS (
  SELECT l.id, l.person_id, l.added_at, l.magazine, pe.email, pe.given_name, pe.name_prefix,
         pe.family_name, pe.id AS pid
  FROM learner l
  JOIN person pe ON pe.id = l.person_id
  JOIN org_unit c ON c.id = l.cluster_id
  WHERE l.hidden_at IS NULL AND c.path LIKE ANY (SELECT pattern FROM scope)
  ORDER BY pe.family_name, pe.given_name, pe.id, l.id
  LIMIT %(limit)s OFFSET %(offset)s
)
SELECT p.id, p.person_id, p.added_at, p.magazine, p.email, p.given_name, p.name_prefix,
  p.family_name,
  (SELECT count(*) FROM learner l JOIN org_unit c ON c.id = l.cluster_id
   WHERE l.hidden_at IS NULL AND c.path LIKE ANY (SELECT pattern FROM scope)),
  (SELECT json_agg(json_build_array(lb.id, lb.name, lb.colour) ORDER BY la.id)
   FROM label_assignment la
   JOIN label lb ON lb.id = la.label_id
   JOIN org_unit o ON o.id = lb.owner_unit_id
   WHERE la.person_id = p.person_id AND o.path LIKE ANY (SELECT pattern FROM scope)),
  (SELECT json_agg(json_build_array(
       e.id, e.status, e.progress_percent, e.assigned_at, e.started_at, e.completed_at,
       co.id, co.title,
       (SELECT json_agg(json_build_array(a.id, a.number, a.score_percent, a.passed,
                                         a.finished_at) ORDER BY a.number)
        FROM exam_attempt a WHERE a.enrolment_id = e.id),
       ce.id, ce.verification_code, ce.issued_at, ce.highest_score_percent) ORDER BY e.id)
   FROM enrolment e
   JOIN course co ON co.id = e.course_id
   JOIN org_unit ec ON ec.id = e.cluster_id
   LEFT JOIN certificate ce ON ce.enrolment_id = e.id
   WHERE e.person_id = p.person_id AND ec.path LIKE ANY (SELECT pattern FROM scope))
FROM page p
ORDER BY p.family_name, p.given_name, p.pid, p.id
"""
)

MY_COURSES_SQL = statement(
    """
WITH {VIEWER}
SELECT e.id, e.status, e.confirmation_sent_at, e.invitation_sent_at, e.result, e.attended,
  e.invoice_org_unit_id, ev.id, ev.starts_at, ev.ends_at, ev.location_name, ev.for_org_unit_id,
  c.id, c.title,
  (SELECT count(*) FROM institute_enrolment x WHERE x.person_id = (SELECT person_id FROM viewer))
FROM institute_enrolment e
JOIN course_event ev ON ev.id = e.event_id
JOIN institute_course c ON c.id = ev.course_id
WHERE e.person_id = (SELECT person_id FROM viewer)
ORDER BY ev.starts_at DESC, e.id
LIMIT %(limit)s
"""
)

# The organisation's enrolments for its admins and contacts while acting for it.
ORG_ENROLMENTS_SQL = """
WITH allowed AS (
  SELECT 1 FROM access_token t
  JOIN person p ON p.id = t.person_id
  JOIN role_assignment r ON r.person_id = t.person_id AND r.org_unit_id = %(org)s
   AND r.role IN ('CLIENT_ORG_ADMIN', 'CONTACT')
  WHERE t.token_hash = %(token)s AND t.revoked_at IS NULL
    AND (t.expires_at IS NULL OR t.expires_at > now()) AND p.deactivated_at IS NULL
    AND t.acting_for_unit_id = %(org)s
  LIMIT 1
)
SELECT e.id, e.status, pp.given_name, pp.name_prefix, pp.family_name, pp.email,
  pb.given_name, pb.name_prefix, pb.family_name, pb.email,
  e.confirmation_sent_at, e.invitation_sent_at, e.result, e.attended,
  ev.id, ev.starts_at, ev.location_name, c.title,
  (SELECT count(*) FROM institute_enrolment x WHERE x.invoice_org_unit_id = %(org)s)
FROM institute_enrolment e
JOIN course_event ev ON ev.id = e.event_id
JOIN institute_course c ON c.id = ev.course_id
JOIN person pp ON pp.id = e.person_id
LEFT JOIN person pb ON pb.id = e.enrolled_by_person_id
WHERE e.invoice_org_unit_id = %(org)s AND EXISTS (SELECT 1 FROM allowed)
ORDER BY ev.starts_at DESC, e.id
LIMIT %(limit)s
"""

REPORT_SQL = statement(
    """
WITH {VIEWER}, {SCOPE},
clusters AS MATERIALIZED (
  SELECT c.id, c.name FROM org_unit c WHERE c.path LIKE ANY (SELECT pattern FROM scope)
),
best AS (
  SELECT enrolment_id, max(score_percent) AS best FROM exam_attempt
  WHERE score_percent IS NOT NULL GROUP BY enrolment_id
),
totals AS (
  SELECT e.cluster_id, e.course_id,
    count(*) FILTER (WHERE e.status = 'NOT_STARTED') AS not_started,
    count(*) FILTER (WHERE e.status = 'IN_PROGRESS') AS in_progress,
    count(*) FILTER (WHERE e.status = 'COMPLETED') AS completed,
    avg(best.best) AS average
  FROM enrolment e
  LEFT JOIN best ON best.enrolment_id = e.id
  WHERE e.cluster_id IN (SELECT id FROM clusters)
  GROUP BY e.cluster_id, e.course_id
)
SELECT t.cluster_id, c.name, t.course_id, co.title, t.not_started, t.in_progress,
  t.completed, t.average
FROM totals t
JOIN clusters c ON c.id = t.cluster_id
JOIN course co ON co.id = t.course_id
ORDER BY t.cluster_id, t.course_id
"""
)

DASHBOARD_SQL = statement(
    """
WITH {VIEWER},
links AS (
  SELECT gl.legal_representative, p.id AS pupil_id, p.class_unit_id, p.student_number,
    p.date_of_birth, p.programme, pe.given_name, pe.name_prefix, pe.family_name, pe.email,
    coalesce(gc.given, false) AS consent, cu.name AS class_name, cu.parent_id AS location_id
  FROM guardian_link gl
  JOIN pupil p ON p.id = gl.pupil_id
  JOIN person pe ON pe.id = p.person_id
  JOIN org_unit cu ON cu.id = p.class_unit_id
  LEFT JOIN guardian_consent gc
    ON gc.pupil_id = gl.pupil_id AND gc.guardian_person_id = gl.guardian_person_id
  WHERE gl.guardian_person_id = (SELECT person_id FROM viewer)
  ORDER BY pe.given_name, p.id
  LIMIT 20
)
SELECT l.*, loc.name, ld.street, ld.postcode, ld.city, ld.phone,
  (SELECT json_agg(json_build_array(m.given_name, m.name_prefix, m.family_name, m.email)
                   ORDER BY cm.id)
   FROM class_mentor cm JOIN person m ON m.id = cm.teacher_person_id
   WHERE cm.class_unit_id = l.class_unit_id),
  (SELECT json_agg(json_build_array(sl.id, sl.starts_at, sl.ends_at, sl.first_hour,
       sl.last_hour, ss.id, ss.code, ss.name, sl.room, sl.teacher_code, t.given_name,
       t.name_prefix, t.family_name, t.email, sl.attendance_registered, sl.homework)
       ORDER BY sl.starts_at, sl.id)
   FROM school_lesson sl
   JOIN school_subject ss ON ss.id = sl.subject_id
   LEFT JOIN person t ON t.id = sl.teacher_person_id
   WHERE sl.class_unit_id = l.class_unit_id
     AND sl.starts_at >= %(week_start)s AND sl.starts_at < %(week_end)s),
  (SELECT json_agg(json_build_array(a.id, g.grade_tenths, g.taken_on, g.attempt, a.name,
       a.weight_hundredths, coalesce(pa.id, a.id), coalesce(pa.name, a.name),
       coalesce(pa.weight_hundredths, a.weight_hundredths), coalesce(pa.finalised, a.finalised),
       s.id, s.code, s.name, s.school_year) ORDER BY g.taken_on, g.id)
   FROM school_grade g
   JOIN school_assessment a ON a.id = g.assessment_id
   LEFT JOIN school_assessment pa ON pa.id = a.parent_id
   JOIN school_subject s ON s.id = a.subject_id
   WHERE g.pupil_id = l.pupil_id AND s.school_year = %(year)s
     AND coalesce(pa.kind, a.kind) = 'REGULAR'),
  (SELECT json_agg(json_build_array(ab.id, sl.starts_at, sl.first_hour, ss.name, ss.code,
       ab.reason, ab.authorised, ab.handled) ORDER BY sl.starts_at DESC, sl.id)
   FROM school_absence ab
   JOIN school_lesson sl ON sl.id = ab.lesson_id
   JOIN school_subject ss ON ss.id = sl.subject_id
   WHERE ab.pupil_id = l.pupil_id
     AND sl.starts_at >= %(period_start)s AND sl.starts_at < %(period_end)s),
  (SELECT count(*) FROM (
     SELECT sl.id FROM school_lesson sl
     WHERE sl.class_unit_id = l.class_unit_id AND sl.attendance_registered
       AND sl.starts_at >= %(period_start)s AND sl.starts_at < %(period_end)s
     UNION
     SELECT ab.lesson_id FROM school_absence ab JOIN school_lesson sl ON sl.id = ab.lesson_id
     WHERE ab.pupil_id = l.pupil_id
       AND sl.starts_at >= %(period_start)s AND sl.starts_at < %(period_end)s) registered)
FROM links l
LEFT JOIN org_unit loc ON loc.id = l.location_id
LEFT JOIN location_details ld ON ld.org_unit_id = l.location_id
ORDER BY l.given_name, l.pupil_id
"""
)


def iso(value: str | None) -> str | None:
    """A timestamp from PostgreSQL's JSON (session zone UTC) as Python's isoformat() writes it:
    the same text for whole seconds; fractions need the six digits Python always prints."""
    if value is None or "." not in value:
        return value
    return datetime.fromisoformat(value).isoformat()


def display_name(given: str, prefix: str, family: str, email: str) -> str:
    return " ".join(p for p in (given, prefix, family) if p) or email


def token_of(request: Request) -> str:
    auth = request.headers.get("authorization", "")
    return hash_secret(auth[7:].strip()) if auth.lower().startswith("bearer ") else ""


class Pool:
    """A handful of connections, handed out one request at a time (no pool package needed)."""

    def __init__(self, url: str, size: int = 10) -> None:
        self.url, self.size = url, size
        self.idle: asyncio.Queue[psycopg.AsyncConnection[Any]] = asyncio.Queue()
        self.opened = 0
        self.lock = asyncio.Lock()

    async def acquire(self) -> psycopg.AsyncConnection[Any]:
        async with self.lock:
            if self.idle.empty() and self.opened < self.size:
                self.opened += 1
                conn = await psycopg.AsyncConnection.connect(
                    self.url, autocommit=True, options="-c TimeZone=UTC"
                )
                set_json_loads(orjson.loads, conn)
                return conn
        return await self.idle.get()

    def release(self, conn: psycopg.AsyncConnection[Any]) -> None:
        self.idle.put_nowait(conn)


class Floors:
    def __init__(self, url: str) -> None:
        self.pool = Pool(url)
        self.statement_count = 0

    def routes(self) -> dict[str, Handler]:
        return {
            "learners": self.learners,
            "report": self.report,
            "dashboard": self.dashboard,
            "my_courses": self.my_courses,
            "org_enrolments": self.org_enrolments,
        }

    async def fetch(self, query: str, params: dict[str, Any]) -> list[tuple[Any, ...]]:
        conn = await self.pool.acquire()
        try:
            self.statement_count += 1
            cur = await conn.execute(query, params)  # type: ignore[arg-type]
            return await cur.fetchall()
        finally:
            self.pool.release(conn)

    @staticmethod
    async def variables(request: Request) -> dict[str, Any]:
        body = orjson.loads(await request.body()) if request.method == "POST" else {}
        return body.get("variables") or {}

    @staticmethod
    def respond(data: Any) -> Response:
        return Response(orjson.dumps({"data": data}), media_type="application/json")

    # --- (1) the learner list ------------------------------------------------------------------

    async def learners(self, request: Request) -> Response:
        first = int((await self.variables(request))["first"])
        rows = await self.fetch(
            LEARNERS_SQL, {"token": token_of(request), "limit": first, "offset": 0}
        )
        return self.respond({"learners": learners_data(rows, first, 0)})

    # --- (3) the academy report ------------------------------------------------------------------

    async def report(self, request: Request) -> Response:
        rows = await self.fetch(REPORT_SQL, {"token": token_of(request)})
        return self.respond(
            {
                "academyReport": [
                    {
                        "notStarted": ns,
                        "inProgress": ip,
                        "completed": done,
                        "averageBestScorePercent": round(float(avg), 1)
                        if avg is not None
                        else None,
                        "cluster": {"id": gid("OrgUnit", cid), "name": cname},
                        "course": {"id": gid("Course", course_id), "title": title},
                    }
                    for cid, cname, course_id, title, ns, ip, done, avg in rows
                ]
            }
        )

    # --- (2) the guardian's dashboard --------------------------------------------------------------

    async def dashboard(self, request: Request) -> Response:
        variables = await self.variables(request)
        today = datetime.now(UTC).astimezone(AMSTERDAM).date()
        agenda_day = date.fromisoformat(variables["date"])
        first_day = date.fromisoformat(variables["firstDay"])
        last_day = date.fromisoformat(variables["lastDay"])
        monday = agenda_day - timedelta(days=agenda_day.weekday())
        year = school_year_start(today)
        rows = await self.fetch(
            DASHBOARD_SQL,
            {
                "token": token_of(request),
                "week_start": local_midnight(monday),
                "week_end": local_midnight(monday + timedelta(days=7)),
                "year": year,
                "period_start": local_midnight(first_day),
                "period_end": local_midnight(last_day + timedelta(days=1)),
            },
        )
        children = [child_data(row, today, year, monday, first_day, last_day) for row in rows]
        return self.respond({"myChildren": children})

    # --- (6) the institute: my courses, an organisation's enrolments ------------------------------

    async def my_courses(self, request: Request) -> Response:
        first = int((await self.variables(request))["first"])
        rows = await self.fetch(MY_COURSES_SQL, {"token": token_of(request), "limit": first})
        nodes = [
            {
                "id": gid("CourseEnrolment", eid),
                "status": status,
                "confirmationSentAt": utc_iso(confirmed),
                "invitationSentAt": utc_iso(invited),
                "result": result,
                "attended": attended,
                "invoicedToOrganisation": org is not None,
                "event": {
                    "id": gid("CourseEvent", ev),
                    "startsAt": utc_iso(starts),
                    "endsAt": utc_iso(ends),
                    "locationName": location,
                    "maatwerk": for_org is not None,
                    "course": {"id": gid("InstituteCourse", cid), "title": title},
                },
            }
            for (eid, status, confirmed, invited, result, attended, org, ev, starts, ends,
                 location, for_org, cid, title, _total) in rows
        ]  # fmt: skip
        total = rows[0][-1] if rows else 0
        end = enrolment_cursor(rows, 8)
        return self.respond({"myCourseEnrolments": connection(nodes, total, first, end)})

    async def org_enrolments(self, request: Request) -> Response:
        variables = await self.variables(request)
        first = int(variables["first"])
        org = pk_of(variables["organisationId"], "OrgUnit")
        rows = await self.fetch(
            ORG_ENROLMENTS_SQL, {"token": token_of(request), "org": org, "limit": first}
        )
        nodes = [
            {
                "id": gid("CourseEnrolment", eid),
                "status": status,
                "participantName": display_name(g, p, f, email),
                "enrolledByName": display_name(bg, bp, bf, be) if be is not None else None,
                "confirmationSentAt": utc_iso(confirmed),
                "invitationSentAt": utc_iso(invited),
                "result": result,
                "attended": attended,
                "event": {
                    "id": gid("CourseEvent", ev),
                    "startsAt": utc_iso(starts),
                    "locationName": location,
                    "course": {"title": title},
                },
            }
            for (eid, status, g, p, f, email, bg, bp, bf, be, confirmed, invited, result,
                 attended, ev, starts, location, title, _total) in rows
        ]  # fmt: skip
        total = rows[0][-1] if rows else 0
        end = enrolment_cursor(rows, 15)
        return self.respond({"organisationEnrolments": connection(nodes, total, first, end)})


def utc_iso(value: datetime | None) -> str | None:
    return value.astimezone(UTC).isoformat() if value is not None else None


def pk_of(global_id: str, type_name: str) -> int:
    import base64

    raw = base64.urlsafe_b64decode(global_id + "=" * (-len(global_id) % 4)).decode()
    kind, _, pk = raw.partition(":")
    if kind != type_name:
        raise ValueError(global_id)
    return int(pk)


def enrolment_cursor(rows: list[Any], starts: int) -> str | None:
    """The end cursor of an enrolment list: its keyset order (event start, then the id)."""
    if not rows:
        return None
    last = rows[-1]
    return cursor("enrolments", last[starts].astimezone(UTC).isoformat(), last[0])


def connection(
    nodes: list[dict[str, Any]], total: int, first: int, end: str | None
) -> dict[str, Any]:
    return {
        "totalCount": total,
        "pageInfo": {
            "hasNextPage": total > first,
            "endCursor": end,
        },
        "nodes": nodes,
    }


def learners_data(rows: list[tuple[Any, ...]], first: int, offset: int) -> dict[str, Any]:
    nodes = []
    for lid, pid, added_at, magazine, email, given, prefix, family, _t, labels, enrolments in rows:
        nodes.append(
            {
                "id": gid("Learner", lid),
                "addedAt": added_at.isoformat(),
                "magazine": magazine,
                "person": {
                    "id": gid("Person", pid),
                    "email": email,
                    "displayName": display_name(given, prefix, family, email),
                    "givenName": given,
                    "namePrefix": prefix,
                    "familyName": family,
                },
                "labels": [
                    {"id": gid("Label", i), "name": n, "colour": c} for i, n, c in labels or ()
                ],
                "enrolments": [
                    {
                        "id": gid("Enrolment", eid),
                        "status": status,
                        "progressPercent": progress,
                        "assignedAt": iso(assigned),
                        "startedAt": iso(started),
                        "completedAt": iso(completed),
                        "course": {"id": gid("Course", course_id), "title": title},
                        "examAttempts": [
                            {
                                "id": gid("ExamAttempt", aid),
                                "number": number,
                                "scorePercent": score,
                                "passed": passed,
                                "finishedAt": iso(finished),
                            }
                            for aid, number, score, passed, finished in attempts or ()
                        ],
                        "certificate": None
                        if cert_id is None
                        else {
                            "id": gid("Certificate", cert_id),
                            "verificationCode": code,
                            "issuedAt": iso(issued),
                            "highestScorePercent": highest,
                        },
                    }
                    for (
                        eid,
                        status,
                        progress,
                        assigned,
                        started,
                        completed,
                        course_id,
                        title,
                        attempts,
                        cert_id,
                        code,
                        issued,
                        highest,
                    ) in enrolments or ()
                ],
            }
        )
    total = rows[0][8] if rows else 0
    return {
        "totalCount": total,
        "pageInfo": {
            "hasNextPage": total > offset + len(rows),
            # The default sort (NAME, ascending): family name, given name, person id, learner id.
            "endCursor": cursor(
                "learners:NAME:asc", rows[-1][7], rows[-1][5], rows[-1][1], rows[-1][0]
            )
            if rows
            else None,
        },
        "nodes": nodes,
    }


# --- the guardian's dashboard: the app's school rules, restated ------------------------------------

# The bench's guardians read Dutch (the default language), as the app answers them.
MESSAGES = {
    "PUPIL_MINOR": "De leerling is jonger dan 18, dus ouders/verzorgers zien de gegevens van de leerling.",
    "PUPIL_ADULT_CONSENT_GIVEN": (
        "De leerling is 18 jaar of ouder en heeft toestemming gegeven, dus ouders/verzorgers "
        "zien de gegevens van de leerling."
    ),
    "PUPIL_ADULT_NO_CONSENT": (
        "De leerling is 18 jaar of ouder en heeft geen toestemming gegeven om de gegevens aan "
        "ouders/verzorgers te tonen. Er wordt niets getoond totdat de leerling toestemming geeft "
        "in het leerlingenportaal; vraag de leerling dat te doen."
    ),
}


def local_midnight(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=AMSTERDAM).astimezone(UTC)


def age_on(born: date, today: date) -> int:
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


def round_half_up(value: Fraction) -> Decimal:
    return Decimal(math.floor(value * 10 + Fraction(1, 2))).scaleb(-1)


def weight(hundredths: int) -> Decimal:
    return (Decimal(hundredths) / 100).normalize()


def year_label(start: int) -> str:
    return f"{start}-{start + 1}"


def iso_week(day: date) -> tuple[int, int]:
    y, w, _ = day.isocalendar()
    return y, w


def child_data(
    row: tuple[Any, ...], today: date, year: int, monday: date, first_day: date, last_day: date
) -> dict[str, Any]:
    (
        legal,
        pupil_id,
        _class_id,
        student_number,
        born,
        programme,
        given,
        prefix,
        family,
        email,
        consent,
        class_name,
        location_id,
        location_name,
        street,
        postcode,
        city,
        phone,
        mentors,
        lessons,
        grades,
        absences,
        registered,
    ) = row
    age = age_on(born, today)
    reason = (
        "PUPIL_MINOR"
        if age < 18
        else "PUPIL_ADULT_CONSENT_GIVEN"
        if consent
        else "PUPIL_ADULT_NO_CONSENT"
    )
    allowed = reason != "PUPIL_ADULT_NO_CONSENT"
    child: dict[str, Any] = {
        "firstName": given,
        "legalRepresentative": legal,
        "accessAllowed": allowed,
        "accessReason": reason,
        "message": MESSAGES[reason],
        "pupil": None,
    }
    if not allowed:
        return child
    if location_id is None:
        location = None
    else:
        has_details = street is not None
        location = {
            "name": location_name,
            "phone": (phone or None) if has_details else None,
            "address": {"street": street, "postcode": postcode, "city": city}
            if has_details
            else None,
        }
    child["pupil"] = {
        "id": gid("Pupil", pupil_id),
        "displayName": display_name(given, prefix, family, email),
        "givenName": given,
        "familyName": family,
        "studentNumber": student_number,
        "dateOfBirth": born.isoformat(),
        "ageYears": age,
        "guardiansNeedConsent": age >= 18,
        "className": class_name,
        "programme": programme,
        "location": location,
        "mentors": [{"displayName": display_name(*m)} for m in (mentors or ())[:5]],
        "agenda": agenda_data(lessons or (), class_name, monday),
        "resultsMatrix": matrix_data(grades or (), year),
        "attendance": attendance_data(absences or (), registered, first_day, last_day),
    }
    return child


def agenda_data(lessons: Any, class_name: str, monday: date) -> dict[str, Any]:
    per_day: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for (
        lesson_id,
        starts,
        ends,
        first_hour,
        last_hour,
        subject_id,
        code,
        name,
        room,
        teacher_code,
        t_given,
        t_prefix,
        t_family,
        t_email,
        registered,
        homework,
    ) in lessons:
        starts_at, ends_at = datetime.fromisoformat(starts), datetime.fromisoformat(ends)
        local_start, local_end = starts_at.astimezone(AMSTERDAM), ends_at.astimezone(AMSTERDAM)
        day = local_start.date().isoformat()
        per_day[day].append(
            {
                "id": gid("TimetableLesson", lesson_id),
                "date": day,
                "startTime": local_start.time().isoformat(),
                "endTime": local_end.time().isoformat(),
                "startsAt": starts_at.isoformat(),
                "endsAt": ends_at.isoformat(),
                "durationMinutes": int((ends_at - starts_at).total_seconds() // 60),
                "firstLessonHour": first_hour,
                "lastLessonHour": last_hour,
                "subject": {"id": gid("SchoolSubject", subject_id), "code": code, "name": name},
                "room": room,
                "teacherCode": teacher_code,
                "teacherName": None
                if t_email is None
                else display_name(t_given, t_prefix, t_family, t_email),
                "attendanceRegistered": registered,
                "hasHomework": bool(homework),
                "homework": homework,
            }
        )
    days = [(monday + timedelta(days=i)).isoformat() for i in range(7)]
    return {
        "view": "WEEK",
        "firstDay": days[0],
        "lastDay": days[-1],
        "days": [{"date": d, "lessons": per_day.get(d, [])} for d in days],
    }


def matrix_data(grades: Any, year: int) -> dict[str, Any]:
    # Of several attempts the latest counts; grades come oldest first.
    latest: dict[int, tuple[Any, ...]] = {}
    for g in grades:
        held = latest.get(g[0])
        if held is None or g[3] > held[3]:
            latest[g[0]] = g
    tops: dict[int, list[tuple[Any, ...]]] = {}
    for g in latest.values():
        tops.setdefault(g[6], []).append(g)
    tests = []
    for top_id, lines in tops.items():
        lines.sort(key=lambda g: (g[2], g[0]))
        own = [g for g in lines if g[0] == top_id]
        if own:
            value = Fraction(own[0][1], 10)
            taken = own[0][2]
        else:
            total = sum(Fraction(g[5], 100) for g in lines)
            value = sum(Fraction(g[1], 10) * Fraction(g[5], 100) for g in lines) / total
            taken = max(g[2] for g in lines)
        tests.append((taken, top_id, value, lines))
    tests.sort(key=lambda t: (t[0], t[1]))
    by_subject: dict[int, list[tuple[Any, ...]]] = defaultdict(list)
    subjects: dict[int, tuple[Any, ...]] = {}
    for test in tests:
        line = test[3][0]
        by_subject[line[10]].append(test)
        subjects[line[10]] = line
    out = []
    for sid in sorted(by_subject, key=lambda sid: (subjects[sid][12], sid)):
        items = by_subject[sid]
        s = subjects[sid]
        weights = sum(Fraction(t[3][0][8], 100) for t in items)
        average = sum(t[2] * Fraction(t[3][0][8], 100) for t in items) / weights
        out.append(
            {
                "subject": {
                    "id": gid("SchoolSubject", sid),
                    "code": s[11],
                    "name": s[12],
                    "schoolYear": year_label(s[13]),
                },
                "testCount": len(items),
                "average": str(round_half_up(average)),
                "grades": [
                    {
                        "name": g[4],
                        "testName": g[7],
                        "isSubTest": g[0] != g[6],
                        "grade": str(Decimal(g[1]).scaleb(-1)),
                        "weight": str(weight(g[5])),
                        "takenOn": g[2],
                        "attempt": g[3],
                        "kind": "REGULAR",
                        "finalised": g[9],
                    }
                    for t in items
                    for g in t[3]
                ],
            }
        )
    return {"schoolYear": year_label(year), "kind": "REGULAR", "subjects": out}


def attendance_data(
    absences: Any, registered: int, first_day: date, last_day: date
) -> dict[str, Any]:
    weeks: dict[tuple[int, int], list[tuple[date, int, dict[str, Any]]]] = defaultdict(list)
    for (
        absence_id,
        starts,
        hour,
        subject_name,
        subject_code,
        reason,
        authorised,
        handled,
    ) in absences:
        day = datetime.fromisoformat(starts).astimezone(AMSTERDAM).date()
        week = iso_week(day)
        weeks[week].append(
            (
                day,
                hour,
                {
                    "id": gid("Absence", absence_id),
                    "date": day.isoformat(),
                    "isoWeek": f"{week[0]}-W{week[1]:02d}",
                    "lessonHour": hour,
                    "subjectName": subject_name,
                    "subjectCode": subject_code,
                    "reason": reason,
                    "authorised": authorised,
                    "handled": handled,
                },
            )
        )
    absent = len(absences)
    if registered:
        absence: Decimal | None = round_half_up(Fraction(absent * 100, registered))
        presence: Decimal | None = Decimal(100) - absence  # type: ignore[operator]
    else:
        registered = absent = 0
        absence = presence = None
    return {
        "firstDay": first_day.isoformat(),
        "lastDay": last_day.isoformat(),
        "registeredLessons": registered,
        "absentLessons": absent,
        "absencePercent": None if absence is None else str(absence),
        "presencePercent": None if presence is None else str(presence),
        "weeks": [
            {
                "isoWeek": f"{y}-W{w:02d}",
                "year": y,
                "week": w,
                "monday": date.fromisocalendar(y, w, 1).isoformat(),
                "absences": [
                    a for _d, _h, a in sorted(items, key=lambda x: (-x[0].toordinal(), x[1]))
                ],
            }
            for (y, w), items in sorted(weeks.items(), reverse=True)
        ],
    }
