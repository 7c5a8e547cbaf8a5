"""Every demo role against every sensitive read: the expected allow/deny holds, nothing more."""

from __future__ import annotations

from tests.conftest import Api

PERSONAS = {
    "platform_admin": ("beheer@portaal.example", None),
    "academy_org_admin": ("orgbeheer@zorgacademie.example", None),
    "cluster_admin_noord": ("noord@zorgacademie.example", None),
    "learner_noord": ("lotte.jansen@example.org", None),
    "institute_staff": ("administratie@debrug.example", None),
    "client_org_admin": ("martin.sommer@welzijn.example", "Zorggroep Welzijn BV"),
    "contact_veendam": ("kees.degroot@veendam.example", "Gemeente Veendam"),
    "school_admin": ("administratie@lindenhove.example", None),
    "teacher": ("r.mulder@lindenhove.example", None),  # Centrum, mentor of 3A
    # Centrum, mentor of 3B, teaches 3A's German lessons (not its mentor).
    "teacher_dewit": ("s.dewit@lindenhove.example", None),
    "teacher_noord": ("j.dekker@lindenhove.example", None),  # Noord, mentor and teacher of 4H
    "pupil": ("tim.bos@leerling.lindenhove.example", None),
    "board_contact": ("contact@stichtinglinden.example", None),
    "guardian": ("sandra.bos@example.nl", None),
    # The institute (issue 15): acting or not decides what an organisation's people see.
    "client_org_admin_as_self": ("martin.sommer@welzijn.example", None),
    "contact_welzijn": ("fatima.bouali@welzijn.example", "Zorggroep Welzijn BV"),
    "private_person": ("els.dekker@example.nl", None),
    # meldcode (issue 16)
    "care_coordinator": ("zorg@lindenhove.example", None),
    "director": ("directie@lindenhove.example", None),
    "care_coordinator_esch": ("zorg@deesch.example", None),
}

PERSON = "query($id: ID!) { node(id: $id) { ... on Person { email } } }"
CHILDREN = "query($id: ID!) { node(id: $id) { ... on OrgUnit { children { totalCount } } } }"
NAME = "query($id: ID!) { node(id: $id) { ... on OrgUnit { name } } }"
PUPIL = "query($id: ID!) { node(id: $id) { ... on Pupil { studentNumber } } }"
LESSON = "query($id: ID!) { node(id: $id) { ... on TimetableLesson { room teacherCode } } }"
CLASS_PUPILS = "query($id: ID!) { classPupils(classId: $id) { totalCount } }"
EVENT = "query($id: ID!) { node(id: $id) { ... on CourseEvent { seatsAvailable } } }"
INVOICE = "query($id: ID!) { node(id: $id) { ... on Invoice { number totalInclVatCents } } }"
ENROLMENT = "query($id: ID!) { node(id: $id) { ... on CourseEnrolment { status result } } }"
ORG_ENROLMENTS = "query($id: ID!) { organisationEnrolments(organisationId: $id) { totalCount } }"
ORG_DETAILS = "query($id: ID!) { clientOrganisation(organisationId: $id) { invoiceAddress } }"
DASHBOARD = "query($id: ID!) { instituteDashboard(instituteId: $id) { revenuePerMonth { month } } }"
EVERYONE = set(PERSONAS)
WELZIJN_PEOPLE = {"platform_admin", "institute_staff", "client_org_admin", "contact_welzijn"}
CASE = "query($id: ID!) { node(id: $id) { ... on MeldcodeCase { pupilName } } }"
SIGNAL = "query($id: ID!) { node(id: $id) { ... on MeldcodeSignal { text } } }"
CASES = "query($id: ID!) { meldcodeCases(schoolId: $id) { totalCount } }"
SOCIAL_MAP = "query($id: ID!) { carePartners(schoolId: $id) { name } }"
FIGURES = "query($id: ID!) { meldcodeOverview(unitId: $id, schoolYear: 2025) { unitName } }"

