"""Fill a PostgreSQL database with the bench data set, deterministically, with COPY.

    python -m bench.data --scale 1 --database-url postgresql://postgres@127.0.0.1:5432/bench

The database is emptied (its `public` schema dropped), migrated with the app's own migrations
and filled table by table with psycopg's COPY. Only databases whose name starts with `bench`
are touched. The same scale, seed and `--today` give the same rows.

Scale 1:
- an academy of 50 clusters: one of 20,000 learners, one of 2,000, one of 200 (the growth
  curve) and 47 of 400; each learner has three enrolments, 1-3 exam attempts per started exam,
  certificates for completed courses, and labels of the cluster (and some of the academy,
  which cluster admins may not see);
- a school board with 3 schools of 1,500 pupils in classes of 30, two guardians per pupil,
  a school year of lessons, about 150,000 grades (tests with sub-tests, resits, exam-oriented
  tests) and 30,000 absences.

Known logins (bench/common.py, password `PASSWORD`): cluster admins of the three growth clusters,
the organisation admin, a platform admin, a guardian of one child and a guardian of three.
"""

from __future__ import annotations

import argparse
import json
import random
import time as clock
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import psycopg
from argon2 import Type
from argon2.low_level import hash_secret
from psycopg import sql

from bench import common

SEED = 20261124
EPOCH = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)  # academy times are fixed, whole seconds

GIVEN = (
    "Anna Bram Daan Emma Eva Finn Fleur Gijs Hanna Isa Jan Jesse Julia Lars Lieke Lotte Lucas "
    "Luuk Maud Max Mila Milan Noah Noor Olivia Pien Ruben Sanne Sara Sem Sophie Stijn Teun Thijs "
    "Tim Tess Vera Wouter Yara Zoë Ahmed Fatima Mohammed Yusuf Aylin Mehmet Priya Chen Olga Piotr"
).split()
FAMILY = (
    "Jansen Visser Smit Meijer Mulder Bos Vos Peters Hendriks Dekker Dijkstra Bakker Janssen "
    "Willems Kok Jacobs Schouten Post Kuipers Veenstra Kramer Prins Blom Huisman Peeters Brouwer "
    "Hoekstra Koster Maas Verhoeven Yilmaz Amrani Kaya Boukhari Nowak Wang"
).split()
PREFIXES = ["", "", "", "", "", "van", "de", "van der", "van den", "ter"]
COURSES = [
    ("Meldcode huiselijk geweld en kindermishandeling", 5, True, "VVN"),
    ("Medicatieveiligheid", 4, True, "BIG"),
    ("Privacy en de AVG", 3, False, None),
    ("Omgaan met agressie", 5, True, None),
    ("Reanimatie en AED", 4, True, "KNGF"),
    ("Hygiëne en infectiepreventie", 6, False, None),
]
LABEL_COLOURS = ["GREY", "RED", "ORANGE", "GREEN", "BLUE", "PURPLE"]
SUBJECTS = [
    ("NE", "Nederlands"),
    ("EN", "Engels"),
    ("WI", "Wiskunde"),
    ("BI", "Biologie"),
    ("DU", "Duits"),
    ("FA", "Frans"),
    ("GS", "Geschiedenis"),
    ("AK", "Aardrijkskunde"),
]
HOURS = [
    (time(8, 30), time(9, 20)),
    (time(9, 20), time(10, 10)),
    (time(10, 30), time(11, 20)),
    (time(11, 20), time(12, 10)),
    (time(12, 40), time(13, 30)),
    (time(13, 30), time(14, 20)),
]
HOURS_PER_DAY = [6, 6, 4, 6, 6]  # Monday to Friday; Wednesday afternoon free
REASONS = ["Ziek", "Tandarts", "Huisarts", "Te laat, verslapen", "Familieomstandigheden"]
HOMEWORK = ["Maak opgave 1 t/m 12", "Leer de woorden van hoofdstuk 3", "Lees paragraaf 2.4"]


@dataclass
class Tables:
    """Rows per table, in insertion order; ids are assigned here so references are known."""

    rows: dict[str, list[tuple[Any, ...]]] = field(default_factory=dict)
    next_id: dict[str, int] = field(default_factory=dict)

    def add(self, table: str, *values: Any) -> int:
        """Append a row whose first column is `id`; returns the id."""
        pk = self.next_id.get(table, 1)
        self.next_id[table] = pk + 1
        self.rows.setdefault(table, []).append((pk, *values))
        return pk

    def add_plain(self, table: str, *values: Any) -> None:
        self.rows.setdefault(table, []).append(values)


