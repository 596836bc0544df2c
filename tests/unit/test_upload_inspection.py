"""What an uploaded file is, from its bytes: magic numbers, polyglots, active PDF content,
and the re-encoding that strips metadata."""

from __future__ import annotations

import io
import zlib

import pytest
from hypothesis import given
from hypothesis import strategies as st
from PIL import Image

from backend.features.uploads.images import UnreadableImage, reencode
from backend.features.uploads.inspect import JPEG, PDF, PNG, WEBP, inspect_file, sniff

GPS_IFD = 0x8825
ORIENTATION = 0x0112


def image_bytes(fmt: str, size: tuple[int, int] = (24, 16), **save: object) -> bytes:
    image = Image.new("RGB", size, (200, 30, 30))
    image.putpixel((0, 0), (0, 0, 255))
    out = io.BytesIO()
    image.save(out, fmt, **save)
    return out.getvalue()


def jpeg_with_comment(comment: bytes) -> bytes:
    data = image_bytes("JPEG")
    segment = b"\xff\xfe" + (len(comment) + 2).to_bytes(2, "big") + comment
    return data[:2] + segment + data[2:]


def pdf(body: bytes = b"", tail: bytes = b"") -> bytes:
    return (
        b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R " + body + b" >>\nendobj\n"
        b"2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\n"
        b"trailer\n<< /Root 1 0 R >>\n%%EOF\n" + tail
    )


def pdf_with_stream(content: bytes) -> bytes:
    packed = zlib.compress(content)
    stream = (
        b"3 0 obj\n<< /Type /ObjStm /Filter /FlateDecode /Length "
        + str(len(packed)).encode()
        + b" >>\nstream\n"
        + packed
        + b"\nendstream\nendobj\n"
    )
    return pdf().replace(b"trailer", stream + b"trailer")


ZIP = b"PK\x03\x04" + b"\x14\x00" + b"\x00" * 24 + b"evil.js"


@pytest.mark.parametrize(
    ("data", "media_type"),
    [
        (image_bytes("JPEG"), JPEG),
        (image_bytes("PNG"), PNG),
        (image_bytes("WEBP"), WEBP),
        (pdf(), PDF),
        (pdf(tail=b"\r\n\x00"), PDF),
    ],
)
def test_clean_files_are_accepted(data: bytes, media_type: str) -> None:
    assert sniff(data) == media_type
    inspection = inspect_file(data, media_type)
    assert inspection.refusal is None
    assert inspection.is_acceptable


@pytest.mark.parametrize(
    "data",
    [b"MZ\x90\x00\x03" + b"\x00" * 60, b"hello, this is text", b"", b"GIF89a....", b"<svg/>"],
)
def test_other_types_are_unsupported(data: bytes) -> None:
    assert inspect_file(data, JPEG).refusal == "unsupported_type"


def test_a_type_other_than_declared_is_refused() -> None:
    assert inspect_file(image_bytes("JPEG"), PNG).refusal == "type_mismatch"
    assert inspect_file(pdf(), JPEG).refusal == "type_mismatch"


@pytest.mark.parametrize(
    "data",
    [
        image_bytes("JPEG") + ZIP,
        image_bytes("JPEG") + b"<html><script>alert(1)</script></html>",
        jpeg_with_comment(b"%PDF-1.4 1 0 obj"),
        jpeg_with_comment(b"<script>fetch('//x')</script>"),
        jpeg_with_comment(b"x" * 2000 + b"PK\x03\x04zipped"),
    ],
    ids=["zip-after-end", "html-after-end", "pdf-header", "script-comment", "zip-comment"],
)
def test_jpeg_polyglots_are_refused(data: bytes) -> None:
    assert inspect_file(data, JPEG).refusal == "polyglot"


def test_png_and_webp_with_a_payload_after_their_end_are_refused() -> None:
    assert inspect_file(image_bytes("PNG") + ZIP, PNG).refusal == "polyglot"
    assert inspect_file(image_bytes("WEBP") + b"<html>", WEBP).refusal == "polyglot"


