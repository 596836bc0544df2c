"""Draft applications, saved and deleted from the phone through sync mutations.

A save carries the client's whole field snapshot and the version it edited; the server merges
field by field against that version (`sync.rules.merge_fields`). Where both sides changed a
field the server's value wins and the client is told (a conflict note it shows).

A save runs for every draft.save a phone pushes, so it is written in SQLAlchemy Core: a new
draft is one insert (its id is tried first when the client edited no earlier version), an
edit reads the draft locked (`FOR UPDATE` on PostgreSQL) and updates it.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import msgspec
from sqlalchemy import Executable, Row, Table, bindparam, insert, literal, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from backend.core.errors import NotFound, Refused
from backend.core.mutations import MutationContext, mutation
from backend.features.catalogue.repository import procedure_exists
from backend.features.sync import changelog
from backend.models import Draft, DraftRevision
from sync.messages import DraftDelete, DraftSave, DraftSaveResult
from sync.records import DraftRecord
from sync.rules import merge_fields

MAX_FIELDS_BYTES = 64_000

_DRAFTS: Table = Draft.__table__  # type: ignore[assignment]
_REVISIONS: Table = DraftRevision.__table__  # type: ignore[assignment]
# Built once: these run for every pushed save.
_DRAFT_PARAMS = ("id", "account_id", "procedure_code", "variant_key", "fields", "created_at")


def _create_statements() -> dict[str, Executable]:
    """Per dialect: insert a new draft at version 1 unless its id is taken. On PostgreSQL the
    first revision goes in the same statement (a data-modifying CTE), so a row count of 1 means
    both rows were written; SQLite has no such CTE and inserts the revision after it."""
    values = {key: bindparam(key, type_=_DRAFTS.c[key].type) for key in _DRAFT_PARAMS}
    values |= {"version": literal(1), "updated_at": values["created_at"]}
    created = (
        postgresql.insert(_DRAFTS)
        .values(values)
        .on_conflict_do_nothing(index_elements=["id"])
        .returning(_DRAFTS.c.id, _DRAFTS.c.version, _DRAFTS.c.fields)
        .cte("created")
    )
    client = bindparam("client_id", type_=_REVISIONS.c.client_id.type)
    with_revision = (
        insert(_REVISIONS)
        .from_select(
            ["draft_id", "version", "fields", "client_id"],
            select(created.c.id, created.c.version, created.c.fields, client),
        )
        .add_cte(created)
    )
    alone = sqlite.insert(_DRAFTS).values(values).on_conflict_do_nothing(index_elements=["id"])
    return {"postgresql": with_revision, "sqlite": alone}


_CREATE = _create_statements()
_READ_FOR_UPDATE = (
    select(
        _DRAFTS.c.account_id,
        _DRAFTS.c.procedure_code,
        _DRAFTS.c.variant_key,
        _DRAFTS.c.fields,
        _DRAFTS.c.version,
    )
    .where(_DRAFTS.c.id == bindparam("draft_id"))
    .with_for_update()
)
_READ_REVISION = select(_REVISIONS.c.fields).where(
    _REVISIONS.c.draft_id == bindparam("draft_id"), _REVISIONS.c.version == bindparam("base")
)
_READ_OWN_LATEST = (
    select(_REVISIONS.c.version, _REVISIONS.c.fields)
    .where(
        _REVISIONS.c.draft_id == bindparam("draft_id"),
        _REVISIONS.c.client_id == bindparam("client_id"),
    )
    .order_by(_REVISIONS.c.version.desc())
    .limit(1)
)
_UPDATE = (
    update(_DRAFTS)
    .where(_DRAFTS.c.id == bindparam("draft_id"))
    .values(
        fields=bindparam("new_fields"),
        version=bindparam("new_version"),
        updated_at=bindparam("now"),
    )
)
_ADD_REVISION = insert(_REVISIONS)


def _result(result: DraftSaveResult) -> dict[str, Any]:
    built: dict[str, Any] = msgspec.to_builtins(result)
    return built


def draft_data(draft: Draft) -> DraftRecord:
    """The draft as the account's phones hold it."""
    return _data(
        draft.id,
        draft.procedure_code,
        draft.variant_key,
        draft.fields,
        draft.version,
        draft.updated_at,
    )


def _data(
    draft_id: str,
    procedure_code: str,
    variant_key: str | None,
    fields: dict[str, Any],
    version: int,
    updated_at: dt.datetime,
) -> DraftRecord:
    return DraftRecord(
        id=draft_id,
        procedure_code=procedure_code,
        variant_key=variant_key,
        fields=fields,
        version=version,
        updated_at=updated_at.isoformat(),
    )


async def find_own_draft(db: AsyncSession, draft_id: str, account_id: str) -> Draft | None:
    """The draft, if it is this account's: another account's draft does not exist for it."""
    query = select(Draft).where(Draft.id == draft_id, Draft.account_id == account_id)
    return (await db.execute(query)).scalar_one_or_none()


async def _base(
    db: AsyncSession, draft_id: str, base_version: int | None, client_id: str
) -> dict[str, Any]:
    """What the client's edit started from: the version it last pulled (`base_version`), or
    its own later save if it made one (its saves apply in order, and the phone holds what it
    saved even before it pulls the version that save made). Nothing: a draft new to it."""
    params = {"draft_id": draft_id, "client_id": client_id}
    own = (await db.execute(_READ_OWN_LATEST, params)).first()
    if own is not None and own.version > (base_version or 0):
        return dict(own.fields)
    if base_version is None:
        return {}
    fields = (
        await db.execute(_READ_REVISION, {"draft_id": draft_id, "base": base_version})
    ).scalar()
    return fields or {}


