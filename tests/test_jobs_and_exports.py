"""Scheduled jobs and exports with progress, produced by the worker and read back."""

from __future__ import annotations

import csv
import io
import shutil
import subprocess
from datetime import timedelta
from pathlib import Path

import openpyxl
import pytest
import sqlalchemy as sa
from pypdf import PdfReader

from persistence.background import jobs as jobs_q
from persistence.background.models import Job, JobStatus
from persistence.core.models import AccessToken, AuditEvent
from persistence.types import utcnow
from portaal.worker import Worker
from resolvers.background import jobs as job_handlers
from tests.conftest import Api, make_settings

START = """mutation($k: ExportKind!, $f: ExportFormat!, $u: ID) { startExport(kind: $k, format: $f, unitId: $u) {
  exportJob { id status progressPercent downloadUrl } errors { code field message } } }"""
POLL = "query($id: ID!) { node(id: $id) { ... on ExportJob { status progressPercent rowCount filename sizeBytes downloadUrl error } } }"


def worker(api: Api) -> Worker:
    return Worker(make_settings(api.database.url), api.database)


async def _export(
    api: Api, token: str, kind: str, fmt: str, unit: str | None = None
) -> tuple[dict, bytes]:
    started = (await api.data(START, {"k": kind, "f": fmt, "u": unit}, token))["startExport"]
    assert started["errors"] == [], started
    job = started["exportJob"]
    assert job["status"] == "QUEUED" and job["downloadUrl"] is None
    await worker(api).drain()
    done = (await api.data(POLL, {"id": job["id"]}, token))["node"]
    assert done["status"] == "DONE", done
    response = await api.client.get(
        done["downloadUrl"].replace("http://portaal.test", ""),
        headers={"authorization": f"Bearer {token}"},
    )
    assert response.status_code == 200
    assert response.headers["content-disposition"].startswith("attachment;")
    return done, response.content


async def test_people_export_as_excel(api: Api) -> None:
    token = await api.login("orgbeheer@zorgacademie.example")
    done, content = await _export(
        api, token, "PEOPLE", "XLSX", await api.unit_id("Zorgacademie Nederland")
    )
    assert (
        done["progressPercent"] == 100
        and done["rowCount"] == 9
        and done["filename"].endswith(".xlsx")
    )
    sheet = openpyxl.load_workbook(io.BytesIO(content), read_only=True).active
    rows = list(sheet.iter_rows(values_only=True))
    # The requester reads Dutch: headers, sheet name and roles as people say them.
    assert rows[0] == ("Achternaam", "Tussenvoegsel", "Voornaam", "E-mail", "Rol", "Eenheid")
    assert openpyxl.load_workbook(io.BytesIO(content)).sheetnames == ["Personen en rollen"]
    emails = {r[3] for r in rows[1:]}
    assert "lotte.jansen@example.org" in emails and "ahmed.elamrani@example.org" in emails
    assert not any("welzijn" in e for e in emails)  # another tenant's people never appear


async def test_people_export_as_csv_guards_against_formulas(api: Api) -> None:
    token = await api.login("noord@zorgacademie.example")
    async with api.database.transaction() as s:
        from persistence.core.models import Person

        await s.execute(
            sa.update(Person)
            .where(Person.email == "lotte.jansen@example.org")
            .values(family_name="=HYPERLINK()")
        )
    done, content = await _export(api, token, "PEOPLE", "CSV", await api.unit_id("Regio Noord"))
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][3] == "E-mail" and len(rows) == 1 + done["rowCount"] == 6
    assert [
        "'=HYPERLINK()",
        "",
        "Lotte",
        "lotte.jansen@example.org",
        "cursist",
        "Regio Noord",
    ] in rows


async def test_audit_export_as_pdf(api: Api, tmp_path: Path) -> None:
    token = await api.login("beheer@portaal.example")
    _, content = await _export(api, token, "AUDIT_LOG", "PDF")
    assert content.startswith(b"%PDF")
    text = PdfReader(io.BytesIO(content)).pages[0].extract_text()
    assert "Auditlog" in text and "Gebeurtenis" in text and "LOGIN" in text
    if shutil.which("pdftoppm"):
        (tmp_path / "audit.pdf").write_bytes(content)
        subprocess.run(
            [
                "pdftoppm",
                "-png",
                "-f",
                "1",
                "-l",
                "1",
                str(tmp_path / "audit.pdf"),
                str(tmp_path / "page"),
            ],
            check=True,
        )
        assert list(tmp_path.glob("page*.png"))


async def test_export_of_a_unit_you_do_not_administer_is_refused(api: Api) -> None:
    token = await api.login("noord@zorgacademie.example")
    result = await api.data(
        START, {"k": "PEOPLE", "f": "XLSX", "u": await api.unit_id("Regio Zuid")}, token
    )
    assert result["startExport"]["errors"][0]["code"] == "NOT_FOUND"
    forbidden = await api.query(START, {"k": "AUDIT_LOG", "f": "XLSX"}, token)
    assert forbidden["errors"][0]["extensions"]["code"] == "FORBIDDEN"


