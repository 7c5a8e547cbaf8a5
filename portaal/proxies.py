"""The client's address: the TCP peer, or what a configured reverse proxy says it forwarded.

uvicorn trusts `X-Forwarded-For` from 127.0.0.1 by default, so any local process (or a proxy
that passes the header through) could pick its own address and escape the per-address rate
limits. We switch uvicorn's proxy handling off (`proxy_headers=False`) and read the header
here, only when the peer is one of `PORTAAL_TRUSTED_PROXIES` (default: none).
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def parse_proxies(raw: str) -> tuple[str, ...]:
    """`10.0.0.5, 172.16.0.0/12` → normalised networks; `*` trusts every peer (only behind a
    proxy that is the sole way in and overwrites the header)."""
    out: list[str] = []
    for part in raw.replace(";", ",").split(","):
        part = part.strip()
        if not part:
            continue
        out.append("*" if part == "*" else str(ipaddress.ip_network(part, strict=False)))
    return tuple(out)


def _trusted(address: str, networks: Iterable[Network] | None, everyone: bool) -> bool:
    if everyone:
        return True
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in net for net in networks or ())


def client_address(peer: str, forwarded_for: str | None, trusted: tuple[str, ...]) -> str:
    """The rightmost address in `X-Forwarded-For` that is not a trusted proxy, when the peer
    is trusted; else the peer. Addresses a client wrote further left are never believed."""
    if not trusted or not forwarded_for:
        return peer
    everyone = "*" in trusted
    networks = [ipaddress.ip_network(t) for t in trusted if t != "*"]
    if not _trusted(peer, networks, everyone):
        return peer
    hops = [h.strip() for h in forwarded_for.split(",") if h.strip()]
    for hop in reversed(hops):
        if everyone:
            return _valid(hop) or peer
        if not _trusted(hop, networks, False):
            return _valid(hop) or peer
    return _valid(hops[0]) or peer if hops else peer


def _valid(hop: str) -> str | None:
    try:
        return str(ipaddress.ip_address(hop))
    except ValueError:
        return None
