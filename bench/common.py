"""Small pieces the generator, the floors and the harness share (copies of the app's encodings,
so the bench imports nothing that moves)."""

from __future__ import annotations

import base64
import hashlib
import json
from datetime import UTC, date, datetime, time
from typing import Any
from urllib.parse import urlsplit, urlunsplit
from zoneinfo import ZoneInfo

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
DEFAULT_URL = "postgresql://postgres@127.0.0.1:5432/bench"
SMOKE_URL = "postgresql://postgres@127.0.0.1:5432/bench_smoke"

# Everyone the harness logs in as shares this password (hashed once with the app's argon2id
# parameters by the generator).
PASSWORD = "Bench-Zonnebloem-42!"
ADMIN_S = "bench.admin.s@bench.example"  # cluster admin of the small cluster (200 at scale 1)
ADMIN_M = "bench.admin.m@bench.example"  # cluster admin of the 2,000 cluster
ADMIN_L = "bench.admin.l@bench.example"  # cluster admin of the 20,000 cluster
ORG_ADMIN = "bench.orgadmin@bench.example"  # academy organisation admin (all 50 clusters)
PLATFORM_ADMIN = "bench.platform@bench.example"
GUARDIAN_1 = "bench.guardian1@bench.example"  # one child
GUARDIAN_3 = "bench.guardian3@bench.example"  # three children
INST_CONTACT = "bench.contact@bench.example"  # a contact with many courses (institute)
INST_ORG_ADMIN = "bench.klantbeheer@bench.example"  # admin of the big client organisation


def gid(type_name: str, pk: int) -> str:
    """Relay global ID as domain/ids.py makes it: urlsafe base64 of "Type:pk", unpadded."""
    return base64.urlsafe_b64encode(f"{type_name}:{pk}".encode()).decode().rstrip("=")


def cursor(order: str, *key: Any) -> str:
    """Keyset cursor as domain/core/pagination.py makes it: the order's name and the row's key
    (sort columns, then the id), as compact JSON in unpadded urlsafe base64."""
    raw = json.dumps([order, *key], separators=(",", ":"), ensure_ascii=False)
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def hash_secret(secret: str) -> str:
    """How the app stores token secrets (portaal/security.py): SHA-256, hex."""
    return hashlib.sha256(secret.encode()).hexdigest()


def psycopg_url(url: str) -> str:
    """A libpq URL from any SQLAlchemy spelling of a PostgreSQL URL."""
    for prefix in ("postgresql+psycopg://", "postgresql+psycopg2://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql://" + url.removeprefix(prefix)
    return url


def sqlalchemy_url(url: str) -> str:
    return "postgresql+psycopg://" + psycopg_url(url).removeprefix("postgresql://")


def database_name(url: str) -> str:
    return urlsplit(psycopg_url(url)).path.lstrip("/")


def with_database(url: str, name: str) -> str:
    parts = urlsplit(psycopg_url(url))
    return urlunsplit((parts.scheme, parts.netloc, "/" + name, parts.query, parts.fragment))


def check_bench_database(url: str) -> None:
    """The bench writes and drops only databases whose name starts with `bench`."""
    name = database_name(url)
    if not name.startswith("bench"):
        raise SystemExit(f"refusing to touch database {name!r}: bench databases start with 'bench'")


def local_today() -> date:
    return datetime.now(UTC).astimezone(AMSTERDAM).date()


def to_utc(day: date, at: time) -> datetime:
    return datetime.combine(day, at, tzinfo=AMSTERDAM).astimezone(UTC)


def school_year_start(day: date) -> int:
    """Dutch school years run 1 August to 31 July (domain/grades.py)."""
    return day.year if day.month >= 8 else day.year - 1


def school_year_first_day(day: date) -> date:
    return date(school_year_start(day), 8, 1)
