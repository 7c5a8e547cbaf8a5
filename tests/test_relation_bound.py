"""Mutations bound to a relation only (`@requires(relations: [SELF], on: …)`): someone else's
object answers exactly like a missing one, the owner goes ahead, and someone who may see the
object (an admin, a mentor) is told FORBIDDEN, as for every bound refusal."""

from __future__ import annotations

from typing import Any

from domain.core.ids import encode_global_id
from tests.conftest import Api
from tests.school_setup import NOOR, PETER, SANDRA, TEACHER, TIM, ok, pupil_id

CREATE_TOKEN = """mutation($a: ID!) { createApiToken(roleAssignmentId: $a, name: "script") {
  token errors { code field message } } }"""
REVOKE_TOKEN = """mutation($id: ID!) { revokeApiToken(id: $id) { apiToken { revokedAt }
  errors { code field message } } }"""
CREATE_FEED = """mutation($p: ID!) { createCalendarFeed(pupilId: $p) { url calendarFeed { id }
  errors { code field message } } }"""
REVOKE_FEED = """mutation($id: ID!) { revokeCalendarFeed(id: $id) { calendarFeed { revokedAt }
  errors { code field message } } }"""
MINE = "{ myEnrolments { id course { title } lessons { lesson { id } } } }"
COMPLETE = """mutation($e: ID!, $l: ID!) { completeLesson(enrolmentId: $e, lessonId: $l) {
  enrolment { progressPercent } errors { code field message } } }"""
START = """mutation($e: ID!) { startExamAttempt(enrolmentId: $e) { attempt { id }
  errors { code field message } } }"""


def _not_found(field: str) -> list[dict[str, str]]:
    return [
        {
            "code": "NOT_FOUND",
            "field": field,
            "message": "Dit bestaat niet, of je mag het niet zien.",
        }
    ]


async def _payload(api: Api, query: str, variables: dict[str, Any], token: str) -> Any:
    return next(iter((await api.data(query, variables, token)).values()))


async def _code(api: Api, query: str, variables: dict[str, Any], token: str) -> str:
    return (await api.query(query, variables, token))["errors"][0]["extensions"]["code"]


async def test_api_tokens_are_for_your_own_assignments_only(api: Api) -> None:
    lotte = await api.login("lotte.jansen@example.org")
    sanne = await api.login("sanne.visser@example.org")  # a classmate in Lotte's cluster
    roles = await api.data("{ viewer { roleAssignments { id } } }", token=lotte)
    hers = roles["viewer"]["roleAssignments"][0]["id"]
    missing = encode_global_id("RoleAssignment", 9999)
    theirs = await _payload(api, CREATE_TOKEN, {"a": hers}, sanne)
    assert theirs == await _payload(api, CREATE_TOKEN, {"a": missing}, sanne)
    assert theirs == {"token": None, "errors": _not_found("roleAssignmentId")}
    created = await _payload(api, CREATE_TOKEN, {"a": hers}, lotte)
    assert created["errors"] == [] and created["token"]
    tokens = await api.data("{ viewer { apiTokens { id } } }", token=lotte)
    token_id = tokens["viewer"]["apiTokens"][0]["id"]
    # Revoking: someone else's token is a missing one; the script itself may not revoke it.
    stolen = await _payload(api, REVOKE_TOKEN, {"id": token_id}, sanne)
    gone = await _payload(api, REVOKE_TOKEN, {"id": encode_global_id("ApiToken", 9999)}, sanne)
    assert stolen == gone == {"apiToken": None, "errors": _not_found("id")}
    assert (await _payload(api, REVOKE_TOKEN, {"id": token_id}, created["token"]))[
        "errors"
    ] == _not_found("id")
    done = await _payload(api, REVOKE_TOKEN, {"id": token_id}, lotte)
    assert done["errors"] == [] and done["apiToken"]["revokedAt"] is not None


async def test_calendar_feeds_are_for_the_pupil_and_own_guardians(api: Api) -> None:
    sandra = await api.login(SANDRA)
    peter = await api.login(PETER)
    tim = await pupil_id(api, TIM)
    noor = await pupil_id(api, NOOR)
    missing_pupil = encode_global_id("Pupil", 9999)
    # Another child's guardian, or another pupil: as if the pupil did not exist.
    for stranger, pupil in ((sandra, noor), (await api.login(TIM), noor)):
        theirs = await _payload(api, CREATE_FEED, {"p": pupil}, stranger)
        assert theirs == await _payload(api, CREATE_FEED, {"p": missing_pupil}, stranger)
        assert theirs == {"url": None, "calendarFeed": None, "errors": _not_found("pupilId")}
    # The mentor sees Tim but is neither Tim nor a guardian.
    assert await _code(api, CREATE_FEED, {"p": tim}, await api.login(TEACHER)) == "FORBIDDEN"
    feed = await ok(api, CREATE_FEED, {"p": tim}, sandra, "createCalendarFeed")
    feed_id = feed["calendarFeed"]["id"]
    # Tim's other guardian, and Tim himself, may not revoke Sandra's feed.
    missing_feed = encode_global_id("CalendarFeed", 9999)
    for other in (peter, await api.login(TIM)):
        stolen = await _payload(api, REVOKE_FEED, {"id": feed_id}, other)
        assert stolen == await _payload(api, REVOKE_FEED, {"id": missing_feed}, other)
        assert stolen == {"calendarFeed": None, "errors": _not_found("id")}
    done = await ok(api, REVOKE_FEED, {"id": feed_id}, sandra, "revokeCalendarFeed")
    assert done["calendarFeed"]["revokedAt"] is not None


async def test_a_classmates_course_answers_like_a_missing_one(api: Api) -> None:
    lotte = await api.login("lotte.jansen@example.org")
    sanne = await api.login("sanne.visser@example.org")
    course = next(
        e
        for e in (await api.data(MINE, token=sanne))["myEnrolments"]
        if e["course"]["title"].startswith("Meldcode")
    )
    lesson = course["lessons"][0]["lesson"]["id"]
    missing = encode_global_id("Enrolment", 9999)
    hers = await _payload(api, COMPLETE, {"e": course["id"], "l": lesson}, lotte)
    assert hers == await _payload(api, COMPLETE, {"e": missing, "l": lesson}, lotte)
    assert hers == {"enrolment": None, "errors": _not_found("enrolmentId")}
    started = await _payload(api, START, {"e": course["id"]}, lotte)
    assert started == await _payload(api, START, {"e": missing}, lotte)
    assert started == {"attempt": None, "errors": _not_found("enrolmentId")}
    # Her cluster admin sees the course but does not take it.
    admin = await api.login("noord@zorgacademie.example")
    assert await _code(api, START, {"e": course["id"]}, admin) == "FORBIDDEN"
    mine = await _payload(api, COMPLETE, {"e": course["id"], "l": lesson}, sanne)
    assert mine["errors"] == [] and mine["enrolment"]["progressPercent"] > 0
    own = await _payload(api, START, {"e": course["id"]}, sanne)
    assert own["errors"] == [] and own["attempt"]["id"]
