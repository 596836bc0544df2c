"""Language negotiation and the message tables."""

from __future__ import annotations

import pytest

from backend.core.messages import (
    FIELD_MESSAGES,
    PROBLEM_DETAILS,
    PROBLEM_TITLES,
    field_message,
    negotiate_language,
)


@pytest.mark.parametrize(
    ("header", "language"),
    [
        (None, "vi"),
        ("", "vi"),
        ("en", "en"),
        ("en-US,en;q=0.9", "en"),
        ("vi-VN,vi;q=0.9,en;q=0.8", "vi"),
        ("fr-FR,en;q=0.5", "en"),
        ("fr-FR,de", "vi"),
        ("en;q=0.3,vi;q=0.7", "vi"),
        ("vi;q=0,en", "en"),
        ("en;q=abc", "vi"),
    ],
)
def test_negotiate_language(header: str | None, language: str) -> None:
    assert negotiate_language(header) == language


@pytest.mark.parametrize("table", [PROBLEM_TITLES, PROBLEM_DETAILS, FIELD_MESSAGES])
def test_every_message_has_both_languages(table: dict[str, dict[str, str]]) -> None:
    for code, entry in table.items():
        assert set(entry) == {"vi", "en"}, code
        assert entry["vi"] != entry["en"], code


def test_field_message_fills_parameters_and_falls_back() -> None:
    assert field_message("too_long", "en", {"max": 100}) == "Use at most 100 characters."
    assert field_message("no_such_code", "vi", {}) == FIELD_MESSAGES["invalid"]["vi"]
