"""Readiness: the database answers and its schema is at the newest migration."""

from __future__ import annotations

from functools import cache

from alembic.script import ScriptDirectory
from sqlalchemy import text

from persistence.db import Database
from persistence.migrate import alembic_config


@cache
def head_revisions() -> frozenset[str]:
    """The newest migration(s) shipped with this code."""
    return frozenset(ScriptDirectory.from_config(alembic_config("sqlite://")).get_heads())


async def migration_problem(db: Database) -> str | None:
    """None when ready; otherwise why not, in a few words (no secrets: no URL)."""
    try:
        async with db.engine.connect() as conn:
            rows = (await conn.execute(text("SELECT version_num FROM alembic_version"))).all()
    except Exception as e:
        return f"database unavailable or not migrated ({e.__class__.__name__})"
    current = frozenset(r[0] for r in rows)
    if current != head_revisions():
        return (
            f"migrations not at head (database {sorted(current)}, code {sorted(head_revisions())})"
        )
    return None
