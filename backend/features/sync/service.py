"""Sync use cases: register an installation, push mutations, pull changes (DESIGN.md §4).

Push runs each mutation in its own transaction: the mutation's use case, its outcome and the
client's last applied id commit together, so a retried push finds every mutation either
applied once or not at all. A business-rule refusal is recorded as `rejected` and the queue
moves on; a database that is busy or gone answers 503 and the client retries later.

Nothing one mutation holds may block the mutations behind it for ever: its strings pass the
text policy first (`backend.core.text`; a broken one is `invalid_text`, naming the field),
and any other failure of its use case that is not worth retrying (a bug, data the database
refuses) rolls its transaction back, is logged, and is recorded as `internal_error`.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
from dataclasses import dataclass
from typing import Any

import msgspec
from sqlalchemy import Table, bindparam, insert, select, update
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from backend.config import Settings
from backend.core import text
from backend.core.auth import Principal
from backend.core.clock import Clock
from backend.core.errors import DomainError, Forbidden, TransientFailure
from backend.features.catalogue.index import CatalogueIndex
from backend.features.sync import changelog, snapshots  # snapshots: every feature's mutations
from backend.features.sync.registry import HANDLERS, Handler, MutationContext, rejection
from backend.models import SyncClient, SyncMutation
from sync import PROTOCOL_VERSION
from sync.cursor import BadCursor, Cursor, check_cursor, decode_cursor, encode_cursor, scope_hash
from sync.messages import (
    INTERNAL_ERROR,
    INVALID_ARGS,
    INVALID_TEXT,
    UNKNOWN_MUTATION,
    ClientRegistered,
    DecodedPush,
    FormFieldError,
    MutationResult,
    PullRequest,
    PullResponse,
    PushResponse,
    UndecodableMutation,
)
from sync.rules import classify

MAX_PULL = 1000
# Arguments whose strings keep their spacing: a draft is work in progress that the phone
# adopts back into the form being typed in, so trimming it would eat a space just typed.
KEEP_SPACING: dict[str, frozenset[str]] = {"draft.save": frozenset({"fields"})}
log = logging.getLogger("motcua.sync")

_CLIENTS: Table = SyncClient.__table__  # type: ignore[assignment]
_OUTCOMES: Table = SyncMutation.__table__  # type: ignore[assignment]
# The push path in Core, built once: it runs for every mutation.
_READ_CLIENT = select(_CLIENTS.c.account_id, _CLIENTS.c.last_mutation_id).where(
    _CLIENTS.c.id == bindparam("client_id")
)
_CLAIM = (
    update(_CLIENTS)
    .where(
        _CLIENTS.c.id == bindparam("client_id"),
        _CLIENTS.c.last_mutation_id == bindparam("expected_last"),
    )
    .values(last_mutation_id=bindparam("mutation_id"), last_seen_at=bindparam("now"))
)
_RECORD = insert(_OUTCOMES)
_READ_OUTCOME = select(_OUTCOMES.c.reason, _OUTCOMES.c.result).where(
    _OUTCOMES.c.client_id == bindparam("client_id"),
    _OUTCOMES.c.mutation_id == bindparam("mutation_id"),
)


class ClientOfAnotherAccount(Forbidden):
    problem_type = "sync-client-of-another-account"


class UpgradeRequired(DomainError):
    problem_type = "protocol-upgrade-required"


@dataclass(frozen=True)
class SyncContext:
    settings: Settings
    clock: Clock
    principal: Principal
    catalogue: CatalogueIndex | None = None  # lets mutations check procedure codes unqueried


def cursor_key(settings: Settings) -> bytes:
    return hmac.new(settings.secret_key.encode(), b"motcua.sync.cursor", hashlib.sha256).digest()


def check_protocol(version: int) -> None:
    if version != PROTOCOL_VERSION:
        raise UpgradeRequired(client=version, server=PROTOCOL_VERSION)


async def _own_client(db: AsyncSession, client_id: str, principal: Principal) -> SyncClient:
    client = await db.get(SyncClient, client_id)
    if client is None or client.account_id != principal.account_id:
        raise ClientOfAnotherAccount()
    return client


async def register_client(
    db: AsyncSession, ctx: SyncContext, client_id: str, protocol_version: int
) -> ClientRegistered:
    """Bind an installation to the signed-in account (idempotent); another account's
    installation id is refused."""
    check_protocol(protocol_version)
    now = ctx.clock.now()
    client = await db.get(SyncClient, client_id)
    if client is None:
        client = SyncClient(
            id=client_id,
            account_id=ctx.principal.account_id,
            last_mutation_id=0,
            created_at=now,
            last_seen_at=now,
        )
        db.add(client)
    elif client.account_id != ctx.principal.account_id:
        raise ClientOfAnotherAccount()
    return ClientRegistered(client_id=client.id, last_mutation_id=client.last_mutation_id)


async def _last_applied(db: AsyncSession, client_id: str, principal: Principal) -> int:
    """The client's last applied mutation id, read in a transaction of its own."""
    async with db.begin():
        client = (await db.execute(_READ_CLIENT, {"client_id": client_id})).first()
    if client is None or client.account_id != principal.account_id:
        raise ClientOfAnotherAccount()
    return int(client.last_mutation_id)


