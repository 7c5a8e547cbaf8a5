"""`portaal` command line: serve, migrate, demo, export-schema, check, worker, documents."""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from pathlib import Path

from portaal.settings import ROOT, Settings, sync_database_url


def cmd_migrate(settings: Settings) -> None:
    """Migrate as the owner; then grant the app's role (if another) its rights on the data."""
    from persistence.app_role import app_role_of, grant_app_role
    from persistence.migrate import upgrade

    owner = sync_database_url(settings.database_owner_url)
    upgrade(owner)
    print("database migrated to the latest revision")
    app_role = app_role_of(settings.database_url, settings.database_owner_url)
    if app_role is not None:
        grant_app_role(owner, *app_role)
        print(f"role {app_role[0]} may read and write the data (row-level security applies)")


def cmd_demo(settings: Settings, *, only_if_empty: bool = False) -> bool:
    from persistence.db import Database
    from portaal.demo import load_demo

    async def run() -> bool:
        # Seeding is system work (every tenant at once): `db.transaction()` says so.
        db = Database(settings.database_url)
        try:
            return await load_demo(db, only_if_empty=only_if_empty)
        finally:
            await db.dispose()

    loaded = asyncio.run(run())
    print("demo data loaded" if loaded else "database not empty: demo data left as it is")
    return loaded


def cmd_export_schema(output: Path) -> None:
    from schema.build import print_sdl

    output.write_text(print_sdl())
    print(f"schema written to {output}")


def cmd_check(settings: Settings) -> int:
    from sqlalchemy import create_engine, text

    print(f"environment: {settings.env}")
    print(f"database:    {settings.database_url.split('@')[-1]}")
    try:
        engine = create_engine(sync_database_url(settings.database_url))
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        engine.dispose()
    except Exception as e:
        print(f"database unreachable: {e.__class__.__name__}: {e}")
        return 1
    print("database reachable")
    print(f"smtp:        {settings.smtp_host or 'none (mails stay in the outbox)'}")
    return 0


def cmd_serve(settings: Settings, *, dev: bool, workers: int = 1) -> None:
    import uvicorn

    from portaal.app import create_app
    from portaal.demo import DEMO_LOGINS, DEMO_PASSWORD

    if dev:
        cmd_migrate(settings)
        cmd_demo(settings, only_if_empty=True)
    url = f"http://{settings.host}:{settings.port}/graphql"
    print(
        f"\nPortaal serves GraphQL on {url}"
        + (" (GraphiQL in your browser)" if settings.graphiql else "")
    )
    if dev:
        print(f"Demo logins (password for all: {DEMO_PASSWORD}):")
        for email, what in DEMO_LOGINS:
            print(f"  {email:<38} {what}")
    print()
    # operations (issue 14): our JSON access line replaces uvicorn's, which would log query
    # strings (GET variables, signatures) and the ICS feed's secret path.
    # hardening (issue 17): uvicorn would believe X-Forwarded-For from 127.0.0.1; we read it
    # ourselves, only from PORTAAL_TRUSTED_PROXIES (portaal/proxies.py).
    common = {
        "host": settings.host,
        "port": settings.port,
        "access_log": False,
        "log_config": None,
        "proxy_headers": False,
    }
    if workers > 1:
        # Each worker process builds its app from the environment (flags were copied into it).
        uvicorn.run("portaal.cli:app_factory", factory=True, workers=workers, **common)  # type: ignore[arg-type]
    else:
        uvicorn.run(create_app(settings), **common)  # type: ignore[arg-type]


def app_factory() -> object:
    """What each process of `serve --workers N` runs: logging as configured, then the app."""
    from portaal.app import create_app
    from portaal.observability import configure_logging

    settings = Settings.from_env()
    configure_logging(as_json=settings.json_logs)
    return create_app(settings)


def cmd_worker(settings: Settings, *, once: bool) -> None:
    import signal

    from persistence.db import Database
    from portaal.worker import Worker

    async def run() -> None:
        db = Database(settings.database_url)
        worker = Worker(settings, db)
        try:
            if once:
                await worker.drain()
                return
            stop = asyncio.Event()
            loop = asyncio.get_running_loop()
            for sig in (signal.SIGINT, signal.SIGTERM):
                loop.add_signal_handler(sig, stop.set)
            await worker.run_forever(stop)
        finally:
            await db.dispose()

    asyncio.run(run())