async def _procedure_exists(db: AsyncSession, ctx: MutationContext, code: str) -> bool:
    if ctx.catalogue is not None and ctx.catalogue.find(code) is not None:
        return True
    return await procedure_exists(db, code)  # not in the index: maybe imported seconds ago


async def _create(db: AsyncSession, ctx: MutationContext, args: DraftSave) -> bool:
    """Create the draft at version 1 with its first revision; False when its id is taken."""
    dialect = db.get_bind().dialect.name
    params = {
        "id": args.draft_id,
        "account_id": ctx.principal.account_id,
        "procedure_code": args.procedure_code,
        "variant_key": args.variant_key,
        "fields": args.fields,
        "created_at": ctx.now,
    }
    if dialect == "postgresql":
        params["client_id"] = ctx.client_id
    created = await db.execute(_CREATE[dialect], params)
    if created.rowcount != 1:  # type: ignore[attr-defined]
        return False
    if dialect != "postgresql":
        await _add_revision(db, ctx, args.draft_id, 1, args.fields)
    return True


async def _add_revision(
    db: AsyncSession, ctx: MutationContext, draft_id: str, version: int, fields: dict[str, Any]
) -> None:
    await db.execute(
        _ADD_REVISION,
        {"draft_id": draft_id, "version": version, "fields": fields, "client_id": ctx.client_id},
    )


async def _find_for_update(db: AsyncSession, draft_id: str) -> Row[Any] | None:
    return (await db.execute(_READ_FOR_UPDATE, {"draft_id": draft_id})).first()


@mutation("draft.save")
async def save_draft(db: AsyncSession, ctx: MutationContext, args: DraftSave) -> dict[str, Any]:
    """Create or update a draft; field-level merge against `base_version`."""
    if len(msgspec.json.encode(args.fields)) > MAX_FIELDS_BYTES:
        raise Refused(reason="too_large", limit=MAX_FIELDS_BYTES)
    if not await _procedure_exists(db, ctx, args.procedure_code):
        raise NotFound(reason="unknown_procedure", procedureCode=args.procedure_code)
    account_id = ctx.principal.account_id
    # A client that edited no earlier version most likely creates the draft: insert first.
    current = None if args.base_version is None else await _find_for_update(db, args.draft_id)
    if current is None:
        if await _create(db, ctx, args):
            created = (args.draft_id, args.procedure_code, args.variant_key)
            return await _logged(db, ctx, created, args.fields, 1, [])
        # The id is taken: a creation sent again, or someone else's id.
        current = await _find_for_update(db, args.draft_id)
        if current is None:  # taken and deleted again meanwhile
            raise NotFound()
    if current.account_id != account_id:
        raise NotFound()  # someone else's id: it does not exist for you
    base = await _base(db, args.draft_id, args.base_version, ctx.client_id)
    merged, conflicts = merge_fields(base, current.fields, args.fields)
    if merged == current.fields:
        return _result(DraftSaveResult(version=current.version, conflicts=conflicts))
    version = current.version + 1
    await db.execute(
        _UPDATE,
        {"draft_id": args.draft_id, "new_fields": merged, "new_version": version, "now": ctx.now},
    )
    await _add_revision(db, ctx, args.draft_id, version, merged)
    kept = (args.draft_id, current.procedure_code, current.variant_key)
    return await _logged(db, ctx, kept, merged, version, conflicts)


async def _logged(
    db: AsyncSession,
    ctx: MutationContext,
    draft: tuple[str, str, str | None],
    fields: dict[str, Any],
    version: int,
    conflicts: list[Any],
) -> dict[str, Any]:
    """Log the saved version for the account's clients; the mutation's result. `draft` is
    (id, procedure code, variant key)."""
    draft_id, procedure_code, variant_key = draft
    data = _data(draft_id, procedure_code, variant_key, fields, version, ctx.now)
    change = changelog.PendingChange(
        changelog.account_scope(ctx.principal.account_id), "draft", draft_id, "put", data, version
    )
    await changelog.append(db, [change], ctx.now)
    return _result(DraftSaveResult(version=version, conflicts=conflicts))


@mutation("draft.delete")
async def delete_draft(
    db: AsyncSession, ctx: MutationContext, args: DraftDelete
) -> dict[str, Any] | None:
    """Delete a draft (its revisions go with it); clients receive a remove."""
    account_id = ctx.principal.account_id
    draft = await find_own_draft(db, args.draft_id, account_id)
    if draft is None:
        raise NotFound()
    version = draft.version + 1
    await db.delete(draft)
    await db.flush()
    await changelog.append(
        db,
        [
            changelog.PendingChange(
                changelog.account_scope(account_id), "draft", args.draft_id, "remove", None, version
            )
        ],
        ctx.now,
    )
    return None


async def snapshot(db: AsyncSession, account_id: str) -> list[Draft]:
    """Every draft of the account, for a client starting from no cursor."""
    query = select(Draft).where(Draft.account_id == account_id).order_by(Draft.created_at)
    return list((await db.execute(query)).scalars())