async def _stored_result(db: AsyncSession, client_id: str, mutation_id: int) -> MutationResult:
    params = {"client_id": client_id, "mutation_id": mutation_id}
    stored = (await db.execute(_READ_OUTCOME, params)).first()
    if stored is None:  # applied before results were kept: nothing to add
        return MutationResult(mutation_id=mutation_id, status="duplicate")
    return MutationResult(
        mutation_id=mutation_id,
        status="duplicate",
        reason=stored.reason,
        result=stored.result or None,
    )


async def _claim(
    db: AsyncSession, client_id: str, mutation_id: int, expected_last: int, now: Any
) -> bool:
    """Advance the client's last applied id, if nobody else did: the push's optimistic lock."""
    claimed = await db.execute(
        _CLAIM,
        {
            "client_id": client_id,
            "expected_last": expected_last,
            "mutation_id": mutation_id,
            "now": now,
        },
    )
    return bool(claimed.rowcount == 1)  # type: ignore[attr-defined]


async def _record(
    db: AsyncSession, client_id: str, mutation: Any, name: str, result: MutationResult, now: Any
) -> None:
    await db.execute(
        _RECORD,
        {
            "client_id": client_id,
            "mutation_id": mutation.mutation_id,
            "name": text.escaped(name)[:64],
            "status": "rejected" if result.status == "rejected" else "applied",
            "reason": result.reason,
            "result": result.result or {},
            "client_time": _storable(getattr(mutation, "client_time", None)),
            "applied_at": now,
        },
    )


def _storable(value: str | None) -> str | None:
    return value if value is None or text.text_problem(value) is None else None


def _text_refusal(mutation_id: int, problems: list[text.TextProblem]) -> MutationResult:
    errors = [FormFieldError(field=p.path, code=p.code, params=dict(p.params)) for p in problems]
    return MutationResult(
        mutation_id=mutation_id,
        status="rejected",
        reason=INVALID_TEXT,
        detail={"errors": msgspec.to_builtins(errors)},
    )


def _checked_args(mutation: Any, name: str) -> tuple[Any, MutationResult | None]:
    """The mutation's arguments through the text policy, or the refusal they earn."""
    mutation_id = mutation.mutation_id
    envelope = text.text_problem(mutation.client_time)
    problems = [text.TextProblem("clientTime", *envelope)] if envelope else []
    try:
        args, found = text.clean(mutation.args, keep_spacing=KEEP_SPACING.get(name, ()))
    except text.TooDeep:
        detail = {"name": name, "error": f"nested more than {text.MAX_DEPTH} levels deep"}
        refusal = MutationResult(
            mutation_id=mutation_id, status="rejected", reason=INVALID_ARGS, detail=detail
        )
        return None, refusal
    problems += found
    return args, _text_refusal(mutation_id, problems) if problems else None


