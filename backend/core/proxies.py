"""Who the client is, behind the proxies we trust (`MOTCUA_TRUSTED_PROXIES`).

Anyone can send `X-Forwarded-For`, so it says something only when the socket peer is a proxy
we run: each proxy appends the address it was reached from, and the right-most address that
is not itself one of ours is the client (everything left of it is what the client claimed).
With no trusted proxies configured the client is the socket peer, whatever the headers say.
`Forwarded` and `X-Real-IP` are not read: configure the proxy to append X-Forwarded-For.
"""

from __future__ import annotations

import functools
import ipaddress
from collections.abc import Iterable, Sequence

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@functools.cache
def networks(cidrs: tuple[str, ...]) -> tuple[Network, ...]:
    """The networks `Settings.trusted_proxies` names (parsed once)."""
    return tuple(ipaddress.ip_network(cidr) for cidr in cidrs)


def parse_address(value: str) -> Address | None:
    """An IP address, as a socket or a proxy writes it (a port or brackets allowed); an
    IPv4-mapped IPv6 address is its IPv4 address. None for anything else."""
    value = value.strip()
    if value.startswith("["):  # [2001:db8::1]:443
        value = value[1:].partition("]")[0]
    elif value.count(":") == 1:  # 203.0.113.7:443
        value = value.partition(":")[0]
    try:
        address = ipaddress.ip_address(value)
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


def _is_trusted(address: Address, trusted: Sequence[Network]) -> bool:
    return any(address.version == network.version and address in network for network in trusted)


def client_address(
    peer: str | None, forwarded_for: Iterable[str], trusted: Sequence[Network]
) -> str:
    """The client's address: the socket `peer`, or, when the peer is a trusted proxy, the
    right-most `X-Forwarded-For` address (over all the header's lines, in order) that is
    not a trusted proxy. When the proxies report something that is not an address, the last
    proxy reached answers for the client; when every hop is a trusted proxy, the first."""
    address = parse_address(peer) if peer else None
    if address is None:
        return peer or "unknown"  # not an IP socket (the test client, a Unix socket)
    if not _is_trusted(address, trusted):
        return str(address)
    hops = [hop for line in forwarded_for for hop in line.split(",") if hop.strip()]
    for hop in reversed(hops):
        reported = parse_address(hop)
        if reported is None:
            break
        address = reported
        if not _is_trusted(reported, trusted):
            break
    return str(address)