# (description, query, person e-mail or unit name, who may)
MATRIX = [
    (
        "learner of Noord",
        PERSON,
        "sanne.visser@example.org",
        {"platform_admin", "academy_org_admin", "cluster_admin_noord"},
    ),
    (
        "learner of Zuid",
        PERSON,
        "ahmed.elamrani@example.org",
        {"platform_admin", "academy_org_admin"},
    ),
    (
        "contact of Welzijn",
        PERSON,
        "fatima.bouali@welzijn.example",
        {"platform_admin", "institute_staff", "client_org_admin", "contact_welzijn"},
    ),
    (
        "contact of Veendam",
        PERSON,
        "kees.degroot@veendam.example",
        {"platform_admin", "institute_staff", "contact_veendam"},
    ),
    (
        "pupil",
        PERSON,
        "tim.bos@leerling.lindenhove.example",
        {"platform_admin", "school_admin", "pupil"},
    ),
    (
        "teacher",
        PERSON,
        "r.mulder@lindenhove.example",
        {"platform_admin", "school_admin", "teacher"},
    ),
    (
        "academy's clusters",
        CHILDREN,
        "Zorgacademie Nederland",
        {"platform_admin", "academy_org_admin"},
    ),
    (
        "institute's clients",
        CHILDREN,
        "Opleidingsinstituut De Brug",
        {"platform_admin", "institute_staff"},
    ),
    (
        "school's locations",
        CHILDREN,
        "Lindenhove College",
        {"platform_admin", "school_admin", "board_contact", "care_coordinator", "director"},
    ),
    ("cluster Zuid by name", NAME, "Regio Zuid", {"platform_admin", "academy_org_admin"}),
    (
        "school by name",
        NAME,
        "Lindenhove College",
        {
            "platform_admin",
            "school_admin",
            "teacher",
            "teacher_dewit",
            "teacher_noord",
            "pupil",
            "board_contact",
            "care_coordinator",
            "director",
        },
    ),
    (
        "client organisation by name",
        NAME,
        "Gemeente Veendam",
        {"platform_admin", "institute_staff", "contact_veendam"},
    ),
    ("audit log", "{ auditEvents { totalCount } }", None, {"platform_admin"}),
    # A pupil is for the staff of the pupil's class: its mentor and the teachers of a lesson
    # of it this school year, not every teacher of the location.
    (
        "pupil card of Tim (15, 3A)",
        PUPIL,
        "pupil:tim.bos@leerling.lindenhove.example",
        {"school_admin", "teacher", "teacher_dewit", "pupil", "guardian"},
    ),
    (
        "pupil card of Eva (18, 4H, no consent)",
        PUPIL,
        "pupil:eva.bos@leerling.lindenhove.example",
        {"school_admin", "teacher_noord"},
    ),
    (
        "pupils of 3A",
        CLASS_PUPILS,
        "3A",
        {"school_admin", "teacher", "teacher_dewit"},
    ),
    ("pupils of 3B", CLASS_PUPILS, "3B", {"school_admin", "teacher_dewit"}),
    # A lesson opens by ID for everyone who sees it in an agenda: the class's pupils and the
    # guardians of a pupil they may see; a timetable is no pupil's data, so every teacher of
    # the location reads it.
    (
        "lesson of 3A by ID",
        LESSON,
        "lesson:3A",
        {"school_admin", "teacher", "teacher_dewit", "pupil", "guardian"},
    ),
    ("lesson of 4H by ID", LESSON, "lesson:4H", {"school_admin", "teacher_noord"}),
    ("public course event", EVENT, "inst:event:BHV Basis:public", EVERYONE),
    (
        "maatwerk event of Welzijn (belonging is enough, also as yourself)",
        EVENT,
        "inst:event:Meldcode in de praktijk:maatwerk",
        WELZIJN_PEOPLE | {"client_org_admin_as_self"},
    ),
    ("Welzijn's open invoice", INVOICE, "inst:invoice:Zorggroep Welzijn BV", WELZIJN_PEOPLE),
    (
        "a private person's invoice",
        INVOICE,
        "inst:invoice:Els Dekker",
        {"platform_admin", "institute_staff", "private_person"},
    ),
    (
        "Veendam's credited invoice",
        INVOICE,
        "inst:invoice:Gemeente Veendam",
        {"platform_admin", "institute_staff", "contact_veendam"},
    ),
    (
        "Fatima's enrolment, invoiced to Welzijn",
        ENROLMENT,
        "inst:enrolment:fatima.bouali@welzijn.example",
        WELZIJN_PEOPLE,
    ),
    (
        "a private person's enrolment",
        ENROLMENT,
        "inst:enrolment:els.dekker@example.nl",
        {"platform_admin", "institute_staff", "private_person"},
    ),
    ("Welzijn's enrolments", ORG_ENROLMENTS, "Zorggroep Welzijn BV", WELZIJN_PEOPLE),
    ("Welzijn's billing details", ORG_DETAILS, "Zorggroep Welzijn BV", WELZIJN_PEOPLE),
    (
        "the institute's dashboard",
        DASHBOARD,
        "Opleidingsinstituut De Brug",
        {"platform_admin", "institute_staff"},
    ),
    # meldcode (issue 16): case content for the school's care coordinators only; a signal
    # also for its author; figures for coordinators, the director and the board.
    ("meldcode case of Lindenhove", CASE, "case:Lindenhove College", {"care_coordinator"}),
    ("meldcode case of De Esch", CASE, "case:Basisschool De Esch", {"care_coordinator_esch"}),
    ("Lindenhove's meldcode cases", CASES, "Lindenhove College", {"care_coordinator"}),
    (
        "signal about Tim (by Rik Mulder)",
        SIGNAL,
        "signal:Lindenhove College",
        {"care_coordinator", "teacher"},
    ),
    ("social map of Lindenhove", SOCIAL_MAP, "Lindenhove College", {"care_coordinator"}),
    (
        "meldcode figures of Lindenhove",
        FIGURES,
        "Lindenhove College",
        {"care_coordinator", "director", "board_contact"},
    ),
    ("meldcode figures of the board", FIGURES, "Stichting Lindenhove Onderwijs", {"board_contact"}),
]


