"""The meldcode portal over GraphQL: who sees what, the sharing rule, append-only history,
audited reads (seed 003, issue 16)."""

from __future__ import annotations

from datetime import date, timedelta

from tests.conftest import Api
from tests.meldcode_setup import (
    ADMIN,
    BOARD,
    CARE,
    CASES,
    DIRECTOR,
    ESCH,
    ESCH_CARE,
    GUARDIAN,
    LINDENHOVE,
    NODE,
    NODES,
    OTHER_TEACHER,
    PUPIL,
    SCHOOL_ADMIN,
    TEACHER,
    case_ids,
    ok,
    partner_gid,
    pupil_gid,
)

SIGNAL = """mutation($p: ID!, $d: Date!, $t: String!) {
  recordMeldcodeSignal(pupilId: $p, observedOn: $d, text: $t) {
    signal { id text observedOn } errors { code field message } } }"""
MY_SIGNALS = "{ myMeldcodeSignals { totalCount nodes { id text authorName } } }"
ENTRY = """mutation($i: StepEntryInput!) { addMeldcodeStepEntry(input: $i) {
  entry { id step deliberation correctsEntryId } case { history { id correctedByEntryId } }
  errors { code field message } } }"""
SHARE = """mutation($i: SharingInput!) { recordMeldcodeSharing(input: $i) {
  case { sharing { partnerKind consentObtained purpose } } errors { code field message } } }"""
TODAY = date.today()


async def test_care_coordinator_sees_own_school_cases_only(api: Api) -> None:
    care = await api.login(CARE)
    data = await api.data(CASES, {"s": await api.unit_id(LINDENHOVE)}, care)
    cases = data["meldcodeCases"]
    assert cases["totalCount"] == 1
    tim = cases["nodes"][0]
    assert tim["pupilName"] == "Tim Bos"
    assert tim["highestStep"] == "DECISION"
    assert "blauwe plekken" in tim["signals"][0]["text"]
    assert {s["partnerKind"] for s in tim["sharing"]} == {"VEILIG_THUIS", "NEIGHBOURHOOD_TEAM"}
    assert tim["feedback"][0]["overdue"] is True
    # School B's cases: not found, like a school that does not exist.
    body = await api.query(CASES, {"s": await api.unit_id(ESCH)}, care)
    assert body["errors"][0]["extensions"]["code"] in {"NOT_FOUND", "FORBIDDEN"}
    assert body["data"] is None
    esch_case = (await case_ids(api, ESCH))[0]
    assert (await api.data(NODE, {"id": esch_case}, care))["node"] is None
    # And the other way round.
    esch = await api.login(ESCH_CARE)
    lind_case = (await case_ids(api, LINDENHOVE))[0]
    assert (await api.data(NODE, {"id": lind_case}, esch))["node"] is None
    assert (await api.data(NODE, {"id": esch_case}, esch))["node"]["pupilName"] == "Sem Visser"


async def test_nobody_else_reaches_case_content(api: Api) -> None:
    ids = await case_ids(api, LINDENHOVE) + await case_ids(api, ESCH)
    school = await api.unit_id(LINDENHOVE)
    for who in (DIRECTOR, BOARD, ADMIN, SCHOOL_ADMIN, GUARDIAN, PUPIL, TEACHER):
        token = await api.login(who)
        for case in ids:
            body = await api.query(NODE, {"id": case}, token)
            assert body["data"]["node"] is None, who
            assert "errors" not in body, who  # not even "it exists but you may not"
        assert (await api.data(NODES, {"ids": ids}, token))["nodes"] == [None] * len(ids)
        body = await api.query(CASES, {"s": school}, token)
        assert body["data"] is None, who
        assert "totalCount" not in str(body) and "Tim" not in str(body)


