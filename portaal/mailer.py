"""SMTP delivery with aiosmtplib: a text part, an HTML alternative and stable headers."""

from __future__ import annotations

from email.message import EmailMessage
from email.utils import formataddr, parseaddr

import aiosmtplib

from persistence.background.models import OutboxMail
from portaal.settings import Settings


def build_message(mail: OutboxMail, settings: Settings) -> EmailMessage:
    _, from_address = parseaddr(settings.mail_from)
    message = EmailMessage()
    message["From"] = formataddr((mail.sender_name, from_address))
    message["To"] = mail.to_address
    message["Subject"] = mail.subject
    # Stable per outbox row: a re-delivery after a crash is recognisable as the same mail.
    domain = from_address.partition("@")[2] or "portaal.local"
    message["Message-ID"] = f"<outbox-{mail.id}@{domain}>"
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
