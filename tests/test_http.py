"""GraphQL over HTTP: methods, media types, status codes, limits and error masking."""

from __future__ import annotations

import json

import httpx
import pytest

from tests.conftest import Api, make_settings


async def test_post_json_answers_introspection(api: Api) -> None:
    body = await api.query("{ __schema { queryType { name } } }")
    assert body == {
        "data": {"__schema": {"queryType": {"name": "Query"}}},
        "extensions": {"cost": {"requested": 1, "limit": 50_000}},
    }


async def test_get_runs_queries(api: Api) -> None:
    response = await api.client.get("/graphql", params={"query": "{ viewer { __typename } }"})
    assert response.status_code == 200
    assert response.json() == {
        "data": {"viewer": None},
        "extensions": {"cost": {"requested": 2, "limit": 50_000}},
    }


async def test_get_refuses_mutations_with_405(api: Api) -> None:
    response = await api.client.get("/graphql", params={"query": "mutation { logout { ok } }"})
    assert response.status_code == 405
    assert "POST" in response.text


async def test_malformed_json_is_400(api: Api) -> None:
    response = await api.client.post(
        "/graphql", content=b'{"query": "{ viewer', headers={"content-type": "application/json"}
    )
    assert response.status_code == 400
    assert "JSON" in response.text


async def test_empty_body_is_400(api: Api) -> None:
    response = await api.client.post(
        "/graphql", content=b"", headers={"content-type": "application/json"}
    )
    assert response.status_code == 400


async def test_missing_query_is_400(api: Api) -> None:
    response = await api.client.post("/graphql", json={"variables": {}})
    assert response.status_code == 400
    assert "query" in response.text.lower()


async def test_unsupported_content_type_is_refused(api: Api) -> None:
    response = await api.client.post(
        "/graphql", content=b"query=x", headers={"content-type": "text/plain"}
    )
    assert response.status_code == 400


async def test_graphql_response_media_type_gives_400_for_invalid_documents(api: Api) -> None:
    accept = {"accept": "application/graphql-response+json"}
    bad = await api.client.post("/graphql", json={"query": "{ nope }"}, headers=accept)
    assert bad.status_code == 400
    assert bad.headers["content-type"].startswith("application/graphql-response+json")
    assert bad.json()["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    good = await api.client.post(
        "/graphql", json={"query": "{ viewer { __typename } }"}, headers=accept
    )
    assert good.status_code == 200
    assert good.headers["content-type"].startswith("application/graphql-response+json")


async def test_plain_json_keeps_200_for_invalid_documents(api: Api) -> None:
    response = await api.post("{ nope }")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/json")
    assert response.json()["data"] is None


async def test_syntax_error_is_bad_user_input(api: Api) -> None:
    body = (await api.post("{ viewer ")).json()
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert "Syntax Error" in body["errors"][0]["message"]


async def test_hundred_levels_deep_query_is_refused_clearly(api: Api) -> None:
    query = (
        '{ node(id: "x") { ... on OrgUnit { ' + "parent { " * 100 + "name" + " }" * 100 + " } } }"
    )
    response = await api.post(query)
    assert response.status_code == 200
    errors = response.json()["errors"]
    assert errors[0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert (
        "exceeds maximum operation depth" in errors[0]["message"]
        or "tokens" in errors[0]["message"]
    )


async def test_thousand_aliases_are_refused_clearly(api: Api) -> None:
    query = "{ " + " ".join(f"a{i}: viewer {{ __typename }}" for i in range(1000)) + " }"
    body = (await api.post(query)).json()
    assert body["data"] is None
    messages = " ".join(e["message"] for e in body["errors"])
    assert "aliases" in messages or "tokens" in messages
    assert all(e["extensions"]["code"] == "BAD_USER_INPUT" for e in body["errors"])


async def test_thirty_one_aliases_hit_the_alias_limit(api: Api) -> None:
    query = "{ " + " ".join(f"a{i}: viewer {{ __typename }}" for i in range(31)) + " }"
    body = (await api.post(query)).json()
    assert "aliases" in body["errors"][0]["message"]


async def test_internal_errors_are_masked(api: Api, monkeypatch: pytest.MonkeyPatch) -> None:
    from resolvers.core import people as identity

    async def boom(info: object) -> None:
        raise RuntimeError("SELECT secret FROM person -- stack detail")

    monkeypatch.setattr(identity, "viewer_person", boom)
    body = (await api.post("{ viewer { __typename } }")).json()
    error = body["errors"][0]
    assert error["extensions"] == {"code": "INTERNAL"}
    assert "SELECT" not in json.dumps(body) and "Traceback" not in json.dumps(body)
    assert error["path"] == ["viewer"]


async def test_invalid_global_id_is_bad_user_input(api: Api) -> None:
    body = (await api.post('{ node(id: "%%%") { id } }')).json()
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert "geen geldig ID" in body["errors"][0]["message"]


async def test_graphiql_served_in_development(api: Api) -> None:
    response = await api.client.get("/graphql", headers={"accept": "text/html"})
    assert response.status_code == 200
    assert "graphiql" in response.text.lower()


async def test_production_switches_off_introspection_and_graphiql(
    database_with_demo: object,
) -> None:
    from portaal.app import create_app

    settings = make_settings(
        database_with_demo.url, env="production", graphiql=False, introspection=False
    )  # type: ignore[attr-defined]
    app = create_app(settings, database_with_demo)  # type: ignore[arg-type]
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://portaal.test") as client:
        ide = await client.get("/graphql", headers={"accept": "text/html"})
        assert ide.status_code == 404
        body = (
            await client.post("/graphql", json={"query": "{ __schema { queryType { name } } }"})
        ).json()
        assert body["data"] is None
        assert "introspection" in body["errors"][0]["message"].lower()
        typo = (await client.post("/graphql", json={"query": "{ viewr { __typename } }"})).json()
        assert "Did you mean" not in typo["errors"][0]["message"]


async def test_health(api: Api) -> None:
    response = await api.client.get("/healthz")
    assert response.json() == {"status": "ok"}


async def test_graphql_response_media_type_answers_2xx_when_data_is_present(api: Api) -> None:
    """GraphQL over HTTP: a response with a `data` entry (even null) is 2xx; a request that
    never executed has no `data` entry at all."""
    accept = {"accept": "application/graphql-response+json"}
    # Anonymous: `myChildren` is non-null and refused, so the error nulls `data`. It executed.
    executed = await api.client.post(
        "/graphql", json={"query": "{ myChildren { __typename } }"}, headers=accept
    )
    assert executed.status_code == 200, executed.text
    assert executed.json()["data"] is None
    assert executed.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    for document in ("{ nope }", "{ viewer "):
        bad = await api.client.post("/graphql", json={"query": document}, headers=accept)
        assert bad.status_code == 400
        assert "data" not in bad.json()
