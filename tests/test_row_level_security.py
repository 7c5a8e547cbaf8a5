"""Row-level security on PostgreSQL (issue 17): the tenant-owned tables admit only the
transaction's tenants, and the app's role cannot switch that off.

The rest of the suite runs as the same role (tests/conftest.py), so every request and the worker
pass under the policies too.
"""

from __future__ import annotations

import importlib.util
from typing import Any

import pytest
import sqlalchemy as sa

from persistence.db import Database
from persistence.migrate import MIGRATIONS
from persistence.tenancy import SETTING, SYSTEM

pytestmark = pytest.mark.postgres_only


def _migration() -> Any:
    path = MIGRATIONS / "versions" / "0009_row_level_security.py"
    spec = importlib.util.spec_from_file_location("rls_0009", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


MIGRATION = _migration()
PROTECTED = sorted([*MIGRATION.BY_UNIT, *MIGRATION.BY_PARENT])


@pytest.fixture
def db(database_with_demo: Database) -> Database:
    if not database_with_demo.is_postgres:
        pytest.skip("row-level security is PostgreSQL's")
    return database_with_demo


async def _counts(db: Database, tenant: str | None) -> dict[str, int]:
    """Rows per protected table, read as the app's role in one transaction set to `tenant`."""
    async with db.engine.connect() as conn:
        if tenant is not None:
            await conn.execute(sa.select(sa.func.set_config(SETTING, tenant, True)))
        counts = {
            table: int((await conn.execute(sa.text(f"SELECT count(*) FROM {table}"))).scalar_one())
            for table in PROTECTED
        }
        await conn.rollback()
    return counts


async def _tenant_roots(db: Database) -> list[str]:
    async with db.engine.connect() as conn:
        rows = await conn.execute(
            sa.text(
                "SELECT path FROM org_unit WHERE parent_id = "
                "(SELECT id FROM org_unit WHERE parent_id IS NULL) ORDER BY path"
            )
        )
        return [r[0] for r in rows]


async def test_every_tenant_owned_table_has_forced_rls(db: Database) -> None:
    async with db.engine.connect() as conn:
        rows = await conn.execute(
            sa.text(
                "SELECT relname FROM pg_class WHERE relkind = 'r' AND relrowsecurity "
                "AND relforcerowsecurity AND relnamespace = 'public'::regnamespace"
            )
        )
        forced = sorted(r[0] for r in rows)
    assert forced == PROTECTED
    assert len(PROTECTED) == 41


async def test_without_the_setting_no_row_of_any_protected_table(db: Database) -> None:
    everything = await _counts(db, SYSTEM)
    # The demo has rows in the tables a reader meets (others fill up as the app runs).
    for table in (
        "learner",
        "enrolment",
        "pupil",
        "guardian_link",
        "school_grade",
        "school_absence",
        "school_lesson",
        "institute_enrolment",
        "invoice",
        "client_organisation",
        "meldcode_case",
        "meldcode_signal",
        "label",
    ):
        assert everything[table] > 0, table
    assert await _counts(db, None) == dict.fromkeys(PROTECTED, 0)
    assert await _counts(db, "") == dict.fromkeys(PROTECTED, 0)
    assert await _counts(db, "/999999/") == dict.fromkeys(PROTECTED, 0)


async def test_each_tenant_sees_its_own_rows_and_none_of_another(db: Database) -> None:
    everything = await _counts(db, SYSTEM)
    roots = await _tenant_roots(db)
    assert len(roots) >= 3  # an academy, an institute, a school board (and more)
    per_root = {root: await _counts(db, root) for root in roots}
    for table in PROTECTED:
        # Every row belongs to exactly one tenant: the tenants' parts add up to the whole, so
        # what one tenant's setting admits is none of another's rows.
        assert sum(per_root[r][table] for r in roots) == everything[table], table
    both = await _counts(db, ",".join(roots[:2]))
    for table in PROTECTED:
        assert both[table] == per_root[roots[0]][table] + per_root[roots[1]][table]
    async with db.engine.connect() as conn:
        kinds = dict((await conn.execute(sa.text("SELECT path, kind FROM org_unit"))).all())
    by_kind = {kinds[r]: per_root[r] for r in roots}
    academy, board = by_kind["ACADEMY"], by_kind["SCHOOL_BOARD"]
    assert academy["learner"] > 0 and board["learner"] == 0
    assert board["pupil"] > 0 and academy["pupil"] == 0
    assert board["school_grade"] > 0 and academy["school_grade"] == 0
    assert by_kind["INSTITUTE"]["invoice"] > 0 and board["invoice"] == academy["invoice"] == 0


async def test_writes_outside_the_tenant_are_refused(db: Database) -> None:
    roots = await _tenant_roots(db)
    async with db.engine.connect() as conn:
        kinds = dict((await conn.execute(sa.text("SELECT path, kind FROM org_unit"))).all())
        board = next(r for r in roots if kinds[r] == "SCHOOL_BOARD")
        await conn.execute(sa.select(sa.func.set_config(SETTING, board, True)))
        label_owner = (
            await conn.execute(
                sa.text("SELECT id FROM org_unit WHERE kind = 'CLUSTER' ORDER BY id LIMIT 1")
            )
        ).scalar_one()
        with pytest.raises(sa.exc.ProgrammingError, match="row-level security"):
            await conn.execute(
                sa.text("INSERT INTO label (name, colour, owner_unit_id) VALUES ('x', 'GREY', :u)"),
                {"u": label_owner},
            )
        await conn.rollback()


async def test_the_app_role_owns_nothing_and_cannot_switch_rls_off(db: Database) -> None:
    async with db.engine.connect() as conn:
        me, bypass, superuser = (
            await conn.execute(
                sa.text(
                    "SELECT current_user, rolbypassrls, rolsuper FROM pg_roles "
                    "WHERE rolname = current_user"
                )
            )
        ).one()
        owned = (
            await conn.execute(
                sa.text(
                    "SELECT count(*) FROM pg_class WHERE relowner = "
                    "(SELECT oid FROM pg_roles WHERE rolname = current_user)"
                )
            )
        ).scalar_one()
        await conn.rollback()
    assert me.endswith("_app") and not bypass and not superuser and owned == 0
    for statement in (
        "ALTER TABLE learner DISABLE ROW LEVEL SECURITY",
        "ALTER TABLE learner NO FORCE ROW LEVEL SECURITY",
        "DROP POLICY tenant ON pupil",
        "ALTER ROLE CURRENT_USER BYPASSRLS",
    ):
        async with db.engine.connect() as conn:
            with pytest.raises(
                sa.exc.ProgrammingError, match=r"must be owner|permission denied|must be superuser"
            ):
                await conn.execute(sa.text(statement))
            await conn.rollback()


async def _tenant_of(db: Database, email: str) -> str:
    async with db.engine.connect() as conn:
        found = (
            await conn.execute(
                sa.text(
                    "SELECT portaal_tenant_paths(id, NULL), "
                    "current_setting('portaal.tenant_paths', true) FROM person WHERE email = :e"
                ),
                {"e": email},
            )
        ).one()
        await conn.rollback()
    assert found[1] in (None, ""), "the function's own system setting must not leak out"
    return str(found[0])


async def test_a_persons_tenants_come_from_roles_children_and_institutes(db: Database) -> None:
    roots = await _tenant_roots(db)
    async with db.engine.connect() as conn:
        kinds = dict((await conn.execute(sa.text("SELECT path, kind FROM org_unit"))).all())
        await conn.rollback()
    root_of = {kinds[r]: r for r in roots}
    platform = next(p for p, k in kinds.items() if k == "PLATFORM")
    assert await _tenant_of(db, "beheer@portaal.example") == platform  # everything below it
    assert kinds[await _tenant_of(db, "lotte.jansen@example.org")] == "ACADEMY"
    # A guardian holds no role: their children's school board is their tenant.
    assert await _tenant_of(db, "sandra.bos@example.nl") == root_of["SCHOOL_BOARD"]
    # A private customer: the institute that enrolled and invoiced her.
    assert await _tenant_of(db, "els.dekker@example.nl") == root_of["INSTITUTE"]
    assert await _tenant_of(db, "directie@lindenhove.example") == root_of["SCHOOL_BOARD"]


async def test_a_request_reads_in_its_viewers_tenant_only(api: Any, db: Database) -> None:
    """Over HTTP: a learner's token sets the academy and nothing else, in the same statement
    that reads the token (no statement of its own)."""
    from persistence.tenancy import TENANT

    token = await api.login("lotte.jansen@example.org")
    seen: list[str] = []

    def remember(session: Any, *_args: Any) -> None:
        seen.append(session.info.get(TENANT))

    sa.event.listen(db.session_class, "after_transaction_end", remember)
    try:
        await api.data("{ viewer { person { id } } }", token=token)
    finally:
        sa.event.remove(db.session_class, "after_transaction_end", remember)
    academy = await _tenant_of(db, "lotte.jansen@example.org")
    assert academy in seen and all(t in (academy, "*") for t in seen), seen
