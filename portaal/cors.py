"""Cross-origin access: none by default (same-origin), an allow-list by configuration."""

from __future__ import annotations

from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware


def cors_middleware(origins: tuple[str, ...]) -> list[Middleware]:
    """Starlette's CORS for the listed origins only, with credentials (cookie or bearer)."""
    if not origins:
        return []
    return [
        Middleware(
            CORSMiddleware,
            allow_origins=list(origins),
            allow_credentials=True,
            allow_methods=["GET", "POST", "OPTIONS"],
            allow_headers=["Content-Type", "Authorization", "Accept", "X-Request-ID"],
            expose_headers=["X-Request-ID"],
            max_age=600,
        )
    ]


def parse_origins(raw: str) -> tuple[str, ...]:
    """`PORTAAL_CORS_ORIGINS`: comma-separated origins (scheme://host[:port]); `*` is refused,
    since credentials must never go to any origin."""
    origins = tuple(o.strip().rstrip("/") for o in raw.split(",") if o.strip())
    for origin in origins:
        if origin == "*" or "://" not in origin:
            raise ValueError(
                f"PORTAAL_CORS_ORIGINS: {origin!r} is not an origin like https://app.example"
            )
    return origins