def cmd_documents_register(settings: Settings, manifest: Path, client: str) -> int:
    """Store a client's persisted-operation manifest (Apollo's or Relay's) as trusted documents."""
    import json

    from persistence.db import Database
    from portaal.persisted import register_manifest

    raw = json.loads(manifest.read_text())

    async def run() -> tuple[int, int]:
        db = Database(settings.database_url)
        try:
            return await register_manifest(db, raw, client)
        finally:
            await db.dispose()

    try:
        added, kept = asyncio.run(run())
    except ValueError as e:
        print(f"{manifest}: {e}")
        return 1
    print(f"{added} documents registered, {kept} already known")
    return 0


def cmd_meldcode_rotate_key(settings: Settings) -> int:
    """Re-encrypt every meldcode text under the first of PORTAAL_MELDCODE_KEYS."""
    from persistence.db import Database
    from resolvers.meldcode.maintenance import rotate_keys

    async def run() -> int:
        db = Database(settings.database_url)
        try:
            return await rotate_keys(db, settings.meldcode_keys)
        finally:
            await db.dispose()

    print(f"{asyncio.run(run())} meldcode texts re-encrypted under the newest key")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="portaal", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    serve = sub.add_parser("serve", help="serve GraphQL over HTTP")
    serve.add_argument("--dev", action="store_true", help="migrate and load demo data first")
    serve.add_argument("--host", help="listen address (PORTAAL_HOST)")
    serve.add_argument("--port", type=int, help="listen port (PORTAAL_PORT)")
    serve.add_argument("--workers", type=int, default=1, help="worker processes (default 1)")
    sub.add_parser("migrate", help="upgrade the database to the latest migration")
    sub.add_parser("demo", help="load the demo data set")
    export = sub.add_parser("export-schema", help="write the SDL (schema.graphql)")
    export.add_argument("--output", type=Path, default=ROOT / "schema.graphql")
    sub.add_parser("check", help="check configuration and that the database is reachable")
    worker = sub.add_parser("worker", help="deliver mails and run scheduled jobs")
    worker.add_argument("--once", action="store_true", help="run until nothing is due, then exit")
    worker.add_argument(
        "--check", action="store_true", help="exit 0 if a running worker is alive (health check)"
    )
    documents = sub.add_parser("documents", help="trusted documents (persisted operations)")
    documents_sub = documents.add_subparsers(dest="documents_command", required=True)
    register = documents_sub.add_parser("register", help="register a client's manifest")
    register.add_argument("manifest", type=Path, help="Apollo or Relay persisted-query manifest")
    register.add_argument("--client", default="", help="the client's name, for the record")
    meldcode = sub.add_parser("meldcode", help="meldcode maintenance")
    meldcode_sub = meldcode.add_subparsers(dest="meldcode_command", required=True)
    meldcode_sub.add_parser(
        "rotate-key", help="re-encrypt all meldcode texts under the first PORTAAL_MELDCODE_KEYS key"
    )
    args = parser.parse_args(argv)
    from portaal.observability import configure_logging

    if args.command == "serve":
        # Flags win over the environment; child processes (--workers) read the environment.
        for flag, env in (("host", "PORTAAL_HOST"), ("port", "PORTAAL_PORT")):
            if getattr(args, flag) is not None:
                os.environ[env] = str(getattr(args, flag))

    if args.command == "export-schema":
        cmd_export_schema(args.output)
        return 0
    settings = Settings.from_env()
    configure_logging(as_json=settings.json_logs)
    if args.command == "migrate":
        cmd_migrate(settings)
    elif args.command == "demo":
        cmd_demo(settings)
    elif args.command == "check":
        return cmd_check(settings)
    elif args.command == "worker" and args.check:
        from portaal.worker import heartbeat_fresh

        return 0 if heartbeat_fresh() else 1
    elif args.command == "worker":
        cmd_worker(settings, once=args.once)
    elif args.command == "meldcode":
        return cmd_meldcode_rotate_key(settings)
    elif args.command == "documents":
        return cmd_documents_register(settings, args.manifest, args.client)
    elif args.command == "serve":
        cmd_serve(settings, dev=args.dev, workers=args.workers)
    return 0


if __name__ == "__main__":
    sys.exit(main())