async def test_a_teacher_sees_only_own_signals(api: Api) -> None:
    mulder = await api.login(TEACHER)
    dekker = await api.login(OTHER_TEACHER)
    noor = await pupil_gid(api, "noor.dejong@leerling.lindenhove.example")
    eva = await pupil_gid(api, "eva.bos@leerling.lindenhove.example")  # 4H, Dekker's location
    signal = await ok(
        api,
        SIGNAL,
        {"p": eva, "d": str(TODAY), "t": "Eva huilt vaak in de pauze."},
        dekker,
        "recordMeldcodeSignal",
    )
    assert signal["signal"]["text"] == "Eva huilt vaak in de pauze."
    mine = (await api.data(MY_SIGNALS, None, dekker))["myMeldcodeSignals"]
    assert [s["text"] for s in mine["nodes"]] == ["Eva huilt vaak in de pauze."]
    theirs = (await api.data(MY_SIGNALS, None, mulder))["myMeldcodeSignals"]
    assert mine["totalCount"] == 1 and theirs["totalCount"] == 1
    assert "Eva" not in str(theirs)
    # Through node(id:) the other teacher's signal is not there.
    read = "query($id: ID!) { node(id: $id) { ... on MeldcodeSignal { text } } }"
    assert (await api.data(read, {"id": signal["signal"]["id"]}, mulder))["node"] is None
    # The care coordinator sees the new case with the signal; a future date is refused.
    care = await api.login(CARE)
    cases = (await api.data(CASES, {"s": await api.unit_id(LINDENHOVE)}, care))["meldcodeCases"]
    assert cases["totalCount"] == 2
    later = str(TODAY + timedelta(days=2))
    bad = await api.data(SIGNAL, {"p": eva, "d": later, "t": "x"}, dekker)
    assert bad["recordMeldcodeSignal"]["errors"][0]["field"] == "observedOn"
    # A teacher of another school (or location) cannot signal about this pupil: not found.
    esch = await api.login("l.bakker@deesch.example")
    refused = await api.data(SIGNAL, {"p": noor, "d": str(TODAY), "t": "x"}, esch)
    assert refused["recordMeldcodeSignal"]["errors"][0]["code"] == "NOT_FOUND"


async def test_sharing_without_consent_only_with_the_four_recipients(api: Api) -> None:
    care = await api.login(CARE)
    case = (await case_ids(api, LINDENHOVE))[0]
    base = {"caseId": case, "sharedOn": str(TODAY), "purpose": "Afstemming hulp"}
    ggd = await partner_gid(api, "GGD", LINDENHOVE)
    refused = (
        await api.data(SHARE, {"i": {**base, "partnerId": ggd, "consentObtained": False}}, care)
    )["recordMeldcodeSharing"]
    assert refused["case"] is None
    error = refused["errors"][0]
    assert (error["code"], error["field"]) == ("INVALID", "consentObtained")
    assert "GGD Utrecht" in error["message"]
    # Nothing was logged.
    data = await api.data(CASES, {"s": await api.unit_id(LINDENHOVE)}, care)
    assert len(data["meldcodeCases"]["nodes"][0]["sharing"]) == 2
    # With consent the same recipient is fine; the police without consent too.
    done = await ok(
        api,
        SHARE,
        {"i": {**base, "partnerId": ggd, "consentObtained": True}},
        care,
        "recordMeldcodeSharing",
    )
    police = await partner_gid(api, "Politie", LINDENHOVE)
    done = await ok(
        api,
        SHARE,
        {"i": {**base, "partnerId": police, "consentObtained": False}},
        care,
        "recordMeldcodeSharing",
    )
    assert [s["partnerKind"] for s in done["case"]["sharing"]][-2:] == [
        "YOUTH_HEALTH_CARE",
        "POLICE",
    ]
    # A partner from another school's social map is refused.
    other = await partner_gid(api, "Politie", ESCH)
    wrong = (
        await api.data(SHARE, {"i": {**base, "partnerId": other, "consentObtained": True}}, care)
    )["recordMeldcodeSharing"]
    assert wrong["errors"][0]["field"] == "partnerId"


