"""Lawful information sharing ("informatiedeling") and the social map ("sociale kaart").

Bijlage 6 of the guidance: without consent, information may be shared only with Veilig Thuis,
the Raad voor de Kinderbescherming, the police, and the certified institution (gecertificeerde
instelling) carrying out a supervision order. Anything else needs consent.
"""

from __future__ import annotations

from enum import Enum

from domain.core.errors import DomainError, ErrorCode
from domain.core.texts import N_


class PartnerKind(str, Enum):
    """The kind of a care partner on a school's social map."""

    VEILIG_THUIS = "VEILIG_THUIS"
    CHILD_PROTECTION_BOARD = "CHILD_PROTECTION_BOARD"  # Raad voor de Kinderbescherming
    POLICE = "POLICE"
    CERTIFIED_INSTITUTION = "CERTIFIED_INSTITUTION"  # gecertificeerde instelling (OTS)
    NEIGHBOURHOOD_TEAM = "NEIGHBOURHOOD_TEAM"  # wijkteam
    YOUTH_CARE = "YOUTH_CARE"  # jeugdhulp
    YOUTH_HEALTH_CARE = "YOUTH_HEALTH_CARE"  # jeugdarts / GGD
    SCHOOL_SOCIAL_WORK = "SCHOOL_SOCIAL_WORK"  # schoolmaatschappelijk werk
    OTHER = "OTHER"


# The four recipients the guidance names for sharing without consent.
WITHOUT_CONSENT: frozenset[PartnerKind] = frozenset(
    {
        PartnerKind.VEILIG_THUIS,
        PartnerKind.CHILD_PROTECTION_BOARD,
        PartnerKind.POLICE,
        PartnerKind.CERTIFIED_INSTITUTION,
    }
)

SHARING_RULE = N_(
    "Without consent, information may only be shared with Veilig Thuis, the Child Protection "
    "Board (Raad voor de Kinderbescherming), the police, or the certified institution carrying "
    "out a supervision order (meldcode, Bijlage 6); {recipient} is none of these"
)
PURPOSE_REQUIRED = N_("State the purpose of sharing; it may not be empty")


def check_sharing(kind: PartnerKind, recipient: str, consent: bool, purpose: str) -> None:
    """Refuse sharing the guidance does not allow, quoting the rule."""
    if not purpose.strip():
        raise DomainError(ErrorCode.INVALID, PURPOSE_REQUIRED, "purpose")
    if not consent and kind not in WITHOUT_CONSENT:
        raise DomainError(ErrorCode.INVALID, SHARING_RULE, "consentObtained", recipient=recipient)
