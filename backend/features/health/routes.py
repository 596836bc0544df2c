"""Liveness and readiness: the app answers and its database is reachable."""

from __future__ import annotations

import msgspec
from litestar import Response, get
from litestar.status_codes import HTTP_200_OK, HTTP_503_SERVICE_UNAVAILABLE
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from backend import __version__
from backend.core.deps import Db


class Health(msgspec.Struct, frozen=True):
    status: str
    database: str
    version: str


@get(
    "/api/health",
    operation_id="getHealth",
    tags=["health"],
    summary="Is the service up and its database reachable?",
    opt={"access": "public"},
    cache_control=None,
)
async def health(db: Db) -> Response[Health]:
    try:
        await db.execute(text("SELECT 1"))
    except (SQLAlchemyError, OSError):
        return Response(
            Health("unavailable", "unreachable", __version__),
            status_code=HTTP_503_SERVICE_UNAVAILABLE,
            headers={"cache-control": "no-store"},
        )
    return Response(
        Health("ok", "ok", __version__),
        status_code=HTTP_200_OK,
        headers={"cache-control": "no-store"},
    )