async def test_history_is_append_only_and_corrections_refer(api: Api) -> None:
    care = await api.login(ESCH_CARE)
    case = (await case_ids(api, ESCH))[0]
    first = await ok(
        api,
        ENTRY,
        {
            "i": {
                "caseId": case,
                "step": "CONVERSATION",
                "entryDate": str(TODAY),
                "deliberation": "Gesprek met vader.",
            }
        },
        care,
        "addMeldcodeStepEntry",
    )
    original = first["entry"]["id"]
    fixed = await ok(
        api,
        ENTRY,
        {
            "i": {
                "caseId": case,
                "step": "CONVERSATION",
                "entryDate": str(TODAY),
                "deliberation": "Gesprek met vader en moeder.",
                "correctsEntryId": original,
            }
        },
        care,
        "addMeldcodeStepEntry",
    )
    assert fixed["entry"]["correctsEntryId"] == original
    history = {e["id"]: e for e in fixed["case"]["history"]}
    assert history[original]["correctedByEntryId"] == fixed["entry"]["id"]
    assert len(history) == 4  # two demo entries, the original and its correction
    # The original cannot be corrected twice, nor with another step.
    again = (
        await api.data(
            ENTRY,
            {
                "i": {
                    "caseId": case,
                    "step": "CONVERSATION",
                    "entryDate": str(TODAY),
                    "correctsEntryId": original,
                }
            },
            care,
        )
    )["addMeldcodeStepEntry"]["errors"][0]
    assert (again["code"], again["field"]) == ("CONFLICT", "correctsEntryId")
    step = (
        await api.data(
            ENTRY,
            {
                "i": {
                    "caseId": case,
                    "step": "WEIGHING",
                    "entryDate": str(TODAY),
                    "correctsEntryId": fixed["entry"]["id"],
                }
            },
            care,
        )
    )["addMeldcodeStepEntry"]["errors"][0]
    assert (step["code"], step["field"]) == ("INVALID", "correctsEntryId")
    # Step 5 needs a decision; a report needs its date.
    for extra, field in (({}, "decision"), ({"decision": "REPORT_TO_VEILIG_THUIS"}, "reportedOn")):
        err = (
            await api.data(
                ENTRY,
                {"i": {"caseId": case, "step": "DECISION", "entryDate": str(TODAY), **extra}},
                care,
            )
        )["addMeldcodeStepEntry"]["errors"][0]
        assert err["field"] == field
    # The API offers no way to change or delete an entry.
    mutations = await api.data("{ __schema { mutationType { fields { name } } } }")
    names = {f["name"] for f in mutations["__schema"]["mutationType"]["fields"]}
    assert not any("Meldcode" in n and (n.startswith(("update", "delete"))) for n in names)


async def test_every_read_of_a_case_is_audited(api: Api) -> None:
    care = await api.login(CARE)
    case = (await case_ids(api, LINDENHOVE))[0]
    await api.data(NODE, {"id": case}, care)
    await api.data(NODE, {"id": case}, care)
    # A denied read is not recorded as a read, and discloses nothing.
    await api.data(NODE, {"id": case}, await api.login(DIRECTOR))
    data = await api.data(CASES, {"s": await api.unit_id(LINDENHOVE)}, care)
    trail = data["meldcodeCases"]["nodes"][0]["auditTrail"]
    reads = [e for e in trail if e["kind"] == "meldcode.case.read"]
    # The two node reads and this listing; each with who and what.
    assert len(reads) == 3
    assert {e["actorName"] for e in reads} == {"Carla Meijer"}
    assert all(e["detail"].startswith("case ") for e in reads)
    # Changes too, in the same transaction as the change.
    await ok(
        api,
        "mutation($c: ID!) { setMeldcodeVerwijsindex(caseId: $c, signalledOn: null) { case { id } errors { code } } }",
        {"c": case},
        care,
        "setMeldcodeVerwijsindex",
    )
    data = await api.data(CASES, {"s": await api.unit_id(LINDENHOVE)}, care)
    kinds = [e["kind"] for e in data["meldcodeCases"]["nodes"][0]["auditTrail"]]
    assert "meldcode.verwijsindex.set" in kinds
    # None of it is in the platform's audit log, which platform admins read.
    admin = await api.login(ADMIN)
    log = await api.query("{ auditEvents(first: 100) { nodes { kind detail } } }", None, admin)
    assert "meldcode.case" not in str(log)
