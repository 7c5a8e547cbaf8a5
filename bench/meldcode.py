"""The board's meldcode aggregate: a board of 30 schools and a few thousand cases, Portaal's
`meldcodeOverview` against a hand-written GROUP BY with the same suppression, in one run.

    python -m bench.meldcode                      # 30 schools, 3,000 cases, 30 rounds
    python -m bench.meldcode --smoke              # 3 schools, 60 cases, one round, checked

It fills its own database (`bench_meldcode`, or `--database-url`; the name must start with
`bench`), migrated with the app's migrations, rows written by table name. Portaal runs in
process (ASGI, no loopback), the floor is one SQL statement on psycopg for the counts plus the
domain's suppression (`domain.meldcode.suppression`, the rule itself, not a restatement).
Both answers must agree on every count before anything is timed; the ratio is per run.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import time
from datetime import date, timedelta
from typing import Any

import httpx
import psycopg

from bench import common
from bench.data import password_hash, reset_and_migrate

URL = "postgresql://postgres@127.0.0.1:5432/bench_meldcode"
BOARD_CONTACT = "bench.board@bench.example"
YEAR = 2025  # the school year 2025-2026
QUARTERS = 4

QUERY = """query($u: ID!, $y: Int!) { meldcodeOverview(unitId: $u, schoolYear: $y) {
  suppressionThreshold
  total { casesOpened { value fewerThan } reportsMade { value fewerThan }
    quarters { casesOpened { value } reportsMade { value } } }
  schools { schoolName figures { casesOpened { value fewerThan } reportsMade { value fewerThan }
    quarters { casesOpened { value } reportsMade { value } } } } } }"""

FLOOR = """
SELECT s.id, s.name,
  ((CAST(EXTRACT(MONTH FROM c.opened_on) AS INTEGER) + 4) %% 12) / 3 AS quarter,
  COUNT(c.id) AS opened,
  COUNT(c.id) FILTER (WHERE EXISTS (
    SELECT 1 FROM meldcode_step_entry e WHERE e.case_id = c.id
      AND e.decision = 'REPORT_TO_VEILIG_THUIS'
      AND NOT EXISTS (SELECT 1 FROM meldcode_step_entry n WHERE n.corrects_entry_id = e.id)
  )) AS reports
FROM org_unit s JOIN meldcode_case c ON c.school_unit_id = s.id
WHERE s.parent_id = %(board)s AND s.kind = 'SCHOOL'
  AND c.opened_on >= %(start)s AND c.opened_on < %(end)s
