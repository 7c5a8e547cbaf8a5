"""The top-level texts of the limits (issue 17) in the reader's language: the RATE_LIMITED
error of a 429 and the string-length cap, Dutch by default, English with Accept-Language: en.
Codes and extensions stay English and the same in both."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import Api
from tests.test_language import assert_in_language
from tests.test_throttling import ALIASED_GUESSES, client_from

RESET = """mutation($e: String!) { requestPasswordReset(email: $e) { message } }"""
HEADERS = {"nl": {}, "en": {"accept-language": "en"}}  # no header: Dutch


@pytest.mark.parametrize("lang", ["nl", "en"])
async def test_a_throttled_request_reads_in_the_requests_language(app: Any, lang: str) -> None:
    async with client_from(app, f"192.0.2.{80 + len(lang)}") as attacker:
        response = await attacker.post(
            "/graphql", json={"query": ALIASED_GUESSES}, headers=HEADERS[lang]
        )
    assert response.status_code == 429
    body = response.json()
    top = [e for e in body["errors"] if e["extensions"]["code"] == "RATE_LIMITED"]
    assert len(top) == 1
    seconds = top[0]["extensions"]["retryAfterSeconds"]
    assert str(seconds) in top[0]["message"]
    assert_in_language([top[0]["message"]], lang)


@pytest.mark.parametrize("lang", ["nl", "en"])
async def test_a_too_long_argument_reads_in_the_requests_language(api: Api, lang: str) -> None:
    response = await api.post(RESET, {"e": "x" * 250 + "@example.org"}, headers=HEADERS[lang])
    error = response.json()["errors"][0]
    assert error["extensions"] == {
        "code": "BAD_USER_INPUT",
        "field": "email",
        "meaning": "email",  # a code: English in both
        "maxLength": 254,
    }
    meaning = {"nl": "e-mailadres", "en": "email"}[lang]
    assert error["message"].endswith(
        f"254 {'tekens' if lang == 'nl' else 'characters'} ({meaning})."
    )
    assert_in_language([error["message"]], lang)
