"""What an uploaded file is, from its bytes: magic numbers, polyglots, active PDF content,
and the re-encoding that strips metadata."""

from __future__ import annotations

import io
import zlib
from collections.abc import Callable

import pypdf
import pytest
from hypothesis import given
from hypothesis import strategies as st
from PIL import Image, ImageCms, ImageFile, PngImagePlugin

from backend.features.uploads.images import MAX_STORED_EDGE, UnreadableImage, dct_scale, reencode
from backend.features.uploads.inspect import JPEG, PDF, PNG, WEBP, inspect_file, sniff
from tests.support import pdfs
from tests.support.documents import result_pdf

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
    catalog = b"<< /Type /Catalog /Pages 2 0 R " + body + b" >>"
    return pdfs.PdfFile({1: catalog, 2: b"<< /Type /Pages /Kids [] /Count 0 >>"}).build() + tail


def pdf_with_stream(content: bytes) -> bytes:
    """`content` as the one object of a Flate object stream."""
    return pdfs.with_object_stream(
        {1: pdfs.CATALOG, 2: pdfs.PAGES, 5: content},
        {3: pdfs.PAGE, 4: pdfs.stream(b"<< >>", pdfs.CONTENT)},
        encode=pdfs.flate_encoded,
    )


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


# Each hides something a reader would run or unpack where a search of the raw bytes does not
# see it, or where the old check did not look (audit finding 5 and its neighbours).
ACTIVE_CORPUS = {
    "open-action-in-hex-object-stream": pdfs.open_action_in_hex_object_stream,
    "open-action-behind-png-predictor": pdfs.open_action_behind_predictor,
    "escaped-javascript-name": pdfs.escaped_javascript_name,
    "additional-action-on-a-page": pdfs.page_additional_action,
    "launch-link": pdfs.launch_action,
    "embedded-file": pdfs.embedded_file,
    "file-attachment-annotation": pdfs.file_attachment_annotation,
    "xfa-form": pdfs.xfa_form,
    "rich-media": pdfs.rich_media,
    "javascript-added-by-an-update": pdfs.javascript_in_update,
    "javascript-in-an-earlier-revision": pdfs.javascript_in_earlier_revision,
    "uri-action-on-open": lambda: pdfs.one_page(
        catalog=b"<< /Type /Catalog /Pages 2 0 R /OpenAction << /S /URI /URI (http://x) >> >>"
    ),
    "javascript-link": lambda: pdfs.one_page(
        page=pdfs.PAGE[:-2] + b" /Annots [<< /Subtype /Link /Rect [0 0 9 9] "
        b"/A << /S /URI /URI (javascript:alert\\(1\\)) >> >>] >>"
    ),
    "javascript-in-an-unlisted-object": pdfs.javascript_in_unlisted_object,
}


@pytest.mark.parametrize("build", ACTIVE_CORPUS.values(), ids=ACTIVE_CORPUS.keys())
def test_active_content_is_found_wherever_the_pdf_puts_it(build: Callable[[], bytes]) -> None:
    data = build()
    assert inspect_file(data, PDF).refusal == "active_content"


CLEAN_CORPUS = {
    "one-page": pdfs.one_page,
    "several-pages": pdfs.multi_page,
    "made-by-fpdf2-like-our-receipts": pdfs.fpdf2_document,
    "result-document": result_pdf,
    "page-added-by-an-update": pdfs.clean_update,
    "clean-hex-object-stream": lambda: pdfs.with_object_stream(
        {1: pdfs.CATALOG, 2: pdfs.PAGES}, {3: pdfs.PAGE, 4: pdfs.stream(b"<< >>", pdfs.CONTENT)}
    ),
    "clean-predictor-object-stream": lambda: pdfs.with_object_stream(
        {1: pdfs.CATALOG, 2: pdfs.PAGES},
        {3: pdfs.PAGE, 4: pdfs.stream(b"<< >>", pdfs.CONTENT)},
        encode=pdfs.predictor_encoded(columns=7),
    ),
    "open-action-that-goes-to-a-page": lambda: pdfs.one_page(
        catalog=b"<< /Type /Catalog /Pages 2 0 R /OpenAction << /S /GoTo /D [3 0 R /Fit] >> >>"
    ),
    "web-link": lambda: pdfs.one_page(
        page=pdfs.PAGE[:-2] + b" /Annots [<< /Subtype /Link /Rect [0 0 9 9] "
        b"/A << /S /URI /URI (https://dichvucong.gov.vn) >> >>] >>"
    ),
}


