"""One message catalogue for every text a person reads: Dutch by default, English by choice.

Message ids are the English texts with named placeholders (`"At most {count} users at once"`);
`resolvers/core/locale/<lang>/LC_MESSAGES/portaal.po` holds the translations, compiled to `.mo`
by `make messages` (babel). The request's language is set once per request (the viewer's
choice, else `Accept-Language`); mails, PDFs and exports pass the reader's language explicitly.
"""

from __future__ import annotations

import gettext
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date, datetime
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any, Literal

from babel import Locale
from babel.dates import format_date as babel_format_date
from babel.lists import format_list
from babel.numbers import format_decimal as babel_format_decimal
from babel.numbers import format_percent as babel_format_percent

from domain.core.errors import DomainError
from domain.core.texts import N_ as N_
from domain.core.texts import Text  # re-exported: mark ids where they are defined

LANGUAGES = ("nl", "en")
DEFAULT_LANGUAGE = "nl"
DOMAIN = "portaal"
LOCALE_DIR = Path(__file__).resolve().parent / "locale"

_language: ContextVar[str] = ContextVar("language", default=DEFAULT_LANGUAGE)


@cache
def _catalogue(language: str) -> gettext.NullTranslations:
    return gettext.translation(DOMAIN, LOCALE_DIR, languages=[language], fallback=True)


def current_language() -> str:
    return _language.get()


@contextmanager
def language(lang: str | None) -> Iterator[str]:
    """Run a block in `lang` (nl when unknown), e.g. a request or a mail to one recipient."""
    chosen = lang if lang in LANGUAGES else DEFAULT_LANGUAGE
    token = _language.set(chosen)
    try:
        yield chosen
    finally:
        _language.reset(token)


def translate(message_id: str, lang: str | None = None, **params: Any) -> str:
    """The message in `lang` (default: the request's), its placeholders filled in.

    A date parameter is written the reader's way ("23 november 2026"); other values as given.
    """
    text = _catalogue(lang or _language.get()).gettext(message_id)
    if not params:
        return text
    return text.format(**{k: _shown(v, lang) for k, v in params.items()})


def _shown(value: Any, lang: str | None) -> Any:
    if isinstance(value, date | datetime):
        return format_date(value, lang)
    if isinstance(value, Decimal) and value.is_finite():
        # As many decimals as the value has, with the reader's decimal sign: "7,1".
        exponent = value.as_tuple().exponent
        digits = -exponent if isinstance(exponent, int) and exponent < 0 else 0
        return babel_format_decimal(
            value, format="#,##0" + ("." + "0" * digits if digits else ""), locale=_locale(lang)
        )
    if isinstance(value, Text):
        return render(value, lang)
    if isinstance(value, tuple) and all(isinstance(v, Text) for v in value):
        return "; ".join(render(v, lang) for v in value)
    return value


def render(text: Text, lang: str | None = None) -> str:
    """A domain function's sentence (a Text) in `lang` (default: the request's)."""
    return translate(text.id, lang, **text.params)


def negotiate(accept_language: str | None) -> str:
    """The best of our languages for an `Accept-Language` header; Dutch when none fits."""
    best, best_q = DEFAULT_LANGUAGE, -1.0
    for position, part in enumerate((accept_language or "").split(",")):
        tag, _, q = part.strip().partition(";q=")
        primary = tag.split("-")[0].strip().lower()
        try:
            weight = float(q) if q else 1.0
        except ValueError:
            continue
        # Earlier entries win ties, as the header lists them in preference order.
        if primary in LANGUAGES and weight > best_q and weight > 0:
            best, best_q = primary, weight - position * 1e-6
    return best


def format_date(value: date | datetime, lang: str | None = None, style: str = "long") -> str:
    """ "23 november 2026" in Dutch, "23 November 2026" in English."""
    return babel_format_date(value, format=style, locale=_locale(lang))


def format_decimal(value: Decimal | float | int, lang: str | None = None, digits: int = 1) -> str:
    """A grade or average with a decimal comma in Dutch: "7,1"."""
    return babel_format_decimal(value, format=f"#,##0.{'0' * digits}", locale=_locale(lang))


def format_percent(share: Decimal | float, lang: str | None = None, digits: int = 1) -> str:
    """A share (0.667) as a percentage: "66,7 %" in Dutch, "66.7%" in English."""
    space = " " if (lang or _language.get()) == "nl" else ""
    pattern = f"#,##0.{'0' * digits}{space}%"
    return babel_format_percent(share, format=pattern, locale=_locale(lang))


@cache
def _locale_of(lang: str) -> Locale:
    return Locale.parse(lang)


def _locale(lang: str | None) -> Locale:
    return _locale_of(lang or _language.get())


def message_of(error: DomainError, lang: str | None = None) -> str:
    """A domain failure as a person reads it, in `lang` (default: the request's)."""
    return translate(error.message_id, lang, **error.params)


def join_names(
    message_ids: list[str],
    lang: str | None = None,
    style: Literal["standard", "or"] = "standard",
) -> str:
    """Translated names as one phrase: "docent, leerling en de mentor" ("or": "of")."""
    names = [translate(m, lang) for m in message_ids]
    return format_list(names, style=style, locale=_locale(lang)) if names else ""
