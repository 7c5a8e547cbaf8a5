"""The worker sends a claimed batch over one SMTP connection; a mail the server refuses is
retried alone, and the mails after it still go out."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from persistence.background.models import MailStatus
from tests.conftest import Api
from tests.helpers import outbox
from tests.smtp import Inbox, SmtpServer
from tests.test_mail import worker_for

LEARNERS = [
    "lotte.jansen@example.org",
    "sanne.visser@example.org",
    "daan.smit@example.org",
    "eva.devries@example.org",
]
REFUSED = "sanne.visser@example.org"
SEND = """mutation($ids: [ID!]!) { sendMessage(input: {personIds: $ids, subject: "Sessie",
  body: "Een bericht", senderName: "N"}) { queuedCount errors { code } } }"""


class CountingInbox(Inbox):
    """Records which SMTP session delivered each message, and refuses one recipient."""

    def __init__(self) -> None:
        super().__init__()
        self.sessions: list[int] = []
        self.refuse: str | None = None

    async def handle_RCPT(
        self, server: object, session: object, envelope: object, address: str, options: object
    ) -> str:
        if address == self.refuse:
            return "550 mailbox unavailable"
        envelope.rcpt_tos.append(address)  # type: ignore[attr-defined]
        return "250 OK"

    async def handle_DATA(self, server: object, session: object, envelope: object) -> str:
        self.sessions.append(id(session))
        return await super().handle_DATA(server, session, envelope)


@pytest.fixture
def smtp() -> Iterator[SmtpServer]:
    server = SmtpServer()
    server.inbox = CountingInbox()
    server.start()
    yield server
    server.stop()


async def test_a_batch_goes_over_one_connection_and_survives_a_refusal(
    api: Api, smtp: SmtpServer
) -> None:
    inbox = smtp.inbox
    assert isinstance(inbox, CountingInbox)
    admin = await api.login("noord@zorgacademie.example")
    ids = [await api.person_id(e) for e in LEARNERS]
    assert (await api.data(SEND, {"ids": ids}, admin))["sendMessage"]["queuedCount"] == 4
    inbox.refuse = REFUSED
    await worker_for(api, smtp.port).deliver_mails()
    delivered = [m["To"] for m in inbox.messages]
    assert sorted(delivered) == sorted(e for e in LEARNERS if e != REFUSED)
    # the refusal closed the connection, the next mail opened one: two sessions, not four
    assert len(set(inbox.sessions)) <= 2 < len(inbox.sessions)
    status = {m.to_address: m.status for m in await outbox(api.database) if m.subject == "Sessie"}
    assert status[REFUSED] == MailStatus.PENDING
    assert {status[e] for e in LEARNERS if e != REFUSED} == {MailStatus.SENT}
