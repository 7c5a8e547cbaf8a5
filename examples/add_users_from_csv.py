#!/usr/bin/env python3
"""Add the users in a CSV file to an academy cluster and give them a course, over the GraphQL API.

Usage:
    PORTAAL_TOKEN=<api token> python examples/add_users_from_csv.py users.csv \\
        --cluster "Regio Noord" --course "Privacy en de AVG" [--url http://127.0.0.1:8000/graphql]

The CSV needs a column `email` (a header row); other columns are ignored. Create the token in
GraphQL with `createApiToken` for your cluster-admin role: the script then has exactly that role's
rights. Only httpx is needed (it is a dependency of the test tools).
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import os
import sys
from pathlib import Path
from typing import Any

import httpx

UNITS = "{ viewer { administeredUnits { id name kind } } courses { id title } }"
ADD = """mutation($c: ID!, $e: [String!]!) { addUsers(clusterId: $c, emails: $e) {
  seatsLeft results { entry outcome message learner { id } } errors { field message } } }"""
ASSIGN = """mutation($ids: [ID!]!, $c: [ID!]!, $m: CourseMailInput!, $k: String) {
  assignCourses(selection: {userIds: $ids}, courseIds: $c, mail: $m, idempotencyKey: $k) {
    enrolmentsCreated courses { course { title } receiving alreadyHas } errors { field message } } }"""


class ApiError(RuntimeError):
    pass


async def call(
    client: httpx.AsyncClient, query: str, variables: dict[str, Any] | None = None
) -> dict[str, Any]:
    # The endpoint itself, without the trailing slash httpx would add to a relative path.
    response = await client.post(
        str(client.base_url).rstrip("/"), json={"query": query, "variables": variables or {}}
    )
    response.raise_for_status()
    body = response.json()
    if body.get("errors"):
        raise ApiError("; ".join(e["message"] for e in body["errors"]))
    return body["data"]


def read_emails(path: Path) -> list[str]:
    with path.open(newline="", encoding="utf-8-sig") as handle:
        return [row["email"] for row in csv.DictReader(handle) if row.get("email", "").strip()]


async def run(
    client: httpx.AsyncClient, emails: list[str], cluster_name: str, course_title: str
) -> dict[str, Any]:
    known = await call(client, UNITS)
    cluster = next(
        (u for u in known["viewer"]["administeredUnits"] if u["name"] == cluster_name), None
    )
    course = next((c for c in known["courses"] if c["title"] == course_title), None)
    if cluster is None or course is None:
        raise ApiError(
            f"unknown cluster {cluster_name!r} or course {course_title!r} for this token"
        )
    added = (await call(client, ADD, {"c": cluster["id"], "e": emails}))["addUsers"]
    if added["errors"]:
        raise ApiError("; ".join(e["message"] for e in added["errors"]))
    ids = [r["learner"]["id"] for r in added["results"] if r["learner"]]
    mail = {
        "subject": f"Nieuwe cursus: {course_title}",
        "introduction": "Je kunt beginnen met een nieuwe cursus.",
        "closing": "Veel succes!",
        "senderName": cluster_name,
    }
    assigned = (
        await call(
            client,
            ASSIGN,
            {
                "ids": ids,
                "c": [course["id"]],
                "m": mail,
                "k": f"csv-import:{cluster['id']}:{course['id']}:{len(ids)}",
            },
        )
    )["assignCourses"]
    if assigned["errors"]:
        raise ApiError("; ".join(e["message"] for e in assigned["errors"]))
    return {"added": added, "assigned": assigned}


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("csv", type=Path)
    parser.add_argument("--cluster", required=True)
    parser.add_argument("--course", required=True)
    parser.add_argument(
        "--url", default=os.environ.get("PORTAAL_URL", "http://127.0.0.1:8000/graphql")
    )
    args = parser.parse_args()
    token = os.environ.get("PORTAAL_TOKEN")
    if not token:
        parser.error("set PORTAAL_TOKEN to an API token (createApiToken)")

    async def go() -> dict[str, Any]:
        headers = {"authorization": f"Bearer {token}"}
        async with httpx.AsyncClient(base_url=args.url, headers=headers, timeout=60) as client:
            return await run(client, read_emails(args.csv), args.cluster, args.course)

    try:
        result = asyncio.run(go())
    except ApiError as e:
        print(f"refused: {e}", file=sys.stderr)
        return 1
    for r in result["added"]["results"]:
        print(f"{r['entry']:<40} {r['outcome']:<24} {r['message']}")
    print(f"seats left: {result['added']['seatsLeft']}")
    for c in result["assigned"]["courses"]:
        print(f"{c['course']['title']}: {c['receiving']} new, {c['alreadyHas']} had it already")
    return 0


if __name__ == "__main__":
    sys.exit(main())
