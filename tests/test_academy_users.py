"""Academy user management through GraphQL: adding by e-mail, seats, assignment, hide/delete,
labels, moving, the filtered user list — each seed rule of the academy manual."""

from __future__ import annotations

import asyncio

import pytest
import sqlalchemy as sa

from persistence.academy.models import Enrolment
from tests.conftest import Api
from tests.helpers import outbox, set_seat_limit

ADD = """mutation($c: ID!, $e: [String!]!) { addUsers(clusterId: $c, emails: $e) {
  seatsLeft duplicatesSkipped results { entry outcome message learner { id person { email activated } } } errors { code field message } } }"""
LIST = """query($f: LearnerFilterInput, $s: LearnerSort, $d: Boolean, $first: Int, $after: String) {
  learners(filter: $f, sort: $s, descending: $d, first: $first, after: $after) {
    totalCount pageInfo { hasNextPage endCursor }
    nodes { id hidden person { email displayName } cluster { name }
            enrolments { status progressPercent course { title } certificate { highestScorePercent } }
            labels { name } } } }"""
MAIL = {
    "subject": "Nieuwe cursus voor jou",
    "introduction": "Hoi!\n\nWe hebben een cursus voor je <klaargezet>.",
    "closing": "Succes & groet",
    "senderName": "Niels",
}


async def _learner_id(api: Api, token: str, email: str) -> str:
    data = await api.data(LIST, {"f": {"search": email, "status": "ALL"}}, token)
    return data["learners"]["nodes"][0]["id"]


async def test_add_users_by_email_alone(api: Api) -> None:
    admin = await api.login("noord@zorgacademie.example")
    noord = await api.unit_id("Regio Noord")
    pasted = [
        "  Nieuw.Een@Example.org ",
        "nieuw.een@example.org",
        "",
        "geen-adres",
        "lotte.jansen@example.org",
        "ahmed.elamrani@example.org",
        "kees.degroot@veendam.example",
    ]
    result = (await api.data(ADD, {"c": noord, "e": pasted}, admin))["addUsers"]
    # One row per pasted entry, in the order pasted, as pasted (the blank line holds none).
    assert [(r["entry"], r["outcome"]) for r in result["results"]] == [
        ("Nieuw.Een@Example.org", "ADDED"),
        ("nieuw.een@example.org", "DUPLICATE"),
        ("geen-adres", "INVALID"),
        ("lotte.jansen@example.org", "ALREADY_PRESENT"),
        ("ahmed.elamrani@example.org", "IN_OTHER_CLUSTER"),
        # An existing account gets the same answer: adding never discloses who has an account.
        ("kees.degroot@veendam.example", "ADDED"),
    ]
    messages = [r["message"] for r in result["results"]]
    assert "regel 1" in messages[1] and "@" in messages[2]  # the admin reads Dutch
    assert result["duplicatesSkipped"] == 1
    assert result["seatsLeft"] == 25 - 4 - 2
    new = result["results"][0]
    assert new["learner"]["person"] == {"email": "nieuw.een@example.org", "activated": False}
    mails = await outbox(api.database, "nieuw.een@example.org")
    assert (
        len(mails) == 1 and "activate?token=" in mails[0].text_body
    )  # an account mail, never a password
    notice = await outbox(api.database, "kees.degroot@veendam.example")
    assert [m.template for m in notice] == ["added_to_unit"]  # told, never silently added


async def test_seat_limit_refuses_the_whole_list(api: Api) -> None:
    admin = await api.login("noord@zorgacademie.example")
    noord = await api.unit_id("Regio Noord")
    await set_seat_limit(api, "Regio Noord", 6)  # 4 users now: 2 seats left
    result = (
        await api.data(
            ADD, {"c": noord, "e": ["a@example.org", "b@example.org", "c@example.org"]}, admin
        )
    )["addUsers"]
    assert result["errors"] == [
        {
            "code": "CONFLICT",
            "field": "emails",
            "message": "Er zijn nog maar 2 plaatsen vrij in dit cluster; "
            "je probeerde 3 gebruikers toe te voegen.",
        }
    ]
    assert result["results"] == [] and await outbox(api.database) == []
    ok = (await api.data(ADD, {"c": noord, "e": ["a@example.org", "b@example.org"]}, admin))[
        "addUsers"
    ]
    assert ok["seatsLeft"] == 0 and ok["errors"] == []


