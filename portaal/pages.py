"""HTML pages of the HTTP routes, rendered from portaal/templates with autoescape on."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import jinja2
from starlette.responses import HTMLResponse

TEMPLATES = Path(__file__).resolve().parent / "templates"


@cache
def _env() -> jinja2.Environment:
    # Every value shown is data (subjects, addresses, mail bodies): always escaped.
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
    )


def page(
    template: str, status_code: int = 200, headers: dict[str, str] | None = None, **values: Any
) -> HTMLResponse:
    html = _env().get_template(template).render(**values)
    return HTMLResponse(html, status_code=status_code, headers=headers)
