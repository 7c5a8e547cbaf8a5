"""The compiled execution path (schema.core.execution) answers byte for byte as graphql-core.

Every query of tests/operations and of the bench runs as several personas on two apps over
the same demo database, one with compiled plans and one without; the bodies must be equal.
Then the fallbacks: a refusal, a null in a non-null field, an unprefetched (async) field and
an exception inside a compiled subtree each give graphql-core's own error, path and nulls.
"""

from __future__ import annotations

import gc
import warnings
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import httpx
import orjson
import pytest
import pytest_asyncio
import sqlalchemy as sa
from graphql import OperationDefinitionNode, OperationType, parse

from bench import queries
from domain.core.ids import encode_global_id
from persistence.db import Database
from portaal.app import create_app
from portaal.demo import DEMO_PASSWORD
from schema.academy.types import EnrolmentNode, LearnerNode
from schema.core.execution import CompiledExecutor
from schema.core.permissions import forbidden
from tests.conftest import make_settings

OPERATIONS = sorted((Path(__file__).parent / "operations").glob("*.graphql"))
BENCH = {
    "bench_learners": queries.LEARNERS,
    "bench_dashboard": queries.DASHBOARD,
    "bench_report": queries.REPORT,
    "bench_my_courses": queries.MY_COURSES,
    "bench_org_enrolments": queries.ORG_ENROLMENTS,
}
PERSONAS = [
    None,  # anonymous
    "beheer@portaal.example",
    "orgbeheer@zorgacademie.example",
    "noord@zorgacademie.example",
    "lotte.jansen@example.org",
    "administratie@debrug.example",
    "martin.sommer@welzijn.example",
    "r.mulder@lindenhove.example",
    "sandra.bos@example.nl",
    "tim.bos@leerling.lindenhove.example",
    "zorg@lindenhove.example",
]


def _queries() -> dict[str, str]:
    found = dict(BENCH)
    for path in OPERATIONS:
        text = path.read_text()
        op = next(d for d in parse(text).definitions if isinstance(d, OperationDefinitionNode))
        if op.operation is OperationType.QUERY:
            found[path.stem] = text
    # Reading a case writes an audit event: the trail grows with every read, compiled or not.
    found["meldcode_case"] = found["meldcode_case"].replace(
        "auditTrail { kind at detail actorName }", ""
    )
    return found


QUERIES = _queries()
SIGNED_LINKS = {
    "academy_my_courses",
    "academy_reports",
    "institute_invoice",
    "institute_my_invoices",
    "institute_organisation_invoices",
}


class Ids:
    """Global IDs of demo objects, for the operations' variables."""

    def __init__(self, database: Database) -> None:
        self.database = database

    async def first(self, type_name: str, table: str, where: str = "1 = 1") -> str:
        async with self.database.transaction() as s:
            sql = f"SELECT id FROM {table} WHERE {where} ORDER BY id LIMIT 1"
            pk = (await s.execute(sa.text(sql))).scalar_one()
        return encode_global_id(type_name, pk)

    async def unit(self, kind: str) -> str:
        return await self.first("OrgUnit", "org_unit", f"kind = '{kind}'")

    async def pupil(self) -> str:
        where = "person_id = (SELECT id FROM person WHERE email = 'tim.bos@leerling.lindenhove.example')"
        return await self.first("Pupil", "pupil", where)


