"""Persisted operations: Apollo's automatic persisted queries (APQ) and trusted documents.

APQ (https://www.apollographql.com/docs/apollo-server/performance/apq): the client sends only
`extensions.persistedQuery.sha256Hash`; an unknown hash answers `PersistedQueryNotFound`, the
client then sends the document with its hash, which we verify and keep in a bounded store.
Trusted documents: with `PORTAAL_TRUSTED_DOCUMENTS=1` only documents registered ahead
(`portaal documents register manifest.json`) run; ad-hoc documents are refused.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import OrderedDict
from dataclasses import dataclass, replace
from typing import Any

from starlette.requests import Request
from strawberry.http import GraphQLRequestData

from persistence.core import documents as documents_q
from persistence.core.models import TrustedDocument
from persistence.db import Database

MAX_DOCUMENT_BYTES = 100_000
# A document id in a URL or body: Relay's md5, Apollo's sha256, or a client's own name.
DOCUMENT_ID = re.compile(r"^(sha256:)?[A-Za-z0-9._:-]{1,200}$")


class PersistedQueryError(Exception):
    """Answered as a GraphQL response with one error and no `data` entry."""

    def __init__(self, message: str, code: str, status: int = 200) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.status = status

    def body(self) -> dict[str, Any]:
        return {"errors": [{"message": self.message, "extensions": {"code": self.code}}]}


FIRST_OPERATION = re.compile(
    r"^\s*(?:#[^\n]*\n\s*)*(?:query|mutation|subscription)\s+([A-Za-z_]\w*)"
)


def operation_name_of(document: str | None) -> str | None:
    """The first operation's name, for logs and metrics when the client sent no operationName."""
    found = FIRST_OPERATION.match(document or "")
    return found.group(1) if found else None


def sha256_hex(document: str) -> str:
    return hashlib.sha256(document.encode()).hexdigest()


class BoundedStore:
    """The APQ cache: least recently used documents go first, so memory stays bounded."""

    def __init__(self, max_entries: int) -> None:
        self.max_entries = max_entries
        self._documents: OrderedDict[str, str] = OrderedDict()

    def get(self, key: str) -> str | None:
        document = self._documents.get(key)
        if document is not None:
            self._documents.move_to_end(key)
        return document

    def put(self, key: str, document: str) -> None:
        self._documents[key] = document
        self._documents.move_to_end(key)
        while len(self._documents) > self.max_entries:
            self._documents.popitem(last=False)

    def __len__(self) -> int:
        return len(self._documents)


@dataclass
class Resolved:
    """What a request turned out to run: the document, and whether it came by reference."""

    data: GraphQLRequestData
    by_reference: bool
    operation_name: str | None


