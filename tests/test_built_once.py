"""Statements built once run on psycopg directly on PostgreSQL (persistence/prepared.py): inside
the session's transaction and tenant, counted, with the column types' processing, and with
errors and a dropped connection surfacing as SQLAlchemy's (so an outage still answers 503)."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa
from sqlalchemy import exc as sa_exc

from domain.academy.enrolments import CourseStatus
from persistence.academy.models import Enrolment, Learner
from persistence.core.models import AuditEvent
from persistence.db import Database
from persistence.prepared import built_once, is_built_once
from persistence.snapshots import fetch_rows
from persistence.tenancy import NOBODY, SYSTEM
from portaal.outage import is_outage

pytestmark = pytest.mark.postgres_only


@pytest.fixture
def db(database_with_demo: Database) -> Database:
    if not database_with_demo.is_postgres:
        pytest.skip("the driver path is PostgreSQL's")
    return database_with_demo


@built_once
def _learners() -> sa.Select[tuple[int, int]]:
    return sa.select(Learner.id, Learner.cluster_id).where(Learner.id >= sa.bindparam("lowest"))


@built_once
def _events_since() -> sa.Select[tuple[int, dt.datetime]]:
    return (
        sa.select(AuditEvent.id, AuditEvent.at)
        .where(AuditEvent.at >= sa.bindparam("since", type_=AuditEvent.at.type))
        .order_by(AuditEvent.id)
    )


@built_once
def _statuses() -> sa.Select[tuple[int, CourseStatus]]:
    return sa.select(Enrolment.id, Enrolment.status).where(Enrolment.id >= sa.bindparam("lowest"))


@built_once
def _ratio() -> sa.Select[tuple[int]]:
    return sa.select(sa.literal(1) / sa.bindparam("d", type_=sa.Integer))


async def test_runs_in_the_sessions_tenant_and_is_counted(db: Database) -> None:
    assert is_built_once(_learners())
    assert not is_built_once(sa.select(Learner.id))
    async with db.session(SYSTEM) as session:
        before = db.statement_count
        everything = await fetch_rows(session, _learners(), {"lowest": 0})
        assert db.statement_count == before + 1
        expected = (await session.execute(sa.select(Learner.id, Learner.cluster_id))).all()
        assert sorted(everything) == sorted(tuple(r) for r in expected)
        assert len(everything) > 3
    # Row-level security: a session of nobody sees no learner, on this path as on any other.
    async with db.session(NOBODY) as session:
        assert await fetch_rows(session, _learners(), {"lowest": 0}) == []


async def test_column_types_process_binds_and_results(db: Database) -> None:
    async with db.transaction() as session:
        session.add(AuditEvent(kind="test.built_once", detail=""))
    # An aware time in another zone is bound as UTC; times come back aware, in UTC.
    since = dt.datetime.now(dt.UTC).astimezone(dt.timezone(dt.timedelta(hours=2)))
    since -= dt.timedelta(minutes=5)
    async with db.session(SYSTEM) as session:
        rows = await fetch_rows(session, _events_since(), {"since": since})
    assert rows
    assert all(r[1].tzinfo is not None and r[1].utcoffset() == dt.timedelta(0) for r in rows)
    assert all(r[1] >= since for r in rows)
    async with db.session(SYSTEM) as session:
        with pytest.raises(ValueError, match="naive datetime"):
            await fetch_rows(session, _events_since(), {"since": since.replace(tzinfo=None)})
        await session.rollback()
        statuses = await fetch_rows(session, _statuses(), {"lowest": 0})
    assert statuses
    assert all(isinstance(r[1], CourseStatus) for r in statuses)


async def test_an_error_is_sqlalchemys_and_the_session_goes_on(db: Database) -> None:
    async with db.session(SYSTEM) as session:
        with pytest.raises(sa_exc.DataError) as caught:
            await fetch_rows(session, _ratio(), {"d": 0})
        assert "division by zero" in str(caught.value.orig)
        assert not is_outage(caught.value)
        await session.rollback()
        assert await fetch_rows(session, _ratio(), {"d": 1}) == [(1,)]


async def test_a_dropped_connection_is_an_outage_and_is_replaced(db: Database) -> None:
    async with db.session(SYSTEM) as session:
        await fetch_rows(session, _learners(), {"lowest": 0})
        pid = (await session.execute(sa.text("SELECT pg_backend_pid()"))).scalar_one()
        async with db.engine.connect() as other:
            await other.execute(sa.text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
        with pytest.raises(sa_exc.DBAPIError) as caught:
            await fetch_rows(session, _learners(), {"lowest": 0})
        assert caught.value.connection_invalidated
        assert is_outage(caught.value)
    async with db.session(SYSTEM) as session:  # the pool connects afresh
        assert await fetch_rows(session, _learners(), {"lowest": 0})
