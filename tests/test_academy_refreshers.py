"""Refreshers as the learner meets them: the mail arrives over real SMTP, its link opens the
refresher, `myRefreshers` lists it; admins cannot see refreshers and a forged link opens nothing."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta

import pytest
import sqlalchemy as sa

from persistence.academy.models import Enrolment
from persistence.core.models import Person
from persistence.types import utcnow
from portaal.worker import Worker
from tests.conftest import Api, make_settings
from tests.smtp import SmtpServer

MINE = (
    "{ myRefreshers { title durationMinutes monthsAfterCompletion sentAt url course { title } } }"
)


@pytest.fixture
def smtp() -> Iterator[SmtpServer]:
    server = SmtpServer()
    server.start()
    yield server
    server.stop()


async def _complete_long_ago(api: Api, email: str) -> None:
    from resolvers.academy.learning import schedule_refreshers

    async with api.database.transaction() as s:
        person = (await s.execute(sa.select(Person).where(Person.email == email))).scalars().one()
        enrolment = (
            (
                await s.execute(
                    sa.select(Enrolment).where(
                        Enrolment.person_id == person.id, Enrolment.completed_at.is_not(None)
                    )
                )
            )
            .scalars()
            .first()
        )
        assert enrolment is not None
        enrolment.completed_at = utcnow() - timedelta(days=95)
        await schedule_refreshers(s, enrolment)


async def test_refresher_link_in_the_mail_opens_the_refresher(api: Api, smtp: SmtpServer) -> None:
    await _complete_long_ago(api, "lotte.jansen@example.org")
    worker = Worker(
        make_settings(api.database.url, smtp_host="127.0.0.1", smtp_port=smtp.port), api.database
    )
    await worker.drain()
    await worker.drain(now=utcnow() + timedelta(minutes=5))
    mails = [m for m in smtp.inbox.messages if "Opfrisser" in m["Subject"]]
    assert len(mails) == 1 and mails[0]["To"] == "lotte.jansen@example.org"
    text = mails[0].get_body(("plain",)).get_content()
    link = re.search(r"https?://\S+/refreshers/\S+", text)
    assert link, text
    page = await api.client.get(link.group(0).replace("http://portaal.test", ""))
    assert page.status_code == 200, page.text
    assert "Opfrisser: Meldcode huiselijk geweld en kindermishandeling" in page.text
    assert "10 minuten" in page.text and "Beste Lotte" in page.text

    lotte = await api.login("lotte.jansen@example.org")
    mine = (await api.data(MINE, token=lotte))["myRefreshers"]
    assert [(r["title"], r["monthsAfterCompletion"], r["durationMinutes"]) for r in mine] == [
        ("Opfrisser: Meldcode huiselijk geweld en kindermishandeling", 3, 10)
    ]
    assert mine[0]["url"] == link.group(0) and mine[0]["course"]["title"].startswith("Meldcode")

    # Another learner has none, and a link changed to another person opens nothing.
    sanne = await api.login("sanne.visser@example.org")
    assert (await api.data(MINE, token=sanne))["myRefreshers"] == []
    sanne_id = await api.person_id("sanne.visser@example.org")
    from domain.core.ids import decode_global_id

    forged = re.sub(r"person=\d+", f"person={decode_global_id(sanne_id)[1]}", link.group(0))
    refused = await api.client.get(forged.replace("http://portaal.test", ""))
    assert refused.status_code == 404
    missing = await api.client.get("/refreshers/999999?person=1&signature=x")
    assert missing.status_code == 404


async def test_admins_cannot_see_refreshers(api: Api) -> None:
    admin = await api.login("noord@zorgacademie.example")
    body = await api.query(MINE, token=admin)
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
