"""The scripts in examples/ run against the demo data, so they keep working."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import httpx

from tests.conftest import Api
from tests.helpers import outbox

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def _load(name: str):  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location(name, EXAMPLES / f"{name}.py")
    module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module


async def test_add_users_from_csv_with_an_api_token(api: Api, app: object, tmp_path: Path) -> None:
    script = _load("add_users_from_csv")
    admin = await api.login("noord@zorgacademie.example")
    roles = await api.data("{ viewer { roleAssignments { id role } } }", token=admin)
    assignment = roles["viewer"]["roleAssignments"][0]["id"]
    created = await api.data(
        'mutation($a: ID!) { createApiToken(roleAssignmentId: $a, name: "csv import") { token } }',
        {"a": assignment},
        admin,
    )
    token = created["createApiToken"]["token"]
    csv_file = tmp_path / "users.csv"
    csv_file.write_text(
        "email,name\nnoor.bakker@example.org,Noor\nlotte.jansen@example.org,Lotte\n",
        encoding="utf-8",
    )
    transport = httpx.ASGITransport(app=app)  # type: ignore[arg-type]
    async with httpx.AsyncClient(
        transport=transport,
        base_url="http://portaal.test/graphql",
        headers={"authorization": f"Bearer {token}"},
    ) as client:
        result = await script.run(
            client, script.read_emails(csv_file), "Regio Noord", "Privacy en de AVG"
        )
    outcomes = {r["entry"]: r["outcome"] for r in result["added"]["results"]}
    assert outcomes == {
        "noor.bakker@example.org": "ADDED",
        "lotte.jansen@example.org": "ALREADY_PRESENT",
    }
    assert result["assigned"]["courses"][0]["receiving"] == 1  # Lotte has the course already
    assert [m.template for m in await outbox(api.database, "noor.bakker@example.org")] == [
        "activation",
        "course_assignment",
    ]
