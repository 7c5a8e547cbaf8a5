"""Roles on units, API tokens, acting-as, denied fields and the audit log."""

from __future__ import annotations

from tests.conftest import Api
from tests.helpers import audit_kinds, outbox, set_seat_limit

PERSON_EMAIL = "query($id: ID!) { node(id: $id) { ... on Person { email } } }"


async def test_cluster_admin_cannot_read_other_cluster_user(api: Api) -> None:
    noord_admin = await api.login("noord@zorgacademie.example")
    sanne = await api.person_id("sanne.visser@example.org")
    ahmed = await api.person_id("ahmed.elamrani@example.org")
    assert (await api.data(PERSON_EMAIL, {"id": sanne}, noord_admin))["node"] == {
        "email": "sanne.visser@example.org"
    }
    # Not found and not allowed look the same.
    assert (await api.data(PERSON_EMAIL, {"id": ahmed}, noord_admin))["node"] is None


async def test_denied_field_on_readable_object_says_why(api: Api) -> None:
    learner = await api.login("lotte.jansen@example.org")
    noord = await api.unit_id("Regio Noord")
    body = await api.query(
        "query($id: ID!) { node(id: $id) { ... on OrgUnit { name children { totalCount } } } }",
        {"id": noord},
        learner,
    )
    assert body["data"]["node"] == {"name": "Regio Noord", "children": None}
    error = body["errors"][0]
    assert error["path"] == ["node", "children"]
    assert error["extensions"]["code"] == "FORBIDDEN"
    assert "clusterbeheerder" in error["message"]  # the role as people say it, in Dutch


