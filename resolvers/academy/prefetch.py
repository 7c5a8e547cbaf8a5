"""One batch per relation for a page of learners, before any of its fields resolves."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Iterable
from typing import Any

from persistence.academy.models import Enrolment, Label, Learner, pk
from resolvers.context import Context
from resolvers.core.prefetch import MISSING, peek


async def prefetch_learners(ctx: Context, rows: Iterable[Learner], wanted: frozenset[str]) -> None:
    """Load what the selected fields (`wanted`: field names) of these learners will read."""
    loaders, academy = ctx.loaders, ctx.loaders.academy
    rows = list(rows)
    person_ids = list(dict.fromkeys(r.person_id for r in rows))
    first: list[Awaitable[Any]] = [loaders.unit_by_id.load_many(list({r.cluster_id for r in rows}))]
    if "person" in wanted:
        first += [
            loaders.person_by_id.load_many(person_ids),
            loaders.unit_paths_by_person.load_many(person_ids),
        ]
    if "enrolments" in wanted:
        first.append(academy.enrolments_by_person.load_many(person_ids))
    if "labels" in wanted:
        first.append(academy.label_ids_by_person.load_many(person_ids))
    await asyncio.gather(*first)

    enrolments: list[Enrolment] = []
    label_ids: set[int] = set()
    for person_id in person_ids:
        found = peek(academy.enrolments_by_person, person_id)
        enrolments += [] if found is MISSING else found
        ids = peek(academy.label_ids_by_person, person_id)
        label_ids.update([] if ids is MISSING else ids)
    ids = [pk(e) for e in enrolments]
    second: list[Awaitable[Any]] = [
        loaders.unit_by_id.load_many(list({e.cluster_id for e in enrolments}))
    ]
    if "course" in wanted:
        second.append(academy.course_by_id.load_many(list({e.course_id for e in enrolments})))
    if "examAttempts" in wanted or "examAttemptsLeft" in wanted:
        second.append(academy.attempts_by_enrolment.load_many(ids))
    if "certificate" in wanted:
        second.append(academy.certificate_by_enrolment.load_many(ids))
    if label_ids:
        second.append(academy.label_by_id.load_many(sorted(label_ids)))
    await asyncio.gather(*second)

    labels = [peek(academy.label_by_id, i) for i in label_ids]
    owners = {lb.owner_unit_id for lb in labels if isinstance(lb, Label)}
    if owners:
        await loaders.unit_by_id.load_many(sorted(owners))
