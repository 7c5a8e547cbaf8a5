"""Compiled plans leave dates and UTC datetimes to orjson (schema.core.execution): orjson must
write each exactly as the scalars' `isoformat` would."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import orjson
from hypothesis import given
from hypothesis import strategies as st

from schema.core.execution import _native_date, _native_datetime


@given(st.datetimes(timezones=st.just(UTC)))
def test_orjson_writes_a_utc_datetime_as_isoformat_does(value: datetime) -> None:
    assert orjson.dumps(value) == orjson.dumps(value.isoformat())


@given(st.dates())
def test_orjson_writes_a_date_as_isoformat_does(value: date) -> None:
    assert orjson.dumps(value) == orjson.dumps(value.isoformat())


def test_only_those_pass_through() -> None:
    def serialize(value: object) -> object:
        return ("serialized", value)

    now = datetime(2026, 12, 1, 20, 30, 15, 250, tzinfo=UTC)
    assert _native_datetime(serialize)(now) is now
    # Another zone, a naive time or a date where a datetime belongs: the scalar's own way.
    amsterdam = now.astimezone(timezone(timedelta(hours=1)))
    assert _native_datetime(serialize)(amsterdam) == ("serialized", amsterdam)
    assert _native_datetime(serialize)(now.replace(tzinfo=None))[0] == "serialized"
    assert _native_datetime(serialize)(now.date())[0] == "serialized"
    assert _native_date(serialize)(now.date()) == now.date()
    assert _native_date(serialize)(now)[0] == "serialized"  # a datetime is a date subclass
