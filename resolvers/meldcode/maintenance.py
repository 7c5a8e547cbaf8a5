"""Key rotation and the retention purge: jobs and commands, outside any request."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from domain.meldcode.retention import DEFAULT_RETENTION_MONTHS, purge_due
from persistence.db import Database
from persistence.meldcode import queries as q
from persistence.meldcode.cipher import Keyring

ROTATE_BATCH = 500


async def rotate_keys(database: Database, keys: Sequence[str], batch: int = ROTATE_BATCH) -> int:
    """Re-encrypt every meldcode text under the first key; batch by batch, each batch its own
    transaction, so the service keeps answering (older keys still decrypt until removed)."""
    keyring = Keyring(keys)
    total = 0
    for table, column in q.CIPHERTEXT_COLUMNS:
        after = 0
        while True:
            async with database.transaction() as session:
                last, rewritten = await q.rotate_batch(
                    session, keyring, table, column, after, batch
                )
            total += rewritten
            if last == after:
                break
            after = last
    return total


async def purge_expired(database: Database, today: date, now: datetime) -> int:
    """Purge the content of closed cases whose board's retention period has passed."""
    async with database.transaction() as session:
        closed = await q.closed_unpurged(session)
        retention = await q.retention_by_board(session, sorted({b for _, b, _ in closed}))
        due = [
            case_id
            for case_id, board, closed_on in closed
            if purge_due(closed_on, retention.get(board, DEFAULT_RETENTION_MONTHS)) <= today
        ]
        return await q.purge_cases(session, due, now)
