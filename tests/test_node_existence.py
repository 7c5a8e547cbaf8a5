"""Point 8 of issue 17: `node(id:)` of an object that exists but is not yours and of one that
does not exist do the same work — counted in SQL statements, not timed."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from domain.core.ids import encode_global_id
from tests.conftest import Api

# type → table; each has rows in the demo that the viewers below may not see
TABLES = {
    "Person": "person",
    "OrgUnit": "org_unit",
    "RoleAssignment": "role_assignment",
    "Learner": "learner",
    "Enrolment": "enrolment",
    "ExamAttempt": "exam_attempt",
    "Certificate": "certificate",
    "Label": "label",
    "Pupil": "pupil",
    "GuardianLink": "guardian_link",
    "PupilEnrolment": "pupil_enrolment",
    "SchoolAssessment": "school_assessment",
    "Absence": "school_absence",
    "TimetableLesson": "school_lesson",
    "ExportJob": "export_job",
    "OutboxMail": "outbox_mail",
}
NODE = "query($id: ID!) { node(id: $id) { id } }"
MISSING_PK = 987_654


async def _ids(api: Api, table: str) -> list[int]:
    async with api.database.transaction() as s:
        rows = await s.execute(sa.text(f"SELECT id FROM {table} ORDER BY id DESC LIMIT 40"))
        return [r[0] for r in rows]


@pytest.mark.parametrize("viewer", ["lotte.jansen@example.org", "administratie@debrug.example"])
async def test_forbidden_and_missing_cost_the_same_statements(api: Api, viewer: str) -> None:
    token = await api.login(viewer)
    compared = 0
    for type_name, table in TABLES.items():
        forbidden = None
        for pk in await _ids(api, table):
            if pk == 1:
                continue  # the decoy row itself
            body = await api.query(NODE, {"id": encode_global_id(type_name, pk)}, token)
            if body["data"]["node"] is None:
                forbidden = pk
                break
        if forbidden is None:
            continue  # nothing of this type is hidden from this viewer in the demo
        await api.query(NODE, {"id": encode_global_id(type_name, forbidden)}, token)
        hidden = api.last_statements
        missing = await api.query(NODE, {"id": encode_global_id(type_name, MISSING_PK)}, token)
        assert missing["data"]["node"] is None
        assert api.last_statements == hidden, (type_name, hidden, api.last_statements)
        compared += 1
    assert compared >= 8  # the check really ran over most types
