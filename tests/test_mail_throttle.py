"""Point 4 of issue 17: mails per recipient are limited across all mutations, and repeats
collapse, so nobody can use Portaal to flood someone's inbox."""

from __future__ import annotations

import pytest

from tests.conftest import Api
from tests.helpers import outbox
from tests.smtp import SmtpServer
from tests.test_mail import worker_for

TARGET = "overspoeld@example.org"


@pytest.fixture
def smtp() -> object:
    server = SmtpServer()
    server.start()
    yield server
    server.stop()


async def test_29_aliased_invitations_to_one_address_send_at_most_two_mails(
    api: Api, smtp: SmtpServer
) -> None:
    staff = await api.login("administratie@debrug.example")
    unit = await api.unit_id("Zorggroep Welzijn BV")
    calls = " ".join(
        f'i{n}: invitePerson(input: {{email: "{TARGET}", role: CONTACT, unitId: "{unit}"}}) '
        "{ errors { code } }"
        for n in range(29)
    )
    response = await api.post(f"mutation {{ {calls} }}", token=staff)
    assert response.status_code == 200
    # the first creates the account (activation mail), the second tells them they were
    # added (notice); the 27 identical notices after it collapse into that one
    mails = await outbox(api.database, TARGET)
    assert [m.template for m in mails] == ["activation", "added_to_unit"]
    await worker_for(api, smtp.port).drain()
    assert [m["To"] for m in smtp.inbox.messages] == [TARGET, TARGET]


async def test_at_most_20_mails_an_hour_to_one_recipient(api: Api) -> None:
    admin = await api.login("noord@zorgacademie.example")
    lotte = await api.person_id("lotte.jansen@example.org")
    send = """mutation($ids: [ID!]!, $s: String!) {
      sendMessage(input: {personIds: $ids, subject: $s, body: "Herinnering", senderName: "N"}) {
        queuedCount errors { code } } }"""
    before = len(await outbox(api.database, "lotte.jansen@example.org"))
    for n in range(25):
        # each one different, so nothing collapses: only the per-recipient limit applies
        await api.data(send, {"ids": [lotte], "s": f"Herinnering {n}"}, admin)
    after = await outbox(api.database, "lotte.jansen@example.org")
    assert len(after) == max(before, 20)
    # an identical message again within ten minutes would collapse anyway; other
    # recipients are not affected by Lotte's limit
    sanne = await api.person_id("sanne.visser@example.org")
    ok = await api.data(send, {"ids": [sanne], "s": "Herinnering 0"}, admin)
    assert ok["sendMessage"]["queuedCount"] == 1
    assert len(await outbox(api.database, "sanne.visser@example.org")) >= 1


async def test_an_identical_message_twice_is_queued_once(api: Api) -> None:
    admin = await api.login("noord@zorgacademie.example")
    lotte = await api.person_id("lotte.jansen@example.org")
    send = """mutation($ids: [ID!]!) {
      sendMessage(input: {personIds: $ids, subject: "Zelfde", body: "Zelfde", senderName: "N"}) {
        queuedCount errors { code } } }"""
    before = len(await outbox(api.database, "lotte.jansen@example.org"))
    await api.data(send, {"ids": [lotte]}, admin)
    await api.data(send, {"ids": [lotte]}, admin)
    assert len(await outbox(api.database, "lotte.jansen@example.org")) == before + 1


async def test_mails_per_admin_and_per_api_token_are_capped(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    from datetime import timedelta

    from domain.core import ratelimit

    # the real caps are 50,000 an hour per admin and 1,000 per token; 3 and 2 show the rule
    monkeypatch.setattr(ratelimit, "MAIL_PER_ADMIN", ratelimit.Limit(3, timedelta(hours=1)))
    monkeypatch.setattr(ratelimit, "MAIL_PER_TOKEN", ratelimit.Limit(2, timedelta(hours=1)))
    learners = [
        "lotte.jansen@example.org",
        "sanne.visser@example.org",
        "daan.smit@example.org",
        "eva.devries@example.org",
    ]
    ids = [await api.person_id(e) for e in learners]
    send = """mutation($ids: [ID!]!, $s: String!) {
      sendMessage(input: {personIds: $ids, subject: $s, body: "Herinnering", senderName: "N"}) {
        queuedCount errors { code } } }"""
    admin = await api.login("noord@zorgacademie.example")
    before = {e: len(await outbox(api.database, e)) for e in learners}
    await api.data(send, {"ids": ids, "s": "Van de beheerder"}, admin)
    after = {e: len(await outbox(api.database, e)) for e in learners}
    assert sum(after.values()) - sum(before.values()) == 3
    # an API token of the same admin has its own, smaller allowance
    roles = await api.data("{ viewer { roleAssignments { id role } } }", token=admin)
    assignment = next(
        r["id"] for r in roles["viewer"]["roleAssignments"] if r["role"] == "CLUSTER_ADMIN"
    )
    created = await api.data(
        'mutation($a: ID!) { createApiToken(roleAssignmentId: $a, name: "script") { token } }',
        {"a": assignment},
        admin,
    )
    script = created["createApiToken"]["token"]
    await api.data(send, {"ids": ids, "s": "Van het script"}, script)
    final = {e: len(await outbox(api.database, e)) for e in learners}
    assert sum(final.values()) - sum(after.values()) == 2
