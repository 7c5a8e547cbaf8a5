"""Dutch and English wherever a person reads text (issue 13).

The main flows of the academy and the school are walked as a Dutch and as an English viewer;
every text a person reads on the way (payload errors, top-level errors, per-line results,
consent messages, the average explanation, calendar entries, export headers) must be a
translation from the catalogue in the viewer's language and carry no marker word of the other
language. Codes and field names stay English and the same in both.
"""

from __future__ import annotations

import io
import re
from datetime import date
from functools import cache
from typing import Any

import openpyxl
import pytest
from babel.messages.pofile import read_po
from icalendar import Calendar

from domain.core.ids import decode_global_id
from resolvers.core.i18n import LOCALE_DIR, translate
from tests.conftest import Api
from tests.school_setup import SANDRA, TIM, pupil_id, subject_id
from tests.test_jobs_and_exports import POLL, worker

# Words that give a sentence away as the other language (whole words, lower case).
MARKERS = {
    "nl": {"de", "het", "een", "niet", "geen", "je", "van", "dit", "deze", "zijn", "alleen"},
    "en": {"the", "not", "you", "and", "this", "cannot", "are", "only", "has", "with"},
}
OTHER = {"nl": "en", "en": "nl"}

ADD = """mutation($c: ID!, $e: [String!]!) { addUsers(clusterId: $c, emails: $e) {
  results { entry outcome message } errors { code field message } } }"""
SEATS = """mutation($c: ID!, $n: Int!) { setClusterSeatLimit(clusterId: $c, seatLimit: $n) {
  errors { code field message } } }"""
MINE = "{ myEnrolments { id course { title } } }"
START = """mutation($e: ID!) { startExamAttempt(enrolmentId: $e) {
  attempt { id } errors { code field message } } }"""
EXPORT = """mutation($u: ID) { startExport(kind: PEOPLE, format: XLSX, unitId: $u) {
  exportJob { id } errors { code field message } } }"""
LOGIN = """mutation($e: String!, $p: String!) { login(email: $e, password: $p) {
  token errors { code field message } } }"""
PROFILE = """mutation($l: Language!) { updateMyProfile(input: {language: $l}) {
  errors { code message } } }"""
CHILDREN = "{ myChildren { firstName accessReason message } }"
EXPLAIN = """query($id: ID!, $s: ID!) { node(id: $id) { ... on Pupil {
  averageExplanation(subjectId: $s, kind: REGULAR) { reasons sentence } } } }"""
GUARDIANS = "{ myPupilRecord { guardians { id } } }"
GIVE = """mutation($l: ID!) { giveGuardianConsent(guardianLinkId: $l) {
  errors { code field message } } }"""
FEED = """mutation($p: ID!) { createCalendarFeed(pupilId: $p) { url errors { code } } }"""
ABSENCES = """query($id: ID!) { node(id: $id) { ... on Pupil { attendance {
  weeks { absences { authorised handled statusText dayLabel } } } } } }"""
ROLES = "{ viewer { roleAssignments { role roleName } } }"
DAY = {
    "nl": r"(ma|di|wo|do|vr|za|zo) \d{1,2} [a-z]{3}",
    "en": r"(Mon|Tue|Wed|Thu|Fri|Sat|Sun) \d{1,2} [A-Z][a-z]{2}",
}


@cache
def _patterns(lang: str) -> list[re.Pattern[str]]:
    """Every text of the catalogue in `lang`, its placeholders open to any value."""
    with (LOCALE_DIR / lang / "LC_MESSAGES/portaal.po").open("rb") as f:
        texts = [m.string for m in read_po(f, locale=lang) if m.id and m.string]
    return [
        re.compile("(.+)".join(re.escape(p) for p in re.split(r"\{[a-z_]+\}", t)), re.S)
        for t in texts
    ]


def assert_in_language(texts: list[str], lang: str) -> None:
    """Each text is a catalogue text in `lang`; its own words (not the values filled in, such
    as a pasted address or a teacher's homework) hold no marker word of the other language."""
    assert texts, "nothing was read"
    for text in texts:
        found = next((m for p in _patterns(lang) if (m := p.fullmatch(text))), None)
        assert found is not None, f"not from the {lang} catalogue: {text}"
        own = text
        for value in sorted(found.groups(), key=len, reverse=True):
            own = own.replace(value, " ")
        words = set(re.findall(r"[a-zà-ÿ]+", own.lower()))
        assert not words & MARKERS[OTHER[lang]], f"{OTHER[lang]} words in {lang}: {text}"


async def _as(api: Api, email: str, lang: str) -> str:
    token = await api.login(email)
    done = (await api.data(PROFILE, {"l": lang.upper()}, token))["updateMyProfile"]
    assert done["errors"] == []
    return token


