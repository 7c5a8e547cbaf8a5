"""Lock-out-proof throttling (issue 17, points 2, 3 and 5), over HTTP.

The attacker knows the victim's address and guesses from their own client address; the
victim logs in from a device that logged in before (its `deviceToken` or `portaal_device`
cookie). The attacker can slow the account down for unknown devices, never lock its owner out.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx

from persistence.db import Database
from portaal.app import create_app
from portaal.demo import DEMO_PASSWORD
from portaal.proxies import client_address, parse_proxies
from portaal.worker import Worker
from tests.conftest import Api, make_settings
from tests.helpers import outbox

VICTIM = "lotte.jansen@example.org"
LOGIN = """mutation($e: String!, $p: String!, $d: String, $c: Boolean! = false) {
  login(email: $e, password: $p, deviceToken: $d, setCookie: $c) {
    token deviceToken errors { code field message } } }"""
ALIASED_GUESSES = (
    "mutation {"
    + " ".join(
        f'g{i}: login(email: "{VICTIM}", password: "Guess-{i}-wrong") {{ errors {{ code }} }}'
        for i in range(12)
    )
    + "}"
)
RESET = """mutation($e: String!, $d: String) { requestPasswordReset(email: $e, deviceToken: $d) {
  message errors { code } } }"""


@asynccontextmanager
async def client_from(app: Any, address: str) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app, client=(address, 41000))
    async with httpx.AsyncClient(transport=transport, base_url="http://portaal.test") as c:
        yield c


async def login(c: httpx.AsyncClient, password: str, device: str | None = None) -> httpx.Response:
    return await c.post(
        "/graphql", json={"query": LOGIN, "variables": {"e": VICTIM, "p": password, "d": device}}
    )


async def test_attacker_slows_the_account_but_the_victims_device_logs_in(
    app: Any, api: Api
) -> None:
    async with client_from(app, "198.51.100.20") as victim:
        first = (await login(victim, DEMO_PASSWORD)).json()["data"]["login"]
        device = first["deviceToken"]
        assert first["errors"] == [] and device.startswith("d1.")
    async with client_from(app, "192.0.2.66") as attacker:
        guesses = await attacker.post("/graphql", json={"query": ALIASED_GUESSES})
        codes = [v["errors"][0]["code"] for v in guesses.json()["data"].values()]
        # five free failures, then the account is slowed down for unknown devices
        assert codes[:5] == ["INVALID_CREDENTIALS"] * 5
        assert set(codes[5:]) == {"RATE_LIMITED"}
        assert guesses.status_code == 429
        # even the right password from an unknown device waits now
        slowed = await login(attacker, DEMO_PASSWORD)
        assert slowed.status_code == 429
        assert slowed.json()["data"]["login"]["token"] is None
    async with client_from(app, "198.51.100.20") as victim:
        ok = await login(victim, DEMO_PASSWORD, device)
        assert ok.status_code == 200
        body = ok.json()["data"]["login"]
        assert body["errors"] == [] and body["token"]
        assert body["deviceToken"] == device  # a known device keeps its token
    # A device token is bound to its account: it does not help with another address.
    async with client_from(app, "192.0.2.66") as attacker:
        forged = await attacker.post(
            "/graphql",
            json={
                "query": LOGIN,
                "variables": {"e": "sanne.visser@example.org", "p": "Wrong-1a!", "d": device},
            },
        )
        assert forged.json()["data"]["login"]["errors"][0]["code"] == "INVALID_CREDENTIALS"


async def test_a_known_device_has_its_own_bounded_allowance(app: Any, api: Api) -> None:
    async with client_from(app, "198.51.100.21") as victim:
        device = (await login(victim, DEMO_PASSWORD)).json()["data"]["login"]["deviceToken"]
        for _ in range(5):
            await login(victim, "Typo-in-it-1", device)
        # the device's own five failures count against it (someone who stole it gets 5 tries)
        limited = await login(victim, DEMO_PASSWORD, device)
        assert limited.status_code == 429
        # ... but not against the account: an unknown device is not slowed by them
    async with client_from(app, "198.51.100.22") as other:
        assert (await login(other, DEMO_PASSWORD)).json()["data"]["login"]["errors"] == []


async def test_the_device_cookie_survives_logout_and_unlocks(app: Any, api: Api) -> None:
    async with client_from(app, "198.51.100.23") as browser:
        first = await browser.post(
            "/graphql",
            json={"query": LOGIN, "variables": {"e": VICTIM, "p": DEMO_PASSWORD, "c": True}},
        )
        cookies = first.headers.get_list("set-cookie")
        device_cookie = next(c for c in cookies if c.startswith("portaal_device="))
        assert "HttpOnly" in device_cookie and "Max-Age=31536000" in device_cookie
        await browser.post("/graphql", json={"query": "mutation { logout { ok } }"})
        async with client_from(app, "192.0.2.67") as attacker:
            await attacker.post("/graphql", json={"query": ALIASED_GUESSES})
        again = await login(browser, DEMO_PASSWORD)  # no argument: the cookie is the proof
        assert again.status_code == 200
        assert again.json()["data"]["login"]["errors"] == []


async def test_429_carries_retry_after_and_a_numeric_error_extension(app: Any, api: Api) -> None:
    async with client_from(app, "192.0.2.68") as attacker:
        response = await attacker.post("/graphql", json={"query": ALIASED_GUESSES})
    assert response.status_code == 429
    seconds = int(response.headers["retry-after"])
    assert 1 <= seconds <= 15 * 60
    body = response.json()
    top = [e for e in body["errors"] if e["extensions"]["code"] == "RATE_LIMITED"]
    assert len(top) == 1
    assert top[0]["extensions"]["retryAfterSeconds"] == seconds
    assert isinstance(top[0]["extensions"]["retryAfterSeconds"], int)
    # the payloads are unchanged: old clients keep reading `errors { code }`
    assert body["data"]["g11"]["errors"][0]["code"] == "RATE_LIMITED"


async def test_reset_spam_does_not_stop_the_victims_reset(app: Any, api: Api) -> None:
    async with client_from(app, "198.51.100.24") as victim:
        device = (await login(victim, DEMO_PASSWORD)).json()["data"]["login"]["deviceToken"]
    async with client_from(app, "192.0.2.69") as attacker:
        for _ in range(6):
            answer = await attacker.post(
                "/graphql", json={"query": RESET, "variables": {"e": VICTIM}}
            )
            # the attacker sees no difference: same answer, no error
            assert answer.json()["data"]["requestPasswordReset"]["errors"] == []
    worker = Worker(make_settings(api.database.url), api.database)
    await worker.run_jobs()
    assert len(await outbox(api.database, VICTIM)) == 3  # bounded mail to the victim
    async with client_from(app, "198.51.100.24") as victim:
        own = await victim.post(
            "/graphql", json={"query": RESET, "variables": {"e": VICTIM, "d": device}}
        )
        assert own.status_code == 200
    await worker.run_jobs()
    assert len(await outbox(api.database, VICTIM)) == 4


async def test_reset_requests_from_one_address_get_429(app: Any, api: Api) -> None:
    async with client_from(app, "192.0.2.70") as attacker:
        for i in range(20):
            await attacker.post(
                "/graphql", json={"query": RESET, "variables": {"e": f"x{i}@example.org"}}
            )
        response = await attacker.post(
            "/graphql", json={"query": RESET, "variables": {"e": "x99@example.org"}}
        )
    assert response.status_code == 429
    assert int(response.headers["retry-after"]) > 0


# --- point 5: X-Forwarded-For only from trusted proxies ---


def test_client_address_believes_only_trusted_proxies() -> None:
    none: tuple[str, ...] = ()
    assert client_address("127.0.0.1", "192.0.2.1", none) == "127.0.0.1"
    proxy = parse_proxies("10.0.0.5, 172.16.0.0/12")
    assert client_address("10.0.0.5", "192.0.2.1", proxy) == "192.0.2.1"
    assert client_address("172.20.1.1", "192.0.2.1", proxy) == "192.0.2.1"
    # a client-written entry further left is ignored: the proxy appended the real peer
    assert client_address("10.0.0.5", "6.6.6.6, 192.0.2.1", proxy) == "192.0.2.1"
    assert client_address("10.0.0.5", "192.0.2.1, 172.16.0.9", proxy) == "192.0.2.1"
    # an untrusted peer's header is ignored; garbage falls back to the peer
    assert client_address("192.0.2.50", "1.2.3.4", proxy) == "192.0.2.50"
    assert client_address("10.0.0.5", "not-an-ip", proxy) == "10.0.0.5"
    assert client_address("10.0.0.5", "192.0.2.1", parse_proxies("*")) == "192.0.2.1"


ROTATING = 'mutation($e: String!) { login(email: $e, password: "x") { errors { code } } }'


async def _rotating(app: Any, peer: str, n: int) -> list[int]:
    statuses = []
    async with client_from(app, peer) as c:
        for i in range(n):
            r = await c.post(
                "/graphql",
                json={"query": ROTATING, "variables": {"e": f"nobody{i}@example.org"}},
                headers={"x-forwarded-for": f"10.{i // 250}.{i % 250}.1"},
            )
            statuses.append(r.status_code)
    return statuses


async def test_rotating_forwarded_for_from_loopback_is_not_believed(app: Any, api: Api) -> None:
    statuses = await _rotating(app, "127.0.0.1", 40)
    # the 30 per-address failures are reached although every request claims another address
    assert statuses[:30] == [200] * 30 and set(statuses[30:]) == {429}


async def test_a_configured_proxy_is_believed(database_with_demo: Database) -> None:
    app = create_app(
        make_settings(database_with_demo.url, trusted_proxies=("127.0.0.1/32",)),
        database_with_demo,
    )
    statuses = await _rotating(app, "127.0.0.1", 40)
    assert set(statuses) == {200}  # each forwarded client has its own allowance