async def test_thousand_addresses_in_one_call_respect_the_limit_exactly(api: Api) -> None:
    admin = await api.login("orgbeheer@zorgacademie.example")
    noord = await api.unit_id("Regio Noord")
    await set_seat_limit(api, "Regio Noord", 1004)
    emails = [f"cursist{i:04}@example.org" for i in range(1000)]
    result = (await api.data(ADD, {"c": noord, "e": emails}, admin))["addUsers"]
    assert result["errors"] == [] and result["seatsLeft"] == 0
    assert sum(r["outcome"] == "ADDED" for r in result["results"]) == 1000
    refused = (await api.data(ADD, {"c": noord, "e": ["one.more@example.org"]}, admin))["addUsers"]
    assert (
        refused["errors"][0]["message"]
        == "Dit cluster is vol: alle 1004 plaatsen zijn bezet; je probeerde 1 gebruiker toe te voegen."
    )


@pytest.mark.postgres_only
async def test_concurrent_additions_never_exceed_the_limit(api: Api) -> None:
    if not api.database.is_postgres:
        pytest.skip("real concurrency needs PostgreSQL")
    import httpx

    from persistence.db import Database
    from portaal.app import create_app
    from tests.conftest import Api as Client
    from tests.conftest import make_settings

    await set_seat_limit(api, "Regio Noord", 10)  # 4 used: 6 left
    noord = await api.unit_id("Regio Noord")
    admin = await api.login("noord@zorgacademie.example")
    clients = []
    dbs = [Database(api.database.url) for _ in range(4)]
    try:
        for db in dbs:
            app = create_app(make_settings(db.url), db)
            client = httpx.AsyncClient(
                transport=httpx.ASGITransport(app=app), base_url="http://portaal.test"
            )
            clients.append(Client(client, db))
        batches = [[f"race{n}-{i}@example.org" for i in range(3)] for n in range(4)]
        results = await asyncio.gather(
            *(
                c.data(ADD, {"c": noord, "e": b}, admin)
                for c, b in zip(clients, batches, strict=True)
            )
        )
    finally:
        for c in clients:
            await c.client.aclose()
        for db in dbs:
            await db.dispose()
    accepted = [r for r in results if not r["addUsers"]["errors"]]
    assert len(accepted) == 2  # 2 × 3 = 6 seats; the other two calls are refused whole
    data = await api.data(
        LIST, {"f": {"clusterIds": [noord], "status": "ALL"}, "first": 100}, admin
    )
    assert data["learners"]["totalCount"] == 10


async def test_org_admin_sets_seat_limits_within_membership(api: Api) -> None:
    org = await api.login("orgbeheer@zorgacademie.example")
    cluster_admin = await api.login("noord@zorgacademie.example")
    zuid = await api.unit_id("Regio Zuid")
    q = "mutation($c: ID!, $n: Int!) { setClusterSeatLimit(clusterId: $c, seatLimit: $n) { usage { seatLimit seatsUsed seatsLeft } errors { code message } } }"
    ok = (await api.data(q, {"c": zuid, "n": 25}, org))["setClusterSeatLimit"]
    assert ok["usage"] == {"seatLimit": 25, "seatsUsed": 2, "seatsLeft": 23}
    too_many = (await api.data(q, {"c": zuid, "n": 26}, org))["setClusterSeatLimit"]
    assert "nog maar 25 te verdelen" in too_many["errors"][0]["message"]
    denied = await api.query(q, {"c": zuid, "n": 5}, cluster_admin)
    assert denied["errors"][0]["extensions"]["code"] == "FORBIDDEN"


