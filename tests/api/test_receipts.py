"""The receipt (giấy tiếp nhận hồ sơ và hẹn trả kết quả) of a received dossier, as a PDF: its
code, its Vietnamese, its due date and a QR that opens the public lookup; for the owner and
the receiving desk only."""

from __future__ import annotations

import datetime as dt

from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy import select

from backend.config import Settings
from backend.core.dates import spoken_date_time
from backend.models import Dossier
from tests.api.test_one_stop import (
    LAND_OFFICE,
    LAND_TRANSFER,
    SERVICE_CENTRE,
    TAX_OFFICE,
    apply,
    staff,
    take,
)
from tests.api.test_sync import database
from tests.support.identity import Person, device
from tests.support.pdf import pages, qr_codes, text_of

Client = AsyncTestClient[Litestar]
JUSTICE_DEPARTMENT = "000.00.07.H19"


def receipt(dossier_id: str) -> str:
    return f"/api/v1/dossiers/{dossier_id}/receipt.pdf"


async def test_the_owner_and_the_desk_get_the_receipt_with_its_code_due_date_and_lookup_qr(
    client: Client, settings: Settings
) -> None:
    _, dossier_id = await apply(client, settings, LAND_TRANSFER)
    async with device(client) as desk_pc, device(client) as stranger_pc:
        await staff(settings, desk_pc, "Trần Văn Bình", ("desk", SERVICE_CENTRE))
        await Person(stranger_pc).sign_up(fullName="Lê Văn Khác")

        # Before reception there is no code, so no receipt; to others, no dossier at all.
        early = await client.get(receipt(dossier_id))
        assert (early.status_code, early.json()["type"]) == (
            409,
            "urn:motcua:problem:dossier-not-received",
        )
        assert (await stranger_pc.get(receipt(dossier_id))).status_code == 404

        received = (await take(desk_pc, dossier_id, "receive")).json()
        code = received["code"]
        for reader in (client, desk_pc):
            response = await reader.get(receipt(dossier_id))
            assert response.status_code == 200, response.text
            assert response.headers["content-type"] == "application/pdf"
            assert response.headers["content-disposition"] == f'inline; filename="{code}.pdf"'
            assert response.headers["cache-control"] == "private, no-store"
            pdf = response.content
            assert pages(pdf) == 1
            text = text_of(pdf)
            assert "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ" in text
            assert f"Mã hồ sơ: {code}" in text
            due = dt.datetime.fromisoformat(received["dueAt"])
            assert spoken_date_time(due) in text
            assert "Nguyễn Văn An" in text  # the applicant, as signed up
            assert "Trần Văn Bình" in text  # the officer who received it

            dossier = (
                await database(settings, select(Dossier).where(Dossier.id == dossier_id))
            ).scalar_one()
            assert qr_codes(pdf) == [f"{settings.public_url}/lookup/{dossier.lookup_token}"]

        assert (await stranger_pc.get(receipt(dossier_id))).status_code == 404


async def test_staff_of_agencies_that_never_held_the_dossier_do_not_see_the_receipt(
    client: Client, settings: Settings
) -> None:
    _, dossier_id = await apply(client, settings, LAND_TRANSFER)
    async with (
        device(client) as desk_pc,
        device(client) as other_desk_pc,
        device(client) as land_pc,
        device(client) as tax_pc,
    ):
        await staff(settings, desk_pc, "Trần Văn Bình", ("desk", SERVICE_CENTRE))
        await staff(settings, other_desk_pc, "Đỗ Thị Quầy", ("desk", JUSTICE_DEPARTMENT))
        await staff(settings, land_pc, "Lê Thị Đất", ("handler", LAND_OFFICE))
        await staff(settings, tax_pc, "Phạm Văn Thuế", ("handler", TAX_OFFICE))
        assert (await take(desk_pc, dossier_id, "receive")).status_code == 200
        # The land office holds it now: its staff read the receipt like the desk.
        assert (await land_pc.get(receipt(dossier_id))).status_code == 200

        for outsider in (other_desk_pc, tax_pc):  # never held it (the tax office: not yet)
            refused = await outsider.get(receipt(dossier_id))
            assert (refused.status_code, refused.json()["type"]) == (
                404,
                "urn:motcua:problem:not-found",
            )
        assert (
            await desk_pc.get(receipt("00000000-0000-7000-8000-000000000000"))
        ).status_code == 404
    async with device(client) as anonymous:
        assert (await anonymous.get(receipt(dossier_id))).status_code == 401


async def test_the_printable_receipt_says_what_the_pdf_says(
    client: Client, settings: Settings
) -> None:
    _, dossier_id = await apply(client, settings, LAND_TRANSFER)
    async with device(client) as desk_pc, device(client) as stranger_pc:
        await staff(settings, desk_pc, "Trần Văn Bình", ("desk", SERVICE_CENTRE))
        await Person(stranger_pc).sign_up(fullName="Lê Văn Khác")
        path = f"/api/v1/dossiers/{dossier_id}/receipt"
        assert (await client.get(path)).status_code == 409  # not received yet
        received = (await take(desk_pc, dossier_id, "receive")).json()
        dossier = (
            await database(settings, select(Dossier).where(Dossier.id == dossier_id))
        ).scalar_one()
        for reader in (client, desk_pc):
            response = await reader.get(path)
            assert response.status_code == 200, response.text
            assert response.headers["cache-control"] == "private, no-store"
            shown = response.json()
            assert shown["code"] == received["code"]
            assert dt.datetime.fromisoformat(shown["dueAt"]) == dt.datetime.fromisoformat(
                received["dueAt"]
            )
            assert shown["applicantName"] == "Nguyễn Văn An"
            assert shown["receivedBy"] == "Trần Văn Bình"
            assert shown["lookupUrl"] == f"{settings.public_url}/lookup/{dossier.lookup_token}"
            assert shown["documents"]
            assert all(d["files"] >= 1 for d in shown["documents"])
            text = text_of((await reader.get(receipt(dossier_id))).content)
            assert shown["procedureName"][:40] in text
        assert (await stranger_pc.get(path)).status_code == 404
