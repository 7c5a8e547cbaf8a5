"""Mails an admin writes to people they manage: limits and the text's shape."""

from __future__ import annotations

from dataclasses import dataclass

from domain.core.errors import DomainError, DomainErrors, ErrorCode

MAX_SUBJECT = 200
MAX_BODY = 20_000
MAX_SENDER = 100
MAX_RECIPIENTS = 5_000


@dataclass(frozen=True)
class AdminMessage:
    subject: str
    body: str
    sender_name: str

    @property
    def paragraphs(self) -> list[str]:
        """Blank lines separate paragraphs, as the admin typed them."""
        return [p.strip() for p in self.body.replace("\r\n", "\n").split("\n\n") if p.strip()]


def check_message(subject: str, body: str, sender_name: str) -> AdminMessage:
    """Every problem at once, each on its own field."""
    subject, sender_name, body = (
        " ".join(subject.split()),
        " ".join(sender_name.split()),
        body.strip(),
    )
    problems = []
    if not subject:
        problems.append(DomainError(ErrorCode.INVALID, "A subject is required", "subject"))
    elif len(subject) > MAX_SUBJECT:
        problems.append(
            DomainError(
                ErrorCode.INVALID,
                "A subject has at most {max_subject} characters",
                "subject",
                max_subject=MAX_SUBJECT,
            )
        )
    if not body:
        problems.append(DomainError(ErrorCode.INVALID, "The message is empty", "body"))
    elif len(body) > MAX_BODY:
        problems.append(
            DomainError(
                ErrorCode.INVALID,
                "A message has at most {max_body} characters",
                "body",
                max_body=MAX_BODY,
            )
        )
    if not sender_name:
        problems.append(DomainError(ErrorCode.INVALID, "A sender name is required", "senderName"))
    elif len(sender_name) > MAX_SENDER:
        problems.append(
            DomainError(
                ErrorCode.INVALID,
                "A sender name has at most {max_sender} characters",
                "senderName",
                max_sender=MAX_SENDER,
            )
        )
    if problems:
        raise DomainErrors(problems)
    return AdminMessage(subject, body, sender_name)


def check_recipient_count(count: int) -> None:
    if count == 0:
        raise DomainError(ErrorCode.INVALID, "Choose at least one recipient", "personIds")
    if count > MAX_RECIPIENTS:
        raise DomainError(
            ErrorCode.INVALID,
            "At most {max_recipients} recipients per message",
            "personIds",
            max_recipients=MAX_RECIPIENTS,
        )
