"""The receipt of a received dossier, as a PDF and as data for the printable page, for its
owner and for the receiving desk."""

from __future__ import annotations

import datetime as dt
from typing import Any

import anyio.to_thread
import msgspec
from litestar import Controller, Request, Response, get
from litestar.params import FromPath

from backend.core.deps import AppSettings, Db
from backend.features.receipts import service
from backend.features.receipts.render import render_receipt


class ReceiptDocument(msgspec.Struct, rename="camel"):
    name: str
    files: int


class Receipt(msgspec.Struct, rename="camel", omit_defaults=True):
    """What the receipt says (the printable page lays it out like the PDF)."""

    agency_name: str
    code: str
    received_at: dt.datetime
    applicant_name: str
    applicant_phone: str
    procedure_name: str
    documents: list[ReceiptDocument]
    return_method: str
    lookup_url: str
    due_at: dt.datetime | None = None
    processing_time: str | None = None
    received_by: str | None = None


AnyRequest = Request[Any, Any, Any]


class ReceiptController(Controller):
    path = "/api/v1/dossiers"
    tags = ["dossiers"]  # noqa: RUF012
    # Owner or receiving desk: checked in the use case, where the dossier is known.
    opt = {"access": "signed_in"}  # noqa: RUF012

    @get(
        "/{dossier_id:str}/receipt",
        operation_id="getReceipt",
        summary="The receipt's contents, for the printable page",
        cache_control=None,
    )
    async def receipt(
        self, request: AnyRequest, db: Db, settings: AppSettings, dossier_id: FromPath[str]
    ) -> Response[Receipt]:
        data = await service.receipt_data(
            db, dossier_id, principal=request.state.principal, settings=settings
        )
        fields = msgspec.structs.asdict(data)
        fields["documents"] = [ReceiptDocument(d.name, d.files) for d in data.documents]
        return Response(Receipt(**fields), headers={"cache-control": "private, no-store"})

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
