"""The learner page costs the same few statements at every page size (issue 10)."""

from __future__ import annotations

import sqlalchemy as sa

from domain.core.ids import decode_global_id
from persistence.academy.models import Enrolment
from tests.conftest import Api
from tests.helpers import outbox, set_seat_limit
from tests.school_setup import activate
from tests.test_academy_users import ADD, MAIL, _learner_id

# The bench's learner list (bench/queries.py): person, labels, enrolments with course,
# progress, attempts and certificate.
LEARNERS = """query($first: Int!, $f: LearnerFilterInput) {
  learners(first: $first, filter: $f) {
    totalCount
    pageInfo { hasNextPage endCursor }
    nodes {
      id addedAt magazine
      person { id email displayName givenName namePrefix familyName activated }
      labels { id name colour }
      cluster { name }
      enrolments {
        id status progressPercent assignedAt startedAt completedAt
        course { id title }
        examAttempts { id number scorePercent passed finishedAt }
        examAttemptsLeft
        certificate { id verificationCode issuedAt highestScorePercent }
      }
    }
  }
}"""

# Authentication (token, person and grants), the school's relations, the page with its
# clusters, count, persons and their role paths, enrolments with course, certificate and
# attempts, labels with their owners.
LIMIT = 5


async def _page(api: Api, token: str, first: int, search: str) -> tuple[int, dict]:
    await api.data(LEARNERS, {"first": first, "f": {"search": search}}, token)  # token touch
    data = await api.data(LEARNERS, {"first": first, "f": {"search": search}}, token)
    return api.last_statements, data["learners"]


async def test_the_learner_page_costs_the_same_few_statements_at_every_size(api: Api) -> None:
    admin = await api.login("orgbeheer@zorgacademie.example")
    noord = await api.unit_id("Regio Noord")
    await set_seat_limit(api, "Regio Noord", 600)
    emails = [f"speed{i:03}@example.org" for i in range(120)]
    await api.data(ADD, {"c": noord, "e": emails}, admin)
    courses = (await api.data("{ courses { id } }", token=admin))["courses"]
    assign = """mutation($c: [ID!]!, $m: CourseMailInput!) { assignCourses(selection: {filter:
      {search: "speed"}}, courseIds: $c, mail: $m) { enrolmentsCreated } }"""
    await api.data(assign, {"c": [c["id"] for c in courses[:2]], "m": MAIL}, admin)
    create = """mutation($u: ID!, $n: String!) { createLabel(unitId: $u, name: $n, colour: "RED")
      { label { id } errors { code } } }"""
    label = (await api.data(create, {"u": noord, "n": "Snel"}, admin))["createLabel"]["label"]
    add = """mutation($l: ID!) { addLabel(labelId: $l, selection: {filter: {search: "speed0"}})
      { changedUsers } }"""
    assert (await api.data(add, {"l": label["id"]}, admin))["addLabel"]["changedUsers"] == 100

    counts = {}
    for first in (5, 50, 100):
        counts[first], page = await _page(api, admin, first, "speed")
        assert page["totalCount"] == 120
        assert len(page["nodes"]) == first
        assert page["pageInfo"]["hasNextPage"] == (first < 120)
        assert all(len(n["enrolments"]) == 2 for n in page["nodes"])
        assert all(n["enrolments"][0]["course"]["title"] for n in page["nodes"])
        labelled = [n["labels"] for n in page["nodes"] if n["labels"]]
        assert labelled and all(
            names == [{"id": label["id"], "name": "Snel", "colour": "RED"}] for names in labelled
        )
    assert counts[5] == counts[50] == counts[100], counts
    assert counts[100] <= LIMIT, counts
    print(f"learner page statements by page size: {counts}")

    # A cluster admin of one small cluster pays the same; so does a page past the end.
    cluster_admin = await api.login("noord@zorgacademie.example")
    small, page = await _page(api, cluster_admin, 10, "speed")
    assert page["totalCount"] == 120
    assert small == counts[5], (small, counts)
    none, page = await _page(api, cluster_admin, 10, "nobody-by-this-name")
    assert page["totalCount"] == 0 and page["nodes"] == []
    assert none <= LIMIT


async def test_adding_a_thousand_users_costs_the_statements_of_adding_ten(api: Api) -> None:
    import time

    admin = await api.login("orgbeheer@zorgacademie.example")
    noord = await api.unit_id("Regio Noord")
    await set_seat_limit(api, "Regio Noord", 2_000)
    # An existing account among them: a notice instead of an activation link.
    known = ["kees.degroot@veendam.example"]
    statements, seconds = {}, {}
    for n in (10, 1_000):
        emails = [f"bulk{n}.{i:04}@example.org" for i in range(n - len(known))] + known
        known = []
        start = time.perf_counter()
        result = (await api.data(ADD, {"c": noord, "e": emails}, admin))["addUsers"]
        seconds[n] = time.perf_counter() - start
        statements[n] = api.last_statements
        assert [r["outcome"] for r in result["results"]].count("ADDED") == n
        assert {r["learner"]["person"]["email"] for r in result["results"]} == set(emails)
    mails = await outbox(api.database)
    last = [m for m in mails if m.to_address.startswith("bulk1000.")]
    assert len(last) == 1_000 and len({m.to_address for m in last}) == 1_000
    assert {m.template for m in last} == {"activation"}
    notices = [m for m in mails if m.to_address == "kees.degroot@veendam.example"]
    assert [m.template for m in notices] == ["added_to_unit"]
    # The links work: the last new account activates with its own.
    token = await activate(api, "bulk1000.0997@example.org")
    me = await api.data("{ viewer { person { email } } }", token=token)
    assert me["viewer"]["person"]["email"] == "bulk1000.0997@example.org"
    # The work per address is in batches: a thousand costs (almost) what ten cost.
    assert statements[1_000] <= statements[10] + 5, statements
    print(f"addUsers statements {statements}, seconds {seconds}")


async def test_an_enrolment_in_a_cluster_the_learner_left_costs_no_extra_statement(
    api: Api,
) -> None:
    """The prefetch skips re-reading the learners' own clusters, not the cluster of an
    enrolment that stayed behind (the page must neither lose it nor load it separately)."""
    org = await api.login("orgbeheer@zorgacademie.example")
    query = """query($f: LearnerFilterInput) { learners(first: 10, filter: $f) { nodes {
      cluster { name } enrolments { id status course { title } } } } }"""
    args = {"f": {"search": "eva.devries"}}
    await api.data(query, args, org)  # token touch
    before = (await api.data(query, args, org))["learners"]["nodes"]
    statements = api.last_statements
    learner = await _learner_id(api, org, "eva.devries")
    move = """mutation($u: ID!, $c: ID!) { moveUserToCluster(userId: $u, clusterId: $c)
      { errors { message } } }"""
    noord, zuid = await api.unit_id("Regio Noord"), await api.unit_id("Regio Zuid")
    assert (await api.data(move, {"u": learner, "c": zuid}, org))["moveUserToCluster"][
        "errors"
    ] == []
    # Moving takes the enrolments along; put them back where they were given.
    async with api.database.transaction() as s:
        await s.execute(
            sa.update(Enrolment)
            .where(Enrolment.cluster_id == decode_global_id(zuid)[1])
            .values(cluster_id=decode_global_id(noord)[1])
        )
    after = (await api.data(query, args, org))["learners"]["nodes"]
    assert before[0]["enrolments"] and after[0]["enrolments"] == before[0]["enrolments"]
    assert after[0]["cluster"] == {"name": "Regio Zuid"}
    assert api.last_statements == statements
