"""Draft applications, saved and deleted from the phone through sync mutations.

A save carries the client's whole field snapshot and the version it edited; the server merges
field by field against that version (`sync.rules.merge_fields`). Where both sides changed a
field the server's value wins and the client is told (a conflict note it shows).
"""

from __future__ import annotations

from typing import Any

import msgspec
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.features.catalogue.repository import procedure_exists
from backend.features.sync import changelog
from backend.features.sync.registry import MutationContext, MutationRejected, mutation
from backend.models import Draft, DraftRevision
from sync.messages import DraftDelete, DraftSave, DraftSaveResult
from sync.rules import merge_fields

MAX_FIELDS_BYTES = 64_000


def _result(result: DraftSaveResult) -> dict[str, Any]:
    built: dict[str, Any] = msgspec.to_builtins(result)
    return built


def draft_data(draft: Draft) -> dict[str, Any]:
    return {
        "id": draft.id,
        "procedureCode": draft.procedure_code,
        "variantKey": draft.variant_key,
        "fields": draft.fields,
        "version": draft.version,
        "updatedAt": draft.updated_at.isoformat(),
    }


async def find_own_draft(db: AsyncSession, draft_id: str, account_id: str) -> Draft | None:
    """The draft, if it is this account's: another account's draft does not exist for it."""
    query = select(Draft).where(Draft.id == draft_id, Draft.account_id == account_id)
    return (await db.execute(query)).scalar_one_or_none()


async def _revision(db: AsyncSession, draft_id: str, version: int) -> dict[str, Any]:
    revision = await db.get(DraftRevision, (draft_id, version))
    return revision.fields if revision else {}


@mutation("draft.save")
async def save_draft(db: AsyncSession, ctx: MutationContext, args: DraftSave) -> dict[str, Any]:
    """Create or update a draft; field-level merge against `base_version`."""
    if len(msgspec.json.encode(args.fields)) > MAX_FIELDS_BYTES:
        raise MutationRejected("too_large", limit=MAX_FIELDS_BYTES)
    if not await procedure_exists(db, args.procedure_code):
        raise MutationRejected("unknown_procedure", procedureCode=args.procedure_code)
    account_id = ctx.principal.account_id
    draft = await db.get(Draft, args.draft_id)
    if draft is not None and draft.account_id != account_id:
        raise MutationRejected("not_found")  # someone else's id: it does not exist for you
    conflicts: list[Any] = []
    if draft is None:
        draft = Draft(
            id=args.draft_id,
            account_id=account_id,
            procedure_code=args.procedure_code,
            variant_key=args.variant_key,
            fields=dict(args.fields),
            version=1,
            created_at=ctx.now,
            updated_at=ctx.now,
        )
        db.add(draft)
    else:
        base = await _revision(db, draft.id, args.base_version) if args.base_version else {}
        merged, conflicts = merge_fields(base, draft.fields, args.fields)
        if merged == draft.fields:
            return _result(DraftSaveResult(version=draft.version, conflicts=conflicts))
        draft.fields = merged
        draft.version += 1
        draft.updated_at = ctx.now
    db.add(DraftRevision(draft_id=draft.id, version=draft.version, fields=draft.fields))
    await db.flush()
    await changelog.append(
        db,
        [
            changelog.PendingChange(
                changelog.account_scope(account_id),
                "draft",
                draft.id,
                "put",
                draft_data(draft),
                draft.version,
            )
        ],
        ctx.now,
    )
    return _result(DraftSaveResult(version=draft.version, conflicts=conflicts))


@mutation("draft.delete")
async def delete_draft(
    db: AsyncSession, ctx: MutationContext, args: DraftDelete
) -> dict[str, Any] | None:
    """Delete a draft (its revisions go with it); clients receive a remove."""
    account_id = ctx.principal.account_id
    draft = await find_own_draft(db, args.draft_id, account_id)
    if draft is None:
        raise MutationRejected("not_found")
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