async def _lesson_id(api: Api, class_name: str) -> str:
    import sqlalchemy as sa

    from domain.core.ids import decode_global_id, encode_global_id
    from persistence.school.models import SchoolLesson

    _, unit = decode_global_id(await api.unit_id(class_name))
    async with api.database.transaction() as s:
        stmt = sa.select(sa.func.min(SchoolLesson.id)).where(SchoolLesson.class_unit_id == unit)
        return encode_global_id("TimetableLesson", (await s.execute(stmt)).scalar_one())


async def _meldcode_id(api: Api, target: str) -> str:
    import sqlalchemy as sa

    from domain.core.ids import encode_global_id
    from persistence.core.models import OrgUnit
    from persistence.meldcode.models import MeldcodeCase, MeldcodeSignal

    kind, _, school = target.partition(":")
    model = MeldcodeCase if kind == "case" else MeldcodeSignal
    async with api.database.transaction() as s:
        stmt = sa.select(model.id)
        if model is MeldcodeSignal:
            stmt = stmt.join(MeldcodeCase, MeldcodeCase.id == MeldcodeSignal.case_id)
        stmt = stmt.join(OrgUnit, OrgUnit.id == MeldcodeCase.school_unit_id)
        found = (await s.execute(stmt.where(OrgUnit.name == school))).scalars().first()
    return encode_global_id("MeldcodeCase" if kind == "case" else "MeldcodeSignal", found)


