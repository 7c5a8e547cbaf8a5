"""All configuration, read from environment variables in one place (documented in README)."""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path

from persistence.meldcode.cipher import DEV_KEY as MELDCODE_DEV_KEY
from portaal.cors import parse_origins  # operations (issue 14)
from portaal.proxies import parse_proxies  # hardening (issue 17)

ROOT = Path(__file__).resolve().parent.parent


def _bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    return raw.strip().lower() in {"1", "true", "yes", "on"}


def normalize_database_url(url: str) -> str:
    """Accept plain URLs and pick the async drivers we ship (aiosqlite, psycopg 3)."""
    if url.startswith("sqlite:///") or url.startswith("sqlite://"):
        return "sqlite+aiosqlite://" + url.removeprefix("sqlite://")
    for prefix in ("postgresql://", "postgres://", "postgresql+psycopg2://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url.removeprefix(prefix)
    return url


def sync_database_url(url: str) -> str:
    """The same database for synchronous tools (Alembic)."""
    return url.replace("sqlite+aiosqlite://", "sqlite://")


@dataclass(frozen=True)
class Settings:
    env: str = "development"
    database_url: str = f"sqlite+aiosqlite:///{ROOT / 'var' / 'portaal.db'}"
    host: str = "127.0.0.1"
    port: int = 8000
    # API links in mails and documents (/exports, /ics, /magazine/unsubscribe, …); empty:
    # where the server listens, so it follows PORTAAL_HOST and PORTAAL_PORT.
    public_url: str = ""
    # Pages a person opens from a mail (/activate?token=, /reset-password?token=); empty: the
    # minimal pages this API serves itself (portaal/routes/account.py), i.e. public_url.
    frontend_url: str = ""
    graphiql: bool = True
    introspection: bool = True
    # Compiled plans for plain selections (schema.core.execution); off: graphql-core alone.
    compiled_execution: bool = True
    secret_key: str = field(default_factory=lambda: secrets.token_hex(32))
    cookie_secure: bool = False
    session_hours: int = 12
    remember_days: int = 30
    max_query_depth: int = 15
    max_aliases: int = 30
    max_tokens: int = 4000
    max_body_bytes: int = 1_000_000
    smtp_host: str | None = None
    smtp_port: int = 25
    smtp_username: str | None = None
    smtp_password: str | None = None
    smtp_tls: str = "none"  # none | starttls | tls
    mail_from: str = "Portaal <noreply@portaal.example>"
    run_worker_in_process: bool = True
    # Background retries (issue 17 fault tests shorten them): how long a claimed mail or job is
    # held before another worker may take it, and the first retry delay (doubling after that).
    worker_lease_seconds: float = 300.0
    retry_base_seconds: float = 30.0
    # --- operations (issue 14): CORS, persisted operations, logs ---
    cors_origins: tuple[str, ...] = ()
    trusted_documents: bool = False
    apq_max_entries: int = 1000
    json_logs: bool = True
    # --- end operations ---
    # hardening (issue 17): peers whose X-Forwarded-For is believed (default none); ad-hoc
    # GET documents are refused in production unless set
    trusted_proxies: tuple[str, ...] = ()
    adhoc_get: bool = True
    # Row-level security (issue 17): migrations run as the owner of the tables; the app
    # (DATABASE_URL) connects as a role that owns nothing. Empty: the app's URL (one role).
    database_owner_url: str = ""

    def __post_init__(self) -> None:
        if not self.public_url:
            # 0.0.0.0 and :: listen everywhere; a link needs one address that answers.
            host = "127.0.0.1" if self.host in {"0.0.0.0", "::", ""} else self.host  # noqa: S104 (a comparison, not a bind)
            host = f"[{host}]" if ":" in host else host
            object.__setattr__(self, "public_url", f"http://{host}:{self.port}")
        object.__setattr__(self, "public_url", self.public_url.rstrip("/"))
        object.__setattr__(self, "frontend_url", (self.frontend_url or self.public_url).rstrip("/"))
        if not self.database_owner_url:
            object.__setattr__(self, "database_owner_url", self.database_url)

    # Meldcode texts are encrypted at rest with these Fernet keys, newest first (issue 16).
    meldcode_keys: tuple[str, ...] = (MELDCODE_DEV_KEY,)

    @property
    def production(self) -> bool:
        return self.env == "production"

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    @classmethod
    def from_env(cls, **overrides: object) -> Settings:
        env = os.environ.get("PORTAAL_ENV", "development")
        production = env == "production"
        secret = os.environ.get("PORTAAL_SECRET_KEY")
        if production and not secret:
            raise RuntimeError("PORTAAL_SECRET_KEY must be set when PORTAAL_ENV=production")
        values: dict[str, object] = {
            "env": env,
            "database_url": normalize_database_url(
                os.environ.get("DATABASE_URL", cls.database_url)
            ),
            "host": os.environ.get("PORTAAL_HOST", cls.host),
            "port": int(os.environ.get("PORTAAL_PORT", cls.port)),
            "public_url": os.environ.get("PORTAAL_PUBLIC_URL", ""),
            "frontend_url": os.environ.get("PORTAAL_FRONTEND_URL", ""),
            "graphiql": _bool("PORTAAL_GRAPHIQL", not production),
            "introspection": _bool("PORTAAL_INTROSPECTION", not production),
            "compiled_execution": _bool("PORTAAL_COMPILED_EXECUTION", True),
            "cookie_secure": _bool("PORTAAL_COOKIE_SECURE", production),
            "session_hours": int(os.environ.get("PORTAAL_SESSION_HOURS", cls.session_hours)),
            "remember_days": int(os.environ.get("PORTAAL_REMEMBER_DAYS", cls.remember_days)),
            "max_body_bytes": int(os.environ.get("PORTAAL_MAX_BODY_BYTES", cls.max_body_bytes)),
            "smtp_host": os.environ.get("SMTP_HOST") or None,
            "smtp_port": int(os.environ.get("SMTP_PORT", cls.smtp_port)),
            "smtp_username": os.environ.get("SMTP_USERNAME") or None,
            "smtp_password": os.environ.get("SMTP_PASSWORD") or None,
            "smtp_tls": os.environ.get("SMTP_TLS", cls.smtp_tls),
            "mail_from": os.environ.get("PORTAAL_MAIL_FROM", cls.mail_from),
            "run_worker_in_process": _bool("PORTAAL_WORKER_IN_PROCESS", True),
            "worker_lease_seconds": float(
                os.environ.get("PORTAAL_WORKER_LEASE_SECONDS", cls.worker_lease_seconds)
            ),
            "retry_base_seconds": float(
                os.environ.get("PORTAAL_RETRY_BASE_SECONDS", cls.retry_base_seconds)
            ),
            # --- operations (issue 14) ---
            "cors_origins": parse_origins(os.environ.get("PORTAAL_CORS_ORIGINS", "")),
            "trusted_documents": _bool("PORTAAL_TRUSTED_DOCUMENTS", False),
            "apq_max_entries": int(os.environ.get("PORTAAL_APQ_MAX_ENTRIES", cls.apq_max_entries)),
            "json_logs": os.environ.get("PORTAAL_LOG_FORMAT", "json") != "text",
            # --- hardening (issue 17) ---
            "trusted_proxies": parse_proxies(os.environ.get("PORTAAL_TRUSTED_PROXIES", "")),
            "adhoc_get": _bool("PORTAAL_ADHOC_GET", not production),
            "database_owner_url": normalize_database_url(
                os.environ.get("PORTAAL_DATABASE_OWNER_URL", "")
            ),
        }
        if secret:
            values["secret_key"] = secret
        meldcode_keys = tuple(
            k.strip() for k in os.environ.get("PORTAAL_MELDCODE_KEYS", "").split(",") if k.strip()
        )
        if production and not meldcode_keys:
            raise RuntimeError("PORTAAL_MELDCODE_KEYS must be set when PORTAAL_ENV=production")
        if production and MELDCODE_DEV_KEY in meldcode_keys:
            raise RuntimeError("PORTAAL_MELDCODE_KEYS may not hold the development key")
        if meldcode_keys:
            values["meldcode_keys"] = meldcode_keys
        values.update(overrides)
        return cls(**values)  # type: ignore[arg-type]
