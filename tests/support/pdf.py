"""Reading the PDFs the app makes as a person would: their text, and the QR codes on the page."""

from __future__ import annotations

import io
import re

import pypdf
import pypdfium2
import zxingcpp


def pages(pdf: bytes) -> int:
    return len(pypdf.PdfReader(io.BytesIO(pdf)).pages)


def text_of(pdf: bytes) -> str:
    """All the text, whitespace collapsed, so a wrapped line still reads as one."""
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    return re.sub(r"\s+", " ", " ".join(page.extract_text() for page in reader.pages))


def qr_codes(pdf: bytes, page: int = 0) -> list[str]:
    """The QR codes a camera would read off the page, printed at about 144 dpi."""
    document = pypdfium2.PdfDocument(pdf)
    try:
        image = document[page].render(scale=2).to_pil()
    finally:
        document.close()
    return [
        found.text
        for found in zxingcpp.read_barcodes(image)
        if found.format == zxingcpp.BarcodeFormat.QRCode
    ]
