"""A static cost per operation, reported in `extensions.cost` and refused over the budget."""

from __future__ import annotations

from bench.queries import LEARNERS
from tests.conftest import Api

FLOOD = (
    "{ viewer { "
    + " ".join(
        f"a{i}: administeredUnits {{ descendants(first: 100) {{ nodes {{ name "
        f"children(first: 100) {{ nodes {{ name }} }} }} }} }}"
        for i in range(29)
    )
    + " } }"
)


async def test_a_learner_page_of_100_fits_the_budget_and_reports_its_cost(api: Api) -> None:
    admin = await api.login("noord@zorgacademie.example")
    body = await api.query(LEARNERS, {"first": 100}, admin)
    assert "errors" not in body, body.get("errors")
    cost = body["extensions"]["cost"]
    assert 0 < cost["requested"] <= cost["limit"] == 50_000
    smaller = await api.query(LEARNERS, {"first": 10}, admin)
    # The page size multiplies what each item costs.
    assert smaller["extensions"]["cost"]["requested"] * 9 < cost["requested"]


async def test_an_expensive_document_is_refused_before_it_runs(api: Api) -> None:
    admin = await api.login("beheer@portaal.example")
    before = api.database.statement_count
    body = await api.query(FLOOD, None, admin)
    ran = api.database.statement_count - before
    assert body["data"] is None
    error = body["errors"][0]
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert "de grens is 50000" in error["message"]
    assert body["extensions"]["cost"]["requested"] > 1_000_000
    # Only authentication ran: nothing of the document was executed.
    assert ran <= 4, ran
