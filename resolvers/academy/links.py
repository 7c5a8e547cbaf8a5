"""What the academy's signed links in mails do: download a certificate, leave the magazine."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from persistence.academy import queries as aq
from resolvers.academy.documents import (
    admin_link_valid,
    certificate_link_valid,
    certificate_pdf,
    magazine_link_person,
    refresher_link_person,
)
from resolvers.academy.selection import ACADEMY_ADMINS
from resolvers.context import Context


@dataclass(frozen=True)
class CertificateFile:
    filename: str
    content: bytes


async def certificate_download(
    ctx: Context, certificate_id: int, query: Any
) -> CertificateFile | None:
    """The certificate's PDF for the learner the link was made for, or for the admin of the
    learner's cluster it was made for (logged in as that admin); None for any other link."""
    if "admin" in query:
        return await _admin_download(ctx, certificate_id, query)
    person_id = certificate_link_valid(ctx.settings.secret_key, certificate_id, query)
    if person_id is None:
        return None
    await ctx.act_for(person_id)
    found = await _certificate(ctx, certificate_id)
    if found is None or found[3].id != person_id:
        return None
    return _file(found)


async def _certificate(ctx: Context, certificate_id: int) -> Any:
    certificate = (await ctx.db.read(aq.certificates_by_ids, [certificate_id]))[0]
    return (
        await ctx.db.read(aq.certificate_by_code, certificate.verification_code)
        if certificate
        else None
    )


async def _admin_download(ctx: Context, certificate_id: int, query: Any) -> CertificateFile | None:
    admin_id = admin_link_valid(ctx.settings.secret_key, certificate_id, query)
    # A link that leaks is useless to anyone but the admin who asked, and only while they still
    # administer the learner's cluster.
    if admin_id is None or ctx.viewer.person_id != admin_id:
        return None
    found = await _certificate(ctx, certificate_id)
    if found is None:
        return None
    cluster = await ctx.loaders.unit_by_id.load(found[1].cluster_id)
    if cluster is None or not ctx.viewer.holds_on(ACADEMY_ADMINS, cluster.path):
        return None
    return _file(found)


def _file(found: Any) -> CertificateFile:
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
    await ctx.act_for(person_id)
    async with ctx.uow() as uow:
        await aq.unsubscribe_magazine(uow.session, person_id)
        await uow.audit("MAGAZINE_UNSUBSCRIBED", subject=person_id)
        await uow.commit()


@dataclass(frozen=True)
class RefresherPage:
    title: str
    course: str
    minutes: int
    language: str
    name: str


async def refresher_page(ctx: Context, delivery_id: int, query: Any) -> RefresherPage | None:
    """The refresher sent to the learner the link was made for; None for any other link."""
    person_id = refresher_link_person(ctx.settings.secret_key, delivery_id, query)
    if person_id is None:
        return None
    await ctx.act_for(person_id)
    found = await ctx.db.read(aq.refresher_delivery, delivery_id)
    if found is None or found[0].person_id != person_id:
        return None
    _delivery, module, course = found
    person = await ctx.loaders.person_by_id.load(person_id)
    if person is None:
        return None
    return RefresherPage(
        module.title,
        course.title,
        module.duration_minutes,
        person.language.value,
        person.given_name or person.email,
    )
