"""The organisation tree table."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from domain.core.orgtree import OrgUnitKind
from persistence.types import UTCDateTime, enum_column, utcnow


class OrgUnit(SQLModel, table=True):
    """A unit of the organisation tree; `path` is the materialised path of ids ("/1/4/9/")."""

    __tablename__ = "org_unit"
    __table_args__ = (
        # text_pattern_ops lets PostgreSQL use the index for `path LIKE '/1/4/%'` in any collation.
        sa.Index(
            "ix_org_unit_path", "path", unique=True, postgresql_ops={"path": "text_pattern_ops"}
        ),
        sa.Index("ix_org_unit_parent_id_name", "parent_id", "name"),
    )

    id: int | None = Field(default=None, primary_key=True)
    kind: OrgUnitKind = Field(sa_column=enum_column(OrgUnitKind, nullable=False))
    name: str = Field(max_length=200)
    code: str | None = Field(default=None, max_length=64)
    parent_id: int | None = Field(
        default=None, sa_column=sa.Column(sa.Integer, sa.ForeignKey("org_unit.id"), nullable=True)
    )
    # Filled right after insert, once the id is known; unique so no two units share it.
    path: str = Field(max_length=400)
    depth: int = 0
    created_at: datetime = Field(
        default_factory=utcnow, sa_column=sa.Column(UTCDateTime(), nullable=False)
    )
