"""Links in mails: API links follow where the server listens, page links go to the frontend —
by default the minimal account pages the API serves itself, followed here end to end from a
mail received over real SMTP: open the link, submit the form, log in."""

from __future__ import annotations

from collections.abc import Iterator
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest

from portaal.settings import Settings
from portaal.worker import Worker
from tests.conftest import Api, make_settings
from tests.smtp import SmtpServer
from tests.test_academy_users import ADD

LOGIN = """mutation($e: String!, $p: String!) { login(email: $e, password: $p) {
  token errors { code field } } }"""
PASSWORD = "Zonnebloem-42!"


class Form(HTMLParser):
    """The first form of a page: its action and its fields with their values."""

    def __init__(self) -> None:
        super().__init__()
        self.action: str | None = None
        self.fields: dict[str, str] = {}
        self.errors: list[dict[str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form" and self.action is None:
            self.action = a.get("action", "")
        elif tag == "input" and "name" in a:
            self.fields[a["name"]] = a.get("value", "")
        elif tag == "li" and "data-field" in a:
            self.errors.append({"field": a["data-field"], "code": a.get("data-code", "")})


def parse(html: str) -> Form:
    form = Form()
    form.feed(html)
    return form


@pytest.fixture
def smtp() -> Iterator[SmtpServer]:
    server = SmtpServer()
    server.start()
    yield server
    server.stop()


def test_public_url_follows_the_listening_port() -> None:
    assert Settings(port=18501).public_url == "http://127.0.0.1:18501"
    assert Settings(host="0.0.0.0", port=9000).public_url == "http://127.0.0.1:9000"  # noqa: S104
    assert Settings(host="portaal.local", port=80).public_url == "http://portaal.local:80"
    # Pages default to the API's own minimal pages; an explicit frontend wins.
    assert Settings(port=18501).frontend_url == "http://127.0.0.1:18501"
    both = Settings(public_url="https://api.example/", frontend_url="https://app.example/")
    assert (both.public_url, both.frontend_url) == ("https://api.example", "https://app.example")


def test_environment_sets_both(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PORTAAL_PORT", "18502")
    monkeypatch.delenv("PORTAAL_PUBLIC_URL", raising=False)
    monkeypatch.delenv("PORTAAL_FRONTEND_URL", raising=False)
    assert Settings.from_env().public_url == "http://127.0.0.1:18502"
    monkeypatch.setenv("PORTAAL_FRONTEND_URL", "https://ouders.example")
    settings = Settings.from_env()
    assert settings.frontend_url == "https://ouders.example"
    assert settings.public_url == "http://127.0.0.1:18502"


async def _activation_link(api: Api, smtp: SmtpServer, email: str) -> str:
    admin = await api.login("noord@zorgacademie.example")
    noord = await api.unit_id("Regio Noord")
    added = await api.data(ADD, {"c": noord, "e": [email]}, admin)
    assert added["addUsers"]["results"][0]["outcome"] == "ADDED"
    settings = make_settings(api.database.url, smtp_host="127.0.0.1", smtp_port=smtp.port)
    await Worker(settings, api.database, name="test").drain()
    [mail] = [m for m in smtp.inbox.messages if m["To"] == email]
    body = mail.get_body(preferencelist=("plain",)).get_content()  # type: ignore[union-attr]
    [link] = [w for w in body.split() if "/activate?token=" in w]
    return link


async def test_activation_link_from_a_mail_works_end_to_end(api: Api, smtp: SmtpServer) -> None:
    email = "nieuw.activeren@example.org"
    link = await _activation_link(api, smtp, email)
    assert link.startswith("http://portaal.test/activate?token=")  # the frontend base
    parts = urlsplit(link)
    page = await api.client.get(f"{parts.path}?{parts.query}")
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert "form-action 'self'" in page.headers["content-security-policy"]
    assert "script-src" not in page.headers["content-security-policy"]  # default-src 'none'
    assert page.headers["referrer-policy"] == "no-referrer"
    assert page.headers["cache-control"] == "no-store"
    form = parse(page.text)
    assert set(form.fields) == {"token", "givenName", "familyName", "password", "confirmation"}
    token = parts.query.removeprefix("token=")
    assert form.fields["token"] == token
    action = f"/{form.action}"
    # A weak password: the mutation's rule answers, in the form, and nothing is activated.
    weak = {**form.fields, "password": "kort", "confirmation": "kort"}
    refused = await api.client.post(action, data=weak)
    assert refused.status_code == 400
    assert {e["field"] for e in parse(refused.text).errors} == {"password"}
    # Mistyped confirmation is caught before anything runs.
    typo = {**form.fields, "password": PASSWORD, "confirmation": PASSWORD + "x"}
    assert {e["field"] for e in parse((await api.client.post(action, data=typo)).text).errors} == {
        "confirmation"
    }
    filled = {
        **form.fields,
        "givenName": "Nina",
        "familyName": "O'Nieuw",
        "password": PASSWORD,
        "confirmation": PASSWORD,
    }
    done = await api.client.post(action, data=filled)
    assert done.status_code == 200, done.text
    assert "Nina O&#39;Nieuw" in done.text  # escaped
    login = await api.data(LOGIN, {"e": email, "p": PASSWORD})
    assert login["login"]["errors"] == [] and login["login"]["token"]
    # The link works once.
    again = await api.client.post(action, data=filled)
    assert again.status_code == 400
    assert parse(again.text).errors


async def test_reset_link_page_sets_a_new_password(api: Api, smtp: SmtpServer) -> None:
    email = "lotte.jansen@example.org"
    await api.data(
        "mutation($e: String!) { requestPasswordReset(email: $e) { errors { code } } }",
        {"e": email},
    )
    settings = make_settings(api.database.url, smtp_host="127.0.0.1", smtp_port=smtp.port)
    await Worker(settings, api.database, name="test").drain()
    [mail] = [m for m in smtp.inbox.messages if m["To"] == email]
    body = mail.get_body(preferencelist=("plain",)).get_content()  # type: ignore[union-attr]
    [link] = [w for w in body.split() if "/reset-password?token=" in w]
    parts = urlsplit(link)
    form = parse((await api.client.get(f"{parts.path}?{parts.query}")).text)
    assert set(form.fields) == {"token", "password", "confirmation"}
    new = {**form.fields, "password": PASSWORD, "confirmation": PASSWORD}
    done = await api.client.post(f"/{form.action}", data=new)
    assert done.status_code == 200, done.text
    login = await api.data(LOGIN, {"e": email, "p": PASSWORD})
    assert login["login"]["errors"] == []
