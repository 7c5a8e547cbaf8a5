"""Demo data of the school parent portal."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession


async def load_school_demo(
    session: AsyncSession, units: dict[str, Any], people: dict[str, Any]
) -> None:
    return None