async def test_course_assignment_preview_then_assign_once(api: Api) -> None:
    admin = await api.login("noord@zorgacademie.example")
    courses = (await api.data("{ courses { id title } }", token=admin))["courses"]
    meldcode = next(c["id"] for c in courses if c["title"].startswith("Meldcode"))
    selection = {"filter": {"search": "example.org"}}
    preview = (
        await api.data(
            """query($s: UserSelectionInput!, $c: [ID!]!, $m: CourseMailInput!) { previewCourseAssignment(selection: $s, courseIds: $c, mail: $m) {
          userCount courses { course { title } receiving alreadyHas } mailSubject mailText mailHtml errors { message } } }""",
            {"s": selection, "c": [meldcode], "m": MAIL},
            admin,
        )
    )["previewCourseAssignment"]
    assert preview["userCount"] == 4  # Lotte, Sanne, Daan, Eva in Noord
    assert preview["courses"] == [
        {
            "course": {
                "title": courses[0]["title"]
                if courses[0]["id"] == meldcode
                else preview["courses"][0]["course"]["title"]
            },
            "receiving": 0,
            "alreadyHas": 4,
        }
    ]
    assert preview["mailSubject"] is None  # nobody gets anything new, so there is no mail
    privacy = next(c["id"] for c in courses if c["title"].startswith("Privacy"))
    preview = (
        await api.data(
            """query($s: UserSelectionInput!, $c: [ID!]!, $m: CourseMailInput!) { previewCourseAssignment(selection: $s, courseIds: $c, mail: $m) {
          userCount courses { receiving alreadyHas } mailSubject mailText mailHtml } }""",
            {"s": selection, "c": [privacy, meldcode], "m": MAIL},
            admin,
        )
    )["previewCourseAssignment"]
    assert preview["courses"] == [
        {"receiving": 3, "alreadyHas": 1},
        {"receiving": 0, "alreadyHas": 4},
    ]
    assert preview["mailSubject"] == "Nieuwe cursus voor jou"
    assert "We hebben een cursus voor je &lt;klaargezet&gt;." in preview["mailHtml"]
    assign = """mutation($s: UserSelectionInput!, $c: [ID!]!, $m: CourseMailInput!, $k: String) {
      assignCourses(selection: $s, courseIds: $c, mail: $m, idempotencyKey: $k) { enrolmentsCreated courses { receiving alreadyHas } errors { message } } }"""
    done = (await api.data(assign, {"s": selection, "c": [privacy], "m": MAIL, "k": "k1"}, admin))[
        "assignCourses"
    ]
    assert done["enrolmentsCreated"] == 3
    mails = await outbox(api.database)
    assert len(mails) == 3 and {m.subject for m in mails} == {"Nieuwe cursus voor jou"}
    sent = next(m for m in mails if m.to_address == "sanne.visser@example.org")
    assert sent.text_body.count("- Privacy en de AVG") == 1 and sent.sender_name == "Niels"
    again = (await api.data(assign, {"s": selection, "c": [privacy], "m": MAIL, "k": "k2"}, admin))[
        "assignCourses"
    ]
    assert again["enrolmentsCreated"] == 0 and again["courses"] == [
        {"receiving": 0, "alreadyHas": 4}
    ]
    async with api.database.transaction() as s:
        count = (await s.execute(sa.select(sa.func.count()).select_from(Enrolment))).scalar_one()
    assert count == 6 + 1 + 3  # 1: the meldcode demo's completed training (demo_meldcode.py)


async def test_selection_by_filter_stays_within_the_admins_reach(api: Api) -> None:
    admin = await api.login("noord@zorgacademie.example")
    hidden = await api.data(
        'mutation { hideUsers(selection: {filter: {search: "a"}}) { users { person { email } cluster { name } } errors { message } } }',
        token=admin,
    )
    clusters = {u["cluster"]["name"] for u in hidden["hideUsers"]["users"]}
    assert (
        clusters == {"Regio Noord"} and len(hidden["hideUsers"]["users"]) >= 3
    )  # Ahmed (Zuid) untouched


