"""The server the bench measures: Portaal's app with the floor routes added, under uvicorn.

    BENCH_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/bench \\
        uvicorn --factory bench.server:build_app --port 8765

Portaal answers on /graphql as always; /floor/* answer the same reads with the fewest SQL
statements and orjson; /bench/stats reports the statement counters of both (Portaal's is the
`statement_count` of the Database object the app keeps in `app.state`).
"""

from __future__ import annotations

import os

import orjson
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from bench import common, floor
from portaal.app import create_app
from portaal.settings import Settings


def build_app() -> Starlette:
    url = os.environ.get("BENCH_DATABASE_URL", common.DEFAULT_URL)
    settings = Settings.from_env(
        database_url=common.sqlalchemy_url(url), run_worker_in_process=False
    )
    app = create_app(settings)
    floors = floor.Floors(common.psycopg_url(url))

    async def stats(request: Request) -> Response:
        return Response(
            orjson.dumps(
                {
                    "portaal": app.state.database.statement_count,
                    "floor": floors.statement_count,
                }
            ),
            media_type="application/json",
        )

    app.router.routes[:0] = [
        Route("/bench/stats", stats),
        *(
            Route(f"/floor/{name}", handler, methods=["POST"])
            for name, handler in floors.routes().items()
        ),
    ]
    return app
