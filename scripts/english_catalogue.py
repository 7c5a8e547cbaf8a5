"""Fill the English catalogue: the message ids are English, so an empty msgstr gets its id.

Run by `make messages` after `pybabel update`, so `en` is complete and a translator can still
improve a sentence there without touching the code.
"""

from __future__ import annotations

import sys
from pathlib import Path

from babel.messages.pofile import read_po, write_po

PO = Path(__file__).resolve().parent.parent / "resolvers/core/locale/en/LC_MESSAGES/portaal.po"


def main() -> int:
    with PO.open("rb") as f:
        catalogue = read_po(f, locale="en")
    for message in catalogue:
        if message.id and not message.string:
            message.string = message.id
    with PO.open("wb") as f:
        write_po(f, catalogue, omit_header=False, sort_output=True, include_lineno=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
