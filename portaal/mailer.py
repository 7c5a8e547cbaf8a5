"""SMTP delivery with aiosmtplib: a text part, an HTML alternative and stable headers."""

from __future__ import annotations

from email import policy
from email.headerregistry import BaseHeader, HeaderRegistry, UnstructuredHeader
from email.message import EmailMessage
from email.policy import Policy
from email.utils import format_datetime, formataddr, parseaddr

import aiosmtplib

from persistence.background.models import OutboxMail
from portaal.settings import Settings


class _WhitespaceFoldedHeader(UnstructuredHeader, BaseHeader):
    """Folded at whitespace only, never into encoded-words: `List-Unsubscribe` must reach the
    mail client as the plain `<https://…>` of RFC 2369/8058 however long the URL is (the
    default folding turns a long URL into `=?utf-8?q?=3Chttp…?=`, which clients ignore).
    A token longer than the line stays whole: RFC 5322 allows lines of up to 998 characters."""

    def fold(self, *, policy: Policy) -> str:
        value = str(self)
        if not value.isascii():  # not a URL list; let the standard folding encode it
            return super().fold(policy=policy)
        limit = policy.max_line_length or 998
        lines, line, holds_word = [], f"{self.name}:", False
        for word in value.split():
            if holds_word and len(line) + 1 + len(word) > limit:
                lines.append(line)
                line = ""
            line, holds_word = f"{line} {word}", True
        lines.append(line)
        return policy.linesep.join(lines) + policy.linesep


_headers = HeaderRegistry()
for _name in ("List-Unsubscribe", "List-Unsubscribe-Post"):
    _headers.map_to_type(_name, _WhitespaceFoldedHeader)
# The header objects carry their folding, so it holds whatever policy flattens the message.
MAIL_POLICY = policy.default.clone(header_factory=_headers)


def build_message(mail: OutboxMail, settings: Settings) -> EmailMessage:
    _, from_address = parseaddr(settings.mail_from)
    message = EmailMessage(policy=MAIL_POLICY)
    message["From"] = formataddr((mail.sender_name, from_address))
    message["To"] = mail.to_address
    message["Subject"] = mail.subject
    # Stable per outbox row: a re-delivery after a crash is recognisable as the same mail.
    domain = from_address.partition("@")[2] or "portaal.local"
    message["Message-ID"] = f"<outbox-{mail.id}@{domain}>"
    # RFC 5322 requires it; the time the mail was queued, the same on every retry.
    message["Date"] = format_datetime(mail.created_at)
    message["Auto-Submitted"] = "auto-generated"
    for line in mail.headers.splitlines():
        name, _, value = line.partition(":")
        if name.strip() and value.strip():
            message[name.strip()] = value.strip()
    message.set_content(mail.text_body)
    message.add_alternative(mail.html_body, subtype="html")
    # After the body: set_content() drops every Content-* header set before it.
    message["Content-Language"] = mail.language
    return message


async def deliver(mail: OutboxMail, settings: Settings) -> None:
    """Send one mail; raises on any failure so the worker can retry it."""
    assert settings.smtp_host
    await aiosmtplib.send(
        build_message(mail, settings),
        hostname=settings.smtp_host,
        port=settings.smtp_port,
        username=settings.smtp_username,
        password=settings.smtp_password,
        use_tls=settings.smtp_tls == "tls",
        start_tls=True if settings.smtp_tls == "starttls" else False,
        timeout=30,
    )