def _messages(errors: list[dict[str, Any]]) -> list[str]:
    return [e["message"] for e in errors]


@pytest.mark.parametrize("lang", ["nl", "en"])
async def test_the_academy_speaks_the_viewers_language(api: Api, lang: str) -> None:
    read: list[str] = []
    admin = await _as(api, "noord@zorgacademie.example", lang)
    noord = await api.unit_id("Regio Noord")
    pasted = ["geen-adres", "nieuw@example.org", "nieuw@example.org", "lotte.jansen@example.org"]
    added = (await api.data(ADD, {"c": noord, "e": pasted}, admin))["addUsers"]
    assert [r["outcome"] for r in added["results"]] == [
        "INVALID",
        "ADDED",
        "DUPLICATE",
        "ALREADY_PRESENT",
    ]
    read += [r["message"] for r in added["results"]]
    assert "2" in added["results"][2]["message"]  # the line it repeats

    org = await _as(api, "orgbeheer@zorgacademie.example", lang)
    too_many = (await api.data(SEATS, {"c": noord, "n": 100000}, org))["setClusterSeatLimit"]
    assert [(e["code"], e["field"]) for e in too_many["errors"]] == [("CONFLICT", "seatLimit")]
    read += _messages(too_many["errors"])

    learner = await _as(api, "eva.devries@example.org", lang)
    enrolment = (await api.data(MINE, token=learner))["myEnrolments"][0]["id"]
    early = (await api.data(START, {"e": enrolment}, learner))["startExamAttempt"]
    assert [e["code"] for e in early["errors"]] == ["CONFLICT"]
    read += _messages(early["errors"])
    # A learner may not add users: the refusal names the roles as people say them.
    refused = await api.query(ADD, {"c": noord, "e": ["x@example.org"]}, learner)
    assert refused["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    read += _messages(refused["errors"])
    admin_name = {"nl": "clusterbeheerder", "en": "cluster admin"}[lang]
    assert admin_name in refused["errors"][0]["message"]
    roles = (await api.data(ROLES, token=admin))["viewer"]["roleAssignments"]
    assert {(r["role"], r["roleName"]) for r in roles} == {("CLUSTER_ADMIN", admin_name)}
    read += [r["roleName"] for r in roles]

    unit = await api.unit_id("Zorgacademie Nederland")
    job = (await api.data(EXPORT, {"u": unit}, org))["startExport"]["exportJob"]
    await worker(api).drain()
    done = (await api.data(POLL, {"id": job["id"]}, org))["node"]
    response = await api.client.get(
        done["downloadUrl"].replace("http://portaal.test", ""),
        headers={"authorization": f"Bearer {org}"},
    )
    book = openpyxl.load_workbook(io.BytesIO(response.content), read_only=True)
    sheet = book.active
    assert sheet.title == translate("People and roles", lang)
    rows = list(sheet.iter_rows(values_only=True))
    read += [str(c) for c in rows[0]]
    assert rows[0][0] == {"nl": "Achternaam", "en": "Family name"}[lang]
    roles = {r[4] for r in rows[1:]}
    assert {"nl": "cursist", "en": "learner"}[lang] in roles and "LEARNER" not in roles

    headers = {"accept-language": lang}
    wrong = await api.post(LOGIN, {"e": "eva.devries@example.org", "p": "fout"}, headers=headers)
    failed = wrong.json()["data"]["login"]
    assert [(e["code"], e["field"]) for e in failed["errors"]] == [("INVALID_CREDENTIALS", None)]
    read += _messages(failed["errors"])
    assert_in_language(read, lang)


@pytest.mark.parametrize("lang", ["nl", "en"])
async def test_the_school_speaks_the_viewers_language(api: Api, lang: str) -> None:
    read: list[str] = []
    sandra = await _as(api, SANDRA, lang)
    children = (await api.data(CHILDREN, token=sandra))["myChildren"]
    assert [c["accessReason"] for c in children] == ["PUPIL_ADULT_NO_CONSENT", "PUPIL_MINOR"]
    read += [c["message"] for c in children]

    tim = await pupil_id(api, TIM)
    subject = await subject_id(api, "NE", _school_year())
    explained = (await api.data(EXPLAIN, {"id": tim, "s": subject}, sandra))["node"]
    sentence = explained["averageExplanation"]["sentence"]
    read.append(sentence)
    if lang == "nl" and re.search(r"\d", sentence):
        assert re.search(r"\d,\d", sentence) and not re.search(r"\d\.\d", sentence)

    pupil = await _as(api, TIM, lang)
    link = (await api.data(GUARDIANS, token=pupil))["myPupilRecord"]["guardians"][0]["id"]
    too_young = (await api.data(GIVE, {"l": link}, pupil))["giveGuardianConsent"]
    assert [(e["code"], e["field"]) for e in too_young["errors"]] == [("INVALID", "guardianLinkId")]
    message = too_young["errors"][0]["message"]
    read.append(message)
    month = {"nl": r"\d{1,2} [a-z]+ \d{4}", "en": r"[A-Z][a-z]+ \d{1,2}, \d{4}"}[lang]
    assert re.search(month, message), message  # the 18th birthday, written the reader's way

    weeks = (await api.data(ABSENCES, {"id": tim}, sandra))["node"]["attendance"]["weeks"]
    absences = [a for week in weeks for a in week["absences"]]
    assert absences, "the demo has absences for Tim"
    for absence in absences:
        assert re.fullmatch(DAY[lang], absence["dayLabel"]), absence
        read.append(absence["statusText"])
    unhandled = {"nl": "niet afgehandeld", "en": "not handled"}[lang]
    assert any(a["statusText"].endswith(unhandled) for a in absences if not a["handled"])

    feed = (await api.data(FEED, {"p": tim}, sandra))["createCalendarFeed"]
    ics = await api.client.get(feed["url"].removeprefix("http://portaal.test"))
    calendar = Calendar.from_ical(ics.content)
    lines = [
        line
        for event in calendar.walk("VEVENT")
        for line in str(event.get("DESCRIPTION")).split("\n")
    ]
    assert any(
        line.startswith(translate("Homework: {homework}", lang, homework="")) for line in lines
    )
    read += sorted(set(lines))[:40]
    assert_in_language(read, lang)


def _school_year() -> int:
    today = date.today()
    return today.year if today.month >= 8 else today.year - 1


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (None, "Het e-mailadres of het wachtwoord is onjuist."),
        ("en-GB,en;q=0.9", "The e-mail address or password is wrong."),
        ("nl-NL,nl;q=0.9,en;q=0.8", "Het e-mailadres of het wachtwoord is onjuist."),
        ("fr-FR", "Het e-mailadres of het wachtwoord is onjuist."),
    ],
)
async def test_anonymous_requests_follow_accept_language(
    api: Api, header: str | None, expected: str
) -> None:
    headers = {"accept-language": header} if header else {}
    response = await api.post(LOGIN, {"e": "nobody@example.org", "p": "x"}, headers=headers)
    errors = response.json()["data"]["login"]["errors"]
    assert errors == [{"code": "INVALID_CREDENTIALS", "field": None, "message": expected}]
    # A top-level refusal too: reading something that needs a login.
    denied = (await api.post("{ myChildren { firstName } }", headers=headers)).json()
    assert denied["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    lang = "en" if header and header.startswith("en") else "nl"
    assert denied["errors"][0]["message"] == translate("You need to log in to see this.", lang)


async def test_a_logged_in_viewer_language_wins_over_accept_language(api: Api) -> None:
    token = await _as(api, "eva.devries@example.org", "nl")
    response = await api.post(
        START,
        {"e": (await api.data(MINE, token=token))["myEnrolments"][0]["id"]},
        token,
        headers={"accept-language": "en"},
    )
    message = response.json()["data"]["startExamAttempt"]["errors"][0]["message"]
    assert message == translate("The exam opens once you have finished the course.", "nl")


@pytest.mark.parametrize(("header", "lang"), [(None, "nl"), ("en-US,en;q=0.5", "en")])
async def test_a_refused_body_speaks_the_browsers_language(
    api: Api, header: str | None, lang: str
) -> None:
    headers = {
        "content-type": "application/json",
        **({"accept-language": header} if header else {}),
    }
    response = await api.client.post("/graphql", content=b"x" * 2_000_000, headers=headers)
    assert response.status_code == 413
    message = response.json()["errors"][0]["message"]
    assert message == translate(
        "The request body is larger than {limit} bytes.", lang, limit=1_000_000
    )


@pytest.mark.parametrize(("header", "lang"), [(None, "nl"), ("en", "en")])
async def test_the_unsubscribe_page_speaks_the_browsers_language(
    api: Api, header: str | None, lang: str
) -> None:
    from resolvers.academy.documents import magazine_unsubscribe_url

    person = await api.person_id("lotte.jansen@example.org")
    url = magazine_unsubscribe_url("", "test-secret", decode_global_id(person)[1])
    headers = {"accept-language": header} if header else {}
    asked = await api.client.get(url, headers=headers)
    assert f'<html lang="{lang}">' in asked.text
    assert translate("Stop receiving the magazine?", lang) in asked.text
    done = await api.client.post(url, headers=headers)
    assert translate("You have been unsubscribed from the magazine.", lang) in done.text
