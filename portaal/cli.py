"""`portaal` command line: serve, migrate, demo, export-schema, check, worker."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from pathlib import Path

from portaal.settings import ROOT, Settings, sync_database_url


def cmd_migrate(settings: Settings) -> None:
    from persistence.migrate import upgrade

    upgrade(sync_database_url(settings.database_url))
    print("database migrated to the latest revision")


def cmd_demo(settings: Settings, *, only_if_empty: bool = False) -> bool:
    from persistence.db import Database
    from portaal.demo import load_demo

    async def run() -> bool:
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


def cmd_serve(settings: Settings, *, dev: bool) -> None:
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
    uvicorn.run(create_app(settings), host=settings.host, port=settings.port, log_level="info")


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


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    parser = argparse.ArgumentParser(prog="portaal", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    serve = sub.add_parser("serve", help="serve GraphQL over HTTP")
    serve.add_argument("--dev", action="store_true", help="migrate and load demo data first")
    sub.add_parser("migrate", help="upgrade the database to the latest migration")
    sub.add_parser("demo", help="load the demo data set")
    export = sub.add_parser("export-schema", help="write the SDL (schema.graphql)")
    export.add_argument("--output", type=Path, default=ROOT / "schema.graphql")
    sub.add_parser("check", help="check configuration and that the database is reachable")
    worker = sub.add_parser("worker", help="deliver mails and run scheduled jobs")
    worker.add_argument("--once", action="store_true", help="run until nothing is due, then exit")
    args = parser.parse_args(argv)

    if args.command == "export-schema":
        cmd_export_schema(args.output)
        return 0
    settings = Settings.from_env()
    if args.command == "migrate":
        cmd_migrate(settings)
    elif args.command == "demo":
        cmd_demo(settings)
    elif args.command == "check":
        return cmd_check(settings)
    elif args.command == "worker":
        cmd_worker(settings, once=args.once)
    elif args.command == "serve":
        cmd_serve(settings, dev=args.dev)
    return 0


if __name__ == "__main__":
    sys.exit(main())