async def _variables(name: str, ids: Ids) -> dict[str, Any]:
    today = date.today()
    monday = today - timedelta(days=today.weekday())
    selection = {"filter": {"status": "ALL"}}
    table: dict[str, Callable[[], Any]] = {
        "bench_learners": lambda: {"first": 100},
        "bench_dashboard": lambda: {
            "date": monday.isoformat(),
            "firstDay": (today - timedelta(days=120)).isoformat(),
            "lastDay": today.isoformat(),
        },
        "bench_my_courses": lambda: {"first": 20},
        "bench_org_enrolments": lambda: {"first": 20},
        "academy_assign_courses": lambda: {
            "selection": selection,
            "courseIds": [],
            "mail": {"subject": "Cursus", "introduction": "Hallo", "senderName": "Niels"},
        },
        "academy_user_mail": lambda: {
            "selection": selection,
            "subject": "Herinnering",
            "body": "Vergeet niet",
            "senderName": "Niels",
        },
        "academy_users": lambda: {"filter": {"status": "ALL"}},
        "academy_verify_certificate": lambda: {"code": "NOPE-0000"},
        "school_agenda": lambda: {"view": "WEEK", "date": monday.isoformat()},
        "school_attendance": lambda: {
            "firstDay": (today - timedelta(days=120)).isoformat(),
            "lastDay": today.isoformat(),
        },
        "school_class_agenda": lambda: {"view": "WORK_WEEK", "date": monday.isoformat()},
        "school_results": lambda: {"kind": "REGULAR"},
        "school_results_overview": lambda: {"kind": "REGULAR"},
        "meldcode_overview": lambda: {
            "schoolYear": today.year if today.month >= 8 else today.year - 1
        },
    }
    variables = dict(table.get(name, dict)())
    ids_by_name: dict[str, tuple[str, Callable[[], Any]]] = {
        "academy_reports": ("academyId", lambda: ids.unit("ACADEMY")),
        "bench_org_enrolments": ("organisationId", lambda: ids.unit("CLIENT_ORGANISATION")),
        "institute_dashboard": ("id", lambda: ids.unit("INSTITUTE")),
        "institute_event": ("id", lambda: ids.first("CourseEvent", "course_event")),
        "institute_event_enrolments": ("id", lambda: ids.first("CourseEvent", "course_event")),
        "institute_invoice": ("id", lambda: ids.first("Invoice", "invoice")),
        "institute_organisation": ("id", lambda: ids.unit("CLIENT_ORGANISATION")),
        "institute_organisation_enrolments": ("id", lambda: ids.unit("CLIENT_ORGANISATION")),
        "institute_organisation_events": ("id", lambda: ids.unit("CLIENT_ORGANISATION")),
        "institute_organisation_invoices": ("id", lambda: ids.unit("CLIENT_ORGANISATION")),
        "meldcode_case": ("id", lambda: ids.first("MeldcodeCase", "meldcode_case")),
        "meldcode_cases": ("schoolId", lambda: ids.unit("SCHOOL")),
        "meldcode_overview": ("unitId", lambda: ids.unit("SCHOOL")),
        "meldcode_social_map": ("schoolId", lambda: ids.unit("SCHOOL")),
        "school_agenda": ("id", ids.pupil),
        "school_attendance": ("id", ids.pupil),
        "school_class": ("classId", lambda: ids.unit("CLASS")),
        "school_class_agenda": ("classId", lambda: ids.unit("CLASS")),
        "school_pupil_card": ("id", ids.pupil),
        "school_results": ("id", ids.pupil),
        "school_results_overview": ("id", ids.pupil),
    }
    if name in ids_by_name:
        key, make = ids_by_name[name]
        variables[key] = await make()
    if name == "school_results_overview":
        variables["subjectId"] = await ids.first("SchoolSubject", "school_subject")
    return variables


class Pair:
    """The same demo database behind two apps: compiled plans on and off."""

    def __init__(self, on: httpx.AsyncClient, off: httpx.AsyncClient) -> None:
        self.on, self.off = on, off
        self.tokens: dict[str | None, str | None] = {None: None}

    async def token(self, email: str | None) -> str | None:
        if email not in self.tokens:
            r = await self.off.post(
                "/graphql",
                json={
                    "query": "mutation($e:String!,$p:String!){login(email:$e,password:$p){token}}",
                    "variables": {"e": email, "p": DEMO_PASSWORD},
                },
            )
            self.tokens[email] = r.json()["data"]["login"]["token"]
        return self.tokens[email]

    async def both(
        self, query: str, variables: dict[str, Any], email: str | None
    ) -> tuple[bytes, bytes]:
        token = await self.token(email)
        headers = {"authorization": f"Bearer {token}"} if token else {}
        body = {"query": query, "variables": variables}
        off = await self.off.post("/graphql", json=body, headers=headers)
        on = await self.on.post("/graphql", json=body, headers=headers)
        assert on.status_code == off.status_code
        return on.content, off.content


