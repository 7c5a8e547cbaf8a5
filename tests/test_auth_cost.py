"""The fixed cost of an authenticated request: the statements before the first field runs.

The token statement reads the token, the person, their grants and (PostgreSQL) sets the tenant;
it also asks each relation provider's probe, so the school's relations statement runs only for
people who can have school relations (legal representatives and teachers).
"""

from __future__ import annotations

import sqlalchemy as sa

from persistence.core.models import Person
from persistence.db import Database
from persistence.school.models import GuardianLink, Pupil
from tests.conftest import Api

# No field reads anything: what it costs is authentication's alone.
TRIVIAL = "{ __typename }"
CHILDREN = "{ myChildren { firstName pupil { id } } }"


async def _statements(api: Api, token: str, query: str = TRIVIAL) -> tuple[int, dict]:
    await api.data(query, token=token)  # a first request may touch the token's last use
    data = await api.data(query, token=token)
    return api.last_statements, data


async def test_an_academy_admin_pays_one_statement(api: Api) -> None:
    admin = await api.login("noord@zorgacademie.example")
    used, _ = await _statements(api, admin)
    # The token statement alone: the school's relations are not asked for (was 2).
    assert used == 1


async def test_a_guardian_pays_the_school_relations_statement_and_sees_the_children(
    api: Api,
) -> None:
    guardian = await api.login("sandra.bos@example.nl")
    used, _ = await _statements(api, guardian)
    assert used == 2  # the token statement and the school's relations
    children = (await api.data(CHILDREN, token=guardian))["myChildren"]
    # Eva is an adult who gave no consent.
    assert {c["firstName"]: c["pupil"] is not None for c in children} == {"Eva": False, "Tim": True}


async def test_a_teacher_pays_the_school_relations_statement(api: Api) -> None:
    teacher = await api.login("r.mulder@lindenhove.example")
    used, _ = await _statements(api, teacher)
    assert used == 2  # mentor of 3A: the relation is loaded


async def test_a_link_that_is_not_as_legal_representative_is_not_probed_for(
    api: Api, database_with_demo: Database
) -> None:
    """Such a link grants nothing (`school_relations` leaves it out): nor does the probe ask."""
    guardian = await api.login("sandra.bos@example.nl")
    async with database_with_demo.transaction() as session:
        sandra = (
            await session.execute(
                sa.select(Person.id).where(Person.email == "sandra.bos@example.nl")
            )
        ).scalar_one()
        await session.execute(
            sa.update(GuardianLink)
            .where(GuardianLink.guardian_person_id == sandra)  # type: ignore[arg-type]
            .values(legal_representative=False)
        )
    used, _ = await _statements(api, guardian)
    assert used == 1
    children = (await api.data(CHILDREN, token=guardian))["myChildren"]
    assert all(child["pupil"] is None for child in children)


async def test_an_api_token_pays_one_statement(api: Api) -> None:
    """An API token's script stands in no provided relation: nothing is loaded for one."""
    teacher = await api.login("r.mulder@lindenhove.example")
    roles = await api.data("{ viewer { roleAssignments { id } } }", token=teacher)
    created = await api.data(
        """mutation($a: ID!) { createApiToken(roleAssignmentId: $a, name: "rooster") {
        token errors { message } } }""",
        {"a": roles["viewer"]["roleAssignments"][0]["id"]},
        teacher,
    )
    script = created["createApiToken"]["token"]
    used, _ = await _statements(api, script)
    assert used == 1
    viewer = await api.data("{ viewer { viaApiToken } }", token=script)
    assert viewer == {"viewer": {"viaApiToken": True}}


async def test_the_probe_answers_across_tenants(database_with_demo: Database) -> None:
    """On PostgreSQL the probe reads guardian links beside the statement's own switch of
    tenant: it must see them before the switch, as the app's role, with no tenant set."""
    if not database_with_demo.is_postgres:
        return
    async with database_with_demo.engine.connect() as conn:
        people = dict(
            (
                await conn.execute(
                    sa.select(Person.email, Person.id).where(
                        Person.email.in_(  # type: ignore[attr-defined]
                            ["sandra.bos@example.nl", "noord@zorgacademie.example"]
                        )
                    )
                )
            ).all()
        )
        assert (await conn.execute(sa.select(sa.func.count()).select_from(Pupil))).scalar() == 0
        answers = {
            email: (
                await conn.execute(sa.select(sa.func.portaal_may_have_school_relations(pid)))
            ).scalar_one()
            for email, pid in people.items()
        }
        await conn.rollback()
    assert answers == {"sandra.bos@example.nl": True, "noord@zorgacademie.example": False}


async def test_a_read_keeps_the_connections_prepared_statements(
    api: Api, database_with_demo: Database
) -> None:
    """psycopg prepares a statement from its fifth run on a connection, and forgets them all on
    a ROLLBACK: a read request must end with COMMIT, or every statement is planned anew."""
    if not database_with_demo.is_postgres:
        return
    admin = await api.login("noord@zorgacademie.example")
    pool_size = database_with_demo.engine.pool.size()  # type: ignore[attr-defined]
    for _ in range(6 * pool_size):  # every pooled connection runs it at least 5 times
        await api.data(TRIVIAL, token=admin)
    async with database_with_demo.engine.connect() as conn:
        prepared = await conn.execute(
            sa.text("SELECT statement FROM pg_prepared_statements WHERE statement LIKE :s"),
            {"s": "%FROM access_token%"},
        )
        assert prepared.all(), "the token statement is planned on every request"
        await conn.rollback()
