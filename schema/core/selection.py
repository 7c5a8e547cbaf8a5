"""The names of the fields a request selects below a field (through fragments), for prefetching."""

from __future__ import annotations

from typing import Any

from schema.core.info import Info


def selected_names(info: Info) -> frozenset[str]:
    """Every field name selected anywhere below the current field."""
    names: set[str] = set()
    stack: list[Any] = list(info.selected_fields)
    while stack:
        node = stack.pop()
        name = getattr(node, "name", None)
        if name:
            names.add(name)
        stack.extend(getattr(node, "selections", ()) or ())
    return frozenset(names)