async def test_hide_show_and_list_filters(api: Api) -> None:
    admin = await api.login("noord@zorgacademie.example")
    eva = await _learner_id(api, admin, "eva.devries")
    hide = "mutation($ids: [ID!]!) { hideUsers(selection: {userIds: $ids}) { users { hidden } errors { message } } }"
    assert (await api.data(hide, {"ids": [eva]}, admin))["hideUsers"]["users"] == [{"hidden": True}]
    active = (await api.data(LIST, {}, admin))["learners"]
    assert active["totalCount"] == 3 and "eva.devries@example.org" not in str(active)
    hidden = (await api.data(LIST, {"f": {"status": "HIDDEN"}}, admin))["learners"]
    assert [n["person"]["email"] for n in hidden["nodes"]] == ["eva.devries@example.org"]
    show = "mutation($ids: [ID!]!) { showUsers(selection: {userIds: $ids}) { users { hidden } } }"
    assert (await api.data(show, {"ids": [eva]}, admin))["showUsers"]["users"] == [
        {"hidden": False}
    ]
    completed = (await api.data(LIST, {"f": {"courseStatus": "COMPLETED"}}, admin))["learners"]
    assert {n["person"]["email"] for n in completed["nodes"]} == {
        "lotte.jansen@example.org",
        "sanne.visser@example.org",
        "daan.smit@example.org",
    }
    labelled = (await api.data("{ labels { id name } }", token=admin))["labels"]
    avond = next(lb["id"] for lb in labelled if lb["name"] == "Avonddienst")
    with_label = (await api.data(LIST, {"f": {"labelIds": [avond]}}, admin))["learners"]
    assert {n["person"]["email"] for n in with_label["nodes"]} == {
        "lotte.jansen@example.org",
        "daan.smit@example.org",
    }
    by_email = (await api.data(LIST, {"s": "EMAIL", "d": True}, admin))["learners"]["nodes"]
    assert by_email[0]["person"]["email"] == "sanne.visser@example.org"
    lotte = next(n for n in by_email if n["person"]["email"] == "lotte.jansen@example.org")
    assert {(e["course"]["title"][:7], e["status"]) for e in lotte["enrolments"]} == {
        ("Meldcod", "COMPLETED"),
        ("Privacy", "IN_PROGRESS"),
    }


async def test_delete_only_users_who_started_nothing(api: Api) -> None:
    admin = await api.login("noord@zorgacademie.example")
    eva = await _learner_id(api, admin, "eva.devries")
    lotte = await _learner_id(api, admin, "lotte.jansen")
    q = "mutation($ids: [ID!]!) { deleteUsers(selection: {userIds: $ids}) { results { userId deleted reason } errors { message } } }"
    results = (await api.data(q, {"ids": [eva, lotte]}, admin))["deleteUsers"]["results"]
    by_id = {r["userId"]: r for r in results}
    assert by_id[eva]["deleted"] is True
    assert by_id[lotte]["deleted"] is False and "verberg de gebruiker" in by_id[lotte]["reason"]
    assert (await api.data(LIST, {"f": {"status": "ALL"}}, admin))["learners"]["totalCount"] == 3


async def test_ids_outside_the_admins_clusters_are_refused(api: Api) -> None:
    noord_admin = await api.login("noord@zorgacademie.example")
    org_admin = await api.login("orgbeheer@zorgacademie.example")
    ahmed = await _learner_id(api, org_admin, "ahmed")
    q = "mutation($ids: [ID!]!) { hideUsers(selection: {userIds: $ids}) { users { hidden } errors { code field message } } }"
    result = (await api.data(q, {"ids": [ahmed]}, noord_admin))["hideUsers"]
    assert result["errors"][0]["code"] == "NOT_FOUND" and result["users"] == []


