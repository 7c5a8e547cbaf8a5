"""Row-level security on PostgreSQL: the per-transaction tenant setting the policies read.

Migration 0009 puts policies on the tenant-owned tables; they admit a row when its unit lies
under one of the comma-separated root paths in `portaal.tenant_paths` (or when it is `*`,
system work). The setting is transaction-local (`set_config(…, true)`), so a pooled
connection never carries one request's tenant into the next; unset means no rows.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

SETTING = "portaal.tenant_paths"
# Worker, jobs, CLI, demo seeding: they read and write across tenants on purpose.
SYSTEM = "*"
# Anonymous: no tenant, so no tenant-owned row.
NOBODY = ""
# Where a session keeps the tenant of its next transactions (`Session.info`).
TENANT = "portaal_tenant"
# A unit of work that also reaches the tenant of one unit (`RequestSession.unit_of_work`).
REACH = "portaal_reach"
# Not counted in `Database.statement_count` (see docs/security.md, "Row-level security").
SET_TENANT_SQL = f"SELECT set_config('{SETTING}', %(tenant)s, true)"
# The root path of a unit, as `portaal_tenant_paths` (migration 0009) computes it.
SET_TENANT_REACH_SQL = (
    "SELECT set_config('portaal.tenant_paths', concat_ws(',', nullif(%(tenant)s, ''), "
    "(SELECT substring(path FROM '^/[0-9]+/(?:[0-9]+/)?') FROM org_unit WHERE id = %(unit)s)),"
    " true)"
)
UNCOUNTED = frozenset({SET_TENANT_SQL, SET_TENANT_REACH_SQL})


def set_tenant(connection: Any, tenant: str, reach: int | None = None) -> None:
    """Issue the setting on a connection whose transaction just began (sync, in an event)."""
    if reach is None:
        connection.exec_driver_sql(SET_TENANT_SQL, {"tenant": tenant})
    else:
        connection.exec_driver_sql(SET_TENANT_REACH_SQL, {"tenant": tenant, "unit": reach})


def tenant_of(person_id: Any, assignment_id: Any = None) -> sa.ColumnElement[str]:
    """SQL that switches this transaction to the person's tenants and returns them.

    `portaal_tenant_paths` (migration 0009) is the one place that reads a person's units across
    tenants: roles (only `assignment_id`'s, for an API token), guardian links, institute
    enrolments and invoices. Evaluated in the select list of the authenticating statement, it
    costs no round trip of its own.
    """
    return sa.func.set_config(
        SETTING,
        sa.func.portaal_tenant_paths(person_id, sa.cast(assignment_id, sa.Integer)),
        sa.true(),
    )


def on_postgres(session: AsyncSession) -> bool:
    return session.get_bind().dialect.name == "postgresql"


async def enter_tenant_of(
    session: AsyncSession, person_id: int, assignment_id: int | None = None
) -> None:
    """Switch the session (this transaction and the next) to the person's tenants."""
    if not on_postgres(session):
        return
    value = (await session.execute(sa.select(tenant_of(person_id, assignment_id)))).scalar_one()
    session.info[TENANT] = value


async def enter_tenant(session: AsyncSession, tenant: str) -> None:
    """Switch the session (this transaction and the next) to `tenant` (e.g. SYSTEM)."""
    if not on_postgres(session):
        return
    await session.execute(sa.select(sa.func.set_config(SETTING, tenant, sa.true())))
    session.info[TENANT] = tenant
