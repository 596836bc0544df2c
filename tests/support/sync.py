"""Sync helpers for API tests: an installation of the app that registers, pushes and pulls
through the real endpoints, and a direct look at the database."""

from __future__ import annotations

import uuid
from typing import Any

from backend.config import Settings
from backend.core.db import create_engine, session_factory
from sync.messages import PullResponse, decode
from tests.support.identity import Person

BIRTH = "1.001193"


class Installation:
    """One installation of the app: a client id, a mutation counter, a cursor."""

    def __init__(self, http: Any) -> None:
        self.http = http
        self.client_id = str(uuid.uuid4())
        self.next_id = 1
        self.cursor: str | None = None

    async def register(self) -> Any:
        return await self.http.post(
            "/api/v1/sync/clients", json={"clientId": self.client_id, "protocolVersion": 1}
        )

    def mutation(self, name: str, args: dict[str, Any], mutation_id: int | None = None) -> dict:
        if mutation_id is None:
            mutation_id, self.next_id = self.next_id, self.next_id + 1
        return {
            "name": name,
            "mutationId": mutation_id,
            "clientTime": "2026-11-22T10:00:00+07:00",
            "args": args,
        }

    async def push(self, *mutations: dict[str, Any], version: int = 1) -> Any:
        return await self.http.post(
            "/api/v1/sync/push",
            json={
                "clientId": self.client_id,
                "protocolVersion": version,
                "mutations": list(mutations),
            },
        )

    async def pull(self, cursor: Any = "mine", limit: int = 500) -> dict[str, Any]:
        body = {
            "clientId": self.client_id,
            "protocolVersion": 1,
            "limit": limit,
            "cursor": self.cursor if cursor == "mine" else cursor,
        }
        response = await self.http.post("/api/v1/sync/pull", json=body)
        assert response.status_code == 200, response.text
        decode(response.content, PullResponse)  # every change and record fits the protocol
        page: dict[str, Any] = response.json()
        if page.get("cursor"):
            self.cursor = page["cursor"]
        return page


def save(
    draft_id: str, fields: dict[str, Any], base: int | None = None, procedure: str = BIRTH
) -> dict[str, Any]:
    return {"draftId": draft_id, "procedureCode": procedure, "fields": fields, "baseVersion": base}


async def signed_in_installation(http: Any) -> Installation:
    await Person(http).sign_up()
    installation = Installation(http)
    assert (await installation.register()).status_code == 200
    return installation


async def database(settings: Settings, statement: Any) -> Any:
    engine = create_engine(settings.resolved_database_url)
    try:
        async with session_factory(engine)() as db, db.begin():
            return await db.execute(statement)
    finally:
        await engine.dispose()
