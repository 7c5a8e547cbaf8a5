"""Migrations build the same schema as the models, on SQLite and PostgreSQL."""

from __future__ import annotations

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy.engine import make_url
from sqlmodel import SQLModel

import persistence.tables  # noqa: F401
from persistence.migrate import downgrade, upgrade
from portaal.settings import sync_database_url
from tests.conftest import reset_postgres


def _diff(url: str) -> list[object]:
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        diff = compare_metadata(context, SQLModel.metadata)
    engine.dispose()
    return diff


def test_sqlite_upgrade_from_empty_matches_models(tmp_path: object) -> None:
    url = f"sqlite:///{tmp_path}/m.db"
    upgrade(url)
    assert _diff(url) == []
    downgrade(url)
    engine = sa.create_engine(url)
    assert sa.inspect(engine).get_table_names() == ["alembic_version"]
    engine.dispose()


def test_postgres_upgrade_from_empty_matches_models(pg_url: str) -> None:
    url = (
        make_url(sync_database_url(pg_url))
        .set(database="postgres")
        .render_as_string(hide_password=False)
    )
    engine = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(sa.text("DROP DATABASE IF EXISTS portaal_migration_check"))
        conn.execute(sa.text("CREATE DATABASE portaal_migration_check"))
    try:
        check = (
            make_url(url)
            .set(database="portaal_migration_check")
            .render_as_string(hide_password=False)
        )
        upgrade(check)
        assert _diff(check) == []
        downgrade(check)
        upgrade(check)
    finally:
        with engine.connect() as conn:
            conn.execute(sa.text("DROP DATABASE IF EXISTS portaal_migration_check WITH (FORCE)"))
        engine.dispose()
    _ = reset_postgres


def test_migrate_creates_the_database_folder(tmp_path: object) -> None:
    """`make run` on a fresh clone: var/ does not exist yet."""
    from pathlib import Path

    url = f"sqlite:///{tmp_path}/var/new/portaal.db"
    upgrade(url)
    assert Path(f"{tmp_path}/var/new/portaal.db").exists()
