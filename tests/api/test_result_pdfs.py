"""A result document is checked like a citizen's PDF: one hiding JavaScript where a search
of its bytes does not look (audit finding 5) is refused, and nothing is stored."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from backend.config import Settings
from tests.api.test_dossier_files import apply, blob_files, office, stored_result, walk_to_approval
from tests.support import pdfs
from tests.support.documents import attach_result

Client = AsyncTestClient[Litestar]


@pytest.mark.parametrize(
    "build",
    [pdfs.open_action_in_hex_object_stream, pdfs.open_action_behind_predictor],
    ids=["ascii-hex-object-stream", "flate-png-predictor-object-stream"],
)
async def test_a_result_document_hiding_javascript_is_refused(
    client: Client, settings: Settings, build: Callable[[], bytes]
) -> None:
    applied = await apply(client, settings)
    async with office(client, settings) as staff_of:
        await walk_to_approval(staff_of, applied.dossier_id)
        blobs = blob_files(settings)
        refused = await attach_result(staff_of.approver, applied.dossier_id, build())
        assert refused.status_code == 422, refused.text
        assert refused.json()["reason"] == "active_content"
        assert await stored_result(settings, applied.dossier_id) is None
        assert blob_files(settings) == blobs
        # The same approver's clean fpdf2 document goes through.
        attached = await attach_result(staff_of.approver, applied.dossier_id, pdfs.fpdf2_document())
        assert attached.status_code == 201, attached.text