def _prepare(mutation: Any, name: str) -> tuple[Handler, Any] | MutationResult:
    """The use case and the (normalised) arguments to call it with, or the refusal the
    mutation earns without running it: unreadable, served by no feature, or bad text."""
    if isinstance(mutation, UndecodableMutation):
        return mutation.to_result()
    handler = HANDLERS.get(name)
    if handler is None:  # a wire type no feature serves: refused alone, never a 500
        return MutationResult(
            mutation_id=mutation.mutation_id, status="rejected", reason=UNKNOWN_MUTATION
        )
    args, refusal = _checked_args(mutation, name)
    return refusal if refusal is not None else (handler, args)


async def _apply_one(
    db: AsyncSession,
    ctx: SyncContext,
    client_id: str,
    mutation: Any,
    expected_last: int,
    catalogue: CatalogueIndex | None,
) -> MutationResult | None:
    """Apply the next mutation: its use case, its outcome and the client's last applied id in
    one transaction. A refusal rolls that transaction back and records the refusal alone in
    another, so nothing the use case wrote survives it. None when another push of the same
    client got there first (the caller re-reads)."""
    now = ctx.clock.now()
    mutation_id = mutation.mutation_id
    if isinstance(mutation, UndecodableMutation):
        name = mutation.name
    else:
        name = str(type(mutation).__struct_config__.tag)
    prepared = _prepare(mutation, name)
    if isinstance(prepared, MutationResult):
        refusal = prepared
    else:
        handler, args = prepared
        mctx = MutationContext(ctx.settings, ctx.principal, client_id, now, catalogue)
        try:
            async with db.begin():
                if not await _claim(db, client_id, mutation_id, expected_last, now):
                    return None
                outcome = await handler(db, mctx, args)
                result = MutationResult(mutation_id=mutation_id, status="applied", result=outcome)
                await _record(db, client_id, mutation, name, result, now)
            return result
        except TransientFailure:
            raise
        except DomainError as refused:
            reason, detail = rejection(refused)
            refusal = MutationResult(
                mutation_id=mutation_id, status="rejected", reason=reason, detail=detail
            )
        except Exception as exc:
            if is_transient(exc):
                raise
            # A retry cannot cure it: refused for good (its transaction rolled back), so the
            # mutations behind it still apply.
            log.exception(
                "mutation %s (%s) of client %s failed", mutation_id, text.escaped(name), client_id
            )
            refusal = MutationResult(
                mutation_id=mutation_id, status="rejected", reason=INTERNAL_ERROR
            )
    async with db.begin():
        if not await _claim(db, client_id, mutation_id, expected_last, now):
            return None
        await _record(db, client_id, mutation, name, refusal, now)
    return refusal


async def push(
    sessions: async_sessionmaker[AsyncSession], ctx: SyncContext, request: DecodedPush
) -> PushResponse:
    """Apply a batch in order, each mutation in its own transaction (see module doc)."""
    check_protocol(request.protocol_version)
    results: list[MutationResult] = []
    try:
        catalogue = await ctx.catalogue.fresh(sessions) if ctx.catalogue is not None else None
        # One connection for the batch, one transaction per mutation on it: a session of the
        # factory alone would check a connection out of the pool (and ping it) per transaction.
        engine: AsyncEngine = sessions.kw["bind"]
        async with engine.connect() as connection, sessions(bind=connection) as db:
            last = await _last_applied(db, request.client_id, ctx.principal)
            for mutation in request.mutations:
                order = classify(mutation.mutation_id, last)
                if order == "gap":
                    break  # the client resends from its oldest unacknowledged mutation
                result: MutationResult | None
                if order == "duplicate":
                    async with db.begin():
                        result = await _stored_result(db, request.client_id, mutation.mutation_id)
                else:
                    result = await _apply_one(db, ctx, request.client_id, mutation, last, catalogue)
                db.expunge_all()  # the next mutation reads fresh rows
                if result is None:  # a concurrent push of this client moved on: ask again
                    last = await _last_applied(db, request.client_id, ctx.principal)
                    continue
                results.append(result)
                last = max(last, mutation.mutation_id)
    except Exception as exc:
        if not is_transient(exc):
            raise
        raise TransientFailure(retry_after=5) from exc
    return PushResponse(results=results, last_mutation_id=last)


