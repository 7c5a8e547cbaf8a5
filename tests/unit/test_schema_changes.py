"""The schema compatibility check (portaal/schema_changes.py) that `make lint` runs."""

from __future__ import annotations

from pathlib import Path

import pytest

from portaal.schema_changes import BASELINE, CHANGELOG, CURRENT, check, main

OLD = """
type Query { learner(id: ID!, deep: Boolean): Learner, learners: [Learner!]! }
type Learner { id: ID!, name: String, score: Int }
enum Status { ACTIVE HIDDEN }
type Filter { status: Status }
"""


def _new(body: str) -> str:
    return OLD + body


def test_an_additive_change_passes_without_a_note() -> None:
    new = OLD.replace("score: Int }", "score: Int, email: String }")
    report = check(OLD, new, "# Schema changelog\n")
    assert report.ok and not report.named


@pytest.mark.parametrize(
    ("new", "coordinate"),
    [
        (OLD.replace(", score: Int }", " }"), "Learner.score"),
        (OLD.replace("score: Int", "score: String"), "Learner.score"),
        (OLD.replace(", deep: Boolean", ""), "Query.learner(deep:)"),
        (
            OLD.replace("learners: [Learner!]!", "learners(cluster: ID!): [Learner!]!"),
            "Query.learners(cluster:)",
        ),
        (OLD.replace("ACTIVE HIDDEN", "ACTIVE"), "Status.HIDDEN"),
        (OLD.replace("type Filter { status: Status }", ""), "Filter"),
    ],
)
def test_a_breaking_change_fails_unless_the_changelog_names_it(new: str, coordinate: str) -> None:
    refused = check(OLD, new, "## Unreleased\n- added things\n")
    assert not refused.ok
    assert [c.coordinate for c in refused.unnamed] == [coordinate]
    accepted = check(OLD, new, f"## Unreleased\n### Breaking\n- `{coordinate}`: use X instead\n")
    assert accepted.ok
    assert [c.coordinate for c in accepted.named] == [coordinate]


def test_naming_another_field_does_not_count() -> None:
    new = OLD.replace(", score: Int }", " }")
    assert not check(OLD, new, "- `Learner.name` changed\n").ok


def test_a_deprecation_needs_a_removal_date() -> None:
    new = OLD.replace("score: Int", 'score: Int @deprecated(reason: "Use scorePercent")')
    undated = check(OLD, new, "- `Learner.score` is deprecated\n")
    assert undated.undated_deprecations == ["Learner.score"]
    assert not undated.ok
    dated = check(OLD, new, "| `Learner.score` | `scorePercent` | 2027-03-01 |\n")
    assert dated.ok


def test_a_new_enum_value_is_a_warning_not_an_error() -> None:
    new = OLD.replace("ACTIVE HIDDEN", "ACTIVE HIDDEN DELETED")
    report = check(OLD, new, "")
    assert report.ok
    assert [c.kind for c in report.dangerous] == ["VALUE_ADDED_TO_ENUM"]


def test_the_committed_schema_passes_against_the_committed_baseline(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert BASELINE.exists() and CURRENT.exists() and CHANGELOG.exists()
    assert main([]) == 0
    assert "no unnamed breaking change" in capsys.readouterr().out


def test_command_line_exit_codes_and_release(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    baseline, current, changelog = tmp_path / "b.graphql", tmp_path / "c.graphql", tmp_path / "c.md"
    baseline.write_text(OLD)
    current.write_text(OLD.replace(", score: Int }", " }"))
    changelog.write_text("# Schema changelog\n")
    files = ["--baseline", str(baseline), "--current", str(current), "--changelog", str(changelog)]
    assert main(files) == 1
    assert "Learner.score" in capsys.readouterr().err
    changelog.write_text("### Breaking\n- `Learner.score` removed: use `Learner.scorePercent`\n")
    assert main(files) == 0
    assert main([*files, "--release"]) == 0
    assert baseline.read_text() == current.read_text()
