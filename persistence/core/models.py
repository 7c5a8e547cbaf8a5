"""Core tables: the organisation tree, people, roles, tokens, one-time links, throttling, audit."""

from __future__ import annotations

from datetime import date, datetime
from enum import Enum

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from domain.core.orgtree import OrgUnitKind
from domain.core.roles import Role
from persistence.types import UTCDateTime, enum_column, foreign_key, timestamp, utcnow


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


class Language(str, Enum):
    """Language of the interface and of mails: Dutch by default."""

    NL = "nl"
    EN = "en"


class Person(SQLModel, table=True):
    """Anyone who can log in or be written to; one account per e-mail address."""

    __tablename__ = "person"

    id: int | None = Field(default=None, primary_key=True)
    # Stored normalised (trimmed, lower case), so the unique index is case-insensitive.
    email: str = Field(max_length=254, sa_column_kwargs={"unique": True}, nullable=False)
    given_name: str = Field(default="", max_length=100)
    name_prefix: str = Field(default="", max_length=30)  # "tussenvoegsel": van, de, van der
    family_name: str = Field(default="", max_length=150)
    language: Language = Field(default=Language.NL, sa_column=enum_column(Language, nullable=False))
    password_hash: str | None = Field(default=None, max_length=200)
    profile_completed: bool = False
    date_of_birth: date | None = None
    phone: str | None = Field(default=None, max_length=40)
    deactivated_at: datetime | None = timestamp(nullable=True)
    created_at: datetime = timestamp()

    @property
    def display_name(self) -> str:
        parts = [self.given_name, self.name_prefix, self.family_name]
        return " ".join(p for p in parts if p) or self.email


class RoleAssignment(SQLModel, table=True):
    """A stored role held by a person on one unit, valid for all units below it."""

    __tablename__ = "role_assignment"
    __table_args__ = (sa.UniqueConstraint("person_id", "role", "org_unit_id"),)

    id: int | None = Field(default=None, primary_key=True)
    person_id: int = foreign_key("person.id")
    role: Role = Field(sa_column=enum_column(Role, nullable=False))
    org_unit_id: int = foreign_key("org_unit.id")
    created_at: datetime = timestamp()


class TokenKind(str, Enum):
    SESSION = "SESSION"  # a login
    API = "API"  # a script's token, bound to one role assignment


class AccessToken(SQLModel, table=True):
    """A bearer credential; only the SHA-256 of the secret is stored."""

    __tablename__ = "access_token"

    id: int | None = Field(default=None, primary_key=True)
    kind: TokenKind = Field(sa_column=enum_column(TokenKind, nullable=False))
    token_hash: str = Field(max_length=64, sa_column_kwargs={"unique": True}, nullable=False)
    person_id: int = foreign_key("person.id")
    role_assignment_id: int | None = foreign_key("role_assignment.id", nullable=True)
    acting_for_unit_id: int | None = foreign_key("org_unit.id", nullable=True, ondelete="SET NULL")
    name: str = Field(default="", max_length=100)
    remember: bool = False
    created_at: datetime = timestamp()
    expires_at: datetime | None = timestamp(nullable=True)
    last_used_at: datetime | None = timestamp(nullable=True)
    revoked_at: datetime | None = timestamp(nullable=True)


class OneTimePurpose(str, Enum):
    PASSWORD_RESET = "PASSWORD_RESET"
    ACTIVATION = "ACTIVATION"


class OneTimeToken(SQLModel, table=True):
    """A single-use link secret (reset, activation); stored only as a hash."""

    __tablename__ = "one_time_token"

    id: int | None = Field(default=None, primary_key=True)
    purpose: OneTimePurpose = Field(sa_column=enum_column(OneTimePurpose, nullable=False))
    token_hash: str = Field(max_length=64, sa_column_kwargs={"unique": True}, nullable=False)
    person_id: int = foreign_key("person.id")
    created_at: datetime = timestamp()
    expires_at: datetime = timestamp()
    used_at: datetime | None = timestamp(nullable=True)


class ThrottleEvent(SQLModel, table=True):
    """One counted attempt (failed login, reset request) for a rate-limit key."""

    __tablename__ = "throttle_event"
    __table_args__ = (sa.Index("ix_throttle_event_key_at", "key", "at"),)

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(max_length=300)
    at: datetime = timestamp()


class AuditEvent(SQLModel, table=True):
    """Append-only record of a security event; never updated or deleted by the application."""

    __tablename__ = "audit_event"
    __table_args__ = (sa.Index("ix_audit_event_at", "at"),)

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = timestamp()
    kind: str = Field(max_length=64, index=True)
    actor_person_id: int | None = foreign_key("person.id", nullable=True, ondelete="SET NULL")
    subject_person_id: int | None = foreign_key("person.id", nullable=True, ondelete="SET NULL")
    org_unit_id: int | None = foreign_key("org_unit.id", nullable=True, ondelete="SET NULL")
    client_address: str | None = Field(default=None, max_length=64)
    detail: str = Field(default="", max_length=1000)


class TrustedDocument(SQLModel, table=True):
    """A GraphQL document registered ahead by a client (trusted documents / persisted queries)."""

    __tablename__ = "trusted_document"

    # The client's own id (Relay's, or Apollo's sha256); sha256 finds it by APQ hash too.
    id: str = Field(primary_key=True, max_length=200)
    sha256: str = Field(max_length=64, index=True)
    document: str = Field(sa_column=sa.Column(sa.Text, nullable=False))
    operation_name: str | None = Field(default=None, max_length=200)
    client_name: str = Field(default="", max_length=100)
    created_at: datetime = timestamp()
