"""Mail headers on the raw bytes the SMTP server receives, not through Python's parser (which
would quietly decode what a mail client will not): a `Date:` on every mail (RFC 5322) and
`List-Unsubscribe` as the plain `<https://…>` of RFC 2369/8058, however long the URL."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime

import pytest
import sqlalchemy as sa

from persistence.background.models import OutboxMail
from persistence.core.models import Person
from persistence.types import utcnow
from portaal.mailer import deliver
from portaal.worker import Worker
from resolvers.academy.documents import magazine_unsubscribe_url
from tests.conftest import Api, make_settings
from tests.smtp import Inbox, SmtpServer


class RawInbox(Inbox):
    """Keeps the DATA bytes exactly as they arrived, next to the parsed messages."""

    def __init__(self) -> None:
        super().__init__()
        self.raw: list[bytes] = []

    async def handle_DATA(self, server: object, session: object, envelope: object) -> str:
        self.raw.append(envelope.content)  # type: ignore[attr-defined]
        return await super().handle_DATA(server, session, envelope)


@pytest.fixture
def raw_smtp() -> Iterator[tuple[SmtpServer, RawInbox]]:
    server = SmtpServer()
    inbox = RawInbox()
    server.inbox = inbox
    server.start()
    yield server, inbox
    server.stop()


def header_lines(raw: bytes) -> list[bytes]:
    """The physical header lines, CRLF-terminated as on the wire, folding left as it is."""
    head, separator, _ = raw.partition(b"\r\n\r\n")
    assert separator, "no CRLF CRLF between header and body"
    return head.split(b"\r\n")


def unfolded(raw: bytes) -> dict[bytes, list[bytes]]:
    """Header name (lower case) → values, continuation lines joined (RFC 5322 unfolding)."""
    fields: list[bytes] = []
    for line in header_lines(raw):
        if line[:1] in (b" ", b"\t"):
            fields[-1] += line
        else:
            fields.append(line)
    out: dict[bytes, list[bytes]] = {}
    for field in fields:
        name, _, value = field.partition(b":")
        out.setdefault(name.lower(), []).append(value.strip())
    return out


def assert_dated(raw: bytes) -> None:
    dates = unfolded(raw)[b"date"]
    assert len(dates) == 1
    assert re.fullmatch(
        rb"[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} [+-]\d{4}", dates[0]
    )
    sent = parsedate_to_datetime(dates[0].decode())
    assert sent.tzinfo is not None and abs(sent - datetime.now(UTC)) < timedelta(minutes=5)


async def test_magazine_arrives_with_a_date_and_a_plain_one_click_unsubscribe(
    api: Api, raw_smtp: tuple[SmtpServer, RawInbox]
) -> None:
    server, inbox = raw_smtp
    org = await api.login("orgbeheer@zorgacademie.example")
    academy = await api.unit_id("Zorgacademie Nederland")
    q = 'mutation($a: ID!) { sendMagazine(academyId: $a, subject: "Magazine november", body: "Nieuws") { queuedCount errors { message } } }'
    assert (await api.data(q, {"a": academy}, org))["sendMagazine"]["queuedCount"] == 6
    await Worker(
        make_settings(api.database.url, smtp_host="127.0.0.1", smtp_port=server.port),
        api.database,
    ).drain()
    assert len(inbox.raw) == 6
    async with api.database.transaction() as s:
        people = {e: i for e, i in (await s.execute(sa.select(Person.email, Person.id))).all()}
    for raw in inbox.raw:
        assert_dated(raw)
        fields = unfolded(raw)
        assert len(fields[b"message-id"]) == 1 and fields[b"message-id"][0].startswith(b"<")
        to = fields[b"to"][0].decode()
        url = magazine_unsubscribe_url("http://portaal.test", "test-secret", people[to])
        assert len(url) > 100
        # One physical line, the URL whole between angle brackets: no folding, no encoded-word.
        expected = f"List-Unsubscribe: <{url}>".encode()
        assert expected in header_lines(raw), header_lines(raw)
        assert b"List-Unsubscribe-Post: List-Unsubscribe=One-Click" in header_lines(raw)
        assert b"=?" not in b"".join(fields[b"list-unsubscribe"])


def _mail(headers: str) -> OutboxMail:
    return OutboxMail(
        id=41,
        idempotency_key="raw-headers",
        template="message",
        language="nl",
        to_address="lotte.jansen@example.org",
        sender_name="Zorgacademie Nederland",
        subject="Herinnering: cursus afronden",
        text_body="Hallo\n",
        html_body="<p>Hallo</p>\n",
        headers=headers,
        created_at=utcnow(),
    )


async def test_a_very_long_unsubscribe_url_stays_one_token_and_folds_only_at_whitespace(
    raw_smtp: tuple[SmtpServer, RawInbox],
) -> None:
    server, inbox = raw_smtp
    url = "https://portaal.example.nl/magazine/unsubscribe?person=123456&signature=" + "f" * 300
    mailto = "mailto:afmelden@portaal.example.nl?subject=afmelden"
    mail = _mail(
        f"List-Unsubscribe: <{url}>, <{mailto}>\nList-Unsubscribe-Post: List-Unsubscribe=One-Click"
    )
    await deliver(
        mail, make_settings("sqlite+aiosqlite://", smtp_host="127.0.0.1", smtp_port=server.port)
    )
    (raw,) = inbox.raw
    lines = header_lines(raw)
    assert all(len(line) <= 998 for line in lines)
    start = next(i for i, line in enumerate(lines) if line.startswith(b"List-Unsubscribe:"))
    # Folded at the whitespace after the comma, each URL whole on its own line.
    assert lines[start : start + 2] == [
        f"List-Unsubscribe: <{url}>,".encode(),
        f" <{mailto}>".encode(),
    ]
    assert b"List-Unsubscribe-Post: List-Unsubscribe=One-Click" in lines
    assert_dated(raw)
    assert unfolded(raw)[b"message-id"] == [b"<outbox-41@portaal.example>"]


async def test_every_mail_has_a_date_of_when_it_was_queued(
    raw_smtp: tuple[SmtpServer, RawInbox],
) -> None:
    server, inbox = raw_smtp
    mail = _mail("")
    mail.created_at = datetime(2025, 3, 1, 23, 30, 5, tzinfo=UTC)
    settings = make_settings("sqlite+aiosqlite://", smtp_host="127.0.0.1", smtp_port=server.port)
    await deliver(mail, settings)
    await deliver(mail, settings)  # a retry sends the same Date and Message-ID
    assert len(inbox.raw) == 2
    for raw in inbox.raw:
        fields = unfolded(raw)
        assert fields[b"date"] == [b"Sat, 01 Mar 2025 23:30:05 +0000"]
        assert fields[b"message-id"] == [b"<outbox-41@portaal.example>"]
        assert b"list-unsubscribe" not in fields
