"""Who is asking: a bearer token or the session cookie, resolved to a Viewer once per request."""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from domain.core.hashing import hash_secret
from persistence.core import people as identity_q
from persistence.core.models import TokenKind
from persistence.types import utcnow
from resolvers.context import Context
from resolvers.core.viewer import build_viewer, probes

log = logging.getLogger("portaal.auth")

SESSION_COOKIE = "portaal_session"
TOUCH = "token_touch"
# Writing last_used_at on every request would turn every read into a write.
TOUCH_INTERVAL = timedelta(minutes=1)


def credentials(headers: Any, cookies: Any) -> tuple[str | None, str]:
    """The presented secret and where it came from ("bearer", "cookie" or "none")."""
    auth = headers.get("authorization", "")
    if auth.lower().startswith("bearer "):
        return auth[7:].strip() or None, "bearer"
    cookie = cookies.get(SESSION_COOKIE)
    if cookie:
        return cookie, "cookie"
    return None, "none"


async def authenticate(ctx: Context, secret: str) -> bool:
    """Fill ctx.viewer from the token; False when the token is unknown, expired or revoked."""
    now = utcnow()
    # The token, its person, their grants and the relation providers' probes in one round trip.
    asked = probes(ctx)
    found = await ctx.db.read(identity_q.active_token_with_grants, hash_secret(secret), now, asked)
    if found is None:
        return False
    token, grants = found
    ctx.viewer = await build_viewer(
        ctx,
        token.person_id,
        token_scoped=token.kind == TokenKind.API,
        assignment_id=token.role_assignment_id,
        acting_for_unit_id=token.acting_for_unit_id,
        grants=grants,
        probed=dict(zip(asked, token.probed, strict=True)),
    )
    ctx.token_id = token.id
    ctx.language = token.language.value  # the response speaks the viewer's language
    if token.last_used_at is None or now - token.last_used_at > TOUCH_INTERVAL:
        # Written after the response (record_token_use), so a read request stays a read.
        ctx.extra[TOUCH] = (token.id, now)
    return True


async def record_token_use(ctx: Context) -> None:
    """The token's last use, once the answer is sent: its own short transaction."""
    touch = ctx.extra.pop(TOUCH, None)
    if touch is None:
        return
    token_id, when = touch
    try:
        async with ctx.database.transaction() as session:
            await identity_q.touch_token(session, token_id, when)
    except Exception:
        log.warning("could not record the last use of token %s", token_id, exc_info=True)
