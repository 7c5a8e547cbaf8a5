"""A read request writes nothing while it runs: a token's last use is recorded after the answer."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import orjson
import pytest
from sqlalchemy import event

from portaal import auth
from tests.conftest import Api


async def test_the_token_touch_comes_after_the_answer_is_sent(
    api: Api, app: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    token = await api.login("noord@zorgacademie.example")
    # Every request is due to record the token's use (normally once a minute).
    monkeypatch.setattr(auth, "TOUCH_INTERVAL", timedelta(0))
    statements: list[str] = []
    sent_at: list[int] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        statements.append(statement.split(None, 1)[0].upper())

    event.listen(api.database.engine.sync_engine, "before_cursor_execute", record)
    body = orjson.dumps({"query": "{ viewer { person { displayName } } }"})
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": "/graphql",
        "raw_path": b"/graphql",
        "query_string": b"",
        "root_path": "",
        "headers": [
            (b"host", b"portaal.test"),
            (b"content-type", b"application/json"),
            (b"content-length", str(len(body)).encode()),
            (b"authorization", f"Bearer {token}".encode()),
        ],
        "client": ("203.0.113.7", 40000),
        "server": ("portaal.test", 80),
    }
    messages = [{"type": "http.request", "body": body, "more_body": False}]

    async def receive() -> dict[str, Any]:
        return messages.pop(0) if messages else {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.body" and not message.get("more_body"):
            sent_at.append(len(statements))

    try:
        await app(scope, receive, send)
    finally:
        event.remove(api.database.engine.sync_engine, "before_cursor_execute", record)
    answered = sent_at[0]
    assert "UPDATE" not in statements[:answered], statements[:answered]
    assert "UPDATE" in statements[answered:], statements
    tokens = await api.data("{ viewer { person { displayName } } }", token=token)
    assert tokens["viewer"]["person"]["displayName"]