# PostgreSQL's SQLSTATEs worth a retry: connection exceptions (class 08), serialization
# failure, deadlock, lock not available, query cancelled (statement timeout), shutdown,
# too many connections, out of memory or disk.
_TRANSIENT_SQLSTATES = ("08", "40001", "40P01", "55P03", "57014", "57P0", "53")
_TRANSIENT_WORDS = ("locked", "busy", "deadlock", "could not serialize", "connection", "timeout")


def is_transient(exc: BaseException) -> bool:
    """Busy or locked databases, serialization failures, lost connections and time-outs
    pass with a retry; anything else (a bug, data the database refuses) would fail again."""
    if isinstance(exc, TimeoutError | ConnectionError):
        return True
    if not isinstance(exc, DBAPIError):
        return False
    if exc.connection_invalidated:
        return True
    sqlstate = getattr(exc.orig, "sqlstate", None) or getattr(exc.orig, "pgcode", None)
    if isinstance(sqlstate, str) and sqlstate:
        return sqlstate.startswith(_TRANSIENT_SQLSTATES)
    if not isinstance(exc, OperationalError):
        return False
    message = str(exc.orig).lower() if exc.orig else str(exc).lower()
    return any(word in message for word in _TRANSIENT_WORDS)


async def pull(db: AsyncSession, ctx: SyncContext, request: PullRequest) -> PullResponse:
    """The changes after the cursor, for the caller's scope only, in commit order."""
    check_protocol(request.protocol_version)
    client = await _own_client(db, request.client_id, ctx.principal)
    scopes = changelog.scopes_for(ctx.principal)
    scope = scope_hash(changelog.scope_description(ctx.principal))
    epoch = await changelog.epoch(db)
    latest = await changelog.counter(db, changelog.CHANGE_SEQ)
    key = cursor_key(ctx.settings)
    limit = max(1, min(request.limit, MAX_PULL))

    def cursor_at(seq: int) -> str:
        return encode_cursor(Cursor(epoch, scope, PROTOCOL_VERSION, seq), key=key)

    if request.cursor is None:  # a new client: everything in scope now, then the log from here
        return PullResponse(
            changes=await snapshots.snapshot(db, ctx.principal),
            cursor=cursor_at(latest),
            has_more=False,
            last_mutation_id=client.last_mutation_id,
        )
    try:
        cursor = decode_cursor(request.cursor, key=key)
    except BadCursor:
        return _reset(client, "cursor")
    reason = check_cursor(
        cursor,
        db_epoch=epoch,
        scope_hash=scope,
        protocol_version=PROTOCOL_VERSION,
        oldest_retained_seq=await changelog.counter(db, changelog.OLDEST_SEQ),
        latest_seq=latest,
    )
    if reason is not None:
        return _reset(client, reason)
    entries = [
        e
        for e in await changelog.changes_after(db, scopes, cursor.seq, limit + 1)
        if e.seq <= latest
    ]
    has_more = len(entries) > limit
    entries = entries[:limit]
    # With nothing more for this scope, jump to the newest seq: other scopes' changes are
    # skipped for good, and every seq up to `latest` is committed (seq order = commit order).
    seq = entries[-1].seq if has_more else latest
    return PullResponse(
        changes=[
            changelog.logged_change(e.entity, e.entity_id, e.op, e.data, e.version) for e in entries
        ],
        cursor=cursor_at(seq),
        has_more=has_more,
        last_mutation_id=client.last_mutation_id,
    )


def _reset(client: SyncClient, reason: Any) -> PullResponse:
    return PullResponse(
        changes=[],
        cursor=None,
        has_more=False,
        last_mutation_id=client.last_mutation_id,
        reset_required=reason,
    )
