"""The typed `info` of every resolver in the schema: `info.context` is our Context."""

from __future__ import annotations

from typing import TypeAlias

import strawberry

from resolvers.context import Context

Info: TypeAlias = strawberry.Info[Context, None]
