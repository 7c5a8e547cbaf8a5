"""The outbox and the worker against a real SMTP server on loopback."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from datetime import timedelta

import pytest
import sqlalchemy as sa

from domain.background.retry import LEASE, MAX_ATTEMPTS
from persistence.background import outbox as outbox_q
from persistence.background.models import MailStatus, OutboxMail
from persistence.core.models import Person
from persistence.types import utcnow
from portaal.worker import Worker
from tests.conftest import Api, make_settings
from tests.helpers import outbox
from tests.smtp import SmtpServer

SEND = """mutation($ids: [ID!]!, $s: String!, $b: String!, $n: String!, $k: String) {
  sendMessage(input: {personIds: $ids, subject: $s, body: $b, senderName: $n}, idempotencyKey: $k) {
    queuedCount notAllowedIds errors { code field message } } }"""


@pytest.fixture
def smtp() -> Iterator[SmtpServer]:
    server = SmtpServer()
    server.start()
    yield server
    server.stop()


def worker_for(api: Api, port: int) -> Worker:
    settings = make_settings(api.database.url, smtp_host="127.0.0.1", smtp_port=port)
    return Worker(settings, api.database, name="test")


async def _message(
    api: Api, token: str, emails: list[str], body: str, key: str | None = None
) -> dict:
    ids = [await api.person_id(e) for e in emails]
    return (
        await api.data(
            SEND,
            {
                "ids": ids,
                "s": "Herinnering: cursus afronden",
                "b": body,
                "n": "Niels <Bakker> & co",
                "k": key,
            },
            token,
        )
    )["sendMessage"]


async def test_mail_arrives_with_language_escaping_and_headers(api: Api, smtp: SmtpServer) -> None:
    admin = await api.login("noord@zorgacademie.example")
    sanne = await api.login("sanne.visser@example.org")
    english = await api.data(
        "mutation { updateMyProfile(input: {language: EN}) { errors { message } } }", token=sanne
    )
    assert english["updateMyProfile"]["errors"] == []
    body = "Rond je cursus af.\n\n<script>alert('x')</script> & <b>vet</b>"
    result = await _message(
        api, admin, ["lotte.jansen@example.org", "sanne.visser@example.org"], body
    )
    assert result == {"queuedCount": 2, "notAllowedIds": [], "errors": []}
    await worker_for(api, smtp.port).drain()
    received = {m["To"]: m for m in smtp.inbox.messages}
    assert set(received) == {"lotte.jansen@example.org", "sanne.visser@example.org"}
    dutch, english = received["lotte.jansen@example.org"], received["sanne.visser@example.org"]
    assert dutch["Subject"] == "Herinnering: cursus afronden"
    assert dutch["Content-Language"] == "nl" and english["Content-Language"] == "en"
    assert dutch["Auto-Submitted"] == "auto-generated" and dutch["Message-ID"].startswith(
        "<outbox-"
    )
    assert dutch["From"].startswith('"Niels <Bakker> & co"')
    html = dutch.get_body(("html",)).get_content()
    text = dutch.get_body(("plain",)).get_content()
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &lt;b&gt;vet&lt;/b&gt;" in html
    assert "<script>" not in html and "Beste Lotte" in html
    assert "<script>alert('x')</script>" in text  # plain text stays as typed
    assert "Dear Sanne" in english.get_body(("plain",)).get_content()
    assert {m.status for m in await outbox(api.database)} == {MailStatus.SENT}


async def test_preview_shows_exactly_what_is_sent(api: Api, smtp: SmtpServer) -> None:
    admin = await api.login("noord@zorgacademie.example")
    lotte = await api.person_id("lotte.jansen@example.org")
    ahmed = await api.person_id("ahmed.elamrani@example.org")
    preview = (
        await api.data(
            """query($ids: [ID!]!) { previewMessage(input: {personIds: $ids, subject: "Hoi", body: "Tekst <b>", senderName: "Niels"}) {
        recipientCount notAllowedIds subject textBody htmlBody errors { field } } }""",
            {"ids": [lotte, ahmed]},
            admin,
        )
    )["previewMessage"]
    assert preview["recipientCount"] == 1 and preview["notAllowedIds"] == [ahmed]
    result = await _message(api, admin, ["lotte.jansen@example.org"], "Tekst <b>")
    assert result["queuedCount"] == 1
    assert "Tekst &lt;b&gt;" in preview["htmlBody"] and preview["subject"] == "Hoi"
    mail = (await outbox(api.database))[0]
    sent = await api.data(
        """query($ids: [ID!]!) { previewMessage(input: {personIds: $ids, subject: "Herinnering: cursus afronden",
        body: "Tekst <b>", senderName: "Niels <Bakker> & co"}) { textBody htmlBody } }""",
        {"ids": [lotte]},
        admin,
    )
    assert sent["previewMessage"]["textBody"] == mail.text_body
    assert sent["previewMessage"]["htmlBody"] == mail.html_body


async def test_invalid_message_input_reports_every_field(api: Api) -> None:
    admin = await api.login("noord@zorgacademie.example")
    lotte = await api.person_id("lotte.jansen@example.org")
    result = (await api.data(SEND, {"ids": [lotte], "s": " ", "b": "", "n": ""}, admin))[
        "sendMessage"
    ]
    assert {e["field"] for e in result["errors"]} == {"subject", "body", "senderName"}
    assert await outbox(api.database) == []


async def test_retried_request_with_same_key_sends_once(api: Api, smtp: SmtpServer) -> None:
    admin = await api.login("noord@zorgacademie.example")
    for _ in range(2):
        await _message(api, admin, ["lotte.jansen@example.org"], "Eén keer", key="reminder-2026-11")
    await worker_for(api, smtp.port).drain()
    assert len(smtp.inbox.messages) == 1


async def test_server_down_then_back(api: Api) -> None:
    admin = await api.login("noord@zorgacademie.example")
    await _message(api, admin, ["lotte.jansen@example.org"], "Komt later aan")
    server = SmtpServer()  # not started: connection refused
    worker = worker_for(api, server.port)
    assert await worker.deliver_mails() == 0
    mail = (await outbox(api.database))[0]
    assert mail.status == MailStatus.PENDING and mail.attempts == 1 and mail.last_error
    assert mail.next_attempt_at > utcnow() + timedelta(seconds=20)
    assert await worker.deliver_mails() == 0  # not due yet: backoff
    server.start()
    try:
        assert await worker.deliver_mails(now=utcnow() + timedelta(minutes=1)) == 1
    finally:
        server.stop()
    assert len(server.inbox.messages) == 1
    assert (await outbox(api.database))[0].status == MailStatus.SENT


async def test_dead_letter_after_repeated_failures_and_requeue(api: Api, smtp: SmtpServer) -> None:
    admin = await api.login("noord@zorgacademie.example")
    await _message(api, admin, ["lotte.jansen@example.org"], "Gaat mis")
    down = worker_for(api, SmtpServer().port)
    for _ in range(MAX_ATTEMPTS):
        await down.deliver_mails(now=utcnow() + timedelta(days=1))
    mail = (await outbox(api.database))[0]
    assert mail.status == MailStatus.DEAD and mail.attempts == MAX_ATTEMPTS
    platform = await api.login("beheer@portaal.example")
    listed = await api.data(
        "{ outboxMails(status: DEAD) { totalCount nodes { id lastError attempts } } }",
        token=platform,
    )
    node = listed["outboxMails"]["nodes"][0]
    assert listed["outboxMails"]["totalCount"] == 1 and "Error" in node["lastError"]
    requeued = await api.data(
        "mutation($id: ID!) { requeueMail(id: $id) { mail { status attempts } errors { message } } }",
        {"id": node["id"]},
        platform,
    )
    assert requeued["requeueMail"]["mail"] == {"status": "PENDING", "attempts": 0}
    await worker_for(api, smtp.port).drain()
    assert len(smtp.inbox.messages) == 1


async def test_rolled_back_mutation_sends_nothing(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    from resolvers.core import access

    async def fail_after_mail(*args: object, **kwargs: object) -> None:
        raise RuntimeError("database went away after the mail was queued")

    monkeypatch.setattr(access.q, "assign_role", fail_after_mail)
    admin = await api.login("administratie@debrug.example")
    welzijn = await api.unit_id("Zorggroep Welzijn BV")
    body = await api.query(
        'mutation($u: ID!) { invitePerson(input: {email: "nieuw@example.org", role: CONTACT, unitId: $u}) { person { id } } }',
        {"u": welzijn},
        admin,
    )
    assert body["errors"][0]["extensions"]["code"] == "INTERNAL"
    assert await outbox(api.database) == []
    async with api.database.transaction() as s:
        assert (
            await s.execute(sa.select(Person).where(Person.email == "nieuw@example.org"))
        ).first() is None


async def test_worker_killed_between_claim_and_send_loses_nothing(
    api: Api, smtp: SmtpServer
) -> None:
    admin = await api.login("noord@zorgacademie.example")
    await _message(api, admin, ["lotte.jansen@example.org"], "Overleeft een crash")
    now = utcnow()
    async with api.database.transaction() as s:  # a worker claims the mail, then dies
        claimed = await outbox_q.claim_mails(s, now, now + LEASE)
    assert len(claimed) == 1
    survivor = worker_for(api, smtp.port)
    assert await survivor.deliver_mails(now=now + timedelta(seconds=10)) == 0  # lease still held
    assert await survivor.deliver_mails(now=now + LEASE + timedelta(seconds=1)) == 1
    assert len(smtp.inbox.messages) == 1


async def test_without_smtp_mails_wait_in_the_outbox_and_dev_viewer_shows_them(api: Api) -> None:
    admin = await api.login("noord@zorgacademie.example")
    await _message(api, admin, ["lotte.jansen@example.org"], "Alleen lokaal <i>")
    worker = Worker(make_settings(api.database.url), api.database)
    assert await worker.deliver_mails() == 0
    assert (await outbox(api.database))[0].status == MailStatus.PENDING
    remote = await api.client.get("/dev/mails")
    assert remote.status_code == 403  # activation links must not be readable from elsewhere
    import httpx

    local = httpx.AsyncClient(
        transport=httpx.ASGITransport(app=api.client._transport.app, client=("127.0.0.1", 5000)),  # type: ignore[attr-defined]
        base_url="http://portaal.test",
    )
    async with local:
        page = await local.get("/dev/mails")
    assert page.status_code == 200 and "Herinnering: cursus afronden" in page.text
    assert "<i>" not in page.text  # escaped twice over: in srcdoc and in the text part


@pytest.mark.postgres_only
async def test_two_workers_send_each_of_200_mails_once(api: Api, smtp: SmtpServer) -> None:
    if not api.database.is_postgres:
        pytest.skip("SKIP LOCKED concurrency is a PostgreSQL property")
    async with api.database.transaction() as s:
        for i in range(200):
            s.add(
                OutboxMail(
                    idempotency_key=f"bulk-{i}",
                    template="admin_message",
                    to_address=f"r{i}@example.org",
                    subject=f"Mail {i}",
                    text_body="x",
                    html_body="<p>x</p>",
                )
            )
    from persistence.db import Database

    second_db = Database(api.database.url)  # its own pool, like a second process
    try:
        first = worker_for(api, smtp.port)
        second = replace_db(worker_for(api, smtp.port), second_db)
        await asyncio.gather(first.drain(), second.drain(), first.drain(), second.drain())
    finally:
        await second_db.dispose()
    ids = [m["Message-ID"] for m in smtp.inbox.messages]
    assert len(ids) == 200 and len(set(ids)) == 200
    statuses = {m.status for m in await outbox(api.database)}
    assert statuses == {MailStatus.SENT}


def replace_db(worker: Worker, db: object) -> Worker:
    worker.database = db  # type: ignore[assignment]
    return worker
