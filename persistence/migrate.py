"""Run Alembic migrations from code (the CLI and the tests), on SQLite or PostgreSQL."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import create_engine, pool
from sqlalchemy.engine import make_url

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def alembic_config(sync_url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", sync_url.replace("%", "%%"))
    return config


def _ensure_directory(sync_url: str) -> None:
    """SQLite creates the file but not its folder (var/ on a fresh clone)."""
    url = make_url(sync_url)
    if url.get_backend_name() == "sqlite" and url.database and url.database != ":memory:":
        Path(url.database).parent.mkdir(parents=True, exist_ok=True)


def upgrade(sync_url: str, revision: str = "head") -> None:
    _ensure_directory(sync_url)
    engine = create_engine(sync_url, poolclass=pool.NullPool)
    with engine.begin() as connection:
        config = alembic_config(sync_url)
        config.attributes["connection"] = connection
        command.upgrade(config, revision)
    engine.dispose()


def downgrade(sync_url: str, revision: str = "base") -> None:
    engine = create_engine(sync_url, poolclass=pool.NullPool)
    with engine.begin() as connection:
        config = alembic_config(sync_url)
        config.attributes["connection"] = connection
        command.downgrade(config, revision)
    engine.dispose()
