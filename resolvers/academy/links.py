"""What the academy's signed links in mails do: download a certificate, leave the magazine."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from persistence.academy import queries as aq
from resolvers.academy.documents import (
    certificate_link_valid,
    certificate_pdf,
    magazine_link_person,
)
from resolvers.context import Context


@dataclass(frozen=True)
class CertificateFile:
    filename: str
    content: bytes


async def certificate_download(
    ctx: Context, certificate_id: int, query: Any
) -> CertificateFile | None:
    """The certificate's PDF for the learner the link was made for; None for any other link."""
    person_id = certificate_link_valid(ctx.settings.secret_key, certificate_id, query)
    if person_id is None:
        return None
    certificate = (await ctx.db.read(aq.certificates_by_ids, [certificate_id]))[0]
    found = (
        await ctx.db.read(aq.certificate_by_code, certificate.verification_code)
        if certificate
        else None
    )
    if found is None or found[3].id != person_id:
        return None
    certificate, _enrolment, course, person = found
    pdf = certificate_pdf(
        person.display_name,
        course.title,
        certificate.issued_at.date(),  # written the learner's way: "23 november 2026"
        certificate.highest_score_percent,
        certificate.verification_code,
        person.language.value,
    )
    return CertificateFile(f"certificaat-{certificate.verification_code}.pdf", pdf)


def magazine_link_valid(ctx: Context, query: Any) -> int:
    """The person the unsubscribe link was made for; raises TOKEN_INVALID for a forged link."""
    return magazine_link_person(ctx.settings.secret_key, query)


async def unsubscribe_magazine(ctx: Context, query: Any) -> None:
    """One click from the magazine mail, no login: the signed link says who."""
    person_id = magazine_link_valid(ctx, query)
    async with ctx.uow() as uow:
        await aq.unsubscribe_magazine(uow.session, person_id)
        await uow.audit("MAGAZINE_UNSUBSCRIBED", subject=person_id)
        await uow.commit()
