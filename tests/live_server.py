"""The real app under uvicorn on a free loopback port, for tests driving it from outside."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from persistence.migrate import upgrade
from portaal.app import create_app
from tests.conftest import make_settings


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def live_server(folder: Path, **settings: Any) -> Iterator[str]:
    """A migrated empty SQLite database in `folder`; yields the base URL."""
    import uvicorn

    url = f"sqlite+aiosqlite:///{folder / 'live.db'}"
    upgrade(url.replace("+aiosqlite", ""))
    port = free_port()
    app = create_app(make_settings(url, **settings))
    server = uvicorn.Server(
        uvicorn.Config(
            app,
            host="127.0.0.1",
            port=port,
            log_level="warning",
            lifespan="on",
            proxy_headers=False,
        )
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    for _ in range(200):
        if server.started:
            break
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


@contextmanager
def live_workers(database_url: str, workers: int = 2, **env: str) -> Iterator[tuple[str, int]]:
    """`portaal serve --workers N` as a child process on `database_url` (already migrated);
    yields (base URL, its process id) once it answers. The production command, so each worker process
    builds its own app and connection pool from the environment."""
    import os
    import signal
    import subprocess
    import sys
    import tempfile

    import httpx

    port = free_port()
    environment = {
        **os.environ,
        "DATABASE_URL": database_url,
        "PORTAAL_ENV": "test",
        "PORTAAL_SECRET_KEY": "test-secret",
        "PORTAAL_PUBLIC_URL": "http://portaal.test",
        "PORTAAL_WORKER_IN_PROCESS": "0",
        "PORTAAL_LOG_FORMAT": "text",
        **env,
    }
    portaal = Path(sys.executable).with_name("portaal")
    command = [str(portaal), "serve", "--host", "127.0.0.1", "--port", str(port)]
    # Its log goes to a file: a pipe nobody reads fills up and then blocks every worker.
    log = tempfile.TemporaryFile()
    process = subprocess.Popen(
        [*command, "--workers", str(workers)],
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=log,
        start_new_session=True,  # its own process group: stopped with its workers below
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(600):
            if process.poll() is not None:
                log.seek(0)
                raise RuntimeError(log.read().decode())
            try:
                if httpx.post(f"{base}/graphql", json={"query": "{ __typename }"}).is_success:
                    break
            except httpx.TransportError:
                pass
            time.sleep(0.1)
        else:
            raise RuntimeError("portaal serve did not answer")
        yield base, process.pid
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        log.close()


def worker_processes(pid: int) -> list[int]:
    """uvicorn's worker processes under `pid`: its children started by multiprocessing's
    spawn (not its resource tracker), from /proc (Linux)."""
    children = [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    return [c for c in children if b"spawn_main" in Path(f"/proc/{c}/cmdline").read_bytes()]
