"""The app-wide guard: cross-site request defence, rate limits, and each route's access policy.

It runs before every handler. Unsafe methods coming from another site are refused (the
browser's `Origin` and `Sec-Fetch-Site` headers, with SameSite=Lax cookies: see
docs/decisions/0005). Routes that are not public load the principal from the session cookie,
checking idle and absolute expiry, and refuse a wrong kind of account or a missing role.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from litestar.connection import ASGIConnection
from litestar.handlers.base import BaseRouteHandler
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from backend.config import Settings
from backend.core import proxies
from backend.core.auth import Principal, access_policy
from backend.core.clock import Clock
from backend.core.errors import DomainError, Forbidden, RateLimited, Unauthorized
from backend.core.ratelimit import Limit, RateLimits, address_key
from backend.features.identity import repository
from backend.features.identity.service import session_is_live, token_hash

UNSAFE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}
ALLOWED_FETCH_SITES = {"same-origin", "none"}
LAST_SEEN_RESOLUTION = dt.timedelta(minutes=1)  # idle expiry need not be exact to the second
# Per client address (`client_address`; an IPv6 client counts as its whole /64, see
# `address_key`). Mobile carriers put many phones behind one address, so the limits are
# generous and apply to the requests that start a ceremony (each makes a challenge row); the
# verify requests need such a challenge, single-use, so they cannot be hammered on their own.
RATE_LIMITS = {
    "sign_up": Limit(30, dt.timedelta(minutes=10)),
    "sign_in": Limit(60, dt.timedelta(minutes=10)),
    "recovery": Limit(10, dt.timedelta(minutes=15)),
    "enrollment": Limit(30, dt.timedelta(minutes=15)),
    # Public dossier lookup (QR token, or code + last 4 phone digits): 30 tries per address in
    # 10 minutes leaves room for a family behind one address, while trying a code's 10,000
    # possible digits from one address takes over two days.
    "lookup": Limit(30, dt.timedelta(minutes=10)),
}


class CrossSiteRequest(DomainError):
    problem_type = "cross-site-request"


def session_cookie_name(settings: Settings) -> str:
    # __Host- cookies must be Secure, have Path=/ and no Domain: only over https.
    return "__Host-motcua_session" if settings.secure_cookies else "motcua_session"


def _check_same_site(connection: ASGIConnection[Any, Any, Any, Any], settings: Settings) -> None:
    if connection.scope.get("method") not in UNSAFE_METHODS:
        return
    origin = connection.headers.get("origin")
    if origin is not None and origin.rstrip("/") != settings.origin:
        raise CrossSiteRequest()
    fetch_site = connection.headers.get("sec-fetch-site")
    if fetch_site is not None and fetch_site not in ALLOWED_FETCH_SITES:
        raise CrossSiteRequest()


def client_address(connection: ASGIConnection[Any, Any, Any, Any]) -> str:
    """The client's address, the one answer for rate limits and the audit trail: the socket
    peer, or, when the peer is one of `settings.trusted_proxies`, the right-most address in
    X-Forwarded-For that is not a trusted proxy (backend.core.proxies). Uvicorn runs without
    proxy headers, so the peer is the socket's."""
    settings: Settings = connection.app.state.settings
    peer = connection.client.host if connection.client else None
    forwarded_for = connection.headers.getall("x-forwarded-for", [])
    return proxies.client_address(peer, forwarded_for, proxies.networks(settings.trusted_proxies))


async def load_principal(
    connection: ASGIConnection[Any, Any, Any, Any], settings: Settings, now: dt.datetime
) -> Principal | None:
    """The principal of the session cookie, when it names a live session."""
    token = connection.cookies.get(session_cookie_name(settings))
    if not token:
        return None
    sessions: async_sessionmaker[AsyncSession] = connection.app.state.db_sessions
    async with sessions() as db:
        found = await repository.find_session_by_token_hash(db, token_hash(token))
        if found is None:
            return None
        session, account = found
        if not session_is_live(session, account, settings, now):
            return None
        grants = await repository.role_grants(db, account.id)
        if now - session.last_seen_at >= LAST_SEEN_RESOLUTION:
            session.last_seen_at = now
            await db.commit()
    return Principal(
        account_id=account.id,
        kind=account.kind,
        roles=tuple(grant for grant, _ in grants),
        session_id=session.id,
    )


async def enforce_access(
    connection: ASGIConnection[Any, Any, Any, Any], handler: BaseRouteHandler
) -> None:
    state = connection.app.state
    settings: Settings = state.settings
    clock: Clock = state.clock
    now = clock.now()
    _check_same_site(connection, settings)
    if (group := handler.opt.get("rate_limit")) is not None:
        limiter: RateLimits = state.rate_limiter
        client = address_key(client_address(connection))
        wait = await limiter.hit(group, client, RATE_LIMITS[group], now)
        if wait is not None:
            raise RateLimited(retry_after=wait)
    policy = access_policy(handler.opt)
    if policy is None:  # fail closed; the route-policy test keeps this from shipping
        raise Forbidden()
    if policy == "public":
        return
    principal = await load_principal(connection, settings, now)
    if principal is None:
        raise Unauthorized()
    if policy == "citizen" and principal.kind != "citizen":
        raise Forbidden()
    if isinstance(policy, tuple) and (principal.kind != "staff" or not principal.has_role(*policy)):
        raise Forbidden()
    connection.state.principal = principal
