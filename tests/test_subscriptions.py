"""Progress subscriptions over a real websocket (graphql-transport-ws, uvicorn on loopback):
an export and a bulk mailing are followed until done, someone else's are refused, and a page
on another origin cannot open the socket."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from typing import Any

import pytest
import pytest_asyncio
import uvicorn
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import InvalidStatus

from portaal.app import create_app
from portaal.worker import Worker
from resolvers.background import progress
from tests.conftest import Api, make_settings
from tests.live_server import free_port
from tests.smtp import SmtpServer
from tests.test_mail import SEND

START = """mutation { startExport(kind: AUDIT_LOG, format: CSV) {
  exportJob { id status } errors { code } } }"""
WATCH_EXPORT = """subscription($id: ID!) { exportProgress(exportJobId: $id) {
  id status progressPercent rowCount downloadUrl } }"""
WATCH_MAILS = """subscription($id: ID!) { mailBatchProgress(batchId: $id) {
  total pending sent dead done } }"""


@pytest_asyncio.fixture
async def ws_url(api: Api, monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[str]:
    """The app under uvicorn in this event loop, on the test's database."""
    monkeypatch.setattr(progress, "POLL_SECONDS", 0.02)
    port = free_port()
    app = create_app(make_settings(api.database.url), api.database)
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off")
    )
    task = asyncio.create_task(server.serve())
    for _ in range(500):  # uvicorn offers no event for "listening"
        if server.started:
            break
        await asyncio.sleep(0.01)
    yield f"ws://127.0.0.1:{port}/graphql"
    server.should_exit = True
    await task


async def _open(url: str, token: str | None, **kw: Any) -> ClientConnection:
    ws = await connect(url, subprotocols=["graphql-transport-ws"], **kw)  # type: ignore[list-item]
    payload = {"Authorization": f"Bearer {token}"} if token else {}
    await ws.send(json.dumps({"type": "connection_init", "payload": payload}))
    ack = json.loads(await ws.recv())
    assert ack["type"] == "connection_ack", ack
    return ws


async def _follow(ws: ClientConnection, query: str, variables: dict[str, Any]) -> list[dict]:
    """Every message of one subscription up to its `complete` (or `error`)."""
    await ws.send(
        json.dumps(
            {"id": "1", "type": "subscribe", "payload": {"query": query, "variables": variables}}
        )
    )
    messages = []
    while True:
        message = json.loads(await asyncio.wait_for(ws.recv(), 60))
        messages.append(message)
        if message["type"] in {"complete", "error"}:
            return messages


def _errors(messages: list[dict]) -> list[dict]:
    out: list[dict] = []
    for m in messages:
        if m["type"] == "error":
            out += m["payload"]
        elif m["type"] == "next":
            out += m["payload"].get("errors", [])
    return out


async def test_export_progress_until_done_then_download(api: Api, ws_url: str) -> None:
    token = await api.login("beheer@portaal.example")
    job = (await api.data(START, token=token))["startExport"]["exportJob"]
    ws = await _open(ws_url, token)
    try:
        watching = asyncio.create_task(_follow(ws, WATCH_EXPORT, {"id": job["id"]}))
        await asyncio.sleep(0.1)  # the first answer (QUEUED) is sent before the worker runs
        await Worker(make_settings(api.database.url), api.database).drain()
        messages = await watching
    finally:
        await ws.close()
    assert messages[-1]["type"] == "complete"
    states = [m["payload"]["data"]["exportProgress"] for m in messages if m["type"] == "next"]
    assert states[0]["status"] == "QUEUED" and states[0]["downloadUrl"] is None
    assert states[-1]["status"] == "DONE" and states[-1]["progressPercent"] == 100
    percents = [s["progressPercent"] for s in states]
    assert percents == sorted(percents)
    assert all(s["id"] == job["id"] for s in states)
    # The last message links to the file: follow it.
    url = states[-1]["downloadUrl"].replace("http://portaal.test", "")
    download = await api.client.get(url, headers={"authorization": f"Bearer {token}"})
    assert download.status_code == 200
    assert states[-1]["rowCount"] >= 1
    assert len(download.text.splitlines()) == states[-1]["rowCount"] + 1  # header line


