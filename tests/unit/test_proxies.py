"""Who the client is: the socket peer, unless it is one of MOTCUA_TRUSTED_PROXIES, whose
X-Forwarded-For is then read from the right, past our own proxies; and the key rate limits
count a client under (an IPv6 client's /64)."""

from __future__ import annotations

import ipaddress
from pathlib import Path

import pytest

from backend.config import ConfigurationError, load_settings
from backend.core.proxies import client_address
from backend.core.ratelimit import address_key

PROXIES = (ipaddress.ip_network("10.0.0.0/8"), ipaddress.ip_network("2001:db8:ffff::/48"))


@pytest.mark.parametrize(
    ("peer", "forwarded_for", "client"),
    [
        # Nobody trusted, or an untrusted peer: the headers say nothing.
        ("203.0.113.7", ["198.51.100.1"], "203.0.113.7"),
        ("203.0.113.7", ["10.0.0.1, 198.51.100.1"], "203.0.113.7"),
        ("2001:db8:1::7", ["198.51.100.1"], "2001:db8:1::7"),
        # From our proxy: the address it was reached from, not what the client claimed.
        ("10.0.0.2", ["198.51.100.1"], "198.51.100.1"),
        ("10.0.0.2", ["1.2.3.4, 5.6.7.8, 198.51.100.1"], "198.51.100.1"),
        ("10.0.0.2", ["1.2.3.4", "198.51.100.1"], "198.51.100.1"),  # several header lines
        # Through two of our proxies: past both.
        ("10.0.0.2", ["1.2.3.4, 198.51.100.1, 10.9.9.9"], "198.51.100.1"),
        ("2001:db8:ffff::2", ["2001:db8:1::7, 2001:db8:ffff:1::1"], "2001:db8:1::7"),
        ("10.0.0.2", ["[2001:db8:1::7]:51000"], "2001:db8:1::7"),
        ("10.0.0.2", ["198.51.100.1:51000"], "198.51.100.1"),
        ("::ffff:10.0.0.2", ["::ffff:198.51.100.1"], "198.51.100.1"),
        # Nothing usable past our proxies: the last of them answers for the client.
        ("10.0.0.2", [], "10.0.0.2"),
        ("10.0.0.2", ["unknown"], "10.0.0.2"),
        ("10.0.0.2", ["1.2.3.4, garbage, 10.0.0.3"], "10.0.0.3"),
        ("10.0.0.2", ["10.0.0.4, 10.0.0.3"], "10.0.0.4"),  # all ours: the first
        # Not an IP socket at all.
        ("testclient", ["198.51.100.1"], "testclient"),
        (None, ["198.51.100.1"], "unknown"),
    ],
)
def test_the_client_is_the_right_most_address_that_is_not_our_proxy(
    peer: str | None, forwarded_for: list[str], client: str
) -> None:
    assert client_address(peer, forwarded_for, PROXIES) == client


def test_with_no_trusted_proxies_the_client_is_the_socket_peer_whatever_the_headers() -> None:
    for claimed in (["198.51.100.1"], ["127.0.0.1"], ["1.2.3.4, 127.0.0.1"]):
        assert client_address("127.0.0.1", claimed, ()) == "127.0.0.1"


@pytest.mark.parametrize(
    ("address", "key"),
    [
        ("203.0.113.7", "203.0.113.7"),
        ("2001:db8:1:2:aaaa:bbbb:cccc:dddd", "2001:db8:1:2::/64"),
        ("2001:db8:1:2::1", "2001:db8:1:2::/64"),
        ("2001:db8:1:3::1", "2001:db8:1:3::/64"),
        ("fe80::1%eth0", "fe80::/64"),
        ("::ffff:203.0.113.7", "203.0.113.7"),
        ("testclient", "testclient"),
    ],
)
def test_rate_limits_count_an_ipv6_client_as_its_whole_64(address: str, key: str) -> None:
    assert address_key(address) == key


def test_trusted_proxies_are_read_from_the_environment(tmp_path: Path) -> None:
    base = {"MOTCUA_VAR_DIR": str(tmp_path)}
    assert load_settings(base).trusted_proxies == ()
    settings = load_settings({**base, "MOTCUA_TRUSTED_PROXIES": " 10.0.0.1, 172.16.0.0/12,::1 "})
    assert settings.trusted_proxies == ("10.0.0.1/32", "172.16.0.0/12", "::1/128")
    for wrong in ("nginx", "10.0.0.1/8", "10.0.0.0/33"):
        with pytest.raises(ConfigurationError, match="MOTCUA_TRUSTED_PROXIES"):
            load_settings({**base, "MOTCUA_TRUSTED_PROXIES": wrong})
