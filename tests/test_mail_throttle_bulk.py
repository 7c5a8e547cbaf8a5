"""Point 4 of issue 17 for mails queued in batches (addUsers, the magazine): the limits of
`enqueue` hold for `enqueue_many` too, at a number of statements that does not grow with the
batch."""

from __future__ import annotations

from datetime import timedelta

import pytest

from domain.core import ratelimit
from persistence.background.models import MailStatus, OutboxMail
from persistence.types import utcnow
from tests.conftest import Api
from tests.helpers import outbox, set_seat_limit
from tests.test_academy_users import ADD

MAGAZINE = """mutation($a: ID!, $s: String!, $k: String!) { sendMagazine(academyId: $a,
  subject: $s, body: "Nieuws", idempotencyKey: $k) { queuedCount alreadyQueuedCount errors { code } } }"""


async def _fill_inbox(api: Api, address: str, count: int) -> None:
    """`count` different mails to `address` in the last hour, as earlier mutations left them."""
    async with api.database.transaction() as s:
        for n in range(count):
            s.add(
                OutboxMail(
                    idempotency_key=f"earlier:{address}:{n}",
                    template="message",
                    to_address=address,
                    subject=f"Eerder {n}",
                    text_body=f"Bericht {n}",
                    html_body=f"<p>Bericht {n}</p>",
                    status=MailStatus.SENT,
                    created_at=utcnow() - timedelta(minutes=30),
                )
            )


async def _add(api: Api, token: str, cluster: str, emails: list[str]) -> dict:
    result = (await api.data(ADD, {"c": cluster, "e": emails}, token))["addUsers"]
    assert result["errors"] == []
    return result


async def test_adding_users_queues_nothing_for_addresses_that_had_20_mails_this_hour(
    api: Api,
) -> None:
    admin = await api.login("orgbeheer@zorgacademie.example")
    noord = await api.unit_id("Regio Noord")
    await set_seat_limit(api, "Regio Noord", 100)
    flooded = ["vol1@example.org", "vol2@example.org", "kees.degroot@veendam.example"]
    for address in flooded:
        await _fill_inbox(api, address, ratelimit.MAIL_PER_RECIPIENT.attempts)
    fresh = ["leeg1@example.org", "leeg2@example.org"]
    result = await _add(api, admin, noord, flooded + fresh)
    # they are added all the same (the answer never depends on someone's mail)
    assert [r["outcome"] for r in result["results"]] == ["ADDED"] * 5
    for address in flooded:
        assert len(await outbox(api.database, address)) == 20, address
    for address in fresh:
        assert [m.template for m in await outbox(api.database, address)] == ["activation"]


async def test_19_mails_leave_room_for_exactly_one_more_in_a_batch(api: Api) -> None:
    org = await api.login("orgbeheer@zorgacademie.example")
    academy = await api.unit_id("Zorgacademie Nederland")
    readers = {m.to_address for m in await _magazine_mails(api, org, academy, "Nieuws 1", "k1")}
    assert readers
    almost = sorted(readers)[0]
    await _fill_inbox(api, almost, ratelimit.MAIL_PER_RECIPIENT.attempts - 2)
    # 1 magazine + 18 earlier = 19: the next magazine still reaches them, the one after not
    second = await _magazine_mails(api, org, academy, "Nieuws 2", "k2")
    assert almost in {m.to_address for m in second}
    third = await _magazine_mails(api, org, academy, "Nieuws 3", "k3")
    assert almost not in {m.to_address for m in third}
    assert {m.to_address for m in third} == readers - {almost}


async def _magazine_mails(
    api: Api, token: str, academy: str, subject: str, key: str
) -> list[OutboxMail]:
    sent = await api.data(MAGAZINE, {"a": academy, "s": subject, "k": key}, token)
    assert sent["sendMagazine"]["errors"] == []
    return [m for m in await outbox(api.database) if m.idempotency_key.split(":")[2] == key]


async def test_an_identical_magazine_under_a_new_key_collapses(api: Api) -> None:
    org = await api.login("orgbeheer@zorgacademie.example")
    academy = await api.unit_id("Zorgacademie Nederland")
    first = await api.data(MAGAZINE, {"a": academy, "s": "Nieuws", "k": "a"}, org)
    queued = first["sendMagazine"]["queuedCount"]
    assert queued > 0
    # a second click with a fresh key, same text, within ten minutes: nothing new goes out
    again = await api.data(MAGAZINE, {"a": academy, "s": "Nieuws", "k": "b"}, org)
    assert again["sendMagazine"] == {"queuedCount": 0, "alreadyQueuedCount": queued, "errors": []}
    assert len([m for m in await outbox(api.database) if m.template == "magazine"]) == queued


async def test_the_per_admin_cap_holds_for_batches(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    # the real cap is 50,000 an hour per admin; 3 shows the rule
    monkeypatch.setattr(ratelimit, "MAIL_PER_ADMIN", ratelimit.Limit(3, timedelta(hours=1)))
    admin = await api.login("orgbeheer@zorgacademie.example")
    noord = await api.unit_id("Regio Noord")
    await set_seat_limit(api, "Regio Noord", 100)
    first = [f"cap{i}@example.org" for i in range(5)]
    await _add(api, admin, noord, first)
    mailed = [e for e in first if await outbox(api.database, e)]
    assert mailed == first[:3]
    # the next batch of the same admin within the hour finds the cap used up
    second = [f"cap-b{i}@example.org" for i in range(2)]
    await _add(api, admin, noord, second)
    assert [e for e in second if await outbox(api.database, e)] == []
    # so does the magazine
    academy = await api.unit_id("Zorgacademie Nederland")
    sent = await api.data(MAGAZINE, {"a": academy, "s": "Nieuws", "k": "cap"}, admin)
    assert sent["sendMagazine"]["queuedCount"] == 0


async def test_the_magazine_costs_the_same_statements_for_ten_times_the_readers(
    api: Api,
) -> None:
    org = await api.login("orgbeheer@zorgacademie.example")
    academy = await api.unit_id("Zorgacademie Nederland")
    noord = await api.unit_id("Regio Noord")
    first = await api.data(MAGAZINE, {"a": academy, "s": "Editie 1", "k": "e1"}, org)
    few, statements_few = first["sendMagazine"]["queuedCount"], api.last_statements
    await set_seat_limit(api, "Regio Noord", 1_000)
    await _add(api, org, noord, [f"lezer{i:03}@example.org" for i in range(10 * few)])
    second = await api.data(MAGAZINE, {"a": academy, "s": "Editie 2", "k": "e2"}, org)
    assert second["sendMagazine"]["queuedCount"] == 11 * few
    assert api.last_statements == statements_few, (statements_few, api.last_statements)
