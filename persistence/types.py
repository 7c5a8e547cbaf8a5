"""Column types that behave the same on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime
from enum import Enum
from typing import Any

import sqlalchemy as sa
from sqlalchemy.types import TypeDecorator


class UTCDateTime(TypeDecorator[datetime]):
    """Aware UTC datetimes in, aware UTC datetimes out (SQLite keeps no zone)."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; store aware UTC times")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)

    def result_processor(self, dialect: Any, coltype: Any) -> Any:
        if dialect.name != "postgresql":
            return super().result_processor(dialect, coltype)

        # Our connections run in UTC (persistence.db), so psycopg's values are UTC already:
        # one identity test per value instead of two calls (a list page reads thousands).
        def process(value: datetime | None) -> datetime | None:
            if value is None or value.tzinfo is UTC:
                return value
            return value.astimezone(UTC)

        return process


def enum_column(enum: type[Enum], **kwargs: Any) -> sa.Column[Any]:
    """Enums stored as their names in a VARCHAR, so adding a value needs no type migration."""
    return sa.Column(sa.Enum(enum, native_enum=False, length=32, create_constraint=False), **kwargs)


def utcnow() -> datetime:
    return datetime.now(UTC)


def foreign_key(
    target: str, *, nullable: bool = False, ondelete: str | None = "CASCADE", index: bool = True
) -> Any:
    """An indexed integer foreign key column for a sqlmodel field."""
    from sqlmodel import Field

    return Field(
        default=None,
        sa_column=sa.Column(
            sa.Integer, sa.ForeignKey(target, ondelete=ondelete), nullable=nullable, index=index
        ),
    )


def timestamp(*, nullable: bool = False) -> Any:
    """An aware-UTC timestamp column; required ones default to now."""
    from sqlmodel import Field

    return Field(
        default_factory=None if nullable else utcnow,
        sa_column=sa.Column(UTCDateTime(), nullable=nullable),
    )
