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
