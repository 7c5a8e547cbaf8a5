"""Certificate PDFs behind signed links, and the magazine's unsubscribe link."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from fpdf import FPDF

from domain.core.errors import DomainError, ErrorCode
from domain.core.signing import sign, verify
from persistence.types import utcnow
from resolvers.context import Context
from resolvers.core.i18n import N_, translate

LINK_LIFETIME = timedelta(hours=1)


def certificate_url(ctx: Context, certificate_id: int, person_id: int) -> str:
    expires = int((utcnow() + LINK_LIFETIME).timestamp())
    signature = sign(ctx.settings.secret_key, "certificate", certificate_id, person_id, expires)
    return f"{ctx.settings.public_url}/certificates/{certificate_id}.pdf?person={person_id}&expires={expires}&signature={signature}"


def admin_certificate_url(ctx: Context, certificate_id: int, admin_id: int) -> str:
    """A link for the admin who asked: it works for one hour, only while logged in as them."""
    expires = int((utcnow() + LINK_LIFETIME).timestamp())
    signature = sign(
        ctx.settings.secret_key, "certificate-admin", certificate_id, admin_id, expires
    )
    return f"{ctx.settings.public_url}/certificates/{certificate_id}.pdf?admin={admin_id}&expires={expires}&signature={signature}"


def admin_link_valid(secret_key: str, certificate_id: int, query: Any) -> int | None:
    """The admin the link was made for, or None when it is forged or expired."""
    try:
        admin_id, expires = int(query.get("admin", "")), int(query.get("expires", ""))
    except ValueError:
        return None
    if not verify(
        secret_key,
        query.get("signature", ""),
        "certificate-admin",
        certificate_id,
        admin_id,
        expires,
    ):
        return None
    if utcnow().timestamp() > expires:
        return None
    return admin_id


def certificate_link_valid(secret_key: str, certificate_id: int, query: Any) -> int | None:
    """The person the link was made for, or None when it is forged or expired."""
    try:
        person_id, expires = int(query.get("person", "")), int(query.get("expires", ""))
    except ValueError:
        return None
    if not verify(
        secret_key, query.get("signature", ""), "certificate", certificate_id, person_id, expires
    ):
        return None
    if utcnow().timestamp() > expires:
        return None
    return person_id


def certificate_pdf(
    learner: str, course: str, issued_on: date, score: int | None, code: str, language: str
) -> bytes:
    """One A4 page in the learner's language. The score is the highest exam score; pass or fail
    is never printed."""
    pdf = FPDF(orientation="landscape", format="A4")
    pdf.add_page()

    def line(height: int, text: str, size: int, bold: bool = False) -> None:
        pdf.set_font("helvetica", "B" if bold else "", size)
        pdf.cell(0, height, _latin(text), align="C", new_x="LMARGIN", new_y="NEXT")

    line(30, translate(N_("Certificate of participation"), language), 28, bold=True)
    line(14, translate(N_("awarded to"), language), 16)
    line(16, learner, 22, bold=True)
    line(14, translate(N_("for the course"), language), 16)
    line(14, course, 18, bold=True)
    if score is not None:
        line(12, translate(N_("Highest exam score: {score}%"), language, score=score), 14)
    line(12, translate(N_("Date: {date}"), language, date=issued_on), 14)
    line(20, translate(N_("Verification code: {code}"), language, code=code), 10)
    return bytes(pdf.output())


def _latin(text: str) -> str:
    # The core PDF fonts are Latin-1; names like "Özil" fit, anything else is replaced visibly.
    return text.encode("latin-1", "replace").decode("latin-1")


def magazine_unsubscribe_url(public_url: str, secret_key: str, person_id: int) -> str:
    signature = sign(secret_key, "magazine", person_id)
    return f"{public_url}/magazine/unsubscribe?person={person_id}&signature={signature}"


def magazine_link_person(secret_key: str, query: Any) -> int:
    try:
        person_id = int(query.get("person", ""))
    except ValueError:
        raise DomainError(ErrorCode.TOKEN_INVALID, "This link is not valid.") from None
    if not verify(secret_key, query.get("signature", ""), "magazine", person_id):
        raise DomainError(ErrorCode.TOKEN_INVALID, "This link is not valid.")
    return person_id


def refresher_url(public_url: str, secret_key: str, delivery_id: int, person_id: int) -> str:
    """The learner's own link to a refresher sent to them; it does not expire (it is in a mail
    they may open months later) and opens nothing else."""
    signature = sign(secret_key, "refresher", delivery_id, person_id)
    return f"{public_url}/refreshers/{delivery_id}?person={person_id}&signature={signature}"


def refresher_link_person(secret_key: str, delivery_id: int, query: Any) -> int | None:
    """The person the refresher link was made for, or None when it is forged."""
    try:
        person_id = int(query.get("person", ""))
    except ValueError:
        return None
    if not verify(secret_key, query.get("signature", ""), "refresher", delivery_id, person_id):
        return None
    return person_id
