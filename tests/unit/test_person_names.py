"""A person's name follows the text policy wherever it comes from: the API (where the edge
checks it first) or the operator's command line, which reaches the use case directly."""

from __future__ import annotations

import datetime as dt

import pytest

from backend.core.errors import FieldProblem, ValidationFailed
from backend.features.identity.service import checked_particulars

TODAY = dt.date(2026, 12, 4)


@pytest.mark.parametrize(
    ("name", "problem"),
    [
        ("\u200b\u200b\u200b", FieldProblem("fullName", "invisible_only")),
        ("\ufeff\u2060", FieldProblem("fullName", "invisible_only")),
        ("Nguyễn\u202e Văn An", FieldProblem("fullName", "bidi_control", {"character": "U+202E"})),
        ("An\x00", FieldProblem("fullName", "control_character", {"character": "U+0000"})),
    ],
)
def test_a_name_that_breaks_the_text_policy_is_refused(name: str, problem: FieldProblem) -> None:
    with pytest.raises(ValidationFailed) as refused:
        checked_particulars(name, "0912345678", None, None, TODAY)
    assert refused.value.errors == [problem]


def test_a_name_is_kept_in_one_spelling() -> None:
    name, *_ = checked_particulars(
        " Nguye\u0302\u0303n  Va\u0306n\tAn ", "0912345678", None, None, TODAY
    )
    assert name == "Nguyễn Văn An"
