"""Downloading a finished export behind its signed, expiring link."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from domain.core.signing import expired, verify
from persistence.background import jobs as jobs_q
from persistence.types import utcnow
from resolvers.context import Context


class Refusal(Enum):
    """Why a download is refused; the HTTP layer picks status and wording."""

    INVALID = "invalid"
    WRONG_PERSON = "wrong_person"
    EXPIRED = "expired"
    NOT_READY = "not_ready"


@dataclass(frozen=True)
class ExportFile:
    filename: str
    content_type: str
    content: bytes


async def export_download(
    ctx: Context, export_id: int, expires: int, signature: str
) -> ExportFile | Refusal:
    """The export's file for the person who asked for it (logged in as ctx.viewer); nobody else."""
    job = await ctx.db.read(jobs_q.export_by_id, export_id)
    if job is None or not verify(
        ctx.settings.secret_key, signature, job.id, job.requested_by, expires
    ):
        return Refusal.INVALID
    # A link that leaks (logs, forwarding) is useless to anyone but the person who asked.
    if ctx.viewer.person_id != job.requested_by:
        return Refusal.WRONG_PERSON
    if expired(expires, utcnow()):
        return Refusal.EXPIRED
    content = await ctx.db.read(jobs_q.export_content, export_id)
    if content is None:
        return Refusal.NOT_READY
    return ExportFile(job.filename, job.content_type, content)
