"""Helpers for the meldcode tests: demo people, ids, and the queries they use."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from domain.core.ids import encode_global_id
from persistence.core.models import Person
from persistence.meldcode.models import CarePartner, MeldcodeCase
from persistence.school.models import Pupil
from tests.conftest import Api

CARE = "zorg@lindenhove.example"  # CARE_COORDINATOR of Lindenhove College
ESCH_CARE = "zorg@deesch.example"  # CARE_COORDINATOR of Basisschool De Esch
TEACHER = "r.mulder@lindenhove.example"  # TEACHER, author of the demo signal about Tim
OTHER_TEACHER = "j.dekker@lindenhove.example"
ESCH_TEACHER = "l.bakker@deesch.example"
DIRECTOR = "directie@lindenhove.example"
BOARD = "contact@stichtinglinden.example"
ADMIN = "beheer@portaal.example"
SCHOOL_ADMIN = "administratie@lindenhove.example"
GUARDIAN = "sandra.bos@example.nl"
PUPIL = "tim.bos@leerling.lindenhove.example"
LINDENHOVE = "Lindenhove College"
ESCH = "Basisschool De Esch"
BOARD_UNIT = "Stichting Lindenhove Onderwijs"

CASE_FIELDS = """id pupilName openedOn status highestStep verwijsindexSignalledOn
  signals { id text authorName } history { id step deliberation documented correctsEntryId
  correctedByEntryId decision reportedOn } sharing { partnerKind consentObtained purpose }
  feedback { id overdue } auditTrail { kind actorName detail }"""

CASES = (
    "query($s: ID!) { meldcodeCases(schoolId: $s) { totalCount nodes { " + CASE_FIELDS + " } } }"
)
NODE = "query($id: ID!) { node(id: $id) { id ... on MeldcodeCase { pupilName openedOn } } }"
NODES = "query($ids: [ID!]!) { nodes(ids: $ids) { id ... on MeldcodeCase { pupilName } } }"


async def case_ids(api: Api, school: str) -> list[str]:
    async with api.database.transaction() as s:
        from persistence.core.models import OrgUnit

        stmt = (
            sa.select(MeldcodeCase.id)
            .join(OrgUnit, OrgUnit.id == MeldcodeCase.school_unit_id)
            .where(OrgUnit.name == school)
            .order_by(MeldcodeCase.id)
        )
        return [encode_global_id("MeldcodeCase", i) for i in (await s.execute(stmt)).scalars()]


async def pupil_gid(api: Api, email: str) -> str:
    async with api.database.transaction() as s:
        stmt = sa.select(Pupil.id).join(Person, Person.id == Pupil.person_id)
        pid = (await s.execute(stmt.where(Person.email == email))).scalar_one()
    return encode_global_id("Pupil", pid)


async def partner_gid(api: Api, name_start: str, school: str) -> str:
    from persistence.core.models import OrgUnit

    async with api.database.transaction() as s:
        stmt = (
            sa.select(CarePartner.id)
            .join(OrgUnit, OrgUnit.id == CarePartner.school_unit_id)
            .where(OrgUnit.name == school, CarePartner.name.startswith(name_start))
        )
        return encode_global_id("CarePartner", (await s.execute(stmt)).scalar_one())


async def ok(api: Api, query: str, variables: dict[str, Any], token: str, field: str) -> Any:
    payload = (await api.data(query, variables, token))[field]
    assert payload["errors"] == [], payload
    return payload
