"""Search folding against the vectors the PWA is held to as well."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from backend.features.catalogue.search import fold, terms

CASES = json.loads((Path(__file__).parents[1] / "fixtures" / "fold-cases.json").read_text())


@pytest.mark.parametrize(("text", "folded"), CASES["cases"])
def test_fold(text: str, folded: str) -> None:
    assert fold(text) == folded


def test_terms_are_distinct_folded_words() -> None:
    assert terms("Khai sinh KHAI SINH đất") == ["khai", "sinh", "dat"]
    assert terms("   ") == []
