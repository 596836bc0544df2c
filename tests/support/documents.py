"""Result documents as an approver's computer has them (a one-page PDF made with fpdf2), and
attaching one to a dossier through the staff API."""

from __future__ import annotations

import httpx
from fpdf import FPDF


def result_pdf(text: str = "QUYET DINH cong nhan chuyen nhuong") -> bytes:
    """A small, plain PDF with one line of text (no scripts, nothing embedded)."""
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("helvetica", size=14)
    pdf.cell(text=text)
    return bytes(pdf.output())


async def attach_result(
    http: httpx.AsyncClient,
    dossier_id: str,
    data: bytes | None = None,
    file_name: str = "quyet-dinh.pdf",
    media_type: str = "application/pdf",
    **headers: str,
) -> httpx.Response:
    """POST the file as the multipart field `file`, as the staff app does."""
    content = result_pdf() if data is None else data
    return await http.post(
        f"/api/v1/work/dossiers/{dossier_id}/result",
        files={"file": (file_name, content, media_type)},
        headers=headers,
    )