async def test_someone_elses_export_is_refused(api: Api, ws_url: str) -> None:
    owner = await api.login("beheer@portaal.example")
    job = (await api.data(START, token=owner))["startExport"]["exportJob"]
    other = await api.login("noord@zorgacademie.example")
    ws = await _open(ws_url, other)
    try:
        messages = await _follow(ws, WATCH_EXPORT, {"id": job["id"]})
    finally:
        await ws.close()
    data = [m for m in messages if m["type"] == "next" and m["payload"].get("data")]
    assert data == []  # not one progress report
    errors = _errors(messages)
    assert errors and errors[0]["extensions"]["code"] == "FORBIDDEN"


async def test_anonymous_subscription_is_refused(api: Api, ws_url: str) -> None:
    owner = await api.login("beheer@portaal.example")
    job = (await api.data(START, token=owner))["startExport"]["exportJob"]
    ws = await _open(ws_url, None)
    try:
        messages = await _follow(ws, WATCH_EXPORT, {"id": job["id"]})
    finally:
        await ws.close()
    codes = [e["extensions"]["code"] for e in _errors(messages)]
    assert codes == ["UNAUTHENTICATED"]


async def test_a_bad_token_is_refused_at_connection(api: Api, ws_url: str) -> None:
    ws = await connect(ws_url, subprotocols=["graphql-transport-ws"])  # type: ignore[list-item]
    await ws.send(
        json.dumps({"type": "connection_init", "payload": {"Authorization": "Bearer nope"}})
    )
    with pytest.raises(Exception):  # noqa: B017 - the server closes with 4403
        await asyncio.wait_for(ws.recv(), 10)
    assert ws.close_code == 4403


async def test_a_page_on_another_origin_cannot_open_the_socket(api: Api, ws_url: str) -> None:
    with pytest.raises(InvalidStatus) as refused:
        await connect(
            ws_url,
            subprotocols=["graphql-transport-ws"],  # type: ignore[list-item]
            additional_headers={"Origin": "https://evil.example"},
        )
    assert refused.value.response.status_code == 403


async def test_bulk_mail_progress_until_delivered(api: Api, ws_url: str) -> None:
    admin = await api.login("noord@zorgacademie.example")
    emails = ["lotte.jansen@example.org", "sanne.visser@example.org"]
    ids = [await api.person_id(e) for e in emails]
    sent = (
        await api.data(
            SEND.replace("queuedCount", "queuedCount batchId"),
            {"ids": ids, "s": "Herinnering", "b": "Rond je cursus af.", "n": "Niels"},
            admin,
        )
    )["sendMessage"]
    assert sent["queuedCount"] == 2
    batch = sent["batchId"]
    poll = "query($id: ID!) { mailBatch(id: $id) { total pending sent done } }"
    assert (await api.data(poll, {"id": batch}, admin))["mailBatch"] == {
        "total": 2,
        "pending": 2,
        "sent": 0,
        "done": False,
    }
    smtp = SmtpServer()
    smtp.start()
    ws = await _open(ws_url, admin)
    try:
        watching = asyncio.create_task(_follow(ws, WATCH_MAILS, {"id": batch}))
        await asyncio.sleep(0.1)
        settings = make_settings(api.database.url, smtp_host="127.0.0.1", smtp_port=smtp.port)
        await Worker(settings, api.database, name="test").drain()
        messages = await watching
    finally:
        await ws.close()
        smtp.stop()
    states = [m["payload"]["data"]["mailBatchProgress"] for m in messages if m["type"] == "next"]
    assert states[0]["total"] == 2 and states[0]["pending"] == 2
    assert states[-1] == {"total": 2, "pending": 0, "sent": 2, "dead": 0, "done": True}
    assert messages[-1]["type"] == "complete"
    assert {m["To"] for m in smtp.inbox.messages} >= set(emails)
    # Another admin's view of this sending: as if it did not exist.
    other = await api.login("orgbeheer@zorgacademie.example")
    body = await api.query(poll, {"id": batch}, other)
    assert body["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    ws = await _open(ws_url, other)
    try:
        refused = await _follow(ws, WATCH_MAILS, {"id": batch})
    finally:
        await ws.close()
    assert not [m for m in refused if m["type"] == "next" and m["payload"].get("data")]
    assert [e["extensions"]["code"] for e in _errors(refused)] == ["NOT_FOUND"]