async def _pupil_id(api: Api, email: str) -> str:
    import sqlalchemy as sa

    from domain.core.ids import encode_global_id
    from persistence.core.models import Person
    from persistence.school.models import Pupil

    async with api.database.transaction() as s:
        stmt = (
            sa.select(Pupil.id)
            .join(Person, Person.id == Pupil.person_id)
            .where(Person.email == email)
        )
        return encode_global_id("Pupil", (await s.execute(stmt)).scalar_one())


async def _institute_id(api: Api, target: str) -> str:
    """`inst:event:<course>:public|maatwerk`, `inst:invoice:<debtor>` (the first invoice, not a
    credit note), `inst:enrolment:<e-mail>` (their enrolment on the past event)."""
    import sqlalchemy as sa

    from domain.core.ids import encode_global_id
    from persistence.core.models import Person
    from persistence.institute.models import (
        CourseEvent,
        InstituteCourse,
        InstituteEnrolment,
        Invoice,
    )

    _, kind, rest = target.split(":", 2)
    async with api.database.transaction() as s:
        if kind == "event":
            title, visibility = rest.split(":")
            maatwerk = CourseEvent.for_org_unit_id.is_not(None)
            stmt = (
                sa.select(CourseEvent.id)
                .join(InstituteCourse, InstituteCourse.id == CourseEvent.course_id)
                .where(InstituteCourse.title == title)
                .where(maatwerk if visibility == "maatwerk" else sa.not_(maatwerk))
            )
            return encode_global_id("CourseEvent", (await s.execute(stmt.limit(1))).scalar_one())
        if kind == "invoice":
            stmt = sa.select(Invoice.id).where(
                Invoice.debtor_name == rest, Invoice.credits_invoice_id.is_(None)
            )
            return encode_global_id("Invoice", (await s.execute(stmt.limit(1))).scalar_one())
        stmt = (
            sa.select(InstituteEnrolment.id)
            .join(Person, Person.id == InstituteEnrolment.person_id)
            .join(CourseEvent, CourseEvent.id == InstituteEnrolment.event_id)
            .where(Person.email == rest)
            .order_by(CourseEvent.starts_at)
        )
        return encode_global_id("CourseEnrolment", (await s.execute(stmt.limit(1))).scalar_one())


async def _allowed(api: Api, query: str, target: str | None, token: str) -> bool:
    variables = {}
    if target is not None and target.startswith("inst:"):
        variables["id"] = await _institute_id(api, target)
    elif target is not None and target.startswith(("case:", "signal:")):
        variables["id"] = await _meldcode_id(api, target)
    elif target is not None and target.startswith("pupil:"):
        variables["id"] = await _pupil_id(api, target.removeprefix("pupil:"))
    elif target is not None and target.startswith("lesson:"):
        variables["id"] = await _lesson_id(api, target.removeprefix("lesson:"))
    elif target is not None:
        variables["id"] = await (api.person_id(target) if "@" in target else api.unit_id(target))
    body = await api.query(query, variables, token)
    data = body["data"]
    if data is None or any(v is None for v in data.values()):
        return False
    value = next(iter(data.values()))
    if isinstance(value, dict) and any(v is None for v in value.values()):
        assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
        return False
    return "errors" not in body


async def test_authorization_matrix(api: Api) -> None:
    tokens = {}
    for persona, (email, acting) in PERSONAS.items():
        tokens[persona] = await api.login(email)
        if acting:
            result = await api.data(
                "mutation($o: ID) { actAs(organisationId: $o) { errors { message } } }",
                {"o": await api.unit_id(acting)},
                tokens[persona],
            )
            assert result["actAs"]["errors"] == []
    mismatches = []
    checked = 0
    for description, query, target, allowed in MATRIX:
        for persona, token in tokens.items():
            got = await _allowed(api, query, target, token)
            checked += 1
            if got != (persona in allowed):
                mismatches.append(
                    f"{persona} reading {description}: got {'allow' if got else 'deny'}"
                )
    assert checked == len(PERSONAS) * len(MATRIX) == 20 * 36
    assert mismatches == [], "\n".join(mismatches)