COLUMNS: dict[str, str] = {
    "org_unit": "id, kind, name, code, parent_id, path, depth, created_at",
    "person": "id, email, given_name, name_prefix, family_name, language, password_hash, "
    "profile_completed, date_of_birth, phone, deactivated_at, created_at",
    "role_assignment": "id, person_id, role, org_unit_id, created_at",
    "course": "id, title, description, estimated_minutes, created_at",
    "lesson": "id, course_id, position, module_title, title, duration_minutes",
    "exam_question": "id, course_id, position, text, options_json, correct_option",
    "course_accreditation": "id, course_id, register_code, points",
    "membership": "academy_id, total_seats",
    "membership_course": "id, academy_id, course_id",
    "cluster_seats": "cluster_id, seat_limit",
    "learner": "id, person_id, cluster_id, added_at, hidden_at, magazine",
    "enrolment": "id, person_id, course_id, cluster_id, status, progress_percent, assigned_at, "
    "started_at, completed_at",
    "exam_attempt": "id, enrolment_id, number, started_at, finished_at, score_percent, passed, "
    "review_shown",
    "certificate": "id, enrolment_id, verification_code, issued_at, highest_score_percent",
    "label": "id, owner_unit_id, name, colour, created_at",
    "label_assignment": "id, label_id, person_id",
    "location_details": "org_unit_id, street, postcode, city, phone",
    "school_subject": "id, school_unit_id, school_year, code, name",
    "class_mentor": "id, class_unit_id, teacher_person_id",
    "pupil": "id, person_id, school_unit_id, class_unit_id, student_number, date_of_birth, phone, "
    "street, postcode, city, programme, created_at",
    "pupil_enrolment": "id, pupil_id, school_year, class_unit_id, programme",
    "guardian_link": "id, guardian_person_id, pupil_id, legal_representative, created_at",
    "guardian_consent": "id, pupil_id, guardian_person_id, given, given_at, withdrawn_at",
    "school_lesson": "id, class_unit_id, subject_id, starts_at, ends_at, first_hour, last_hour, "
    "room, teacher_code, teacher_person_id, attendance_registered, homework",
    "school_assessment": "id, subject_id, class_unit_id, parent_id, name, weight_hundredths, "
    "kind, finalised, created_at",
    "school_grade": "id, assessment_id, pupil_id, grade_tenths, taken_on, attempt, recorded_by, "
    "created_at",
    "school_absence": "id, pupil_id, lesson_id, reason, authorised, handled, recorded_at, "
    "handled_by",
    "catalogue_category": "id, institute_id, parent_id, name, position",
    "institute_course": "id, institute_id, category_id, title, description, duration_hours, "
    "price_cents, vat_rate_percent",
    "course_event": "id, institute_id, course_id, for_org_unit_id, starts_at, ends_at, "
    "location_name, location_address, incompany, capacity, enrolment_deadline, "
    "cancellation_deadline",
    "institute_enrolment": "id, institute_id, event_id, person_id, enrolled_by_person_id, "
    "invoice_org_unit_id, status, confirmation_sent_at, invitation_sent_at, result, attended, "
    "created_at, cancelled_at",
}
# Parents before children, for the foreign keys.
ORDER = list(COLUMNS)
WITH_SERIAL_ID = [t for t, cols in COLUMNS.items() if cols.startswith("id,")]


def password_hash(password: str) -> str:
    """argon2id with portaal/security.py's parameters (19 MiB, 2 passes, 1 lane, 32-byte hash,
    16-byte salt); the salt is fixed so the data set is the same byte for byte every time."""
    return hash_secret(
        password.encode(),
        SEED.to_bytes(16, "big"),
        time_cost=2,
        memory_cost=19_456,
        parallelism=1,
        hash_len=32,
        type=Type.ID,
    ).decode()