async def test_move_user_between_clusters_org_admin_only(api: Api) -> None:
    org = await api.login("orgbeheer@zorgacademie.example")
    noord_admin = await api.login("noord@zorgacademie.example")
    eva = await _learner_id(api, org, "eva.devries")
    zuid = await api.unit_id("Regio Zuid")
    q = "mutation($u: ID!, $c: ID!) { moveUserToCluster(userId: $u, clusterId: $c) { users { cluster { name } } errors { message } } }"
    denied = await api.query(q, {"u": eva, "c": zuid}, noord_admin)
    assert denied["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    moved = (await api.data(q, {"u": eva, "c": zuid}, org))["moveUserToCluster"]
    assert moved["users"] == [{"cluster": {"name": "Regio Zuid"}}]
    assert (await api.data(LIST, {"f": {"search": "eva"}}, noord_admin))["learners"][
        "totalCount"
    ] == 0


async def test_labels_created_and_assigned_in_bulk(api: Api) -> None:
    admin = await api.login("noord@zorgacademie.example")
    noord = await api.unit_id("Regio Noord")
    create = 'mutation($u: ID!, $n: String!) { createLabel(unitId: $u, name: $n, colour: "RED") { label { id name colour } errors { code message } } }'
    label = (await api.data(create, {"u": noord, "n": "Nieuw team"}, admin))["createLabel"]["label"]
    dup = (await api.data(create, {"u": noord, "n": "nieuw TEAM"}, admin))["createLabel"]
    assert dup["errors"][0]["code"] == "ALREADY_EXISTS"
    add = """mutation($l: ID!) { addLabel(labelId: $l, selection: {filter: {courseStatus: COMPLETED}}) { changedUsers errors { message } } }"""
    assert (await api.data(add, {"l": label["id"]}, admin))["addLabel"]["changedUsers"] == 3
    other = await api.login("zuid@zorgacademie.example")
    foreign = await api.data(add, {"l": label["id"]}, other)
    assert foreign["addLabel"]["errors"][0]["message"].startswith("Dit bestaat niet")


async def test_user_list_statements_do_not_grow_with_page_size(api: Api) -> None:
    admin = await api.login("orgbeheer@zorgacademie.example")
    noord = await api.unit_id("Regio Noord")
    await set_seat_limit(api, "Regio Noord", 600)
    emails = [f"lijst{i:03}@example.org" for i in range(500)]
    await api.data(ADD, {"c": noord, "e": emails}, admin)
    courses = (await api.data("{ courses { id title } }", token=admin))["courses"]
    await api.data(
        """mutation($c: [ID!]!, $m: CourseMailInput!) { assignCourses(selection: {filter: {search: "lijst"}}, courseIds: $c, mail: $m) { enrolmentsCreated } }""",
        {"c": [courses[0]["id"]], "m": MAIL},
        admin,
    )
    counts = {}
    for size in (10, 100):
        pages = 0
        after = None
        total_statements = 0
        data = await api.data(LIST, {"first": size, "f": {"search": "lijst"}}, admin)
        total_statements = api.last_statements
        assert len(data["learners"]["nodes"]) == size
        counts[size] = total_statements
        _ = (pages, after)
    assert counts[10] == counts[100], counts
    print(f"user list statements: {counts}")


async def test_mail_selected_users_with_preview(api: Api) -> None:
    admin = await api.login("noord@zorgacademie.example")
    variables = {
        "s": {"filter": {"courseStatus": "IN_PROGRESS"}},
        "sub": "Herinnering",
        "b": "Rond je cursus af.",
        "n": "Niels",
    }
    preview = (
        await api.data(
            """query($s: UserSelectionInput!, $sub: String!, $b: String!, $n: String!) { previewUserMail(selection: $s, subject: $sub, body: $b, senderName: $n) {
        recipientCount subject textBody errors { message } } }""",
            variables,
            admin,
        )
    )["previewUserMail"]
    assert preview["recipientCount"] == 1 and "Beste Lotte" in preview["textBody"]
    sent = (
        await api.data(
            """mutation($s: UserSelectionInput!, $sub: String!, $b: String!, $n: String!) {
        sendUserMail(input: {selection: $s, subject: $sub, body: $b, senderName: $n}) {
        queuedCount errors { message } } }""",
            variables,
            admin,
        )
    )["sendUserMail"]
    assert sent == {"queuedCount": 1, "errors": []}
    assert [m.to_address for m in await outbox(api.database)] == ["lotte.jansen@example.org"]


NOT_FOUND = {"code": "NOT_FOUND", "message": "Dit bestaat niet, of je mag het niet zien."}


async def test_units_and_labels_outside_your_reach_answer_like_missing_ones(api: Api) -> None:
    noord_admin = await api.login("noord@zorgacademie.example")
    zuid_admin = await api.login("zuid@zorgacademie.example")
    zuid, academy = await api.unit_id("Regio Zuid"), await api.unit_id("Zorgacademie Nederland")
    missing = "T3JnVW5pdDo5OTk5"
    add = 'mutation($c: ID!) { addUsers(clusterId: $c, emails: ["x@example.org"]) { results { entry } errors { code field message } } }'
    outside = (await api.data(add, {"c": zuid}, noord_admin))["addUsers"]
    assert outside == (await api.data(add, {"c": missing}, noord_admin))["addUsers"]
    assert outside == {"results": [], "errors": [{**NOT_FOUND, "field": "clusterId"}]}
    assert await outbox(api.database, "x@example.org") == []
    # A cluster admin works below the academy, not on it: its labels are not theirs. They can
    # see the academy (its name heads their cluster), so they are told no rather than "missing".
    create = 'mutation($u: ID!) { createLabel(unitId: $u, name: "Team") { label { id } errors { code field message } } }'
    refused = await api.query(create, {"u": academy}, noord_admin)
    assert refused["data"] is None
    assert refused["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert (await api.data(create, {"u": missing}, noord_admin))["createLabel"] == {
        "label": None,
        "errors": [{**NOT_FOUND, "field": "unitId"}],
    }
    labels = (await api.data("{ labels { id name } }", token=noord_admin))["labels"]
    avond = next(lb["id"] for lb in labels if lb["name"] == "Avonddienst")
    delete = "mutation($l: ID!) { deleteLabel(labelId: $l) { errors { code field message } } }"
    assert (await api.data(delete, {"l": avond}, zuid_admin))["deleteLabel"]["errors"] == [
        {**NOT_FOUND, "field": "labelId"}
    ]
    assert avond in str(await api.data("{ labels { id } }", token=noord_admin))  # still there


async def test_seat_usage_is_bound_to_the_academy_and_scoped_to_your_clusters(api: Api) -> None:
    q = "query($a: ID!) { seatUsage(academyId: $a) { cluster { name } seatLimit seatsUsed } }"
    academy = await api.unit_id("Zorgacademie Nederland")
    org = await api.login("orgbeheer@zorgacademie.example")
    noord_admin = await api.login("noord@zorgacademie.example")
    assert {
        u["cluster"]["name"] for u in (await api.data(q, {"a": academy}, org))["seatUsage"]
    } == {
        "Regio Noord",
        "Regio Zuid",
    }
    assert (await api.data(q, {"a": academy}, noord_admin))["seatUsage"] == [
        {"cluster": {"name": "Regio Noord"}, "seatLimit": 25, "seatsUsed": 4}
    ]
    for other in (await api.unit_id("3A"), await api.unit_id("Regio Noord")):
        refused = await api.query(q, {"a": other}, noord_admin)
        assert refused["errors"][0]["extensions"]["code"] == "NOT_FOUND", refused


async def test_a_move_is_bound_to_the_user_and_stays_within_its_organisation(api: Api) -> None:
    org = await api.login("orgbeheer@zorgacademie.example")
    eva = await _learner_id(api, org, "eva.devries")
    q = "mutation($u: ID!, $c: ID!) { moveUserToCluster(userId: $u, clusterId: $c) { users { id } errors { code field message } } }"
    school_class = await api.unit_id("3A")
    assert (await api.data(q, {"u": eva, "c": school_class}, org))["moveUserToCluster"] == {
        "users": [],
        "errors": [{**NOT_FOUND, "field": "clusterId"}],
    }
    zuid = await api.unit_id("Regio Zuid")
    assert (await api.data(q, {"u": "TGVhcm5lcjo5OTk5", "c": zuid}, org))["moveUserToCluster"][
        "errors"
    ] == [{**NOT_FOUND, "field": "userId"}]


async def test_send_user_mail_takes_one_input(api: Api) -> None:
    admin = await api.login("noord@zorgacademie.example")
    q = """mutation($i: SendUserMailInput!) { sendUserMail(input: $i) { queuedCount errors { message } } }"""
    mail = {
        "selection": {"filter": {"search": "eva.devries"}},
        "subject": "Herinnering",
        "body": "Begin je cursus.",
        "senderName": "Niels",
        "idempotencyKey": "eva-1",
    }
    assert (await api.data(q, {"i": mail}, admin))["sendUserMail"] == {
        "queuedCount": 1,
        "errors": [],
    }
    # A retry with the same key sends nothing new and says so (issue 11, item 8).
    assert (await api.data(q, {"i": mail}, admin))["sendUserMail"]["queuedCount"] == 0
    assert len(await outbox(api.database, "eva.devries@example.org")) == 1  # the key: once