async def test_anonymous_gets_unauthenticated(api: Api) -> None:
    body = await api.query("{ auditEvents { totalCount } }")
    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    body = await api.query("mutation { logout { ok } }")
    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_api_token_has_exactly_its_role(api: Api) -> None:
    # Olga is academy org admin; a token for that role reads both clusters' users.
    admin = await api.login("noord@zorgacademie.example")
    roles = await api.data("{ viewer { roleAssignments { id role unit { name } } } }", token=admin)
    assignment = roles["viewer"]["roleAssignments"][0]
    assert assignment["role"] == "CLUSTER_ADMIN"
    created = await api.data(
        """mutation($a: ID!) { createApiToken(roleAssignmentId: $a, name: "import script", expiresInDays: 30) {
        token apiToken { name lastUsedAt revokedAt roleAssignment { role } } errors { message } } }""",
        {"a": assignment["id"]},
        admin,
    )
    payload = created["createApiToken"]
    assert (
        payload["errors"] == [] and payload["apiToken"]["roleAssignment"]["role"] == "CLUSTER_ADMIN"
    )
    script = payload["token"]
    sanne = await api.person_id("sanne.visser@example.org")
    ahmed = await api.person_id("ahmed.elamrani@example.org")
    assert (await api.data(PERSON_EMAIL, {"id": sanne}, script))["node"] is not None
    assert (await api.data(PERSON_EMAIL, {"id": ahmed}, script))["node"] is None
    viewer = await api.data("{ viewer { viaApiToken roleAssignments { role } } }", token=script)
    assert viewer["viewer"] == {"viaApiToken": True, "roleAssignments": [{"role": "CLUSTER_ADMIN"}]}
    # A token cannot mint tokens.
    refused = await api.query(
        'mutation($a: ID!) { createApiToken(roleAssignmentId: $a, name: "x") { token } }',
        {"a": assignment["id"]},
        script,
    )
    assert refused["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    tokens = await api.data("{ viewer { apiTokens { id name lastUsedAt } } }", token=admin)
    token_id = tokens["viewer"]["apiTokens"][0]["id"]
    assert tokens["viewer"]["apiTokens"][0]["lastUsedAt"] is not None
    revoked = await api.data(
        "mutation($id: ID!) { revokeApiToken(id: $id) { apiToken { revokedAt } errors { message } } }",
        {"id": token_id},
        admin,
    )
    assert revoked["revokeApiToken"]["apiToken"]["revokedAt"] is not None
    assert (await api.data("{ viewer { viaApiToken } }", token=script))["viewer"] is None
    kinds = await audit_kinds(api.database)
    assert "API_TOKEN_CREATED" in kinds and "API_TOKEN_REVOKED" in kinds


async def test_token_for_someone_elses_assignment_is_refused(api: Api) -> None:
    admin = await api.login("noord@zorgacademie.example")
    lotte = await api.login("lotte.jansen@example.org")
    lotte_roles = await api.data("{ viewer { roleAssignments { id } } }", token=lotte)
    other = lotte_roles["viewer"]["roleAssignments"][0]["id"]
    steal = 'mutation($a: ID!) { createApiToken(roleAssignmentId: $a, name: "steal") { token errors { code field } } }'
    # Her admin sees the assignment, so its existence is no secret: refused as FORBIDDEN, like
    # every bound refusal of an object you may see (tests/test_relation_bound.py: strangers).
    result = await api.query(steal, {"a": other}, admin)
    assert result["data"] is None
    assert result["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    classmate = await api.login("sanne.visser@example.org")
    result = await api.data(steal, {"a": other}, classmate)
    assert result["createApiToken"] == {
        "token": None,
        "errors": [{"code": "NOT_FOUND", "field": "roleAssignmentId"}],
    }


async def test_acting_as_changes_what_you_see(api: Api) -> None:
    martin = await api.login("martin.sommer@welzijn.example")
    fatima = await api.person_id("fatima.bouali@welzijn.example")
    welzijn = await api.unit_id("Zorggroep Welzijn BV")
    veendam = await api.unit_id("Gemeente Veendam")
    # As himself he is a private person: colleagues' data is not his to see.
    assert (await api.data(PERSON_EMAIL, {"id": fatima}, martin))["node"] is None
    viewer = await api.data("{ viewer { actingFor { name } canActFor { name } } }", token=martin)
    assert viewer["viewer"] == {"actingFor": None, "canActFor": [{"name": "Zorggroep Welzijn BV"}]}
    act = "mutation($o: ID) { actAs(organisationId: $o) { viewer { actingFor { name } } errors { code field } } }"
    acted = await api.data(act, {"o": welzijn}, martin)
    assert acted["actAs"]["viewer"]["actingFor"] == {"name": "Zorggroep Welzijn BV"}
    assert (await api.data(PERSON_EMAIL, {"id": fatima}, martin))["node"] == {
        "email": "fatima.bouali@welzijn.example"
    }
    refused = await api.query(act, {"o": veendam}, martin)
    assert refused["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    back = await api.data(act, {"o": None}, martin)
    assert back["actAs"]["viewer"]["actingFor"] is None
    assert (await api.data(PERSON_EMAIL, {"id": fatima}, martin))["node"] is None


async def test_role_assignment_rules(api: Api) -> None:
    cluster_admin = await api.login("noord@zorgacademie.example")
    org_admin = await api.login("orgbeheer@zorgacademie.example")
    ahmed = await api.person_id("ahmed.elamrani@example.org")
    martin = await api.person_id("martin.sommer@welzijn.example")
    noord = await api.unit_id("Regio Noord")
    zuid = await api.unit_id("Regio Zuid")
    assign = """mutation($p: ID!, $r: Role!, $u: ID!) { assignRole(personId: $p, role: $r, unitId: $u) {
      roleAssignment { id role unit { name } } errors { code field message } } }"""
    # Learners hold seats: they come and go through addUsers/deleteUsers only.
    learner = await api.data(assign, {"p": ahmed, "r": "LEARNER", "u": noord}, cluster_admin)
    assert "addUsers" in learner["assignRole"]["errors"][0]["message"]
    higher = await api.query(assign, {"p": ahmed, "r": "CLUSTER_ADMIN", "u": noord}, cluster_admin)
    assert higher["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    # A role on the wrong kind of unit is refused clearly.
    academy = await api.unit_id("Zorgacademie Nederland")
    wrong_kind = await api.data(assign, {"p": ahmed, "r": "CLUSTER_ADMIN", "u": academy}, org_admin)
    assert wrong_kind["assignRole"]["errors"][0]["message"].startswith(
        "De rol clusterbeheerder hoort bij een eenheid van soort CLUSTER"
    )
    # Nobody pulls a person from another tenant into reach by giving them a role.
    foreign = await api.data(assign, {"p": martin, "r": "CLUSTER_ADMIN", "u": zuid}, org_admin)
    assert foreign["assignRole"]["errors"] == [
        {
            "code": "NOT_FOUND",
            "field": "personId",
            "message": "Dit bestaat niet, of je mag het niet zien.",
        }
    ]
    granted = await api.data(assign, {"p": ahmed, "r": "CLUSTER_ADMIN", "u": zuid}, org_admin)
    assignment_id = granted["assignRole"]["roleAssignment"]["id"]
    revoke = "mutation($a: ID!) { revokeRole(assignmentId: $a) { revokedId errors { code } } }"
    assert (await api.data(revoke, {"a": assignment_id}, cluster_admin))["revokeRole"]["errors"][0][
        "code"
    ] == "NOT_FOUND"
    assert (await api.data(revoke, {"a": assignment_id}, org_admin))["revokeRole"][
        "revokedId"
    ] == assignment_id
    kinds = await audit_kinds(api.database)
    assert kinds.count("ROLE_GRANTED") == 1 and "ROLE_REVOKED" in kinds


async def test_role_assignments_of_a_person_are_filtered_per_tenant(api: Api) -> None:
    staff = await api.login("administratie@debrug.example")
    org_admin = await api.login("orgbeheer@zorgacademie.example")
    ahmed = await api.person_id("ahmed.elamrani@example.org")
    veendam = await api.unit_id("Gemeente Veendam")
    invited = await api.data(
        """mutation($u: ID!) { invitePerson(input: {email: "ahmed.elamrani@example.org", role: CONTACT, unitId: $u}) {
        person { email } errors { message } } }""",
        {"u": veendam},
        staff,
    )
    assert invited["invitePerson"]["errors"] == []
    q = "query($id: ID!) { node(id: $id) { ... on Person { roleAssignments { role unit { name } } } } }"
    seen_by_institute = (await api.data(q, {"id": ahmed}, staff))["node"]["roleAssignments"]
    seen_by_academy = (await api.data(q, {"id": ahmed}, org_admin))["node"]["roleAssignments"]
    assert seen_by_institute == [{"role": "CONTACT", "unit": {"name": "Gemeente Veendam"}}]
    assert seen_by_academy == [{"role": "LEARNER", "unit": {"name": "Regio Zuid"}}]
    # Ahmed is told by mail that he was added: nobody is added to an organisation unseen.
    mails = await outbox(api.database, "ahmed.elamrani@example.org")
    assert [m.template for m in mails] == ["added_to_unit"]


async def test_audit_log_for_platform_admins_only(api: Api) -> None:
    admin = await api.login("beheer@portaal.example")
    await api.query(
        'mutation { login(email: "lotte.jansen@example.org", password: "wrong-Pass-1") { token } }'
    )
    data = await api.data(
        '{ auditEvents(kind: "LOGIN_FAILED", first: 5) { totalCount nodes { kind detail clientAddress } } }',
        token=admin,
    )
    events = data["auditEvents"]
    assert events["totalCount"] == 1
    assert events["nodes"][0] == {
        "kind": "LOGIN_FAILED",
        "detail": "email=lotte.jansen@example.org",
        "clientAddress": "203.0.113.7",
    }
    learner = await api.login("lotte.jansen@example.org")
    denied = await api.query("{ auditEvents { totalCount } }", token=learner)
    assert denied["errors"][0]["extensions"]["code"] == "FORBIDDEN"


async def test_role_checks_do_not_grow_with_list_size(api: Api) -> None:
    """A person list checked for a cluster admin costs the same for 5 and for 200 people."""
    admin = await api.login("noord@zorgacademie.example")
    noord = await api.unit_id("Regio Noord")
    await set_seat_limit(api, "Regio Noord", 500)
    emails = [f"learner{i}@example.org" for i in range(200)]
    add = "mutation($c: ID!, $e: [String!]!) { addUsers(clusterId: $c, emails: $e) { errors { message } } }"
    assert (await api.data(add, {"c": noord, "e": emails}, admin))["addUsers"]["errors"] == []
    ids = [await api.person_id(e) for e in emails]
    q = "query($ids: [ID!]!) { nodes(ids: $ids) { ... on Person { email displayName roleAssignments { role unit { name } } } } }"
    few = await api.data(q, {"ids": ids[:5]}, admin)
    few_statements = api.last_statements
    many = await api.data(q, {"ids": ids[:100]}, admin)
    assert all(n is not None for n in many["nodes"]) and len(few["nodes"]) == 5
    assert api.last_statements == few_statements, (few_statements, api.last_statements)


INVITE = """mutation($u: ID!) { invitePerson(input: {email: "nieuw.contact@example.org", role: CONTACT, unitId: $u}) {
  person { email } errors { code field message } } }"""


async def test_roles_and_invitations_bind_to_the_unit_they_name(api: Api) -> None:
    """`@requires(on:)`: a unit outside your reach answers like a missing one, and no resolver
    runs; a role inside the unit that is not an admin role is FORBIDDEN."""
    staff = await api.login("administratie@debrug.example")
    ahmed = await api.person_id("ahmed.elamrani@example.org")
    zuid = await api.unit_id("Regio Zuid")
    assign = """mutation($p: ID!, $u: ID!) { assignRole(personId: $p, role: CONTACT, unitId: $u) {
      roleAssignment { id } errors { code field message } } }"""
    outside = (await api.data(assign, {"p": ahmed, "u": zuid}, staff))["assignRole"]
    missing = (await api.data(assign, {"p": ahmed, "u": "T3JnVW5pdDo5OTk5"}, staff))["assignRole"]
    assert outside == missing
    assert outside["errors"] == [
        {
            "code": "NOT_FOUND",
            "field": "unitId",
            "message": "Dit bestaat niet, of je mag het niet zien.",
        }
    ]
    invited = (await api.data(INVITE, {"u": zuid}, staff))["invitePerson"]
    assert invited["person"] is None
    assert [(e["code"], e["field"]) for e in invited["errors"]] == [("NOT_FOUND", "input.unitId")]
    assert await outbox(api.database, "nieuw.contact@example.org") == []
    # Without an admin role anywhere it is FORBIDDEN, before any unit is looked at.
    learner = await api.login("lotte.jansen@example.org")
    refused = await api.query(INVITE, {"u": await api.unit_id("Regio Noord")}, learner)
    assert refused["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    kinds = await audit_kinds(api.database)
    assert "PERSON_INVITED" not in kinds and "ROLE_GRANTED" not in kinds
