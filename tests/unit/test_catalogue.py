"""The message catalogue is complete and current: every id the code uses has nl and en text.

The ids are extracted from the code the way `make messages` does (babel, same keywords) into a
temporary .pot and compared with the committed catalogues, so a new text without translation,
or a catalogue not regenerated after a change, fails here (and so `make test`).
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
LOCALES = ROOT / "resolvers/core/locale"
KEYWORDS = re.search(r"pybabel extract .*?\s-o\s", (ROOT / "Makefile").read_text(), re.S)
PLACEHOLDER = re.compile(r"(?<!\{)\{([a-z_]+)[^{}]*\}(?!\})")


def _extracted(tmp_path: Path) -> set[str]:
    assert KEYWORDS is not None
    keywords = re.findall(r"-k (\S+)", KEYWORDS.group(0))
    pot = tmp_path / "portaal.pot"
    command = [sys.executable, "-m", "babel.messages.frontend", "extract", "-F", "babel.cfg"]
    command += [arg for k in keywords for arg in ("-k", k)]
    command += ["--no-location", "-o", str(pot), "domain", "persistence", "resolvers"]
    command += ["schema", "portaal"]
    subprocess.run(command, cwd=ROOT, check=True, capture_output=True)
    with pot.open("rb") as f:
        return {m.id for m in read_po(f) if m.id}


@pytest.fixture(scope="module")
def extracted(tmp_path_factory: pytest.TempPathFactory) -> set[str]:
    return _extracted(tmp_path_factory.mktemp("pot"))


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_every_message_id_has_a_translation(extracted: set[str], lang: str) -> None:
    with (LOCALES / lang / "LC_MESSAGES/portaal.po").open("rb") as f:
        catalogue = read_po(f, locale=lang)
    translated = {m.id: m.string for m in catalogue if m.id}
    assert sorted(extracted - set(translated)) == [], "run `make messages`"
    assert sorted(set(translated) - extracted) == [], "stale ids: run `make messages`"
    assert [i for i, text in translated.items() if not text] == [], f"translate them in {lang}"
    for message_id, text in translated.items():
        # A translation names the same placeholders, or formatting it would fail.
        assert set(PLACEHOLDER.findall(text)) == set(PLACEHOLDER.findall(message_id)), message_id


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_the_compiled_catalogue_matches_its_source(lang: str) -> None:
    folder = LOCALES / lang / "LC_MESSAGES"
    with (folder / "portaal.po").open("rb") as f:
        source = {m.id: m.string for m in read_po(f, locale=lang) if m.id}
    with (folder / "portaal.mo").open("rb") as f:
        compiled = {m.id: m.string for m in read_mo(f) if m.id}
    assert compiled == source, "run `make messages` to compile the catalogue"


def test_dutch_is_not_english(extracted: set[str]) -> None:
    with (LOCALES / "nl/LC_MESSAGES/portaal.po").open("rb") as f:
        same = [m.id for m in read_po(f, locale="nl") if m.id and m.string == m.id]
    # Words that are the same in both languages ("E-mail") and bare placeholders may stay;
    # sentences may not.
    assert [i for i in same if re.search(r"[a-z]+ [a-z]+", PLACEHOLDER.sub("", i))] == []
