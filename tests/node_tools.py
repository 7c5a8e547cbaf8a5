"""npm packages for tests that drive the server with real JavaScript clients (cached in var/)."""

from __future__ import annotations

import shutil
import subprocess
import warnings
from pathlib import Path

import pytest

from portaal.settings import ROOT
from tests.conftest import IN_CI

NODE_DIR = ROOT / "var" / "test-node"


def skip_loudly(what: str, problem: str) -> None:
    if IN_CI:
        pytest.fail(f"{what} must run under CI=true: {problem}")
    warnings.warn(f"!!! {what.upper()} SKIPPED: {problem}", stacklevel=2)
    pytest.skip(f"!!! {what.upper()} SKIPPED: {problem}")


def node_script(what: str, name: str, source: str, packages: list[str]) -> Path:
    """`source` as var/test-node/<name>, with `packages` installed from the npm registry."""
    if not shutil.which("node") or not shutil.which("npm"):
        skip_loudly(what, "node and npm are needed (apt-get install nodejs npm)")
    NODE_DIR.mkdir(parents=True, exist_ok=True)
    package_json = NODE_DIR / "package.json"
    if not package_json.exists():
        package_json.write_text('{"private": true, "type": "module"}')
    marker = NODE_DIR / f".installed-{name}"
    if not marker.exists() or marker.read_text() != " ".join(packages):
        done = subprocess.run(
            ["npm", "install", "--silent", "--no-audit", "--no-fund", *packages],
            cwd=NODE_DIR,
            capture_output=True,
            text=True,
            timeout=300,
        )
        if done.returncode != 0:
            skip_loudly(what, f"npm install {' '.join(packages)} failed: {done.stderr[:300]}")
        marker.write_text(" ".join(packages))
    script = NODE_DIR / name
    script.write_text(source)
    return script
