"""The Docker files, read as the engine would (there is no engine on the test machine): pinned
base images, a numeric USER, health checks for app and worker, /metrics closed at the proxy,
and a build-time template check that really tests the installed package."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOCKERFILE = (ROOT / "docker" / "Dockerfile").read_text()
COMPOSE = (ROOT / "docker" / "compose.yaml").read_text()
NGINX = (ROOT / "docker" / "nginx.conf").read_text()


def _images() -> list[str]:
    froms = re.findall(r"^FROM\s+(\S+)", DOCKERFILE, re.M)
    composed = re.findall(r"^\s+image:\s+(\S+)", COMPOSE, re.M)
    return froms + [i for i in composed if i != "portaal:local"]


def test_every_base_image_is_pinned_to_a_version() -> None:
    images = _images()
    assert len(images) == 5, images  # python (build, runtime), postgres, nginx, mailpit
    for image in images:
        _name, _, tag = image.partition(":")
        assert tag and tag != "latest", image
        assert re.search(r"\d+\.\d+", tag), f"{image}: pin a release, not a moving tag"


def test_the_image_runs_as_a_numeric_non_root_user() -> None:
    [user] = re.findall(r"^USER\s+(\S+)", DOCKERFILE, re.M)
    uid, _, gid = user.partition(":")
    assert uid.isdigit() and int(uid) != 0 and gid.isdigit()
    assert f"--uid {uid}" in DOCKERFILE


def test_app_and_worker_have_health_checks() -> None:
    assert "HEALTHCHECK" in DOCKERFILE and "/healthz" in DOCKERFILE
    worker = COMPOSE[COMPOSE.index("\n  worker:") :]
    worker = worker[: worker.index("\n  mailpit:")]
    assert '["CMD", "portaal", "worker", "--check"]' in worker
    assert "disable: true" not in worker
    # The heartbeat lives where the non-root user may write.
    assert "PORTAAL_WORKER_HEARTBEAT=/app/var/worker.heartbeat" in DOCKERFILE


def test_nginx_closes_metrics_and_passes_websockets() -> None:
    block = re.search(r"location = /metrics \{([^}]*)\}", NGINX)
    assert block and "return 404" in block.group(1)
    assert "proxy_set_header Upgrade $http_upgrade" in NGINX


def _template_check() -> str:
    match = re.search(r'python -I -c "(.*?)" \\\n', DOCKERFILE, re.S)
    assert match, "the build-time check is missing"
    return match.group(1).replace("\\\n", "")  # the shell's line continuations


def test_build_time_check_imports_the_installed_package_and_can_fail() -> None:
    """Here the project is installed in editable mode, so the modules come from the source
    tree, not site-packages: the build's check must refuse exactly that (the old check,
    run inside /src, imported the source and could never fail)."""
    check = _template_check()
    assert "cd / && python -I -c" in DOCKERFILE
    result = subprocess.run(
        [sys.executable, "-I", "-c", check], cwd="/", capture_output=True, text=True, check=False
    )
    assert result.returncode != 0
    assert "imported from the source tree" in result.stderr