@pytest.mark.parametrize("build", CLEAN_CORPUS.values(), ids=CLEAN_CORPUS.keys())
def test_clean_pdfs_pass(build: Callable[[], bytes]) -> None:
    assert inspect_file(build(), PDF).refusal is None


def test_a_decompression_bomb_is_refused_not_inflated() -> None:
    assert inspect_file(pdfs.flate_bomb(megabytes=200), PDF).refusal == "malformed"


def test_a_spent_decoding_budget_refuses_instead_of_skipping_what_follows() -> None:
    """Object streams under the per-stream limit but over the file's budget, then the
    hidden catalog: the file is refused, not accepted with its last streams unread."""
    hidden = pdfs.open_action_in_hex_object_stream()
    padded = pdfs.incremental_update(hidden, {20: pdfs.bomb_stream(30), 21: pdfs.bomb_stream(30)})
    assert inspect_file(padded, PDF).refusal == "malformed"


def test_a_pdf_locked_with_a_password_cannot_be_checked() -> None:
    writer = pypdf.PdfWriter(clone_from=io.BytesIO(pdfs.one_page()))
    writer.encrypt(user_password="secret", owner_password="owner", algorithm="AES-128")
    out = io.BytesIO()
    writer.write(out)
    assert inspect_file(out.getvalue(), PDF).refusal == "malformed"


def test_active_content_is_found_in_a_pdf_encrypted_without_a_password() -> None:
    """Permissions-only encryption (an empty user password) hides strings and object
    streams from a byte search, not from a reader."""
    writer = pypdf.PdfWriter(clone_from=io.BytesIO(pdfs.open_action_in_hex_object_stream()))
    writer.encrypt(user_password="", owner_password="owner", algorithm="AES-128")
    out = io.BytesIO()
    writer.write(out)
    assert inspect_file(out.getvalue(), PDF).refusal == "active_content"


def test_a_pdf_the_library_cannot_read_is_malformed() -> None:
    garbage = b"%PDF-1.4\n" + b"\x00garbage" * 50 + b"\n%%EOF\n"
    assert inspect_file(garbage, PDF).refusal == "malformed"


def test_an_unreadable_pdf_that_names_javascript_says_so() -> None:
    """No cross-reference at all: a repairing reader still opens it and runs the script."""
    data = (
        b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /OpenAction << /S /J#61vaScript "
        b"/JS (app.alert(1)) >> >>\nendobj\n%%EOF\n"
    )
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


XMP = (
    b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF><rdf:Description '
    b'exif:GPSLatitude="10,45.5N" tiff:Make="PhoneMaker"/></rdf:RDF></x:xmpmeta>'
)
ICC = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()


@pytest.mark.parametrize(
    ("fmt", "save"),
    [
        ("JPEG", {"xmp": XMP, "icc_profile": ICC, "comment": b"PhoneMaker serial 1234"}),
        ("WEBP", {"xmp": XMP, "icc_profile": ICC}),
        ("PNG", {"icc_profile": ICC}),
    ],
)
def test_xmp_icc_and_comments_are_dropped(fmt: str, save: dict[str, object]) -> None:
    data = image_bytes(fmt, **save)
    with Image.open(io.BytesIO(data)) as original:
        assert original.info.get("icc_profile") == ICC  # the fixture carries them
    cleaned = reencode(data, {"JPEG": JPEG, "PNG": PNG, "WEBP": WEBP}[fmt])
    assert b"PhoneMaker" not in cleaned.data
    assert b"GPSLatitude" not in cleaned.data
    with Image.open(io.BytesIO(cleaned.data)) as stored:
        assert not {"icc_profile", "xmp", "comment", "XML:com.adobe.xmp"} & set(stored.info)


