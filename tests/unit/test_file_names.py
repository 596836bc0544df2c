"""The names files are kept and served under: a result document's name from the uploaded one,
and the Content-Disposition header every browser reads (pure)."""

from __future__ import annotations

import pytest

from backend.core.http import inline_disposition
from backend.features.dossiers.results import file_name


@pytest.mark.parametrize(
    ("given", "media_type", "kept"),
    [
        ("quyet-dinh.pdf", "application/pdf", "quyet-dinh.pdf"),
        ("Quyết định.PDF", "application/pdf", "Quyết định.pdf"),
        ("scan", "image/jpeg", "scan.jpg"),
        ("photo.jpeg", "image/jpeg", "photo.jpg"),
        ("photo.png", "image/jpeg", "photo.jpg"),  # the real type decides the extension
        ("C:\\Users\\an\\Desktop\\kết quả.png", "image/png", "kết quả.png"),
        ("../../etc/passwd", "application/pdf", "passwd.pdf"),
        ("a\x00b\r\nc\u202e.pdf", "application/pdf", "abc.pdf"),
        ("  .hidden. ", "application/pdf", "hidden.pdf"),
        ("", "application/pdf", "ket-qua.pdf"),
        (None, "image/png", "ket-qua.png"),
        ("....pdf", "application/pdf", "ket-qua.pdf"),
        ("x" * 300 + ".pdf", "application/pdf", "x" * 120 + ".pdf"),
        # Decomposed marks (as macOS names files) are composed.
        ("Gia\u0301y.pdf", "application/pdf", "Giáy.pdf"),
    ],
)
def test_a_result_keeps_a_safe_name_with_its_real_extension(
    given: str | None, media_type: str, kept: str
) -> None:
    assert file_name(given, media_type, fallback="ket-qua") == kept


@pytest.mark.parametrize(
    ("name", "header"),
    [
        ("quyet-dinh.pdf", 'inline; filename="quyet-dinh.pdf"'),
        ("ket qua (1).pdf", 'inline; filename="ket qua (1).pdf"'),
        (
            "Đất đai.pdf",
            "inline; filename=\"Dat dai.pdf\"; filename*=UTF-8''%C4%90%E1%BA%A5t%20%C4%91ai.pdf",
        ),
        (
            'say "hi";\\.pdf',
            "inline; filename=\"say _hi_.pdf\"; filename*=UTF-8''say%20%22hi%22%3B%5C.pdf",
        ),
        ("公文.pdf", "inline; filename=\"_.pdf\"; filename*=UTF-8''%E5%85%AC%E6%96%87.pdf"),
    ],
)
def test_the_disposition_has_a_plain_name_and_the_exact_one(name: str, header: str) -> None:
    assert inline_disposition(name) == header
