"""The receipt of a received dossier, as a PDF for its owner and for the receiving desk."""

from __future__ import annotations

from typing import Any

import anyio.to_thread
from litestar import Controller, Request, Response, get
from litestar.params import FromPath

from backend.core.deps import AppSettings, Db
from backend.features.receipts import service
from backend.features.receipts.render import render_receipt

AnyRequest = Request[Any, Any, Any]


class ReceiptController(Controller):
    path = "/api/v1/dossiers"
    tags = ["dossiers"]  # noqa: RUF012
    # Owner or receiving desk: checked in the use case, where the dossier is known.
    opt = {"access": "signed_in"}  # noqa: RUF012

    @get(
        "/{dossier_id:str}/receipt.pdf",
        operation_id="getReceiptPdf",
        summary="The receipt (giấy tiếp nhận hồ sơ và hẹn trả kết quả) with its lookup QR",
        media_type="application/pdf",
        cache_control=None,
    )
    async def receipt_pdf(
        self, request: AnyRequest, db: Db, settings: AppSettings, dossier_id: FromPath[str]
    ) -> Response[bytes]:
        data = await service.receipt_data(
            db, dossier_id, principal=request.state.principal, settings=settings
        )
        # Laying out the page takes a tenth of a second: off the event loop.
        pdf = await anyio.to_thread.run_sync(render_receipt, data)
        return Response(
            pdf,
            media_type="application/pdf",
            headers={
                "content-disposition": f'inline; filename="{data.code}.pdf"',
                "cache-control": "private, no-store",
            },
        )
