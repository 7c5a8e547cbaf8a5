"""The role the app connects as on PostgreSQL: owns nothing, NOBYPASSRLS, data rights only."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy import pool
from sqlalchemy.engine import make_url


def grant_app_role(owner_sync_url: str, role: str, password: str | None = None) -> None:
    """Create `role` if missing and grant it the data (not the schema) of the owner's tables.

    Run as the owner (the role migrations run as). Idempotent: `portaal migrate` runs it on
    every deploy when the app URL names another user than the owner URL.
    """
    engine = sa.create_engine(owner_sync_url, poolclass=pool.NullPool)
    with engine.begin() as conn:
        quote = conn.dialect.identifier_preparer.quote
        name = quote(role)
        exists = conn.execute(
            sa.text("SELECT 1 FROM pg_roles WHERE rolname = :r"), {"r": role}
        ).first()
        if exists is None:
            conn.execute(sa.text(f"CREATE ROLE {name} LOGIN"))
        conn.execute(sa.text(f"ALTER ROLE {name} NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE"))
        if password is not None:
            literal = "'" + password.replace("'", "''") + "'"
            conn.execute(sa.text(f"ALTER ROLE {name} PASSWORD {literal}"))
        database = quote(conn.execute(sa.text("SELECT current_database()")).scalar_one())
        for grant in (
            f"GRANT CONNECT ON DATABASE {database} TO {name}",
            f"GRANT USAGE ON SCHEMA public TO {name}",
            f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {name}",
            f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {name}",
            # Tables later migrations add are granted as they are created.
            "ALTER DEFAULT PRIVILEGES IN SCHEMA public "
            f"GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {name}",
            f"ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO {name}",
        ):
            conn.execute(sa.text(grant))
    engine.dispose()


def app_role_of(app_url: str, owner_url: str) -> tuple[str, str | None] | None:
    """The app URL's user and password when it is not the owner's (PostgreSQL only)."""
    app, owner = make_url(app_url), make_url(owner_url)
    if app.get_backend_name() != "postgresql" or not app.username:
        return None
    if app.username == owner.username:
        return None
    return app.username, app.password
