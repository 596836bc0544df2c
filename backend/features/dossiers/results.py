"""The result document of a dossier (issue 6: "approve with the result document").

The approver attaches the signed result — a decision, certificate or licence, scanned or
exported as PDF, JPEG or PNG — at the approval step, and may replace it until they approve;
`approve` without one is refused. Approval issues it: from then on it is fixed, it travels
with the dossier to the return desk, and the owner's phone learns where to download it.
The file is checked like an upload (size, declared type against the content, polyglots,
active PDF content; images decoded and saved again without metadata) and stored in the same
content-addressed blob store.
"""

from __future__ import annotations

import unicodedata
from typing import Final

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.core.errors import Conflict, DomainError
from backend.features.uploads.inspect import JPEG, PDF, PNG, WEBP
from backend.models import DossierResult
from sync.records import IssuedResult

MEDIA_TYPES: Final = (PDF, JPEG, PNG)
EXTENSIONS: Final = {PDF: "pdf", JPEG: "jpg", PNG: "png", WEBP: "webp"}
MAX_NAME = 120  # characters of the file name's stem that are kept


class ResultMissing(Conflict):
    """`approve` needs the result document first (409)."""

    problem_type = "dossier-result-missing"


class ResultIssued(Conflict):
    """The dossier is approved: its result document is issued and can no longer change."""

    problem_type = "dossier-result-issued"


class ResultRefused(DomainError):
    """The file is not one we take as a result (same problem and reasons as an upload's,
    but nothing was stored, so nothing is kept)."""

    problem_type = "upload-refused"


def work_href(dossier_id: str) -> str:
    return f"/api/v1/work/dossiers/{dossier_id}/result"


def owner_href(dossier_id: str) -> str:
    return f"/api/v1/dossiers/{dossier_id}/result"


def file_name(given: str | None, media_type: str, fallback: str) -> str:
    """The name the document is kept and served under: the uploaded name without folders or
    control characters, shortened, with the extension of its real type."""
    name = unicodedata.normalize("NFC", given or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(c for c in name if not unicodedata.category(c).startswith("C"))
    stem = name.rsplit(".", 1)[0] if "." in name else name
    stem = stem.strip(" .")[:MAX_NAME].strip(" .") or fallback
    return f"{stem}.{EXTENSIONS[media_type]}"


async def find_result(db: AsyncSession, dossier_id: str) -> DossierResult | None:
    """The dossier's result document, attached or issued (the caller found the dossier
    through `access`)."""
    query = select(DossierResult).where(DossierResult.dossier_id == dossier_id)
    return (await db.execute(query)).scalar_one_or_none()


def owner_data(result: DossierResult | None) -> IssuedResult | None:
    """What the owner's phone holds of the result: nothing until it is issued."""
    if result is None or result.issued_at is None:
        return None
    return IssuedResult(
        file_name=result.file_name,
        media_type=result.media_type,
        bytes=result.bytes,
        href=owner_href(result.dossier_id),
    )
