"""`motcua serve` (uvicorn) hands the app the socket's peer: X-Forwarded-For, X-Real-IP or
Forwarded from a caller on 127.0.0.1 change nothing unless MOTCUA_TRUSTED_PROXIES names it,
so rotating them buys no extra sign-ins or lookups; when it does name it, the client our
proxy reports is counted, not what the client claimed."""

from __future__ import annotations

from pathlib import Path

from backend.features.identity.guard import RATE_LIMITS
from tests.support.server import served


def spoofed(n: int) -> dict[str, str]:
    """A different client address every time, in every header a proxy might set."""
    address = f"198.18.{n // 250}.{n % 250 + 1}"
    return {"x-forwarded-for": address, "x-real-ip": address, "forwarded": f"for={address}"}


def test_rotating_proxy_headers_buys_nothing_without_a_trusted_proxy(
    database_url: str, tmp_path: Path
) -> None:
    sign_in = RATE_LIMITS["sign_in"].requests
    lookup = RATE_LIMITS["lookup"].requests
    with served(database_url, tmp_path) as http:
        statuses = [
            http.post("/api/v1/auth/sign-in/options", json={}, headers=spoofed(n)).status_code
            for n in range(sign_in + 10)
        ]
        assert statuses == [200] * sign_in + [429] * 10
        statuses = [
            http.get(
                "/api/v1/lookup",
                params={"code": f"000.00.01.H19-260101-{n:04d}", "phone": "1234"},
                headers=spoofed(n),
            ).status_code
            for n in range(lookup + 10)
        ]
        assert statuses == [404] * lookup + [429] * 10


def test_behind_a_trusted_proxy_the_client_it_reports_is_counted(
    database_url: str, tmp_path: Path
) -> None:
    sign_in = RATE_LIMITS["sign_in"].requests
    with served(database_url, tmp_path, MOTCUA_TRUSTED_PROXIES="127.0.0.1,::1") as http:

        def options(forwarded_for: str) -> int:
            headers = {"x-forwarded-for": forwarded_for}
            return http.post("/api/v1/auth/sign-in/options", json={}, headers=headers).status_code

        claimed = [spoofed(n)["x-forwarded-for"] for n in range(sign_in + 1)]
        statuses = [options(f"{claim}, 203.0.113.9") for claim in claimed]
        assert statuses == [200] * sign_in + [429]
        assert options("203.0.113.10") == 200  # someone else behind the same proxy
