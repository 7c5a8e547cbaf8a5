"""Rendering mails from mail_templates/ and writing them to the outbox in the caller's transaction."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import jinja2
from sqlalchemy.ext.asyncio import AsyncSession

from domain.core import ratelimit
from persistence.background.models import OutboxMail
from persistence.background.outbox import add_many_throttled, add_throttled
from persistence.types import utcnow

log = logging.getLogger("portaal.mail")
MAIL_SENDER = "portaal.mail_sender"  # key in the session's `info`: who queues (issue 17)

TEMPLATES = Path(__file__).resolve().parents[2] / "mail_templates"
LANGUAGES = ("nl", "en")


@cache
def _env() -> jinja2.Environment:
    # Autoescape HTML always: names and admin text are user input.
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=jinja2.select_autoescape(enabled_extensions=("html",), default=False),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=False,
    )


@dataclass(frozen=True)
class RenderedMail:
    template: str
    language: str
    subject: str
    text: str
    html: str


def render(template: str, language: str, **values: Any) -> RenderedMail:
    lang = language if language in LANGUAGES else "nl"
    env = _env()
    subject = env.get_template(f"{template}/{lang}.subject").render(**values).strip()
    text = env.get_template(f"{template}/{lang}.txt").render(**values)
    html = env.get_template(f"{template}/{lang}.html").render({**values, "subject": subject})
    return RenderedMail(template, lang, " ".join(subject.split()), text, html)


def _sender(session: AsyncSession) -> tuple[str | None, int | None]:
    """Who queues in this unit of work (noted in `session.info`) and their hourly cap."""
    sender = session.info.get(MAIL_SENDER)
    if sender is None:
        return None, None
    limit = ratelimit.MAIL_PER_TOKEN if sender.startswith("token:") else ratelimit.MAIL_PER_ADMIN
    return sender, limit.attempts


async def enqueue(
    session: AsyncSession,
    mail: RenderedMail,
    *,
    to: str,
    idempotency_key: str,
    person_id: int | None = None,
    sender_name: str = "Portaal",
    headers: dict[str, str] | None = None,
) -> bool:
    """Queue in the caller's transaction; the same key twice queues once.
    True when queued now.

    Every mutation's mail passes here, so the recipient's limit holds across all of them
    (issue 17): an identical mail to the same address within 10 minutes is queued once, and
    at most 20 mails per hour go to one address; the rest are dropped and logged. Mails an
    admin or an API token queues are capped per hour too (ratelimit.MAIL_PER_ADMIN /
    MAIL_PER_TOKEN); the sender is what the unit of work noted in `session.info`.
    """
    sender, per_sender = _sender(session)
    now = utcnow()
    outcome = await add_throttled(
        session,
        OutboxMail(
            idempotency_key=idempotency_key,
            template=mail.template,
            language=mail.language,
            to_address=to,
            person_id=person_id,
            sender_name=sender_name,
            subject=mail.subject,
            text_body=mail.text,
            html_body=mail.html,
            headers=_header_lines(headers or {}),
            queued_by=sender,
        ),
        since=now - ratelimit.MAIL_PER_RECIPIENT.window,
        collapse_since=now - ratelimit.MAIL_COLLAPSE_WINDOW,
        per_recipient=ratelimit.MAIL_PER_RECIPIENT.attempts,
        per_sender=per_sender,
    )
    if outcome in ("collapsed", "throttled"):
        log.info("mail %s not queued: %s", mail.template, outcome)
    return outcome == "queued"


@dataclass
class QueuedMail:
    """One mail of `enqueue_many`: what `enqueue` takes for one."""

    mail: RenderedMail
    to: str
    idempotency_key: str
    person_id: int | None = None
    headers: dict[str, str] | None = None


async def enqueue_many(
    session: AsyncSession,
    mails: list[QueuedMail],
    *,
    sender_name: str = "Portaal",
) -> int:
    """`enqueue` for many mails, under the same limits, in the caller's transaction: a few
    statements per ten thousand mails (the counts grouped by recipient), not a few per mail.
    How many were queued."""
    sender, per_sender = _sender(session)
    now = utcnow()
    template = OutboxMail(
        idempotency_key="",
        template="",
        to_address="",
        subject="",
        text_body="",
        html_body="",
        sender_name=sender_name,
        queued_by=sender,
    )
    outcomes = await add_many_throttled(
        session,
        template,
        [
            {
                "idempotency_key": m.idempotency_key,
                "template": m.mail.template,
                "language": m.mail.language,
                "to_address": m.to,
                "person_id": m.person_id,
                "subject": m.mail.subject,
                "text_body": m.mail.text,
                "html_body": m.mail.html,
                "headers": _header_lines(m.headers or {}),
            }
            for m in mails
        ],
        since=now - ratelimit.MAIL_PER_RECIPIENT.window,
        collapse_since=now - ratelimit.MAIL_COLLAPSE_WINDOW,
        per_recipient=ratelimit.MAIL_PER_RECIPIENT.attempts,
        per_sender=per_sender,
    )
    dropped = outcomes["collapsed"] + outcomes["throttled"]
    if dropped:
        log.info(
            "%s of %s mails not queued: %s collapsed, %s throttled",
            dropped,
            len(mails),
            outcomes["collapsed"],
            outcomes["throttled"],
        )
    return outcomes["queued"]


def _header_lines(headers: dict[str, str]) -> str:
    return "\n".join(f"{k}: {v}" for k, v in headers.items())
