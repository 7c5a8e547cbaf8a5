"""The schema's compatibility check (`make lint`): a breaking change to `schema.graphql`
fails unless docs/schema-changelog.md names it, and every deprecation has a removal date.

The comparison is against `schema.baseline.graphql`, the schema of the last release, committed
beside it — CI runs on a clean clone without history, so git cannot be asked. graphql-core's
`find_breaking_changes` decides what breaks a client (removed fields, arguments, enum values,
changed types, new required arguments); "dangerous" changes (a new enum value, a changed
default) are printed as warnings. A change is named when its schema coordinate (`Type.field`,
`Type.field(arg:)`, `Enum.VALUE`, or the type) appears in backticks in the changelog.

    python -m portaal.schema_changes            # check (exit 1 on an unnamed breaking change)
    python -m portaal.schema_changes --release  # after a release: the baseline := current
"""

from __future__ import annotations

import argparse
import re
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

from graphql import (
    GraphQLSchema,
    build_schema,
    find_breaking_changes,
    find_dangerous_changes,
    is_enum_type,
    is_input_object_type,
    is_interface_type,
    is_object_type,
)

ROOT = Path(__file__).resolve().parent.parent
CURRENT = ROOT / "schema.graphql"
BASELINE = ROOT / "schema.baseline.graphql"
CHANGELOG = ROOT / "docs" / "schema-changelog.md"

_DOTTED = re.compile(r"\b([A-Za-z_]\w*\.[A-Za-z_]\w*(?:\(\w+:\))?)")
_LEAD_WORDS = {"Field", "Argument", "Enum", "Type", "A", "An", "Interface", "Input", "Union"}
_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")


@dataclass(frozen=True)
class Change:
    kind: str
    description: str

    @property
    def coordinate(self) -> str:
        """The schema coordinate the change is about, as the changelog must name it."""
        dotted = _DOTTED.search(self.description)
        if dotted:
            return dotted.group(1)
        for word in re.findall(r"[A-Za-z_]\w*", self.description):
            if word not in _LEAD_WORDS and word[0].isupper():
                return word
        return self.description


@dataclass(frozen=True)
class Report:
    unnamed: list[Change]
    named: list[Change]
    dangerous: list[Change]
    undated_deprecations: list[str]

    @property
    def ok(self) -> bool:
        return not self.unnamed and not self.undated_deprecations


def named_coordinates(changelog: str) -> set[str]:
    return set(re.findall(r"`([^`\s]+)`", changelog))


def deprecations(schema: GraphQLSchema) -> list[str]:
    """Coordinates of every deprecated field, argument, input field and enum value."""
    found: list[str] = []
    for name, t in sorted(schema.type_map.items()):
        if name.startswith("__"):
            continue
        if is_object_type(t) or is_interface_type(t) or is_input_object_type(t):
            for field_name, f in t.fields.items():  # type: ignore[union-attr]
                if getattr(f, "deprecation_reason", None):
                    found.append(f"{name}.{field_name}")
                for arg_name, a in getattr(f, "args", {}).items():
                    if a.deprecation_reason:
                        found.append(f"{name}.{field_name}({arg_name}:)")
        elif is_enum_type(t):
            for value_name, v in t.values.items():  # type: ignore[union-attr]
                if v.deprecation_reason:
                    found.append(f"{name}.{value_name}")
    return found


def check(baseline_sdl: str, current_sdl: str, changelog: str) -> Report:
    old, new = build_schema(baseline_sdl), build_schema(current_sdl)
    names = named_coordinates(changelog)
    breaking = [
        Change(c.type.name, c.description)
        for c in find_breaking_changes(old, new)
        # A built-in scalar no field uses any more is left out of the SDL; it still exists.
        if not c.description.startswith("Standard scalar")
    ]
    dangerous = [Change(c.type.name, c.description) for c in find_dangerous_changes(old, new)]
    dated = {
        coordinate
        for line in changelog.splitlines()
        if _DATE.search(line)
        for coordinate in named_coordinates(line)
    }
    return Report(
        unnamed=[c for c in breaking if c.coordinate not in names],
        named=[c for c in breaking if c.coordinate in names],
        dangerous=dangerous,
        undated_deprecations=[d for d in deprecations(new) if d not in dated],
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m portaal.schema_changes", description=__doc__)
    parser.add_argument(
        "--release", action="store_true", help="make the current schema the baseline"
    )
    parser.add_argument("--baseline", type=Path, default=BASELINE)
    parser.add_argument("--current", type=Path, default=CURRENT)
    parser.add_argument("--changelog", type=Path, default=CHANGELOG)
    args = parser.parse_args(argv)
    if args.release:
        shutil.copyfile(args.current, args.baseline)
        print(f"{args.baseline.name} is now the released schema")
        return 0
    report = check(args.baseline.read_text(), args.current.read_text(), args.changelog.read_text())
    for c in report.dangerous:
        print(f"warning: {c.kind}: {c.description}")
    for c in report.named:
        print(f"breaking, named in the changelog: {c.description}")
    for c in report.unnamed:
        print(
            f"error: breaking change not in {args.changelog.name}: {c.description} "
            f"(name `{c.coordinate}` there, with what clients must do)",
            file=sys.stderr,
        )
    for d in report.undated_deprecations:
        print(
            f"error: `{d}` is deprecated but {args.changelog.name} gives no removal date "
            "(a line naming it with YYYY-MM-DD)",
            file=sys.stderr,
        )
    if report.ok:
        print(f"schema: no unnamed breaking change against {args.baseline.name}")
    return 0 if report.ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
