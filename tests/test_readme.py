"""The README's example queries run against the demo data, so the docs cannot rot."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.conftest import Api

README = Path(__file__).resolve().parent.parent / "README.md"
EXAMPLE = re.compile(r"<!-- example: (\S+) -->\s*```graphql\n(.*?)```", re.S)
EXAMPLES = EXAMPLE.findall(README.read_text())


def _payload_errors(data: object) -> list[object]:
    found: list[object] = []
    if isinstance(data, dict):
        for key, value in data.items():
            if key == "errors" and isinstance(value, list):
                found += value
            else:
                found += _payload_errors(value)
    elif isinstance(data, list):
        for item in data:
            found += _payload_errors(item)
    return found


def test_readme_has_examples() -> None:
    assert len(EXAMPLES) >= 5


@pytest.mark.parametrize(
    ("who", "query"), EXAMPLES, ids=[f"example{i}" for i in range(len(EXAMPLES))]
)
async def test_readme_example_runs(api: Api, who: str, query: str) -> None:
    token = None if who == "anonymous" else await api.login(who)
    body = await api.query(query, token=token)
    assert "errors" not in body, body
    assert _payload_errors(body["data"]) == []
    assert all(value is not None for value in body["data"].values())
