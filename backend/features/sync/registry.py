"""Named mutations: each feature declares the mutations its clients may push, and the use
case each one calls. The sync service knows nothing else about them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

from sqlalchemy.ext.asyncio import AsyncSession

from backend.config import Settings
from backend.core.auth import Principal
from backend.core.errors import DomainError


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


class MutationRejected(DomainError):
    """A business rule refused the mutation: it is recorded as `rejected` with this reason
    and the client's queue moves on."""

    problem_type = "mutation-rejected"

    def __init__(self, reason: str, **detail: object) -> None:
        super().__init__(**detail)
        self.reason = reason


Args = TypeVar("Args")
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
