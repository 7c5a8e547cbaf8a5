"""What the database holds: no plaintext free text, rotatable keys, and the retention purge."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import sqlalchemy as sa
from sqlmodel import SQLModel

from persistence.meldcode import queries as q
from persistence.meldcode.cipher import DEV_KEY, Keyring, new_key
from persistence.meldcode.models import MeldcodeCase, MeldcodeSignal, MeldcodeStepEntry
from resolvers.background.jobs import HANDLERS, JobContext, ensure_recurring
from resolvers.meldcode.maintenance import purge_expired, rotate_keys
from tests.conftest import Api, make_settings
from tests.meldcode_setup import (
    BOARD,
    BOARD_UNIT,
    CARE,
    CASES,
    ESCH,
    ESCH_CARE,
    LINDENHOVE,
    case_ids,
    ok,
    pupil_gid,
)

SECRET = "Vermoeden: Noor vertelde over slaan thuis (merkteken 7f3a)"
DEMO_TEXTS = ["blauwe plekken", "Gesprek met moeder", "Melding kindermishandeling", "ruzies"]
SIGNAL = """mutation($p: ID!, $d: Date!, $t: String!) {
  recordMeldcodeSignal(pupilId: $p, observedOn: $d, text: $t) { signal { id } errors { code } } }"""


async def _dump(api: Api) -> str:
    """Every row of every table as text: what a database dump discloses."""
    parts: list[str] = []
    async with api.database.transaction() as s:
        for table in SQLModel.metadata.sorted_tables:
            for row in (await s.execute(sa.select(table))).all():
                parts.append(" ".join(str(v) for v in row))
    return "\n".join(parts)


async def _ciphertexts(api: Api) -> list[str]:
    found: list[str] = []
    async with api.database.transaction() as s:
        for table, column in q.CIPHERTEXT_COLUMNS:
            rows = await s.execute(sa.text(f"SELECT {column} FROM {table}"))
            found += [r[0] for r in rows if r[0]]
    return found


async def test_a_raw_dump_holds_no_plaintext(api: Api) -> None:
    teacher = await api.login("r.mulder@lindenhove.example")
    noor = await pupil_gid(api, "noor.dejong@leerling.lindenhove.example")
    await ok(
        api,
        SIGNAL,
        {"p": noor, "d": str(date.today()), "t": SECRET},
        teacher,
        "recordMeldcodeSignal",
    )
    dump = await _dump(api)
    assert "merkteken 7f3a" not in dump and "Noor vertelde" not in dump
    for text in DEMO_TEXTS:
        assert text not in dump, text
    # A case names no pupil: a keyed hash and the encrypted id, no foreign key to the pupil.
    assert "pupil_id" not in MeldcodeCase.__table__.columns
    async with api.database.transaction() as s:
        refs = (await s.execute(sa.select(MeldcodeCase.pupil_ref))).scalars().all()
    assert refs and all(len(r) == 64 and int(r, 16) >= 0 for r in refs)
    # The ciphertext is authenticated Fernet under the configured key, and reads back via the API.
    tokens = await _ciphertexts(api)
    assert tokens and all(t.startswith("gAAAAA") for t in tokens)
    assert SECRET in [Keyring([DEV_KEY]).decrypt(t) for t in tokens]
    care = await api.login(CARE)
    data = await api.data(CASES, {"s": await api.unit_id(LINDENHOVE)}, care)
    texts = [s["text"] for c in data["meldcodeCases"]["nodes"] for s in c["signals"]]
    assert SECRET in texts


async def test_rotation_re_encrypts_everything_without_downtime(api: Api) -> None:
    before = await _ciphertexts(api)
    plain = sorted(Keyring([DEV_KEY]).decrypt(t) for t in before)
    fresh = new_key()
    # Half-way through a rotation both keys are configured: every row still reads.
    rewritten = await rotate_keys(api.database, [fresh, DEV_KEY], batch=1)
    assert rewritten == len(before)
    after = await _ciphertexts(api)
    assert sorted(Keyring([fresh]).decrypt(t) for t in after) == plain
    assert set(after).isdisjoint(before)
    # The blind index moved to the new key: the pupil's open case is found under it alone.
    async with api.database.transaction() as s:
        cases = (await s.execute(sa.select(MeldcodeCase))).scalars().all()
    for case in cases:
        pupil = Keyring([fresh]).decrypt(case.pupil_ciphertext)
        assert case.pupil_ref == Keyring([fresh]).blind_ref(pupil)
    # Nothing left under the old key: a second run rewrites nothing.
    assert await rotate_keys(api.database, [fresh, DEV_KEY]) == 0
    # The old key alone no longer reads anything.
    old = Keyring([DEV_KEY])
    for token in after:
        try:
            old.decrypt(token)
        except ValueError:
            continue
        raise AssertionError("a text still decrypts with the retired key")


async def test_the_rotate_key_command(api: Api) -> None:
    fresh = new_key()
    url = api.database.engine.url.render_as_string(hide_password=False)
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "PORTAAL_MELDCODE_KEYS": f"{fresh},{DEV_KEY}",
        "PORTAAL_LOG_FORMAT": "text",
    }
    portaal = Path(sys.executable).with_name("portaal")
    done = subprocess.run(
        [str(portaal), "meldcode", "rotate-key"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    count = int(done.stdout.split()[0])
    assert count == len(await _ciphertexts(api)) > 0
    assert all(Keyring([fresh]).is_current(t) for t in await _ciphertexts(api))


def test_production_refuses_missing_or_development_keys(monkeypatch: object) -> None:
    import pytest

    from portaal.settings import Settings

    mp = pytest.MonkeyPatch()
    try:
        mp.setenv("PORTAAL_ENV", "production")
        mp.setenv("PORTAAL_SECRET_KEY", "x" * 64)
        mp.delenv("PORTAAL_MELDCODE_KEYS", raising=False)
        with pytest.raises(RuntimeError, match="PORTAAL_MELDCODE_KEYS"):
            Settings.from_env()
        mp.setenv("PORTAAL_MELDCODE_KEYS", DEV_KEY)
        with pytest.raises(RuntimeError, match="development key"):
            Settings.from_env()
        key = new_key()
        mp.setenv("PORTAAL_MELDCODE_KEYS", key)
        assert Settings.from_env().meldcode_keys == (key,)
    finally:
        mp.undo()


CLOSE = """mutation($c: ID!) { closeMeldcodeCase(caseId: $c, outcome: HELP_ORGANISED,
  note: "Hulp via wijkteam") { case { status } errors { code field } } }"""
POLICY = """mutation($b: ID!, $m: Int!, $t: Int!) { setMeldcodePolicy(boardId: $b,
  retentionMonths: $m, suppressionThreshold: $t) { ok errors { code field } } }"""
OPENED = """query($u: ID!, $y: Int!) { meldcodeOverview(unitId: $u, schoolYear: $y) {
  schools { schoolName figures { casesOpened { value fewerThan } } } } }"""


async def test_retention_purge_leaves_only_anonymous_statistics(api: Api) -> None:
    board = await api.login(BOARD)
    refused = await api.data(POLICY, {"b": await api.unit_id(BOARD_UNIT), "m": 6, "t": 5}, board)
    assert refused["setMeldcodePolicy"]["errors"][0]["field"] == "retentionMonths"
    await ok(
        api,
        POLICY,
        {"b": await api.unit_id(BOARD_UNIT), "m": 12, "t": 3},
        board,
        "setMeldcodePolicy",
    )
    care = await api.login(ESCH_CARE)
    case = (await case_ids(api, ESCH))[0]
    await ok(api, CLOSE, {"c": case}, care, "closeMeldcodeCase")
    year = date.today().year if date.today().month >= 8 else date.today().year - 1
    counts_before = await api.data(OPENED, {"u": await api.unit_id(BOARD_UNIT), "y": year}, board)

    # Not yet due: nothing happens.
    now = datetime.now(UTC)
    assert await purge_expired(api.database, date.today() + timedelta(days=300), now) == 0
    # The nightly job, once the 12 months have passed.
    later = now + timedelta(days=370)
    settings = make_settings(api.database.url)
    result = await HANDLERS["meldcode_purge"](JobContext(api.database, settings, later), {})
    assert '"purged": 1' in result

    async with api.database.transaction() as s:
        row = (
            (
                await s.execute(
                    sa.select(MeldcodeCase)
                    .where(
                        MeldcodeCase.school_unit_id.in_(
                            sa.select(sa.text("id"))
                            .select_from(sa.text("org_unit"))
                            .where(sa.text("name = :n"))
                        )
                    )
                    .params(n=ESCH)
                )
            )
            .scalars()
            .one()
        )
        assert row.pupil_ref is None and row.pupil_ciphertext == ""
        assert row.opened_by_person_id is None
        assert row.outcome_note_ciphertext == "" and row.purged_at is not None
        signals = (
            await s.execute(sa.select(MeldcodeSignal).where(MeldcodeSignal.case_id == row.id))
        ).all()
        assert signals == []
        entries = (
            (
                await s.execute(
                    sa.select(MeldcodeStepEntry).where(MeldcodeStepEntry.case_id == row.id)
                )
            )
            .scalars()
            .all()
        )
        assert entries and all(
            e.deliberation_ciphertext == "" and e.author_person_id is None for e in entries
        )
    dump = await _dump(api)
    assert "Sem" not in "\n".join(line for line in dump.splitlines() if "meldcode" in line)
    # The case is gone for the care coordinator; the statistics stay the same.
    listed = await api.data(CASES, {"s": await api.unit_id(ESCH)}, care)
    assert listed["meldcodeCases"]["totalCount"] == 0
    counts_after = await api.data(OPENED, {"u": await api.unit_id(BOARD_UNIT), "y": year}, board)
    assert counts_after == counts_before
    # The job is scheduled from the worker's first start on.
    await ensure_recurring(api.database, now)
    async with api.database.transaction() as s:
        kinds = (await s.execute(sa.text("SELECT kind FROM job"))).scalars().all()
    assert "meldcode_purge" in kinds
