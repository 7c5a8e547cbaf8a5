"""The GraphQL-over-HTTP audit (`graphql-http`'s `auditServer`): every MUST, SHOULD and MAY.

The test set-up installs graphql-http from the npm registry into var/test-node (cached);
without node/npm or the registry the test is skipped loudly, except under CI.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from tests.live_server import live_server
from tests.node_tools import node_script

GRAPHQL_HTTP = "graphql-http@1.23.1"
AUDIT = """
import { auditServer } from "graphql-http";
const results = await auditServer({ url: process.argv[2] });
console.log(JSON.stringify(results.map((r) => ({ name: r.name, status: r.status, reason: r.reason }))));
"""


def test_graphql_over_http_audit_passes_completely(tmp_path: Path) -> None:
    script = node_script("graphql-http audit", "audit.mjs", AUDIT, [GRAPHQL_HTTP, "graphql@16"])
    with live_server(tmp_path) as base:
        done = subprocess.run(
            ["node", str(script), f"{base}/graphql"],
            capture_output=True,
            text=True,
            timeout=120,
            check=True,
        )
    results = json.loads(done.stdout)
    assert len(results) >= 50
    failing = [
        f"{r['status']}: {r['name']} — {r['reason']}" for r in results if r["status"] != "ok"
    ]
    assert failing == []