class PersistedOperations:
    """Turns a request that names a document (by hash or id) into one that carries it."""

    def __init__(self, database: Database, *, trusted_only: bool, apq_entries: int) -> None:
        self.database = database
        self.trusted_only = trusted_only
        self.apq = BoundedStore(apq_entries)
        # Registered documents never change, so a found one is kept (bounded like the APQ store).
        self.trusted = BoundedStore(apq_entries)

    async def resolve(self, request: Request, data: GraphQLRequestData) -> Resolved:
        persisted = (data.extensions or {}).get("persistedQuery")
        key = await self._document_id(request, data) if persisted is None else None
        if isinstance(persisted, dict):
            if persisted.get("version") != 1:
                raise PersistedQueryError("Unsupported persisted query version", "BAD_REQUEST")
            key = persisted.get("sha256Hash")
            if not isinstance(key, str) or not re.fullmatch(r"[0-9a-f]{64}", key):
                raise PersistedQueryError(
                    "persistedQuery.sha256Hash must be a sha256 hex digest", "BAD_REQUEST"
                )
        if key is None:
            return await self._ad_hoc(data)
        if data.query is not None:
            return await self._register(key, data)
        found = await self._lookup(key)
        if found is None:
            if persisted is None:
                raise PersistedQueryError(
                    f"No document is registered with id {key!r}", "PERSISTED_QUERY_NOT_FOUND"
                )
            raise PersistedQueryError("PersistedQueryNotFound", "PERSISTED_QUERY_NOT_FOUND")
        document, name = found
        name = data.operation_name or name or operation_name_of(document)
        return Resolved(replace(data, query=document), True, name)

    async def _ad_hoc(self, data: GraphQLRequestData) -> Resolved:
        if self.trusted_only and data.query is not None:
            # The full text of a registered document is as good as its id.
            if await self._lookup(sha256_hex(data.query)) is None:
                raise PersistedQueryError(
                    "Only registered (trusted) documents run on this server: send a documentId "
                    "or a persisted query hash of a registered operation.",
                    "PERSISTED_QUERY_REQUIRED",
                    status=400,
                )
        return Resolved(data, False, data.operation_name or operation_name_of(data.query))

    async def _register(self, key: str, data: GraphQLRequestData) -> Resolved:
        assert data.query is not None
        if sha256_hex(data.query) != key:
            raise PersistedQueryError(
                "provided sha does not match query", "PERSISTED_QUERY_HASH_MISMATCH", status=400
            )
        if self.trusted_only:
            if await self._lookup(key) is None:
                raise PersistedQueryError(
                    "Only registered (trusted) documents run on this server; this one is not.",
                    "PERSISTED_QUERY_REQUIRED",
                    status=400,
                )
        elif len(data.query.encode()) <= MAX_DOCUMENT_BYTES:
            self.apq.put(key, data.query)
        return Resolved(data, False, data.operation_name or operation_name_of(data.query))

    async def _lookup(self, key: str) -> tuple[str, str | None] | None:
        if not self.trusted_only and (document := self.apq.get(key)) is not None:
            return document, None
        if (cached := self.trusted.get(key)) is not None:
            name, _, document = cached.partition("\n")
            return document, name or None
        async with self.database.transaction() as session:
            row = await documents_q.find_document(session, key.removeprefix("sha256:"))
        if row is None:
            return None
        self.trusted.put(key, f"{row.operation_name or ''}\n{row.document}")
        return row.document, row.operation_name

    async def _document_id(self, request: Request, data: GraphQLRequestData) -> str | None:
        """`documentId` (GraphQL over HTTP persisted documents) or Relay's `doc_id`."""
        if data.query is not None:
            return None
        if request.method == "GET":
            params: Any = request.query_params
        else:
            try:
                params = json.loads(await request.body())  # starlette keeps the body read once
            except ValueError:
                return None
            if not isinstance(params, dict):
                return None
        value = params.get("documentId") or params.get("doc_id")
        if value is None:
            return None
        if not isinstance(value, str) or not DOCUMENT_ID.match(value):
            raise PersistedQueryError(
                "documentId is not a valid document id", "BAD_REQUEST", status=400
            )
        return value


def parse_manifest(raw: object, client_name: str) -> list[TrustedDocument]:
    """Apollo's persisted-query manifest or Relay's `{id: document}` map, as rows to store."""
    if isinstance(raw, dict) and raw.get("format") == "apollo-persisted-query-manifest":
        if raw.get("version") != 1:
            raise ValueError("only version 1 of Apollo's persisted-query manifest is known")
        entries = [(op["id"], op["body"], op.get("name")) for op in raw.get("operations", [])]
    elif isinstance(raw, dict) and all(isinstance(v, str) for v in raw.values()):
        entries = [(key, body, None) for key, body in raw.items()]
    else:
        raise ValueError(
            "not a manifest: expected Apollo's persisted-query manifest or Relay's {id: document}"
        )
    rows = []
    for key, body, name in entries:
        if not isinstance(key, str) or not DOCUMENT_ID.match(key) or not isinstance(body, str):
            raise ValueError(f"bad manifest entry {key!r}")
        rows.append(
            TrustedDocument(
                id=key.removeprefix("sha256:"),
                sha256=sha256_hex(body),
                document=body,
                operation_name=name,
                client_name=client_name,
            )
        )
    return rows


async def register_manifest(database: Database, raw: object, client_name: str) -> tuple[int, int]:
    rows = parse_manifest(raw, client_name)
    async with database.transaction() as session:
        return await documents_q.register_documents(session, rows)