@asynccontextmanager
async def _pair(database: Database) -> AsyncIterator[Pair]:
    # Built here, not in a fixture: a test patches resolver methods before the schemas exist.
    settings = make_settings(database.url)
    apps = [
        create_app(replace(settings, compiled_execution=compiled), database)
        for compiled in (True, False)
    ]
    transports = [httpx.ASGITransport(app=a, client=("203.0.113.7", 40000)) for a in apps]
    async with (
        httpx.AsyncClient(transport=transports[0], base_url="http://portaal.test") as on,
        httpx.AsyncClient(transport=transports[1], base_url="http://portaal.test") as off,
    ):
        yield Pair(on, off)


@pytest_asyncio.fixture
async def pair(database_with_demo: Database) -> AsyncIterator[Pair]:
    async with _pair(database_with_demo) as made:
        yield made


async def test_every_query_answers_the_same_compiled_or_not(
    pair: Pair, database_with_demo: Database
) -> None:
    ids = Ids(database_with_demo)
    compiled_before = CompiledExecutor.compiled
    compared = 0
    for name, query in QUERIES.items():
        variables = await _variables(name, ids)
        for email in PERSONAS:
            on, off = await pair.both(query, variables, email)
            if on != off and name in SIGNED_LINKS:
                # A signed link names its expiry second: the two requests may straddle one.
                on, off = await pair.both(query, variables, email)
            assert on == off, (name, email, on[:2000], off[:2000])
            compared += 1
    assert compared == len(QUERIES) * len(PERSONAS)
    # The comparison means something only if the compiled path ran.
    assert CompiledExecutor.compiled - compiled_before > len(QUERIES)


LEARNERS = """
query($first: Int!) {
  learners(first: $first) {
    nodes {
      id
      __typename
      person { id displayName }
      courses: enrolments { id status course { id title } certificate { id } }
    }
  }
}
"""


async def _same(pair: Pair, query: str, variables: dict[str, Any], email: str) -> Any:
    on, off = await pair.both(query, variables, email)
    assert on == off, (on[:3000], off[:3000])
    return orjson.loads(on)


async def test_aliases_fragments_typename_and_directives_with_variables(pair: Pair) -> None:
    query = """
    query($withPerson: Boolean!, $skipCourse: Boolean!) {
      learners(first: 5) {
        nodes {
          ...Who
          ... on Learner { magazine alias: id }
          person @include(if: $withPerson) { id ... on Person { email } }
          enrolments { course @skip(if: $skipCourse) { title } id kind: __typename }
        }
      }
    }
    fragment Who on Learner { id __typename person { displayName } }
    """
    for with_person in (True, False):
        for skip_course in (True, False):
            body = await _same(
                pair,
                query,
                {"withPerson": with_person, "skipCourse": skip_course},
                "noord@zorgacademie.example",
            )
            node = body["data"]["learners"]["nodes"][0]
            assert node["__typename"] == "Learner" and node["alias"] == node["id"]
            assert ("email" in node.get("person", {})) is with_person
            assert all(("course" in e) is not skip_course for e in node["enrolments"])