async def test_download_link_is_only_for_the_requester_and_expires(api: Api) -> None:
    token = await api.login("noord@zorgacademie.example")
    done, _ = await _export(api, token, "PEOPLE", "XLSX", await api.unit_id("Regio Noord"))
    url = done["downloadUrl"].replace("http://portaal.test", "")
    tampered = url.replace("signature=", "signature=0")
    assert (await api.client.get(tampered)).status_code == 403
    other_id = url.replace("/exports/1?", "/exports/2?")
    assert (await api.client.get(other_id)).status_code == 403
    expired = url.split("?")[0] + "?expires=1&signature=" + url.split("signature=")[1]
    assert (await api.client.get(expired)).status_code == 403  # expiry is part of the signature
    # A leaked link is useless: without the requester's login, or with another's, it is refused.
    other = await api.login("orgbeheer@zorgacademie.example")
    assert (await api.client.get(url)).status_code == 403
    assert (
        await api.client.get(url, headers={"authorization": f"Bearer {other}"})
    ).status_code == 403
    assert (
        await api.client.get(url, headers={"authorization": f"Bearer {token}"})
    ).status_code == 200
    # Another person cannot even see the job.
    job_id = (await api.data("{ viewer { exports { id } } }", token=token))["viewer"]["exports"][0][
        "id"
    ]
    assert (await api.data(POLL, {"id": job_id}, other))["node"] is None


async def test_progress_is_reported_while_running(api: Api) -> None:
    token = await api.login("beheer@portaal.example")
    async with api.database.transaction() as s:
        s.add_all([AuditEvent(kind="LOGIN", detail=f"row {i}") for i in range(2500)])
    started = (await api.data(START, {"k": "AUDIT_LOG", "f": "CSV"}, token))["startExport"][
        "exportJob"
    ]
    seen: list[int] = []
    original = jobs_q.set_export_progress

    async def spy(session, export_id, progress, rows, status):  # type: ignore[no-untyped-def]
        seen.append(progress)
        await original(session, export_id, progress, rows, status)

    jobs_q.set_export_progress = spy  # type: ignore[assignment]
    try:
        await worker(api).drain()
    finally:
        jobs_q.set_export_progress = original  # type: ignore[assignment]
    assert seen[0] == 0 and 30 <= seen[1] <= 50 and seen[2] >= 70
    done = (await api.data(POLL, {"id": started["id"]}, token))["node"]
    assert done["progressPercent"] == 100 and done["rowCount"] >= 2500


async def test_missed_job_runs_when_worker_returns_and_only_once(api: Api) -> None:
    yesterday = utcnow() - timedelta(days=1)
    async with api.database.transaction() as s:
        assert await jobs_q.schedule(s, "cleanup", "cleanup:missed", yesterday)
        assert not await jobs_q.schedule(s, "cleanup", "cleanup:missed", yesterday)  # idempotent
        s.add(AccessToken(kind="SESSION", token_hash="x" * 64, person_id=1, expires_at=yesterday))
    await worker(api).drain()
    async with api.database.transaction() as s:
        jobs = (
            (await s.execute(sa.select(Job).where(Job.kind == "cleanup").order_by(Job.id)))
            .scalars()
            .all()
        )
        tokens = (
            await s.execute(sa.select(AccessToken).where(AccessToken.token_hash == "x" * 64))
        ).all()
    assert jobs[0].status == JobStatus.DONE and '"removed": 1' in (jobs[0].result or "")
    assert tokens == []
    # It scheduled its next run for 03:00 Amsterdam time, in the future.
    assert len(jobs) == 2 and jobs[1].status == JobStatus.PENDING and jobs[1].due_at > utcnow()
    assert jobs[1].due_at.astimezone(job_handlers.AMSTERDAM).hour == 3


async def test_failing_job_is_retried_with_backoff(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = []

    async def flaky(ctx, payload):  # type: ignore[no-untyped-def]
        calls.append(1)
        if len(calls) == 1:
            raise RuntimeError("temporary")
        return "ok"

    monkeypatch.setitem(job_handlers.HANDLERS, "flaky", flaky)
    from portaal import worker as worker_module

    monkeypatch.setitem(worker_module.HANDLERS, "flaky", flaky)
    async with api.database.transaction() as s:
        await jobs_q.schedule(s, "flaky", "flaky:1", utcnow())
    w = worker(api)
    await w.run_jobs()
    async with api.database.transaction() as s:
        job = (await s.execute(sa.select(Job).where(Job.key == "flaky:1"))).scalars().one()
    assert job.status == JobStatus.PENDING and job.last_error == "RuntimeError: temporary"
    await w.run_jobs(now=utcnow() + timedelta(minutes=5))
    async with api.database.transaction() as s:
        job = (await s.execute(sa.select(Job).where(Job.key == "flaky:1"))).scalars().one()
    assert job.status == JobStatus.DONE and job.attempts == 2 and len(calls) == 2