GROUP BY s.id, s.name, 3
"""


def fill(url: str, schools: int, cases: int, seed: int = 16) -> int:
    """The board, its schools, a board contact, pupils and cases with step entries."""
    from persistence.meldcode.cipher import DEV_KEY, Keyring

    keys = Keyring([DEV_KEY])  # the bench's Settings use the development key
    rng = random.Random(seed)
    reset_and_migrate(url)
    start = date(YEAR, 8, 1)
    with psycopg.connect(common.psycopg_url(url)) as conn:
        cur = conn.cursor()

        def unit(kind: str, name: str, parent: int | None, path: str) -> int:
            row = cur.execute(
                "INSERT INTO org_unit (kind, name, parent_id, path, depth, created_at) "
                "VALUES (%s, %s, %s, '', %s, now()) RETURNING id",
                (kind, name, parent, path.count("/") - 1),
            ).fetchone()
            assert row is not None
            cur.execute("UPDATE org_unit SET path = %s WHERE id = %s", (f"{path}{row[0]}/", row[0]))
            return int(row[0])

        platform = unit("PLATFORM", "Portaal", None, "/")
        board = unit("SCHOOL_BOARD", "Stichting Bench", platform, f"/{platform}/")
        board_path = f"/{platform}/{board}/"
        person = cur.execute(
            "INSERT INTO person (email, given_name, name_prefix, family_name, language, "
            "password_hash, profile_completed, created_at) VALUES (%s, 'Bea', '', 'Bench', 'NL', "
            "%s, true, now()) RETURNING id",
            (BOARD_CONTACT, password_hash(common.PASSWORD)),
        ).fetchone()
        assert person is not None
        cur.execute(
            "INSERT INTO role_assignment (person_id, role, org_unit_id, created_at) "
            "VALUES (%s, 'BOARD_CONTACT', %s, now())",
            (person[0], board),
        )
        school_ids = []
        for i in range(schools):
            school = unit("SCHOOL", f"School {i + 1:02d}", board, board_path)
            location = unit("LOCATION", f"Locatie {i + 1:02d}", school, f"{board_path}{school}/")
            school_ids.append((school, location))
        for n in range(cases):
            # Schools differ in size on purpose: some have small cells, some large.
            school, location = school_ids[min(int(rng.paretovariate(1.2)) - 1, schools - 1)]
            pupil_person = cur.execute(
                "INSERT INTO person (email, given_name, name_prefix, family_name, language, "
                "profile_completed, created_at) VALUES (%s, 'Kind', '', %s, 'NL', true, now()) "
                "RETURNING id",
                (f"leerling{n}@bench.example", f"B{n}"),
            ).fetchone()
            assert pupil_person is not None
            pupil = cur.execute(
                "INSERT INTO pupil (person_id, school_unit_id, class_unit_id, student_number, "
                "date_of_birth, phone, street, postcode, city, programme, created_at) VALUES "
                "(%s, %s, %s, %s, '2015-01-01', '', '', '', '', '', now()) RETURNING id",
                (pupil_person[0], school, location, f"N{n}"),
            ).fetchone()
            assert pupil is not None
            opened = start + timedelta(days=rng.randrange(365))
            case = cur.execute(
                "INSERT INTO meldcode_case (school_unit_id, pupil_ref, pupil_ciphertext, "
                "opened_on, status, outcome_note_ciphertext, created_at) "
                "VALUES (%s, %s, %s, %s, 'OPEN', '', now()) RETURNING id",
                (school, keys.blind_ref(str(pupil[0])), keys.encrypt(str(pupil[0])), opened),
            ).fetchone()
            assert case is not None
            for step in range(1, rng.randint(1, 5) + 1):
                decision = None
                if step == 5:
                    decision = rng.choice(["ORGANISE_HELP", "REPORT_TO_VEILIG_THUIS"])
                cur.execute(
                    "INSERT INTO meldcode_step_entry (case_id, step, entry_date, "
                    "deliberation_ciphertext, documented, veilig_thuis_advice, "
                    "injury_expert_advice, decision, reporter_identity_withheld, recorded_at) "
                    "VALUES (%s, %s, %s, '', %s, %s, false, %s, false, now())",
                    (
                        case[0],
                        step,
                        opened + timedelta(days=3 * step),
                        rng.random() < 0.8,
                        step in (2, 4) and rng.random() < 0.4,
                        decision,
                    ),
                )
        conn.commit()
        # Planner statistics, as autovacuum keeps them in production: without them PostgreSQL
        # plans the per-case aggregate as a nested loop over a table it thinks is empty (9 s).
        conn.execute("ANALYZE")
        conn.commit()
    return board


async def run(url: str, board: int, rounds: int) -> dict[str, Any]:
    from domain.meldcode.suppression import suppress
    from portaal.app import create_app
    from portaal.settings import Settings

    settings = Settings.from_env(
        env="bench",
        database_url=common.sqlalchemy_url(url),
        run_worker_in_process=False,
        json_logs=False,
    )
    app = create_app(settings)
    transport = httpx.ASGITransport(app=app)
    variables = {"u": common.gid("OrgUnit", board), "y": YEAR}
    async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
        login = await client.post(
            "/graphql",
            json={
                "query": "mutation($e:String!,$p:String!){login(email:$e,password:$p){token}}",
                "variables": {"e": BOARD_CONTACT, "p": common.PASSWORD},
            },
        )
        token = login.json()["data"]["login"]["token"]
        headers = {"authorization": f"Bearer {token}"}

        async def portaal() -> dict[str, Any]:
            r = await client.post(
                "/graphql", json={"query": QUERY, "variables": variables}, headers=headers
            )
            body = r.json()
            assert "errors" not in body, body
            return body["data"]["meldcodeOverview"]  # type: ignore[no-any-return]

        conn = await psycopg.AsyncConnection.connect(common.psycopg_url(url))

        async def floor() -> dict[str, Any]:
            params = {"board": board, "start": date(YEAR, 8, 1), "end": date(YEAR + 1, 8, 1)}
            rows = await (await conn.execute(FLOOR, params)).fetchall()
            threshold_row = await (
                await conn.execute(
                    "SELECT suppression_threshold FROM meldcode_board_policy "
                    "WHERE board_unit_id = %s",
                    (board,),
                )
            ).fetchone()
            threshold = threshold_row[0] if threshold_row else 5
            names = await (
                await conn.execute(
                    "SELECT id, name FROM org_unit WHERE parent_id = %s AND kind = 'SCHOOL' "
                    "ORDER BY name, id",
                    (board,),
                )
            ).fetchall()
            index = {sid: i for i, (sid, _) in enumerate(names)}
            opened = [[0] * QUARTERS for _ in names]
            reports = [[0] * QUARTERS for _ in names]
            for sid, _name, q, o, rep in rows:
                opened[index[sid]][q] = o
                reports[index[sid]][q] = rep
            t_open, t_rep = suppress(opened, threshold), suppress(reports, threshold)

            def count(t: Any, r: int, c: int) -> dict[str, Any]:
                v = t.shown(r, c)
                return {"value": v, "fewerThan": None if v is not None else threshold}

            def figures(r: int) -> dict[str, Any]:
                return {
                    "casesOpened": count(t_open, r, QUARTERS),
                    "reportsMade": count(t_rep, r, QUARTERS),
                    "quarters": [
                        {
                            "casesOpened": {"value": t_open.shown(r, q)},
                            "reportsMade": {"value": t_rep.shown(r, q)},
                        }
                        for q in range(QUARTERS)
                    ],
                }

            return {
                "suppressionThreshold": threshold,
                "total": figures(len(names)),
                "schools": [
                    {"schoolName": name, "figures": figures(i)} for i, (_, name) in enumerate(names)
                ],
            }

        mine, theirs = await portaal(), await floor()
        assert mine == theirs, "Portaal and the floor disagree"
        hidden = sum(
            c["value"] is None
            for s in mine["schools"]
            for c in [
                s["figures"]["casesOpened"],
                *[q["casesOpened"] for q in s["figures"]["quarters"]],
            ]
        )
        timing: dict[str, list[float]] = {"portaal": [], "floor": []}
        for i in range(rounds):
            order = [("portaal", portaal), ("floor", floor)]
            for name, fn in order if i % 2 == 0 else reversed(order):
                t0 = time.perf_counter()
                await fn()
                timing[name].append(time.perf_counter() - t0)
        await conn.close()
    p, f = statistics.median(timing["portaal"]), statistics.median(timing["floor"])
    return {
        "schools": len(mine["schools"]),
        "cases": mine["total"]["casesOpened"]["value"],
        "suppressed school cells (cases opened)": hidden,
        "portaal_ms": round(p * 1000, 2),
        "floor_ms": round(f * 1000, 2),
        "ratio": round(p / f, 1) if f else None,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database-url", default=URL)
    parser.add_argument("--schools", type=int, default=30)
    parser.add_argument("--cases", type=int, default=3000)
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--smoke", action="store_true")
    args = parser.parse_args(argv)
    if args.smoke:
        args.schools, args.cases, args.rounds = 3, 60, 1
        if args.database_url == URL:
            args.database_url = URL + "_smoke"
    started = time.perf_counter()
    board = fill(args.database_url, args.schools, args.cases)
    result = asyncio.run(run(args.database_url, board, args.rounds))
    for key, value in result.items():
        print(f"{key}: {value}")
    print(f"bench meldcode done in {time.perf_counter() - started:.0f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