async def test_a_refusal_inside_a_compiled_subtree_is_graphql_cores(
    database_with_demo: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Refuse one enrolment's course the way a Guard does: the same error at the same path.
    original = EnrolmentNode.course
    victim: list[int] = []

    def course(self: EnrolmentNode, info: Any) -> Any:
        if not victim:
            victim.append(self.row.id)
        if self.row.id == victim[0]:
            raise forbidden()
        return original(self, info)

    _patch_method(monkeypatch, EnrolmentNode, "course", course)
    async with _pair(database_with_demo) as pair:
        body = await _same(pair, LEARNERS, {"first": 20}, "noord@zorgacademie.example")
    (error,) = body["errors"]
    assert error["extensions"]["code"] == "FORBIDDEN"
    assert error["path"][:2] == ["learners", "nodes"] and error["path"][-1] == "course"


async def test_a_null_in_a_non_null_field_propagates_as_graphql_core_says(
    database_with_demo: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    _patch_method(monkeypatch, LearnerNode, "person", lambda self, info: None)
    async with _pair(database_with_demo) as pair:
        body = await _same(pair, LEARNERS, {"first": 3}, "noord@zorgacademie.example")
    # graphql-core's TypeError, masked as an internal error, nulls everything up to `data`.
    assert body["data"] is None
    assert [e["path"][-1] for e in body["errors"]] == ["person"]


async def test_an_unprefetched_field_is_awaited_by_graphql_core(
    database_with_demo: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A resolver that loads instead of peeking returns a coroutine: the generic path awaits it.
    _patch_method(monkeypatch, LearnerNode, "person", lambda self, info: self._load_person(info))
    fallbacks = CompiledExecutor.fallbacks
    async with _pair(database_with_demo) as pair:
        with warnings.catch_warnings():
            # A discarded compiled result closes its coroutines: none is left unawaited.
            warnings.simplefilter("error", RuntimeWarning)
            body = await _same(pair, LEARNERS, {"first": 5}, "noord@zorgacademie.example")
            gc.collect()
    assert "errors" not in body and body["data"]["learners"]["nodes"]
    assert CompiledExecutor.fallbacks > fallbacks


async def test_a_list_of_awaitables_is_awaited_by_graphql_core(
    database_with_demo: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    # graphql-core awaits the items of a list; a plan must not close them for it.
    original = LearnerNode.labels

    async def ready(value: Any) -> Any:
        return value

    _patch_method(
        monkeypatch,
        LearnerNode,
        "labels",
        lambda self, info: [ready(n) for n in original(self, info)],
    )
    async with _pair(database_with_demo) as pair:
        with warnings.catch_warnings():
            warnings.simplefilter("error", RuntimeWarning)
            body = await _same(
                pair,
                "{ learners(first: 10) { nodes { id labels { id name } } } }",
                {},
                "noord@zorgacademie.example",
            )
            gc.collect()
    assert "errors" not in body
    assert any(n["labels"] for n in body["data"]["learners"]["nodes"])


async def test_an_exception_in_a_leaf_is_graphql_cores(
    database_with_demo: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(self: EnrolmentNode) -> Any:
        raise ValueError("boom")

    _patch_method(monkeypatch, EnrolmentNode, "status", broken)
    async with _pair(database_with_demo) as pair:
        body = await _same(
            pair,
            "{ learners(first: 2) { nodes { id enrolments { id status } } } }",
            {},
            "noord@zorgacademie.example",
        )
    assert body["errors"][0]["path"][-1] == "status"


def _patch_method(monkeypatch: pytest.MonkeyPatch, cls: type, name: str, fn: Any) -> None:
    """Replace the method a field's direct resolver calls (both schemas call the same one)."""
    field = next(f for f in cls.__strawberry_definition__.fields if f.python_name == name)  # type: ignore[attr-defined]
    resolver = field.base_resolver
    # What strawberry reads off the signature stays the original method's.
    for cached in ("info_parameter", "self_parameter", "parent_parameter", "root_parameter"):
        getattr(resolver, cached)
    _ = resolver.is_async, resolver.arguments
    monkeypatch.setattr(resolver, "wrapped_func", fn)
