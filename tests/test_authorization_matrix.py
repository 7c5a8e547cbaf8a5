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
    "teacher": ("r.mulder@lindenhove.example", None),
    "pupil": ("tim.bos@leerling.lindenhove.example", None),
    "board_contact": ("contact@stichtinglinden.example", None),
    "guardian": ("sandra.bos@example.nl", None),
    # The institute (issue 15): acting or not decides what an organisation's people see.
    "client_org_admin_as_self": ("martin.sommer@welzijn.example", None),
    "contact_welzijn": ("fatima.bouali@welzijn.example", "Zorggroep Welzijn BV"),
    "private_person": ("els.dekker@example.nl", None),
}

PERSON = "query($id: ID!) { node(id: $id) { ... on Person { email } } }"
CHILDREN = "query($id: ID!) { node(id: $id) { ... on OrgUnit { children { totalCount } } } }"
NAME = "query($id: ID!) { node(id: $id) { ... on OrgUnit { name } } }"
PUPIL = "query($id: ID!) { node(id: $id) { ... on Pupil { studentNumber } } }"
EVENT = "query($id: ID!) { node(id: $id) { ... on CourseEvent { seatsAvailable } } }"
INVOICE = "query($id: ID!) { node(id: $id) { ... on Invoice { number totalInclVatCents } } }"
ENROLMENT = "query($id: ID!) { node(id: $id) { ... on CourseEnrolment { status result } } }"
ORG_ENROLMENTS = "query($id: ID!) { organisationEnrolments(organisationId: $id) { totalCount } }"
ORG_DETAILS = "query($id: ID!) { clientOrganisation(organisationId: $id) { invoiceAddress } }"
DASHBOARD = "query($id: ID!) { instituteDashboard(instituteId: $id) { revenuePerMonth { month } } }"
EVERYONE = {
    "platform_admin", "academy_org_admin", "cluster_admin_noord", "learner_noord",
    "institute_staff", "client_org_admin", "contact_veendam", "school_admin", "teacher", "pupil",
    "board_contact", "guardian", "client_org_admin_as_self", "contact_welzijn", "private_person",
}  # fmt: skip
WELZIJN_PEOPLE = {"platform_admin", "institute_staff", "client_org_admin", "contact_welzijn"}

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
        {"platform_admin", "school_admin", "board_contact"},
    ),
    ("cluster Zuid by name", NAME, "Regio Zuid", {"platform_admin", "academy_org_admin"}),
    (
        "school by name",
        NAME,
        "Lindenhove College",
        {"platform_admin", "school_admin", "teacher", "pupil", "board_contact"},
    ),
    (
        "client organisation by name",
        NAME,
        "Gemeente Veendam",
        {"platform_admin", "institute_staff", "contact_veendam"},
    ),
    ("audit log", "{ auditEvents { totalCount } }", None, {"platform_admin"}),
    (
        "pupil card of Tim (15)",
        PUPIL,
        "pupil:tim.bos@leerling.lindenhove.example",
        {"school_admin", "teacher", "pupil", "guardian"},
    ),
    (
        "pupil card of Eva (18, no consent)",
        PUPIL,
        "pupil:eva.bos@leerling.lindenhove.example",
        {"school_admin"},
    ),
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
]


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
    elif target is not None and target.startswith("pupil:"):
        variables["id"] = await _pupil_id(api, target.removeprefix("pupil:"))
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
    assert checked == len(PERSONAS) * len(MATRIX) == 375
    assert mismatches == []