def test_png_text_chunk_with_html_is_refused() -> None:
    data = image_bytes("PNG")
    text = b"Comment\x00<html><script>x</script>"
    chunk = (
        len(text).to_bytes(4, "big")
        + b"tEXt"
        + text
        + zlib.crc32(b"tEXt" + text).to_bytes(4, "big")
    )
    assert inspect_file(data[:33] + chunk + data[33:], PNG).refusal == "polyglot"


@pytest.mark.parametrize(
    "data",
    [
        pdf(b"/OpenAction << /S /JavaScript /JS (app.alert(1)) >>"),
        pdf(b"/OpenAction << /S /J#61vaScript /J#53 (app.alert(1)) >>"),
        pdf(b"/OpenAction << /S /Launch /F (calc.exe) >>"),
        pdf(b"/Names << /EmbeddedFiles 5 0 R >>"),
        pdf_with_stream(b"<< /S /JavaScript /JS (app.alert(1)) >>"),
    ],
    ids=["javascript", "escaped-name", "launch", "embedded-file", "in-object-stream"],
)
def test_pdf_with_active_content_is_refused(data: bytes) -> None:
    assert inspect_file(data, PDF).refusal == "active_content"


def test_pdf_with_a_zip_after_its_end_is_refused() -> None:
    assert inspect_file(pdf(tail=ZIP), PDF).refusal == "polyglot"


def test_truncated_files_are_malformed() -> None:
    assert inspect_file(image_bytes("JPEG")[:-40], JPEG).refusal == "malformed"
    assert inspect_file(image_bytes("PNG")[:-20], PNG).refusal == "malformed"
    assert inspect_file(pdf()[:-8], PDF).refusal == "malformed"


@given(
    prefix=st.sampled_from(
        [b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n", b"RIFF\x10\x00\x00\x00WEBP", b"%PDF-"]
    ),
    rest=st.binary(max_size=300),
    declared=st.sampled_from([JPEG, PNG, WEBP, PDF]),
)
def test_inspection_never_crashes_on_arbitrary_bytes(
    prefix: bytes, rest: bytes, declared: str
) -> None:
    inspection = inspect_file(prefix + rest, declared)
    assert inspection.media_type is not None


def test_reencoding_drops_gps_and_applies_orientation() -> None:
    image = Image.new("RGB", (40, 20), (10, 120, 10))
    exif = Image.Exif()
    exif[ORIENTATION] = 6  # rotate 90° clockwise to display
    exif[0x010F] = "PhoneMaker"
    gps = exif.get_ifd(GPS_IFD)
    gps[1] = "N"
    gps[2] = (10.0, 45.0, 30.0)
    gps[3] = "E"
    gps[4] = (106.0, 40.0, 0.0)
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif.tobytes())
    original = out.getvalue()
    with Image.open(io.BytesIO(original)) as check:
        assert check.getexif().get_ifd(GPS_IFD)  # the fixture really carries GPS

    cleaned = reencode(original, JPEG)
    with Image.open(io.BytesIO(cleaned.data)) as stored:
        assert not stored.getexif()
        assert "exif" not in stored.info
        assert stored.size == (20, 40)  # the orientation was applied to the pixels
    assert (cleaned.width, cleaned.height) == (20, 40)
    assert b"PhoneMaker" not in cleaned.data


@pytest.mark.parametrize("fmt", ["PNG", "WEBP"])
def test_png_and_webp_are_resaved_without_exif(fmt: str) -> None:
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"
    data = image_bytes(fmt, exif=exif.tobytes())
    assert b"PhoneMaker" in data
    cleaned = reencode(data, {"PNG": PNG, "WEBP": WEBP}[fmt])
    assert b"PhoneMaker" not in cleaned.data
    with Image.open(io.BytesIO(cleaned.data)) as stored:
        assert stored.format == fmt
        assert not stored.getexif()


def test_an_image_that_does_not_decode_is_unreadable() -> None:
    data = image_bytes("JPEG")
    with pytest.raises(UnreadableImage):
        reencode(data[:200], PNG)
