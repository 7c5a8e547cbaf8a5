"""A root field's error cancels its siblings' pending statements; the connection must survive it.

Found by the schema-driven fuzz: `{ viewer {…} auditEvents(first: 0, last: 0) {…} }` refused
`auditEvents` while `viewer` was reading, graphql-core cancelled the read mid-statement, and
resetting that connection failed: a 500 for this request and, on SQLite, for every later one.
"""

from __future__ import annotations

from tests.conftest import Api

REFUSED_WITH_A_SIBLING = (
    '{ viewer { viaApiToken person { email } } auditEvents(kind: "", first: 0, after: "",'
    ' last: 0, before: "") { totalCount } }'
)


async def test_a_refused_root_field_leaves_the_service_working(api: Api) -> None:
    token = await api.login("beheer@portaal.example")
    for _ in range(5):
        response = await api.post(REFUSED_WITH_A_SIBLING, token=token)
        assert response.status_code == 200, response.text
        body = response.json()
        assert body["data"] is None
        assert [e["extensions"]["code"] for e in body["errors"]] == ["BAD_USER_INPUT"]
        assert body["errors"][0]["path"] == ["auditEvents"]
    data = await api.data("{ viewer { person { email } } }", token=token)
    assert data["viewer"]["person"]["email"] == "beheer@portaal.example"
