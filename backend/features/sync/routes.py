"""Sync API: register an installation, push mutations, pull changes."""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Controller, Request, Response, post
from litestar.params import JSONBody

from backend.core import text
from backend.core.auth import Principal
from backend.core.deps import Db
from backend.core.errors import FieldProblem, InvalidQuery
from backend.features.sync import service
from sync import messages

AnyRequest = Request[Any, Any, Any]


def sync_context(request: AnyRequest) -> service.SyncContext:
    principal: Principal = request.state.principal
    return service.SyncContext(
        settings=request.app.state.settings,
        clock=request.app.state.clock,
        principal=principal,
        catalogue=request.app.state.catalogue_index,
    )


class SyncController(Controller):
    path = "/api/v1/sync"
    tags = ["sync"]  # noqa: RUF012
    opt = {"access": "signed_in"}  # noqa: RUF012

    @post(
        "/clients",
        operation_id="registerSyncClient",
        status_code=200,
        summary="Bind this installation to the signed-in account",
    )
    async def register(
        self, request: AnyRequest, db: Db, data: JSONBody[messages.ClientRegistration]
    ) -> messages.ClientRegistered:
        return await service.register_client(
            db, sync_context(request), data.client_id, data.protocol_version
        )

    @post(
        "/push",
        operation_id="pushMutations",
        status_code=200,
        summary="Apply queued mutations in order, each once",
    )
    async def push(self, request: AnyRequest) -> messages.PushResponse:
        # The push is read here, not by the app's JSON reading (core/edge.py), so that one
        # unreadable mutation fails alone; the text policy runs per mutation in the service.
        body = text.repair_lone_surrogates(await request.body())
        try:
            decoded = messages.decode_push_request(body)
        except (msgspec.DecodeError, msgspec.ValidationError) as exc:
            raise InvalidQuery(
                [FieldProblem("body", "invalid", {"error": str(exc)[:200]})]
            ) from exc
        return await service.push(request.app.state.db_sessions, sync_context(request), decoded)

    @post(
        "/pull",
        operation_id="pullChanges",
        status_code=200,
        summary="Changes after the cursor, for the caller's scope",
    )
    async def pull(
        self, request: AnyRequest, db: Db, data: JSONBody[messages.PullRequest]
    ) -> Response[messages.PullResponse]:
        return Response(await service.pull(db, sync_context(request), data))
