"""Runs tests/authz/matrix.yaml (the authorization matrix as data, issue 17) over HTTP.

Every case for every actor; the figures (cases, unexpected allows, unexpected denies) are
printed, and `make security` shows them. The format is documented at the top of the YAML.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import sqlalchemy as sa
import yaml

from domain.core.ids import encode_global_id
from tests.conftest import Api

MATRIX = yaml.safe_load((Path(__file__).parent / "authz" / "matrix.yaml").read_text())
DENY_CODES = {"FORBIDDEN", "UNAUTHENTICATED", "NOT_FOUND"}


async def _token(api: Api, actor: dict[str, Any]) -> str | None:
    if "login" not in actor:
        return None
    token = await api.login(actor["login"])
    if actor.get("acting_for"):
        result = await api.data(
            "mutation($o: ID) { actAs(organisationId: $o) { errors { code } } }",
            {"o": await api.unit_id(actor["acting_for"])},
            token,
        )
        assert result["actAs"]["errors"] == []
    if actor.get("api_token"):
        viewer = await api.data("{ viewer { roleAssignments { id role } } }", token=token)
        assignment = next(
            a["id"] for a in viewer["viewer"]["roleAssignments"] if a["role"] == actor["api_token"]
        )
        created = await api.data(
            """mutation($a: ID!) { createApiToken(roleAssignmentId: $a, name: "matrix") {
              token errors { code } } }""",
            {"a": assignment},
            token,
        )
        token = created["createApiToken"]["token"]
        assert token
    return token


async def _object_id(api: Api, spec: dict[str, Any]) -> str:
    if spec["type"] == "OrgUnit":
        return await api.unit_id(spec["name"])
    if spec["type"] == "Person":
        return await api.person_id(spec["email"])
    if spec["type"] == "Pupil":
        where = f"person_id = (SELECT id FROM person WHERE email = '{spec['email']}')"
        spec = {"type": "Pupil", "table": "pupil", "where": where}
    async with api.database.transaction() as s:
        sql = f"SELECT id FROM {spec['table']} WHERE {spec['where']} ORDER BY id LIMIT 1"
        pk = (await s.execute(sa.text(sql))).scalar_one()
    return encode_global_id(spec["type"], pk)


def _allowed(body: dict[str, Any]) -> bool:
    if any((e.get("extensions") or {}).get("code") in DENY_CODES for e in body.get("errors", [])):
        return False
    data = body.get("data")
    if not data:
        return False
    for value in data.values():
        if value is None:
            return False
        if isinstance(value, list) and any(v is None for v in value):
            return False  # `nodes`: a forbidden ID is a null in its place
        if isinstance(value, dict):
            if any(v is None for k, v in value.items() if k != "errors"):
                return False
            if any(e["code"] in DENY_CODES for e in value.get("errors") or []):
                return False
    return True


async def test_authorization_matrix_as_data(api: Api) -> None:
    tokens = {name: await _token(api, actor or {}) for name, actor in MATRIX["actors"].items()}
    ids = {name: await _object_id(api, spec) for name, spec in MATRIX["objects"].items()}
    cases = unexpected_allows = unexpected_denies = 0
    wrong: list[str] = []
    seen: dict[str, list[str]] = {}
    for case in MATRIX["cases"]:
        variables = {
            k: ids[v[1:]] if isinstance(v, str) and v.startswith("@") else v
            for k, v in (case.get("variables") or {}).items()
        }
        if "object" in case:
            variables["id"] = ids[case["object"]]
        label = f"{case['operation']}({case.get('object', '')})"
        for actor, token in tokens.items():
            body = (
                await api.post(MATRIX["operations"][case["operation"]], variables, token)
            ).json()
            got = _allowed(body)
            allow = case["allow"]
            if allow == "*authenticated":
                expected = actor != "anonymous"
            elif allow == "*people":
                expected = actor != "anonymous" and "api_token" not in MATRIX["actors"][actor]
            else:
                expected = actor in allow
            cases += 1
            if got:
                seen.setdefault(label, []).append(actor)
            if got != expected:
                unexpected_allows += got
                unexpected_denies += not got
                wrong.append(f"{actor} {label}: {'allow' if got else 'deny'}")
    print(
        f"\nauthorization matrix: {cases} cases, {unexpected_allows} unexpected allows, "
        f"{unexpected_denies} unexpected denies"
    )
    if os.environ.get("AUTHZ_PRINT"):
        for label, actors in seen.items():
            print(label, sorted(actors))
    assert cases == len(MATRIX["cases"]) * len(MATRIX["actors"])
    assert wrong == []


async def test_aggregate_only_roles_get_counts_never_a_case(api: Api) -> None:
    """The director and the board contact (meldcode insight) are answered with counts — a
    number, or "fewer than N" when suppressed — and no case, signal or pupil name."""
    names = ("school", "lindenhove_case", "lindenhove_signal")
    ids = {n: await _object_id(api, MATRIX["objects"][n]) for n in names}
    for actor in ("director", "board_contact"):
        token = await _token(api, MATRIX["actors"][actor])
        overview = await api.data(
            MATRIX["operations"]["meldcode_overview"], {"id": ids["school"]}, token
        )
        count = overview["meldcodeOverview"]["total"]["casesOpened"]
        assert (count["value"] is None) != (count["fewerThan"] is None), count
        for operation, target in (
            ("case_pupil", "lindenhove_case"),
            ("nodes_case", "lindenhove_case"),
            ("meldcode_cases", "school"),
            ("signal_text", "lindenhove_signal"),
        ):
            variables = {"id": ids[target]}
            body = (await api.post(MATRIX["operations"][operation], variables, token)).json()
            assert not _allowed(body), (actor, operation, body)
            assert "Bos" not in str(body), body  # no pupil name (Tim Bos) in any answer
