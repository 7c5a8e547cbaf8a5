"""A private PostgreSQL cluster for tests that restart or crash the server (issue 17 faults).

The shared server on 5432 serves everyone's tests and CI: never restart it. This one lives in
a temporary directory owned by the `postgres` OS user (initdb refuses to run as root), listens
on a free loopback port and is gone after the test.
"""

from __future__ import annotations

import os
import pwd
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.live_server import free_port

BIN = Path(os.environ.get("PORTAAL_PG_BIN", "/usr/lib/postgresql/15/bin"))
OS_USER = "postgres"


def unavailable_reason() -> str | None:
    """Why a private cluster cannot be started here, or None."""
    if not (BIN / "initdb").exists():
        return f"no initdb in {BIN} (set PORTAAL_PG_BIN)"
    try:
        pwd.getpwnam(OS_USER)
    except KeyError:
        return f"no {OS_USER!r} OS user to run initdb as"
    if os.geteuid() != 0:
        return "initdb must run as the postgres OS user: the tests need root to switch to it"
    if shutil.which("runuser") is None:
        return "runuser not found"
    return None


class PrivateCluster:
    """One initdb'd cluster: `url` of its database `portaal`, and restart/stop by pg_ctl."""

    def __init__(self, folder: Path, port: int) -> None:
        self.folder, self.port = folder, port
        self.data = folder / "data"
        self.url = f"postgresql://postgres@127.0.0.1:{port}/portaal"

    def _as_postgres(self, *command: str, timeout: float = 120) -> str:
        done = subprocess.run(
            ["runuser", "-u", OS_USER, "--", *command],
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        if done.returncode != 0:
            raise RuntimeError(f"{command[0]} failed: {done.stdout}\n{done.stderr}")
        return done.stdout

    def pg_ctl(self, action: str, *options: str) -> None:
        server_options = f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1"
        self._as_postgres(
            str(BIN / "pg_ctl"),
            action,
            "-D",
            str(self.data),
            "-w",
            "-l",
            str(self.folder / "server.log"),
            "-o",
            server_options,
            *options,
        )

    def restart(self, mode: str) -> None:
        """`pg_ctl restart -m fast` (sessions ended) or `-m immediate` (a crash, then
        recovery from the WAL); returns once the server accepts connections again."""
        self.pg_ctl("restart", "-m", mode)

    def psql(self, sql: str, database: str = "postgres") -> str:
        return self._as_postgres(
            str(BIN / "psql"),
            "-h",
            str(self.folder),
            "-p",
            str(self.port),
            "-U",
            "postgres",
            "-d",
            database,
            "-Atc",
            sql,
        )


@contextmanager
def private_cluster() -> Iterator[PrivateCluster]:
    """initdb, start on a free port, create the database `portaal`; stopped and removed after."""
    folder = Path(tempfile.mkdtemp(prefix="portaal-pg-"))
    user = pwd.getpwnam(OS_USER)
    os.chown(folder, user.pw_uid, user.pw_gid)
    cluster = PrivateCluster(folder, free_port())
    try:
        cluster._as_postgres(
            str(BIN / "initdb"),
            "-D",
            str(cluster.data),
            "-U",
            "postgres",
            "-A",
            "trust",
            "--no-sync",
        )
        cluster.pg_ctl("start")
        cluster.psql("CREATE DATABASE portaal")
        yield cluster
    finally:
        if (cluster.data / "postmaster.pid").exists():
            cluster.pg_ctl("stop", "-m", "immediate")
        shutil.rmtree(folder, ignore_errors=True)
