"""Use cases that phones call as named sync mutations: the context they run in, and the table
of them. A feature declares its own with `@mutation("name")`; the sync service
(features/sync) looks them up by name and turns the domain errors they raise into rejected
mutations (features/sync/registry.py). Use cases know nothing of sync."""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, Protocol

from sqlalchemy.ext.asyncio import AsyncSession

from backend.config import Settings
from backend.core.auth import Principal


class Catalogue(Protocol):
    """The in-process catalogue index (features/catalogue/index.py), as mutations read it."""

    def find(self, code: str) -> object | None: ...


@dataclass(frozen=True)
class MutationContext:
    """Who pushed the mutation, from which installation, and when the server applied it.
    `catalogue`, when given, answers "does this procedure exist" without a query; it may lag
    an import by a few seconds, so a code it does not know is looked up in the database."""

    settings: Settings
    principal: Principal
    client_id: str
    now: dt.datetime
    catalogue: Catalogue | None = None


Handler = Callable[[AsyncSession, MutationContext, Any], Awaitable[dict[str, Any] | None]]
HANDLERS: dict[str, Handler] = {}


def mutation(name: str) -> Callable[[Handler], Handler]:
    """Declare the use case behind the mutation `name` (a tag of `sync.messages.Mutation`)."""

    def register(handler: Handler) -> Handler:
        if name in HANDLERS:
            raise ValueError(f"mutation {name!r} is declared twice")
        HANDLERS[name] = handler
        return handler

    return register