def test_png_text_chunks_are_dropped() -> None:
    text = PngImagePlugin.PngInfo()
    text.add_text("Comment", "PhoneMaker at 10.7626N 106.6602E")
    text.add_text("Author", "PhoneMaker", zip=True)
    text.add_itxt("Description", "PhoneMaker, Hồ Chí Minh", lang="vi")
    data = image_bytes("PNG", pnginfo=text)
    with Image.open(io.BytesIO(data)) as original:
        assert original.text  # type: ignore[attr-defined]
    cleaned = reencode(data, PNG)
    with Image.open(io.BytesIO(cleaned.data)) as stored:
        assert stored.text == {}  # type: ignore[attr-defined]
    assert b"PhoneMaker" not in cleaned.data


def test_palette_transparency_survives() -> None:
    image = Image.new("P", (8, 8), 1)
    image.putpalette([0, 0, 0, 255, 0, 0] + [0] * 762)
    out = io.BytesIO()
    image.save(out, "PNG", transparency=0)
    with Image.open(io.BytesIO(reencode(out.getvalue(), PNG).data)) as stored:
        assert (stored.mode, stored.info["transparency"]) == ("P", 0)


def test_too_many_pixels_are_refused_from_the_header_before_decoding(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A JPEG whose frame header claims 8000 x 7000 (56 megapixels) and holds one tiny scan:
    refused by its size, and the decoder is never started."""
    data = image_bytes("JPEG", (16, 16))
    sof = data.index(b"\xff\xc0")
    header = data[: sof + 5] + (7000).to_bytes(2, "big") + (8000).to_bytes(2, "big")
    claimed = header + data[sof + 9 :]
    decoded: list[object] = []
    monkeypatch.setattr(ImageFile.ImageFile, "load", lambda self: decoded.append(self))
    with pytest.raises(UnreadableImage, match="too many pixels"):
        reencode(claimed, JPEG)
    assert decoded == []


def test_a_jpeg_larger_than_the_stored_maximum_is_decoded_scaled_down() -> None:
    """Audit finding 6: a 7000 x 5000 photo is decoded by libjpeg at half size (DCT
    scaling, no full-size bitmap) and stored with its long edge within MAX_STORED_EDGE."""
    data = image_bytes("JPEG", (7000, 5000), quality=50)
    cleaned = reencode(data, JPEG)
    assert (cleaned.width, cleaned.height) == (3500, 2500)
    assert max(cleaned.width, cleaned.height) <= MAX_STORED_EDGE


def test_a_cmyk_jpeg_is_stored_as_rgb_and_scaled() -> None:
    image = Image.new("CMYK", (9000, 600), (0, 200, 200, 0))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=50)
    cleaned = reencode(out.getvalue(), JPEG)
    assert (cleaned.width, cleaned.height) == (2250, 150)  # 1/4: the least that fits
    with Image.open(io.BytesIO(cleaned.data)) as stored:
        assert stored.mode == "RGB"


def test_a_png_larger_than_the_stored_maximum_is_resized() -> None:
    cleaned = reencode(image_bytes("PNG", (5000, 1000)), PNG)
    assert (cleaned.width, cleaned.height) == (4096, 819)


@pytest.mark.parametrize(
    ("size", "expected"),
    [
        ((2048, 1536), None),
        ((4096, 4096), None),
        ((4097, 100), (2049, 50)),
        ((7000, 7000), (3500, 3500)),
        ((9000, 600), (2250, 150)),
        ((40000, 1000), (5000, 125)),  # even 1/8 leaves it too long: resized after
    ],
)
def test_dct_scale_takes_the_least_reduction_that_fits(
    size: tuple[int, int], expected: tuple[int, int] | None
) -> None:
    assert dct_scale(*size) == expected
