"""Plain data: values the compiled executor may complete itself (schema.core.execution).

A value is plain when graphql-core would complete it without anything special: not an
awaitable, not an async iterable, not an exception. Anything else makes the compiled path
`Bail`, and graphql-core's generic executor runs that part again with its own semantics.
"""

from __future__ import annotations

from types import CoroutineType, GeneratorType
from typing import Any

from graphql.pyutils import Undefined


class Bail(Exception):
    """Something the compiled path does not handle: the generic executor takes over."""


_PLAIN: dict[type, bool] = {
    cls: True for cls in (str, int, bool, float, list, tuple, dict, type(None), bytes)
}


def is_plain(cls: type) -> bool:
    """Whether instances of `cls` are neither awaitable nor async iterables nor exceptions."""
    plain = _PLAIN.get(cls)
    if plain is None:
        plain = _PLAIN[cls] = not (
            issubclass(cls, BaseException | CoroutineType | GeneratorType)
            or cls is type(Undefined)
            or hasattr(cls, "__await__")
            or hasattr(cls, "__aiter__")
            # an instance could answer `__await__` itself
            or any("__getattr__" in vars(c) for c in cls.__mro__)
        )
    return plain


def discard(value: Any) -> None:
    """Close coroutines that will not be awaited (a list's too), so none warns unawaited."""
    if isinstance(value, CoroutineType):
        value.close()
    elif isinstance(value, list | tuple):
        for item in value:
            discard(item)
