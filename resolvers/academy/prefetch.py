"""One statement per relation group for a page of learners, before any of its fields resolves.

The page query brought the learners' clusters and, when selected, their persons with the
paths of their roles. Then, as the fields ask: the enrolments with course, certificate and
attempts (one statement, with their clusters), the labels with their owner units (one). Each result primes the loaders the fields
peek at (resolvers.core.prefetch), so the fields resolve synchronously and an object reached
any other way still loads through the same loaders.
"""

from __future__ import annotations

from collections.abc import Iterable

from persistence.academy import queries as aq
from persistence.academy.models import Learner, pk
from persistence.core import people as identity_q
from resolvers.context import Context
from resolvers.core.prefetch import MISSING, peek


async def prefetch_learners(ctx: Context, rows: Iterable[Learner], wanted: frozenset[str]) -> None:
    """Load what the selected fields (`wanted`: field names) of these learners will read."""
    loaders, academy = ctx.loaders, ctx.loaders.academy
    rows = list(rows)
    person_ids = list(dict.fromkeys(r.person_id for r in rows))
    # Primed by the page query; loads only clusters of learners reached some other way.
    units = {r.cluster_id for r in rows}
    if "person" in wanted and any(  # the page query may have brought them
        peek(loaders.unit_paths_by_person, p) is MISSING for p in person_ids
    ):
        people = await ctx.db.read(identity_q.persons_with_unit_paths, person_ids)
        loaders.person_by_id.prime_many(dict(zip(person_ids, (p for p, _ in people), strict=True)))
        loaders.unit_paths_by_person.prime_many(
            dict(zip(person_ids, (paths for _, paths in people), strict=True))
        )
    if "enrolments" in wanted:
        details = await ctx.db.read(aq.enrolment_details_by_person, person_ids, units)
        academy.enrolments_by_person.prime_many(
            {
                pid: [d.enrolment for d in found]
                for pid, found in zip(person_ids, details, strict=True)
            }
        )
        flat = [d for found in details for d in found]
        academy.course_by_id.prime_many({pk(d.course): d.course for d in flat})
        academy.attempts_by_enrolment.prime_many({pk(d.enrolment): d.attempts for d in flat})
        academy.certificate_by_enrolment.prime_many({pk(d.enrolment): d.certificate for d in flat})
        # An enrolment may live in a cluster the learner has left.
        loaders.unit_by_id.prime_many({pk(d.cluster): d.cluster for d in flat if d.cluster})
    if "labels" in wanted:
        labels = await ctx.db.read(aq.labels_with_owners_by_person, person_ids)
        academy.label_ids_by_person.prime_many(
            {
                pid: [pk(lb) for lb, _ in found]
                for pid, found in zip(person_ids, labels, strict=True)
            }
        )
        pairs = [pair for found in labels for pair in found]
        academy.label_by_id.prime_many({pk(lb): lb for lb, _ in pairs})
        loaders.unit_by_id.prime_many({pk(unit): unit for _, unit in pairs})
    missing = [u for u in units if peek(loaders.unit_by_id, u) is MISSING]
    if missing:
        await loaders.unit_by_id.load_many(missing)
