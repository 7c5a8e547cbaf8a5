"""GraphiQL served from this package: pinned, MIT-licensed builds, so it works offline.

The files come from the npm registry through `scripts/vendor-graphiql.sh` (README, dependencies).
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, PlainTextResponse, Response

ASSETS = Path(__file__).resolve().parent / "static" / "graphiql"
MEDIA_TYPES = {".js": "text/javascript", ".css": "text/css", ".txt": "text/plain"}
# Only these names are served: a request path never reaches the file system.
SERVED = {
    "graphiql.min.js",
    "graphiql.min.css",
    "plugin-explorer.umd.js",
    "plugin-explorer.css",
    "react.production.min.js",
    "react-dom.production.min.js",
    "start.js",
    "LICENSES.txt",
}


@cache
def page() -> str:
    return (ASSETS / "index.html").read_text()


def ide_response() -> Response:
    # The page runs only our own scripts; a CSP says so (the editor needs inline styles).
    csp = (
        "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
        "font-src 'self' data:; connect-src 'self'; frame-ancestors 'none'"
    )
    return HTMLResponse(page(), headers={"Content-Security-Policy": csp})


async def asset(request: Request) -> Response:
    name = request.path_params["name"]
    if name not in SERVED:
        return PlainTextResponse("Not found", status_code=404)
    path = ASSETS / name
    return FileResponse(
        path,
        media_type=MEDIA_TYPES[path.suffix] + "; charset=utf-8",
        headers={"Cache-Control": "public, max-age=86400"},
    )
