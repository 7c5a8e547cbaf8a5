"""A request body larger than the limit is refused with 413 before it is read whole.

Starlette and uvicorn read any body they are sent; a 40 MB variable would be parsed and
executed while other requests wait. A declared `Content-Length` over the limit is refused at
once; a chunked body is counted as it arrives and cut off as soon as it passes the limit.
"""

from __future__ import annotations

from typing import Any

import orjson

from resolvers.core.i18n import N_, negotiate, translate

ASGIApp = Any
TOO_LARGE = N_("The request body is larger than {limit} bytes.")


class _TooLarge(Exception):
    pass


class BodyLimit:
    """ASGI middleware: at most `max_bytes` of request body per HTTP request."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers") or ()).get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > self.max_bytes):
            await self._refuse(send, scope)
            return
        received = 0
        started = False

        async def counted_receive() -> dict[str, Any]:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    raise _TooLarge
            return message

        async def tracked_send(message: dict[str, Any]) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counted_receive, tracked_send)
        except _TooLarge:
            if not started:
                await self._refuse(send, scope)

    async def _refuse(self, send: Any, scope: dict[str, Any]) -> None:
        # Refused before anyone is known: the browser's language (Accept-Language).
        lang = negotiate(dict(scope.get("headers") or ()).get(b"accept-language", b"").decode())
        message = translate(TOO_LARGE, lang, limit=self.max_bytes)
        body = orjson.dumps(
            {
                "errors": [
                    {
                        "message": message,
                        "extensions": {"code": "PAYLOAD_TOO_LARGE", "maxBytes": self.max_bytes},
                    }
                ]
            }
        )
        await send(
            {
                "type": "http.response.start",
                "status": 413,
                "headers": [
                    (b"content-type", b"application/json"),
                    (b"content-length", str(len(body)).encode()),
                    (b"connection", b"close"),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})
