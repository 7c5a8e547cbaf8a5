"""The catalogue: events with seats, maatwerk visible only to its organisation's people —
through the list, `node`, search and counts."""

from __future__ import annotations

from tests.conftest import Api
from tests.institute_setup import (
    ELS,
    FATIMA,
    JEROEN,
    KEES,
    STAFF,
    VEENDAM,
    WELZIJN,
    event_id,
    events,
    login_as,
)

NODE = "query($id: ID!) { node(id: $id) { ... on CourseEvent { maatwerk course { title } } } }"


async def test_event_shows_date_location_and_seats_left(api: Api) -> None:
    els = await login_as(api, ELS)
    found = await events(api, els, first=100)
    nearly_full = [e for e in found["nodes"] if e["course"]["title"] == "Omgaan met agressie"]
    # Capacity 4: one confirmed and two processing take seats, the cancelled one does not.
    assert nearly_full[0]["capacity"] == 4
    assert nearly_full[0]["seatsAvailable"] == 1
    assert nearly_full[0]["locationName"] == "De Brug, Groningen"
    assert nearly_full[0]["course"]["categoryPath"] == [
        "Ons aanbod",
        "Cursussen & Trainingen",
        "Zorg & Welzijn",
    ]


async def test_maatwerk_is_visible_only_to_its_organisations_people(api: Api) -> None:
    staff = await login_as(api, STAFF)
    welzijn_event = await event_id(api, staff, "Meldcode in de praktijk", maatwerk=True)
    veendam_event = await event_id(api, staff, "BHV Basis", maatwerk=True)
    viewers = {
        "els (private)": (await login_as(api, ELS), set()),
        "fatima acting for welzijn": (await login_as(api, FATIMA, WELZIJN), {welzijn_event}),
        # Belonging is enough to see the organisation's events, also acting as yourself.
        "fatima as herself": (await login_as(api, FATIMA), {welzijn_event}),
        "kees for veendam": (await login_as(api, KEES, VEENDAM), {veendam_event}),
        "jeroen (both)": (await login_as(api, JEROEN, VEENDAM), {welzijn_event, veendam_event}),
        "staff": (staff, {welzijn_event, veendam_event}),
    }
    for who, (token, maatwerk) in viewers.items():
        upcoming = await events(api, token, first=100)
        seen = {e["id"] for e in upcoming["nodes"] if e["maatwerk"]}
        assert seen == maatwerk, who
        # 4 public upcoming events, plus the maatwerk this viewer may see; counts agree.
        assert upcoming["totalCount"] == 4 + len(maatwerk), who
        searched = await events(api, token, search="meldcode")
        assert searched["totalCount"] == (1 if welzijn_event in maatwerk else 0), who
        for eid in (welzijn_event, veendam_event):
            node = (await api.data(NODE, {"id": eid}, token))["node"]
            assert (node is not None) == (eid in maatwerk), who


async def test_past_events_and_statement_count_does_not_grow(api: Api) -> None:
    els = await login_as(api, ELS)
    past = await events(api, els, upcoming=False)
    assert [e["course"]["title"] for e in past["nodes"]] == [
        "Veilig werken met gewasbeschermingsmiddelen"
    ]
    await events(api, els, first=1)
    one = api.last_statements
    await events(api, els, first=100)
    assert api.last_statements == one
