"""Mails queued in batches link where the one-by-one mails link: pages a person opens go to
the frontend (`frontend_url`), not to the API's own address (`public_url`)."""

from __future__ import annotations

from typing import Any

import pytest_asyncio

from persistence.db import Database
from portaal.app import create_app
from tests.conftest import Api, make_settings
from tests.helpers import outbox
from tests.test_academy_users import ADD

FRONTEND = "https://app.example"


@pytest_asyncio.fixture
async def app(database_with_demo: Database) -> Any:
    """The test app with a frontend of its own (the default fixture has both on one host)."""
    return create_app(
        make_settings(database_with_demo.url, frontend_url=FRONTEND), database_with_demo
    )


async def test_added_users_get_links_to_the_frontend(api: Api) -> None:
    admin = await api.login("orgbeheer@zorgacademie.example")
    noord = await api.unit_id("Regio Noord")
    known, new = "kees.degroot@veendam.example", "nieuw.frontend@example.org"
    added = (await api.data(ADD, {"c": noord, "e": [known, new]}, admin))["addUsers"]
    assert [r["outcome"] for r in added["results"]] == ["ADDED", "ADDED"]
    [activation] = await outbox(api.database, new)
    assert f"{FRONTEND}/activate?token=" in activation.text_body
    [notice] = await outbox(api.database, known)
    assert FRONTEND in notice.text_body
    assert "portaal.test" not in activation.text_body + notice.text_body
