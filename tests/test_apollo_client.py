"""Apollo Client 4 with its PersistedQueryLink, unchanged, against the real server over HTTP."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from tests.live_server import live_server
from tests.node_tools import node_script

PACKAGES = ["@apollo/client@4.3.8", "graphql@16", "rxjs@7"]
CLIENT = """
import { ApolloClient, InMemoryCache, HttpLink, gql } from "@apollo/client";
import { PersistedQueryLink } from "@apollo/client/link/persisted-queries";
import { createHash } from "node:crypto";

const sent = [];
const recordingFetch = (url, init) => {
  const body = JSON.parse(init.body);
  sent.push({ query: "query" in body, hash: !!body.extensions?.persistedQuery });
  return fetch(url, init);
};
const sha256 = (s) => createHash("sha256").update(s).digest("hex");
const link = new PersistedQueryLink({ sha256 }).concat(
  new HttpLink({ uri: process.argv[2], fetch: recordingFetch }),
);
const client = new ApolloClient({ link, cache: new InMemoryCache() });
const query = gql`query Typename { __typename }`;
const first = await client.query({ query, fetchPolicy: "network-only" });
const second = await client.query({ query, fetchPolicy: "network-only" });
console.log(JSON.stringify({ sent, first: first.data, second: second.data }));
"""


def test_apollo_persisted_query_link_works_unchanged(tmp_path: Path) -> None:
    script = node_script("apollo client test", "apollo.mjs", CLIENT, PACKAGES)
    with live_server(tmp_path) as base:
        done = subprocess.run(
            ["node", str(script), f"{base}/graphql"],
            capture_output=True,
            text=True,
            timeout=120,
        )
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    # Hash only (not found), hash with the document, then hash only again (found).
    assert result["sent"] == [
        {"query": False, "hash": True},
        {"query": True, "hash": True},
        {"query": False, "hash": True},
    ]
    assert result["first"] == result["second"] == {"__typename": "Query"}
