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
}

PERSON = "query($id: ID!) { node(id: $id) { ... on Person { email } } }"
CHILDREN = "query($id: ID!) { node(id: $id) { ... on OrgUnit { children { totalCount } } } }"
NAME = "query($id: ID!) { node(id: $id) { ... on OrgUnit { name } } }"
PUPIL = "query($id: ID!) { node(id: $id) { ... on Pupil { studentNumber } } }"

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
        {"platform_admin", "institute_staff", "client_org_admin"},
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


async def _allowed(api: Api, query: str, target: str | None, token: str) -> bool:
    variables = {}
    if target is not None and target.startswith("pupil:"):
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
    assert checked == len(PERSONAS) * len(MATRIX) == 180
    assert mismatches == []
