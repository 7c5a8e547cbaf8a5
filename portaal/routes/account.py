"""The account pages a mail links to when no frontend is configured (`PORTAAL_FRONTEND_URL`
unset): `/activate?token=` and `/reset-password?token=`.

Deliberately minimal — one form each, no script — and they go through the GraphQL mutations
(`activateAccount`, `resetPassword`) like any frontend would, so the rules (strong password,
single-use token, expiry, audit) live in one place. The token is a secret in the address bar:
the pages are never cached, send no Referer and may not be framed.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs

from starlette.requests import Request
from starlette.responses import Response

from portaal.pages import page
from portaal.routes.context import route_context

# Form posts only to this origin, nothing loads from elsewhere, no script at all.
HEADERS = {
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
    "X-Frame-Options": "DENY",
}
MAX_FORM_BYTES = 8_192

ACTIVATE = """mutation($token: String!, $password: String!, $profile: ActivationProfileInput) {
  activateAccount(token: $token, password: $password, profile: $profile) {
    viewer { person { displayName } } errors { code field message } } }"""
RESET = """mutation($token: String!, $password: String!) {
  resetPassword(token: $token, newPassword: $password) {
    viewer { person { displayName } } errors { code field message } } }"""

MISMATCH = {
    "field": "confirmation",
    "message": "De wachtwoorden verschillen. / The passwords differ.",
}


async def _form(request: Request) -> dict[str, str]:
    body = await request.body()
    if len(body) > MAX_FORM_BYTES:
        return {}
    fields = parse_qs(body.decode("utf-8", "replace"), keep_blank_values=True)
    return {k: v[0] for k, v in fields.items()}


async def _run(request: Request, document: str, variables: dict[str, Any], name: str) -> Any:
    """Run the mutation as a client would; the answer's payload, or None if it could not run."""
    schema = request.app.state.graphql.schema
    async with route_context(request) as ctx:
        result = await schema.execute(document, variable_values=variables, context_value=ctx)
    if result.errors or not result.data:
        return None
    return result.data[name]


async def _account_page(request: Request, kind: str) -> Response:
    template = f"account_{kind}.html"
    title = (
        "Account activeren / Activate account"
        if kind == "activate"
        else ("Nieuw wachtwoord / New password")
    )
    if request.method == "GET":
        token = request.query_params.get("token", "")
        return page(template, title=title, token=token, errors=[], values={}, headers=HEADERS)
    form = await _form(request)
    token = form.get("token", "")
    password = form.get("password", "")
    values = {k: form.get(k, "") for k in ("givenName", "familyName")}
    errors: list[dict[str, Any]] = []
    if password != form.get("confirmation", ""):
        errors = [MISMATCH]
    else:
        if kind == "activate":
            profile = {k: v.strip() for k, v in values.items() if v.strip()} or None
            variables = {"token": token, "password": password, "profile": profile}
            payload = await _run(request, ACTIVATE, variables, "activateAccount")
        else:
            payload = await _run(
                request, RESET, {"token": token, "password": password}, "resetPassword"
            )
        if payload is None:
            errors = [{"field": None, "message": "Dat lukte niet. / That did not work."}]
        else:
            errors = payload["errors"]
        if not errors:
            name = ((payload.get("viewer") or {}).get("person") or {}).get("displayName", "")
            return page("account_done.html", title=title, kind=kind, name=name, headers=HEADERS)
    return page(
        template,
        status_code=400,
        title=title,
        token=token,
        errors=errors,
        values=values,
        headers=HEADERS,
    )


async def activate(request: Request) -> Response:
    return await _account_page(request, "activate")


async def reset_password(request: Request) -> Response:
    return await _account_page(request, "reset")