class Generator:
    def __init__(self, scale: float, today: date, seed: int = SEED) -> None:
        self.scale = scale
        self.today = today
        self.rng = random.Random(seed)
        self.t = Tables()
        self.hash = password_hash(common.PASSWORD)
        self.emails: set[str] = set()
        self.codes: set[str] = set()
        self.counts: dict[str, int] = {}
        # class id -> (first lesson id, last lesson id, subject ids by (year, code))
        self.lessons_by_class: dict[int, tuple[int, int, dict[tuple[int, str], int]]] = {}
        self.pupils: list[tuple[int, int]] = []  # (pupil id, class id)

    def n(self, base: int) -> int:
        return max(1, round(base * self.scale))

    # --- helpers ------------------------------------------------------------------------------

    def unit(
        self, kind: str, name: str, parent: tuple[int, str] | None, code: str | None = None
    ) -> tuple[int, str]:
        """An org unit with its materialised path; returns (id, path)."""
        pk = self.t.next_id.get("org_unit", 1)
        path = f"{parent[1] if parent else '/'}{pk}/"
        depth = path.strip("/").count("/")
        self.t.add("org_unit", kind, name, code, parent[0] if parent else None, path, depth, EPOCH)
        return pk, path

    def person(
        self,
        email: str,
        given: str,
        prefix: str,
        family: str,
        *,
        known: bool = False,
        born: date | None = None,
    ) -> int:
        assert email not in self.emails, email
        self.emails.add(email)
        activated = known or self.rng.random() < 0.7
        # The known personas read Dutch, as the floors answer; the draw keeps the sequence.
        language = "NL" if self.rng.random() < 0.9 or known else "EN"
        return self.t.add(
            "person",
            email,
            given,
            prefix,
            family,
            language,
            self.hash if activated else None,
            activated,
            born,
            None,
            None,
            EPOCH,
        )

    def name(self) -> tuple[str, str, str]:
        return self.rng.choice(GIVEN), self.rng.choice(PREFIXES), self.rng.choice(FAMILY)

    def role(self, person_id: int, role: str, unit_id: int) -> None:
        self.t.add("role_assignment", person_id, role, unit_id, EPOCH)

    def code(self) -> str:
        alphabet = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
        while True:
            raw = "".join(self.rng.choice(alphabet) for _ in range(12))
            value = f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"
            if value not in self.codes:
                self.codes.add(value)
                return value

    # --- the institute --------------------------------------------------------------------------

    def institute(self, platform: tuple[int, str]) -> None:
        """A training institute with a big client organisation: at scale 1, 400 events, 2,000
        contacts and 10,000 enrolments invoiced to the organisation; the bench contact has 150
        enrolments of their own (as themself and for the organisation)."""
        rng = random.Random(SEED + 15)  # its own sequence: the other areas' data stay the same
        t = self.t
        institute = self.unit("INSTITUTE", "Bench Instituut", platform)
        org = self.unit("CLIENT_ORGANISATION", "Bench Klant BV", institute, "K-9000")
        admin = self.person(common.INST_ORG_ADMIN, "Karin", "", "Klant", known=True)
        self.role(admin, "CLIENT_ORG_ADMIN", org[0])
        self.role(admin, "CONTACT", org[0])
        contact = self.person(common.INST_CONTACT, "Cas", "van", "Cursist", known=True)
        self.role(contact, "CONTACT", org[0])
        contacts = [contact]
        for i in range(self.n(2_000)):
            given, prefix, family = self.name()
            pid = self.person(f"contact{i:05d}@klant.bench.example", given, prefix, family)
            self.role(pid, "CONTACT", org[0])
            contacts.append(pid)
        root = t.add("catalogue_category", institute[0], None, "Ons aanbod", 0)
        categories = [
            t.add("catalogue_category", institute[0], root, name, i)
            for i, name in enumerate(["Agro & Groen", "Zorg & Welzijn", "Veiligheid"])
        ]
        courses = [
            t.add(
                "institute_course",
                institute[0],
                categories[i % 3],
                f"Bench cursus {i:02d}",
                "",
                8,
                19_500 + 1_000 * i,
                21 if i % 4 else 9,
            )
            for i in range(20)
        ]
        events = []
        start_day = datetime.combine(self.today, time(9), tzinfo=common.AMSTERDAM).astimezone(UTC)
        for i in range(max(150, self.n(400))):
            starts = start_day + timedelta(days=rng.randint(-300, 300), hours=rng.randint(0, 3))
            events.append(
                t.add(
                    "course_event",
                    institute[0],
                    rng.choice(courses),
                    org[0] if i % 10 == 0 else None,
                    starts,
                    starts + timedelta(hours=8),
                    "Incompany" if i % 10 == 0 else f"Zaal {i % 7 + 1}, Utrecht",
                    "" if i % 10 == 0 else "Stationsplein 1, 3511 AA Utrecht",
                    i % 10 == 0,
                    20,
                    starts - timedelta(days=7),
                    starts - timedelta(days=14),
                )
            )
        statuses = ["CONFIRMED"] * 6 + ["PROCESSING", "WAITLISTED", "CANCELLED"]
        taken: set[tuple[int, int]] = set()

        def enrol(event: int, person: int, org_paid: bool) -> None:
            status = rng.choice(statuses)
            made = EPOCH + timedelta(minutes=rng.randint(0, 400_000))
            confirmed = made + timedelta(days=1) if status == "CONFIRMED" else None
            result = rng.choice(["PASSED", "COMPLETED", "NOT_PASSED", None]) if confirmed else None
            t.add(
                "institute_enrolment",
                institute[0],
                event,
                person,
                admin if org_paid else person,
                org[0] if org_paid else None,
                status,
                confirmed,
                confirmed + timedelta(days=2) if confirmed and rng.random() < 0.7 else None,
                result,
                (result != "NOT_PASSED") if result else None,
                made,
                made + timedelta(days=3) if status == "CANCELLED" else None,
            )

        # The bench contact: one enrolment on each of 150 events (every page size fills).
        for event in events[:150]:
            taken.add((event, contact))
            enrol(event, contact, rng.random() < 0.6)
        for _ in range(self.n(10_000)):
            event, person = rng.choice(events), rng.choice(contacts)
            if (event, person) not in taken:
                taken.add((event, person))
                enrol(event, person, True)
        self.counts["institute_enrolments"] = len(t.rows["institute_enrolment"])

    # --- the academy ----------------------------------------------------------------------------

    def academy(self, platform: tuple[int, str]) -> None:
        rng, t = self.rng, self.t
        academy = self.unit("ACADEMY", "Bench Academie", platform, "BENCH")
        sizes = [self.n(20_000), self.n(2_000), self.n(200)] + [self.n(400)] * 47
        names = ["Cluster L", "Cluster M", "Cluster S"] + [f"Regio {i:02d}" for i in range(4, 51)]
        clusters = [self.unit("CLUSTER", name, academy) for name in names]

        courses = []
        for title, lessons, exam, register in COURSES:
            cid = t.add("course", title, f"Over {title.lower()}.", 20 * lessons, EPOCH)
            courses.append((cid, lessons, exam))
            for pos in range(1, lessons + 1):
                t.add("lesson", cid, pos, f"Module {1 + (pos - 1) // 2}", f"{title}: les {pos}", 15)
            if exam:
                for pos in range(1, 4):
                    t.add("exam_question", cid, pos, f"Vraag {pos}?", '["Ja", "Nee", "Soms"]', 0)
            if register:
                t.add("course_accreditation", cid, register, 4)
        t.add_plain("membership", academy[0], sum(sizes) + 500)
        for cid, _, _ in courses:
            t.add("membership_course", academy[0], cid)

        academy_labels = [
            t.add("label", academy[0], name, colour, EPOCH)
            for name, colour in (("Teamleider", "GREEN"), ("BHV", "RED"), ("Nieuw", "BLUE"))
        ]
        known = [common.ADMIN_L, common.ADMIN_M, common.ADMIN_S]
        for i, email in enumerate(known):
            admin = self.person(email, "Beheerder", "", names[i], known=True)
            self.role(admin, "CLUSTER_ADMIN", clusters[i][0])
        org_admin = self.person(common.ORG_ADMIN, "Olga", "van", "Dijk", known=True)
        self.role(org_admin, "ACADEMY_ORG_ADMIN", academy[0])

        number = 0
        extra_clusters = clusters[3:]
        for index, ((cluster_id, _path), size) in enumerate(zip(clusters, sizes, strict=True)):
            t.add_plain("cluster_seats", cluster_id, size + 10)
            labels = [
                t.add("label", cluster_id, f"Kenmerk {k}", LABEL_COLOURS[k], EPOCH)
                for k in range(4)
            ]
            for _ in range(size):
                number += 1
                given, prefix, family = self.name()
                pid = self.person(f"learner{number}@bench.example", given, prefix, family)
                self.learner(pid, cluster_id, courses, 3)
                for label in rng.sample(labels, rng.randint(0, 3)):
                    t.add("label_assignment", label, pid)
                if rng.random() < 0.2:
                    t.add("label_assignment", rng.choice(academy_labels), pid)
                if index == 0 and rng.random() < 0.01 and extra_clusters:
                    # Also a user of another cluster: its admin sees only that enrolment.
                    self.learner(pid, rng.choice(extra_clusters)[0], courses, 1)
        self.counts["learners"] = len(t.rows["learner"])

    def learner(
        self, pid: int, cluster_id: int, courses: Sequence[tuple[int, int, bool]], count: int
    ) -> None:
        rng, t = self.rng, self.t
        added = EPOCH + timedelta(days=rng.randint(0, 300), seconds=rng.randint(0, 86_399))
        hidden = added + timedelta(days=30) if rng.random() < 0.02 else None
        t.add("learner", pid, cluster_id, added, hidden, rng.random() < 0.8)
        self.role(pid, "LEARNER", cluster_id)
        for cid, lessons, exam in rng.sample(list(courses), count):
            roll = rng.random()
            assigned = added + timedelta(days=rng.randint(0, 10), seconds=rng.randint(0, 3600))
            started = completed = None
            if roll < 0.3:
                status, progress = "NOT_STARTED", 0
            elif roll < 0.7:
                done = rng.randint(1, lessons - 1)
                status, progress = "IN_PROGRESS", done * 100 // lessons
                started = assigned + timedelta(days=rng.randint(1, 20))
            else:
                status, progress = "COMPLETED", 100
                started = assigned + timedelta(days=rng.randint(1, 20))
                completed = started + timedelta(days=rng.randint(1, 30))
            eid = t.add(
                "enrolment",
                pid,
                cid,
                cluster_id,
                status,
                progress,
                assigned,
                started,
                completed,
            )
            scores: list[int] = []
            if exam and started is not None:
                at = started + timedelta(days=1)
                for number in range(1, rng.randint(1, 3) + 1):
                    if status == "IN_PROGRESS" and rng.random() < 0.1:
                        t.add("exam_attempt", eid, number, at, None, None, None, False)
                        break
                    score = rng.randint(35, 100)
                    scores.append(score)
                    t.add(
                        "exam_attempt",
                        eid,
                        number,
                        at,
                        at + timedelta(minutes=rng.randint(5, 40)),
                        score,
                        score >= 70,
                        True,
                    )
                    if score >= 70:
                        break
                    at += timedelta(days=rng.randint(1, 14))
            if status == "COMPLETED":
                t.add(
                    "certificate",
                    eid,
                    self.code(),
                    completed,
                    max(scores) if scores else None,
                )

    # --- the school board -----------------------------------------------------------------------

    def school(self, platform: tuple[int, str]) -> None:
        rng, t = self.rng, self.t
        year = common.school_year_start(self.today)
        board = self.unit("SCHOOL_BOARD", "Stichting Bench Onderwijs", platform)
        pupils_per_school = self.n(1_500)
        guardian_number = pupil_number = 0
        first_school: tuple[int, list[tuple[int, str, int]]] | None = None
        teaching_days = self.teaching_days(year)
        cutoff = common.to_utc(self.today, time(0))
        for s in range(1, 4):
            school = self.unit("SCHOOL", f"Bench College {s}", board, f"{s:02d}BX")
            locations = [self.unit("LOCATION", f"Locatie {x}", school) for x in "AB"]
            for x, (loc_id, _path) in enumerate(locations):
                t.add_plain(
                    "location_details",
                    loc_id,
                    f"Schoolstraat {s * 10 + x}",
                    f"35{s}{x} AB",
                    "Utrecht",
                    f"030 {s}{x}0 00 00",
                )
            teachers = []
            for k in range(max(3, self.n(20))):
                given, prefix, family = self.name()
                pid = self.person(f"teacher{s}.{k}@bench.example", given, prefix, family)
                self.role(pid, "TEACHER", school[0])
                teachers.append((pid, f"{family[:2].upper()}{k}"))
            subjects: dict[tuple[int, str], int] = {}
            for y in (year - 1, year):
                for code, name in SUBJECTS:
                    subjects[(y, code)] = t.add("school_subject", school[0], y, code, name)
            classes = []
            class_count = max(1, round(pupils_per_school / 30))
            for c in range(class_count):
                level = 1 + c * 6 // class_count
                location = locations[c % 2]
                name = f"{level}{chr(ord('A') + c % 26)}{'' if c < 26 else c // 26}"
                class_id, _ = self.unit("CLASS", name, location)
                classes.append((class_id, name, level))
                mentor = teachers[c % len(teachers)][0]
                t.add("class_mentor", class_id, mentor)
                self.timetable(class_id, subjects, year, teachers, teaching_days, cutoff, c)
            if first_school is None:
                first_school = (school[0], classes)
            # Pupils, 30 a class (the last classes take the rest).
            for p in range(pupils_per_school):
                class_id, _name, level = classes[p * class_count // pupils_per_school]
                pupil_number += 1
                age = 11 + level + (1 if rng.random() < 0.3 else 0)
                born = self.today - timedelta(days=365 * age + rng.randint(0, 360))
                given, prefix, family = self.name()
                pid = self.person(
                    f"pupil{pupil_number}@leerling.bench.example",
                    given,
                    prefix,
                    family,
                    born=born,
                )
                self.role(pid, "PUPIL", class_id)
                pupil = self.pupil(pid, school[0], class_id, pupil_number, born, year, level)
                adult = age >= 18
                for g in range(2):
                    guardian_number += 1
                    gpid = self.person(
                        f"guardian{guardian_number}@bench.example",
                        rng.choice(GIVEN),
                        prefix,
                        family,
                    )
                    t.add("guardian_link", gpid, pupil, g == 0, EPOCH)
                    if adult:
                        given_consent = g == 0
                        t.add(
                            "guardian_consent",
                            pupil,
                            gpid,
                            given_consent,
                            EPOCH if given_consent else None,
                            None,
                        )
        # The known guardians: one of three children (two minors, one adult who consented)
        # and one of a single child, in the first school.
        assert first_school is not None
        family_pupils = self.known_family(*first_school, year)
        g3 = self.person(common.GUARDIAN_3, "Sandra", "", "Bench", known=True)
        for i, pupil in enumerate(family_pupils[:3]):
            t.add("guardian_link", g3, pupil, True, EPOCH)
            if i == 2:
                t.add("guardian_consent", pupil, g3, True, EPOCH, None)
        g1 = self.person(common.GUARDIAN_1, "Peter", "", "Solo", known=True)
        t.add("guardian_link", g1, family_pupils[3], True, EPOCH)
        self.grades(year)
        self.absences(cutoff)
        self.counts["pupils"] = len(t.rows["pupil"])

    def teaching_days(self, year: int) -> list[date]:
        """Weekdays from late August to mid July, without the Christmas holiday."""
        day = date(year, 8, 24)
        day += timedelta(days=(7 - day.weekday()) % 7)
        end = date(year + 1, 7, 10)
        christmas = date(year, 12, 22) - timedelta(days=date(year, 12, 22).weekday())
        days = []
        while day <= end:
            if day.weekday() < 5 and not christmas <= day < christmas + timedelta(days=14):
                days.append(day)
            day += timedelta(days=1)
        return days

    def timetable(
        self,
        class_id: int,
        subjects: dict[tuple[int, str], int],
        year: int,
        teachers: list[tuple[int, str]],
        days: list[date],
        cutoff: datetime,
        offset: int,
    ) -> None:
        rng, t = self.rng, self.t
        # One weekly pattern per class: (weekday, hour) -> subject code and teacher.
        pattern = {}
        for weekday, hours in enumerate(HOURS_PER_DAY):
            for hour in range(hours):
                code = SUBJECTS[(weekday * 3 + hour + offset) % len(SUBJECTS)][0]
                teacher = teachers[(hour + offset + weekday) % len(teachers)]
                pattern[(weekday, hour)] = (code, teacher)
        for day in days:
            for hour in range(HOURS_PER_DAY[day.weekday()]):
                code, (teacher_id, teacher_code) = pattern[(day.weekday(), hour)]
                start, end = HOURS[hour]
                starts_at = common.to_utc(day, start)
                homework = rng.choice(HOMEWORK) if rng.random() < 0.2 else None
                t.add(
                    "school_lesson",
                    class_id,
                    subjects[(year, code)],
                    starts_at,
                    common.to_utc(day, end),
                    hour + 1,
                    hour + 1,
                    f"{1 + hour % 3}.{10 + offset % 20}",
                    teacher_code,
                    teacher_id,
                    starts_at < cutoff,
                    homework,
                )
        last = self.t.next_id["school_lesson"] - 1
        first = last - sum(HOURS_PER_DAY[d.weekday()] for d in days) + 1
        self.lessons_by_class[class_id] = (first, last, subjects)

    def pupil(
        self,
        person_id: int,
        school_id: int,
        class_id: int,
        number: int,
        born: date,
        year: int,
        level: int,
    ) -> int:
        t = self.t
        programme = "havo" if level < 5 else "vwo"
        pupil = t.add(
            "pupil",
            person_id,
            school_id,
            class_id,
            f"{year % 100:02d}{number:05d}",
            born,
            "06 12345678",
            f"Kastanjelaan {number % 200 + 1}",
            "3521 XY",
            "Utrecht",
            programme,
            EPOCH,
        )
        t.add("pupil_enrolment", pupil, year, class_id, programme)
        if level > 1:
            t.add("pupil_enrolment", pupil, year - 1, class_id, programme)
        self.pupils.append((pupil, class_id))
        return pupil

    def known_family(
        self, school_id: int, classes: list[tuple[int, str, int]], year: int
    ) -> list[int]:
        """Three siblings (15, 13, 18) and a single child (14), in the first school."""
        pupils = []
        for k, (given, age) in enumerate(
            (("Tim", 15), ("Noor", 13), ("Eva", 18), ("Sam", 14)), start=1
        ):
            class_id, _name, level = classes[min(len(classes) - 1, (age - 12) * len(classes) // 6)]
            born = self.today - timedelta(days=365 * age + 30 * k)
            family = "Solo" if given == "Sam" else "Bench"
            pid = self.person(
                f"{given.lower()}.{family.lower()}@leerling.bench.example",
                given,
                "",
                family,
                known=True,
                born=born,
            )
            self.role(pid, "PUPIL", class_id)
            pupils.append(self.pupil(pid, school_id, class_id, 90_000 + k, born, year, level))
        return pupils

    def grades(self, year: int) -> None:
        """Per class and subject of this year: a test, a test of two sub-tests, a test with
        resits, and for NE and EN an exam-oriented test (NE finalised, EN not)."""
        rng, t = self.rng, self.t
        pupils_of: dict[int, list[int]] = {}
        for pupil, class_id in self.pupils:
            pupils_of.setdefault(class_id, []).append(pupil)
        start = date(year, 8, 26)
        span = max(30, (self.today - start).days)
        for class_id, (_first, _last, subjects) in self.lessons_by_class.items():
            recorder = None
            for code, _name in SUBJECTS:
                subject = subjects[(year, code)]
                first = self.test(subject, class_id, "Toets hoofdstuk 1", 100)
                project = self.test(subject, class_id, "Praktische opdracht", 200)
                parts = [
                    self.test(subject, class_id, "Opzet", 100, project),
                    self.test(subject, class_id, "Eindversie", 300, project),
                ]
                second = self.test(subject, class_id, "Toets hoofdstuk 2", 100)
                graded = [(first, 0.2), (parts[0], 0.35), (parts[1], 0.5), (second, 0.7)]
                if code in ("NE", "EN"):
                    exam = self.test(
                        subject, class_id, "Schoolexamen", 200, None, "EXAM_ORIENTED", code == "NE"
                    )
                    graded.append((exam, 0.8))
                for pupil in pupils_of.get(class_id, []):
                    skill = rng.gauss(0, 8)
                    for assessment, moment in graded:
                        taken = start + timedelta(days=int(span * moment))
                        value = max(10, min(100, round(65 + skill + rng.gauss(0, 10))))
                        t.add(
                            "school_grade",
                            assessment,
                            pupil,
                            value,
                            taken,
                            1,
                            recorder,
                            EPOCH,
                        )
                        if assessment == second and value < 55 and rng.random() < 0.5:
                            t.add(
                                "school_grade",
                                assessment,
                                pupil,
                                min(100, value + rng.randint(5, 25)),
                                taken + timedelta(days=14),
                                2,
                                recorder,
                                EPOCH,
                            )

    def test(
        self,
        subject: int,
        class_id: int,
        name: str,
        weight: int,
        parent: int | None = None,
        kind: str = "REGULAR",
        finalised: bool = False,
    ) -> int:
        return self.t.add(
            "school_assessment", subject, class_id, parent, name, weight, kind, finalised, EPOCH
        )

    def absences(self, cutoff: datetime) -> None:
        """About 30,000 absences at scale 1, of lessons before today, in every state."""
        rng, t = self.rng, self.t
        total = self.n(30_000)
        lessons = {
            class_id: (first, last) for class_id, (first, last, _s) in self.lessons_by_class.items()
        }
        lesson_rows = t.rows["school_lesson"]
        past_until: dict[int, int] = {}
        for class_id, (first, last) in lessons.items():
            end = first
            while end <= last and lesson_rows[end - 1][3] < cutoff:
                end += 1
            past_until[class_id] = end - 1  # last lesson before today, or first-1
        pupils = self.pupils
        per_pupil = max(1, round(total / max(1, len(pupils))))
        taken: set[tuple[int, int]] = set()
        for pupil, class_id in pupils:
            first, last = lessons[class_id][0], past_until[class_id]
            if last < first:
                last = lessons[class_id][1]
            for _ in range(rng.randint(0, 2 * per_pupil)):
                lesson = rng.randint(first, last)
                if (pupil, lesson) in taken:
                    continue
                taken.add((pupil, lesson))
                roll = rng.random()
                if roll < 0.3:
                    reason, authorised, handled = None, False, False
                else:
                    reason = rng.choice(REASONS)
                    authorised = reason != REASONS[3]
                    handled = roll < 0.8
                t.add(
                    "school_absence",
                    pupil,
                    lesson,
                    reason,
                    authorised,
                    handled,
                    lesson_rows[lesson - 1][3],
                    None,
                )

    # --- all of it --------------------------------------------------------------------------------

    def build(self) -> Tables:
        platform = self.unit("PLATFORM", "Portaal", None)
        admin = self.person(common.PLATFORM_ADMIN, "Petra", "", "Platform", known=True)
        self.role(admin, "PLATFORM_ADMIN", platform[0])
        self.academy(platform)
        self.school(platform)
        self.institute(platform)
        return self.t


def reset_and_migrate(url: str) -> None:
    """An empty, migrated database: drop the public schema, run the app's migrations."""
    from persistence.migrate import upgrade

    common.check_bench_database(url)
    admin_url = common.with_database(url, "postgres")
    name = common.database_name(url)
    with psycopg.connect(admin_url, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone()
        if not exists:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    with psycopg.connect(common.psycopg_url(url), autocommit=True) as conn:
        conn.execute("DROP SCHEMA IF EXISTS public CASCADE")
        conn.execute("CREATE SCHEMA public")
    upgrade(common.sqlalchemy_url(url))


def copy_rows(conn: psycopg.Connection, tables: Tables) -> dict[str, int]:
    counts = {}
    with conn.cursor() as cur:
        for table in ORDER:
            rows: Iterable[tuple[Any, ...]] = tables.rows.get(table, [])
            with cur.copy(f"COPY {table} ({COLUMNS[table]}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            counts[table] = len(tables.rows.get(table, []))
        for table in WITH_SERIAL_ID:
            cur.execute(
                sql.SQL(
                    "SELECT setval(pg_get_serial_sequence({name}, 'id'), "
                    "coalesce((SELECT max(id) FROM {table}), 0) + 1, false)"
                ).format(name=sql.Literal(table), table=sql.Identifier(table))
            )
    return counts


def generate(
    url: str, scale: float, today: date | None = None, *, quiet: bool = False
) -> dict[str, Any]:
    """Reset, migrate and fill the database; returns row counts and timings."""
    started = clock.perf_counter()
    reset_and_migrate(url)
    migrated = clock.perf_counter()
    day = today or common.local_today()
    tables = Generator(scale, day).build()
    built = clock.perf_counter()
    with psycopg.connect(common.psycopg_url(url)) as conn:
        counts = copy_rows(conn, tables)
        conn.commit()
    copied = clock.perf_counter()
    with psycopg.connect(common.psycopg_url(url), autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE")
        # What is in the database, for the results (no table of our own in the app's schema).
        about = json.dumps({"scale": scale, "seed": SEED, "today": day.isoformat()})
        conn.execute(
            sql.SQL("COMMENT ON DATABASE {} IS {}").format(
                sql.Identifier(common.database_name(url)), sql.Literal(about)
            )
        )
    done = clock.perf_counter()
    timings = {
        "migrate": migrated - started,
        "build": built - migrated,
        "copy": copied - built,
        "analyze": done - copied,
        "total": done - started,
    }
    if not quiet:
        total_rows = sum(counts.values())
        print(
            f"bench data at scale {scale}: {total_rows:,} rows in {timings['total']:.1f} s "
            f"(migrate {timings['migrate']:.1f}, build {timings['build']:.1f}, "
            f"copy {timings['copy']:.1f}, analyze {timings['analyze']:.1f})"
        )
        for table, count in counts.items():
            print(f"  {table:24} {count:>10,}")
    return {"counts": counts, "timings": timings, "scale": scale}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--database-url", default=common.DEFAULT_URL)
    parser.add_argument(
        "--today", type=date.fromisoformat, default=None, help="the day the school data centre on"
    )
    args = parser.parse_args(argv)
    generate(args.database_url, args.scale, args.today)


if __name__ == "__main__":
    main()


def about(url: str) -> dict[str, Any]:
    """Scale, seed and day of the data set in the database, as the generator noted them."""
    with psycopg.connect(common.psycopg_url(url)) as conn:
        row = conn.execute(
            "SELECT shobj_description(oid, 'pg_database') FROM pg_database "
            "WHERE datname = current_database()"
        ).fetchone()
    try:
        return dict(json.loads(row[0])) if row and row[0] else {}
    except ValueError:
        return {}
