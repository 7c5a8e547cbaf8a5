"""Login, sessions, cookies, passwords, reset and activation links, rate limits."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from domain.core.hashing import hash_secret
from persistence.core.models import AccessToken, OneTimeToken, Person, ThrottleEvent
from persistence.types import utcnow
from portaal.demo import DEMO_PASSWORD
from portaal.worker import Worker
from tests.conftest import Api, make_settings
from tests.helpers import audit_kinds, link_token, outbox

LOGIN = """mutation($e: String!, $p: String!, $r: Boolean! = false, $c: Boolean! = false) {
  login(email: $e, password: $p, rememberMe: $r, setCookie: $c) {
    token expiresAt viewer { person { email displayName } } errors { code field message } } }"""
ME = "{ viewer { person { email } } }"
RESET = (
    "mutation($e: String!) { requestPasswordReset(email: $e) { message errors { code message } } }"
)
DO_RESET = """mutation($t: String!, $p: String!) { resetPassword(token: $t, newPassword: $p) {
  token errors { code field message } } }"""
NEW_PASSWORD = "Gr0en-Veld-Wandeling"


async def test_login_returns_a_working_bearer_token(api: Api) -> None:
    data = await api.data(LOGIN, {"e": "  Lotte.Jansen@Example.org ", "p": DEMO_PASSWORD})
    login = data["login"]
    assert login["errors"] == []
    assert login["viewer"]["person"] == {
        "email": "lotte.jansen@example.org",
        "displayName": "Lotte Jansen",
    }
    me = await api.data(ME, token=login["token"])
    assert me["viewer"]["person"]["email"] == "lotte.jansen@example.org"
    assert "LOGIN" in await audit_kinds(api.database)


async def test_token_is_stored_only_as_hash(api: Api) -> None:
    token = await api.login("lotte.jansen@example.org")
    async with api.database.transaction() as s:
        hashes = list((await s.execute(sa.select(AccessToken.token_hash))).scalars())
    assert token not in hashes and hash_secret(token) in hashes


async def test_wrong_password_and_unknown_address_answer_alike(api: Api) -> None:
    wrong = (await api.data(LOGIN, {"e": "lotte.jansen@example.org", "p": "Nope-12345!"}))["login"]
    unknown = (await api.data(LOGIN, {"e": "nobody@example.org", "p": "Nope-12345!"}))["login"]
    assert wrong["token"] is None and unknown["token"] is None
    assert (
        wrong["errors"]
        == unknown["errors"]
        == [
            {
                "code": "INVALID_CREDENTIALS",
                "field": None,
                "message": "Het e-mailadres of het wachtwoord is onjuist.",  # anonymous: Dutch
            }
        ]
    )
    assert (await audit_kinds(api.database)).count("LOGIN_FAILED") == 2


async def test_failed_logins_slow_the_account_down_for_unknown_devices(api: Api) -> None:
    for _ in range(5):
        await api.post(LOGIN, {"e": "lotte.jansen@example.org", "p": "Wrong-pass-1"})
    response = await api.post(LOGIN, {"e": "lotte.jansen@example.org", "p": DEMO_PASSWORD})
    assert response.status_code == 429
    blocked = response.json()["data"]["login"]
    assert blocked["token"] is None
    assert blocked["errors"][0]["code"] == "RATE_LIMITED"
    # the backoff after the 5 free failures is 30 seconds (doubling, at most 15 minutes)
    assert 1 <= int(response.headers["retry-after"]) <= 30
    # Another account from the same address is not blocked by this account's limit.
    other = (await api.data(LOGIN, {"e": "sanne.visser@example.org", "p": DEMO_PASSWORD}))["login"]
    assert other["errors"] == []


async def test_failed_logins_are_rate_limited_per_client_address(api: Api) -> None:
    async with api.database.transaction() as s:
        now = utcnow()
        for i in range(30):
            s.add(ThrottleEvent(key="login:address:203.0.113.7", at=now - timedelta(seconds=i)))
    response = await api.post(LOGIN, {"e": "sanne.visser@example.org", "p": DEMO_PASSWORD})
    assert response.status_code == 429
    assert response.json()["data"]["login"]["errors"][0]["code"] == "RATE_LIMITED"


async def test_old_attempts_leave_the_window(api: Api) -> None:
    async with api.database.transaction() as s:
        old = utcnow() - timedelta(minutes=16)
        for _ in range(10):
            s.add(ThrottleEvent(key="login:account:lotte.jansen@example.org", at=old))
    ok = (await api.data(LOGIN, {"e": "lotte.jansen@example.org", "p": DEMO_PASSWORD}))["login"]
    assert ok["errors"] == []


async def test_logout_revokes_the_session(api: Api) -> None:
    token = await api.login("lotte.jansen@example.org")
    out = await api.data("mutation { logout { ok } }", token=token)
    assert out["logout"]["ok"] is True
    body = await api.query(ME, token=token)
    assert body["data"]["viewer"] is None
    assert "LOGOUT" in await audit_kinds(api.database)


async def test_remember_me_makes_a_long_session(api: Api) -> None:
    short = (await api.data(LOGIN, {"e": "lotte.jansen@example.org", "p": DEMO_PASSWORD}))["login"]
    long = (
        await api.data(LOGIN, {"e": "lotte.jansen@example.org", "p": DEMO_PASSWORD, "r": True})
    )["login"]
    from datetime import datetime

    short_end = datetime.fromisoformat(short["expiresAt"])
    long_end = datetime.fromisoformat(long["expiresAt"])
    assert short_end - utcnow() <= timedelta(hours=12, minutes=1)
    assert long_end - utcnow() >= timedelta(days=29)


async def test_cookie_login_and_logout_forgets_it(api: Api) -> None:
    response = await api.post(
        LOGIN, {"e": "lotte.jansen@example.org", "p": DEMO_PASSWORD, "r": True, "c": True}
    )
    cookie = response.headers["set-cookie"]
    assert "portaal_session=" in cookie and "HttpOnly" in cookie and "SameSite=lax" in cookie
    assert "Max-Age=" in cookie  # remembered: survives closing the browser
    me = (await api.post(ME)).json()  # the client keeps the cookie
    assert me["data"]["viewer"]["person"]["email"] == "lotte.jansen@example.org"
    out = await api.post("mutation { logout { ok } }")
    assert (
        'portaal_session=""' in out.headers["set-cookie"]
        or "Max-Age=0" in out.headers["set-cookie"]
    )
    api.client.cookies.clear()
    assert (await api.post(ME)).json()["data"]["viewer"] is None


async def test_session_cookie_without_remember_me_has_no_max_age(api: Api) -> None:
    response = await api.post(
        LOGIN, {"e": "lotte.jansen@example.org", "p": DEMO_PASSWORD, "c": True}
    )
    session = [c for c in response.headers.get_list("set-cookie") if "portaal_session" in c]
    assert session and "Max-Age" not in session[0]


async def test_cookie_posts_must_be_json_against_csrf(api: Api) -> None:
    await api.post(LOGIN, {"e": "lotte.jansen@example.org", "p": DEMO_PASSWORD, "c": True})
    forged = await api.client.post(
        "/graphql",
        content=b"query=mutation{logout{ok}}",
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    assert forged.status_code == 415
    assert (await api.post(ME)).json()["data"]["viewer"] is not None


async def test_change_password(api: Api) -> None:
    token = await api.login("lotte.jansen@example.org")
    other_device = await api.login("lotte.jansen@example.org")
    q = """mutation($o: String!, $n: String!, $c: String!) { changePassword(oldPassword: $o, newPassword: $n, confirmation: $c) {
      person { email } errors { code field message } } }"""
    wrong = (await api.data(q, {"o": "Nope-1234!", "n": NEW_PASSWORD, "c": NEW_PASSWORD}, token))[
        "changePassword"
    ]
    assert (
        wrong["errors"][0]["code"] == "WRONG_PASSWORD"
        and wrong["errors"][0]["field"] == "oldPassword"
    )
    differ = await api.data(
        q, {"o": DEMO_PASSWORD, "n": NEW_PASSWORD, "c": NEW_PASSWORD + "x"}, token
    )
    assert differ["changePassword"]["errors"][0]["field"] == "confirmation"
    weak = (await api.data(q, {"o": DEMO_PASSWORD, "n": "lotte123", "c": "lotte123"}, token))[
        "changePassword"
    ]
    codes = {e["code"] for e in weak["errors"]}
    assert codes == {"WEAK_PASSWORD"} and len(weak["errors"]) >= 2
    ok = (await api.data(q, {"o": DEMO_PASSWORD, "n": NEW_PASSWORD, "c": NEW_PASSWORD}, token))[
        "changePassword"
    ]
    assert ok["errors"] == []
    assert (await api.data(ME, token=token))["viewer"] is not None  # this session stays
    assert (await api.data(ME, token=other_device))["viewer"] is None  # others end
    assert await api.login("lotte.jansen@example.org", NEW_PASSWORD)


async def test_seed_password_example_is_refused(api: Api) -> None:
    token = await api.login("martin.sommer@welzijn.example")
    q = """mutation($o: String!, $n: String!) { changePassword(oldPassword: $o, newPassword: $n, confirmation: $n) {
      errors { code field message } } }"""
    result = (await api.data(q, {"o": DEMO_PASSWORD, "n": "$omm1234Q"}, token))["changePassword"]
    assert {
        "code": "WEAK_PASSWORD",
        "field": "newPassword",
        "message": "Een wachtwoord mag (een deel van) je naam of e-mailadres niet bevatten",
    } in result["errors"]


async def _reset(api: Api, email: str) -> dict:
    """Ask for a reset link, then let the worker do what the request queued."""
    answer = (await api.data(RESET, {"e": email}))["requestPasswordReset"]
    await Worker(make_settings(api.database.url), api.database).run_jobs()
    return answer


async def test_reset_answers_the_same_for_known_and_unknown(api: Api) -> None:
    known = (await api.data(RESET, {"e": "lotte.jansen@example.org"}))["requestPasswordReset"]
    known_statements = api.last_statements
    unknown = (await api.data(RESET, {"e": "nobody@example.org"}))["requestPasswordReset"]
    assert known == unknown
    # The same work too: the request only queues a job, so timing tells nothing.
    assert api.last_statements == known_statements
    assert known["errors"] == [] and "Als er een account bij dit adres hoort" in known["message"]
    await Worker(make_settings(api.database.url), api.database).run_jobs()
    mails = await outbox(api.database)
    assert [m.to_address for m in mails] == ["lotte.jansen@example.org"]
    assert mails[0].subject == "Nieuw wachtwoord instellen"


async def test_reset_link_works_once_and_ends_sessions(api: Api) -> None:
    session = await api.login("lotte.jansen@example.org")
    await _reset(api, "lotte.jansen@example.org")
    token = link_token((await outbox(api.database))[0])
    async with api.database.transaction() as s:
        stored = list((await s.execute(sa.select(OneTimeToken.token_hash))).scalars())
    assert token not in stored and hash_secret(token) in stored

    first = (await api.data(DO_RESET, {"t": token, "p": NEW_PASSWORD}))["resetPassword"]
    assert first["errors"] == [] and first["token"]
    assert (await api.data(ME, token=session))["viewer"] is None
    assert (await api.data(ME, token=first["token"]))["viewer"]["person"][
        "email"
    ] == "lotte.jansen@example.org"
    second = (await api.data(DO_RESET, {"t": token, "p": "An0ther-Good-One"}))["resetPassword"]
    assert second["errors"][0]["code"] == "TOKEN_USED"
    assert await api.login("lotte.jansen@example.org", NEW_PASSWORD)
    assert "PASSWORD_RESET" in await audit_kinds(api.database)


async def test_reset_link_expires_after_an_hour(api: Api) -> None:
    await _reset(api, "lotte.jansen@example.org")
    token = link_token((await outbox(api.database))[0])
    async with api.database.transaction() as s:
        await s.execute(sa.update(OneTimeToken).values(expires_at=utcnow() - timedelta(seconds=1)))
    result = (await api.data(DO_RESET, {"t": token, "p": NEW_PASSWORD}))["resetPassword"]
    assert result["errors"][0]["code"] == "TOKEN_EXPIRED"


async def test_reset_with_weak_password_changes_nothing(api: Api) -> None:
    await _reset(api, "lotte.jansen@example.org")
    token = link_token((await outbox(api.database))[0])
    weak = (await api.data(DO_RESET, {"t": token, "p": "password"}))["resetPassword"]
    assert {e["code"] for e in weak["errors"]} == {"WEAK_PASSWORD"}
    ok = (await api.data(DO_RESET, {"t": token, "p": NEW_PASSWORD}))["resetPassword"]
    assert ok["errors"] == []  # the link was not used up by the refused attempt


async def test_garbage_reset_token(api: Api) -> None:
    result = (await api.data(DO_RESET, {"t": "nonsense", "p": NEW_PASSWORD}))["resetPassword"]
    assert result["errors"][0]["code"] == "TOKEN_INVALID"


async def test_reset_requests_are_limited_per_account_without_an_error(api: Api) -> None:
    for _ in range(3):
        await _reset(api, "lotte.jansen@example.org")
    # The fourth gets the same answer (no lock-out signal), but no fourth link is mailed: the
    # three already sent still work.
    limited = await _reset(api, "lotte.jansen@example.org")
    assert limited["errors"] == []
    assert len(await outbox(api.database)) == 3


async def test_invitation_activation_and_profile(api: Api) -> None:
    admin = await api.login("administratie@debrug.example")
    welzijn = await api.unit_id("Zorggroep Welzijn BV")
    invite = """mutation($e: String!, $u: ID!) { invitePerson(input: {email: $e, role: CONTACT, unitId: $u, givenName: "Joost"}) {
      person { email activated } errors { code field message } } }"""
    result = (await api.data(invite, {"e": "Joost.Nieuw@Example.org", "u": welzijn}, admin))[
        "invitePerson"
    ]
    assert result == {
        "person": {"email": "joost.nieuw@example.org", "activated": False},
        "errors": [],
    }
    mail = (await outbox(api.database, "joost.nieuw@example.org"))[0]
    assert mail.subject == "Activeer je account bij Zorggroep Welzijn BV"
    assert "wachtwoord" in mail.text_body and DEMO_PASSWORD not in mail.text_body
    token = link_token(mail)
    activate = """mutation($t: String!, $p: String!) { activateAccount(token: $t, password: $p, profile: {familyName: "de Wit"}) {
      token viewer { person { displayName profileCompleted activated } } errors { code message } } }"""
    done = (await api.data(activate, {"t": token, "p": NEW_PASSWORD}))["activateAccount"]
    assert done["errors"] == []
    assert done["viewer"]["person"] == {
        "displayName": "Joost de Wit",
        "profileCompleted": True,
        "activated": True,
    }
    again = (await api.data(activate, {"t": token, "p": NEW_PASSWORD}))["activateAccount"]
    assert again["errors"][0]["code"] == "TOKEN_USED"
    profile = """mutation { updateMyProfile(input: {language: EN, namePrefix: "", phone: "06 1234 5678"}) {
      person { language phone } errors { message } } }"""
    updated = (await api.data(profile, token=done["token"]))["updateMyProfile"]
    assert updated == {"person": {"language": "EN", "phone": "06 1234 5678"}, "errors": []}


async def test_invalid_profile_input_changes_nothing(api: Api) -> None:
    token = await api.login("lotte.jansen@example.org")
    bad = """mutation { updateMyProfile(input: {givenName: "<script>", language: EN}) { person { language } errors { field message } } }"""
    result = (await api.data(bad, token=token))["updateMyProfile"]
    assert result["person"] is None and result["errors"][0]["field"] == "givenName"
    async with api.database.transaction() as s:
        person = (
            (await s.execute(sa.select(Person).where(Person.email == "lotte.jansen@example.org")))
            .scalars()
            .one()
        )
    assert person.language.value == "nl" and person.given_name == "Lotte"


async def test_rehash_on_login_with_old_parameters(api: Api) -> None:
    from argon2 import PasswordHasher

    old = PasswordHasher(time_cost=1, memory_cost=8192, parallelism=1).hash(DEMO_PASSWORD)
    async with api.database.transaction() as s:
        await s.execute(
            sa.update(Person)
            .where(Person.email == "lotte.jansen@example.org")
            .values(password_hash=old)
        )
    await api.login("lotte.jansen@example.org")
    async with api.database.transaction() as s:
        new = (
            await s.execute(
                sa.select(Person.password_hash).where(Person.email == "lotte.jansen@example.org")
            )
        ).scalar_one()
    assert new != old and "m=19456,t=2,p=1" in new
