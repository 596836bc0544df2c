"""What an uploaded file really is, from its bytes (no I/O).

`inspect_file` names the type by its magic bytes and refuses polyglots: files that are a
valid image or PDF and also something else a browser or reader would run or unpack — a PDF
header in the first kilobyte of an image (readers look there), a zip, HTML or script payload
hidden in metadata or after the image's end marker, or a PDF with trailing bytes. A PDF is
then read as a reader would (`pdf.pdf_refusal`): JavaScript, actions and embedded files are
found wherever the file's structure puts them, not wherever its raw bytes show them.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass

from backend.features.uploads.pdf import pdf_refusal

JPEG = "image/jpeg"
PNG = "image/png"
WEBP = "image/webp"
PDF = "application/pdf"

PDF_HEADER_WINDOW = 1024  # PDF readers accept a header anywhere in the first kilobyte
# Markers of another format hiding in an image's metadata or tail.
FOREIGN_MARKERS = (
    b"%pdf-",
    b"pk\x03\x04",
    b"pk\x05\x06",
    b"<script",
    b"<html",
    b"<!doctype",
    b"<?php",
    b"<svg",
    b"<iframe",
    b"javascript:",
)
PADDING = b"\x00\r\n\t "


@dataclass(frozen=True)
class Inspection:
    """The type the bytes show (None when not one we accept) and why they are refused."""

    media_type: str | None
    refusal: str | None = None

    @property
    def is_acceptable(self) -> bool:
        return self.media_type is not None and self.refusal is None


def sniff(data: bytes) -> str | None:
    """The media type by magic bytes, or None when it is not JPEG, PNG, WebP or PDF."""
    if data.startswith(b"\xff\xd8\xff"):
        return JPEG
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if len(data) >= 12 and data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return WEBP
    if data.startswith(b"%PDF-"):
        return PDF
    return None


def inspect_file(data: bytes, declared: str) -> Inspection:
    """Check `data` against the declared media type; refusal reasons are stable codes:
    unsupported_type, type_mismatch, malformed, polyglot, active_content."""
    media_type = sniff(data)
    if media_type is None:
        return Inspection(None, "unsupported_type")
    if media_type != declared:
        return Inspection(media_type, "type_mismatch")
    if media_type != PDF and b"%PDF-" in data[:PDF_HEADER_WINDOW]:
        return Inspection(media_type, "polyglot")
    check = {JPEG: _check_jpeg, PNG: _check_png, WEBP: _check_webp, PDF: _check_pdf}[media_type]
    return Inspection(media_type, check(data))


def _has_foreign_marker(chunk: bytes) -> bool:
    lowered = chunk.lower()
    return any(marker in lowered for marker in FOREIGN_MARKERS)


def _tail_refusal(tail: bytes) -> str | None:
    """Bytes after the format's end: a little padding is common, anything else is a payload."""
    return "polyglot" if tail.strip(PADDING) else None


def _check_jpeg(data: bytes) -> str | None:
    """Walk the segments; metadata must not hold another format, nothing may follow EOI."""
    pos = 2
    size = len(data)
    while pos + 2 <= size:
        if data[pos] != 0xFF:
            return "malformed"
        marker = data[pos + 1]
        if marker == 0xFF:  # fill byte
            pos += 1
            continue
        if marker == 0xD9:  # EOI
            return _tail_refusal(data[pos + 2 :])
        if 0xD0 <= marker <= 0xD7 or marker == 0x01:  # standalone markers
            pos += 2
            continue
        if pos + 4 > size:
            return "malformed"
        (length,) = struct.unpack(">H", data[pos + 2 : pos + 4])
        if length < 2 or pos + 2 + length > size:
            return "malformed"
        segment = data[pos + 4 : pos + 2 + length]
        if marker != 0xDA and _has_foreign_marker(segment):
            return "polyglot"
        pos += 2 + length
        if marker == 0xDA:  # entropy-coded data runs to the next marker that is not a stuffing
            while pos + 1 < size:
                if data[pos] == 0xFF and data[pos + 1] not in (0x00, *range(0xD0, 0xD8)):
                    break
                pos += 1
    return "malformed"  # no end marker


def _check_png(data: bytes) -> str | None:
    """Walk the chunks to IEND; only pixel data may be opaque, nothing may follow."""
    pos = 8
    size = len(data)
    while pos + 12 <= size:
        length, kind = struct.unpack(">I4s", data[pos : pos + 8])
        end = pos + 12 + length
        if end > size:
            return "malformed"
        if kind not in (b"IDAT", b"fdAT") and _has_foreign_marker(data[pos + 8 : pos + 8 + length]):
            return "polyglot"
        if kind == b"IEND":
            return _tail_refusal(data[end:])
        pos = end
    return "malformed"


def _check_webp(data: bytes) -> str | None:
    """The RIFF size must cover the file exactly; metadata chunks must not hold another format."""
    (riff_size,) = struct.unpack("<I", data[4:8])
    end = 8 + riff_size
    if end > len(data) or riff_size < 4:
        return "malformed"
    pos = 12
    while pos + 8 <= end:
        kind, length = struct.unpack("<4sI", data[pos : pos + 8])
        body = data[pos + 8 : pos + 8 + length]
        if kind in (b"EXIF", b"XMP ", b"ICCP") and _has_foreign_marker(body):
            return "polyglot"
        pos += 8 + length + (length & 1)
    return _tail_refusal(data[end:])


def _check_pdf(data: bytes) -> str | None:
    """Nothing but padding after the last %%EOF, and no active content anywhere."""
    last_eof = data.rfind(b"%%EOF")
    if last_eof < 0:
        return "malformed"
    if _tail_refusal(data[last_eof + 5 :]):
        return "polyglot"
    return pdf_refusal(data)
