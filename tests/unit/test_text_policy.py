"""The text policy (backend/core/text.py): every rule, over every character it names, and the
walk over decoded JSON and msgspec Structs."""

from __future__ import annotations

import sys
import unicodedata

import msgspec
import pytest
from hypothesis import given
from hypothesis import strategies as st

from backend.core import text

EVERY_CHARACTER = [chr(c) for c in range(sys.maxunicode + 1)]
CONTROLS = [c for c in EVERY_CHARACTER if unicodedata.category(c) == "Cc" and c not in "\n\t"]
BIDI = [*"\u061c\u200e\u200f", *map(chr, range(0x202A, 0x202F)), *map(chr, range(0x2066, 0x206A))]
INVISIBLE = ["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad", "\u0301", "\u3164"]


@pytest.mark.parametrize("character", CONTROLS, ids=text.codepoint)
def test_every_control_character_but_newline_and_tab_is_refused(character: str) -> None:
    for value in (character, f"Nguyễn{character}An", f"An{character}"):
        assert text.text_problem(value) == (text.CONTROL, {"character": text.codepoint(character)})


@pytest.mark.parametrize("separator", ["\u2028", "\u2029"])
def test_line_and_paragraph_separators_are_refused(separator: str) -> None:
    assert text.text_problem(f"a{separator}b") == (
        text.CONTROL,
        {"character": text.codepoint(separator)},
    )


def test_newline_and_tab_may_stand_in_a_note() -> None:
    assert text.text_problem("Dòng một\nDòng hai\tcột") is None
    assert text.clean_text(" Dòng một\nDòng hai \n") == "Dòng một\nDòng hai"


@pytest.mark.parametrize("character", BIDI, ids=text.codepoint)
def test_bidi_controls_are_refused(character: str) -> None:
    assert text.text_problem(f"invoice{character}fdp.exe") == (
        text.BIDI,
        {"character": text.codepoint(character)},
    )


def test_half_a_surrogate_pair_is_refused() -> None:
    assert text.text_problem("a\ud83d") == (text.SURROGATE, {"character": "U+D83D"})


@pytest.mark.parametrize("invisible", INVISIBLE, ids=text.codepoint)
def test_a_value_that_shows_nothing_is_refused(invisible: str) -> None:
    assert text.text_problem(invisible * 3) == (text.INVISIBLE_ONLY, {})
    assert text.text_problem(f" {invisible} \u3000") == (text.INVISIBLE_ONLY, {})
    assert text.text_problem(f"An{invisible}") is None  # something shows


@pytest.mark.parametrize("value", ["", " ", "\u3000\u00a0", "\n\t"])
def test_empty_and_blank_values_are_not_invisible_ones(value: str) -> None:
    assert text.text_problem(value) is None
    assert text.clean_text(value) == ""


def test_text_is_nfc_and_trimmed_of_spaces_and_zero_width_spaces() -> None:
    decomposed = "Nguye\u0302\u0303n Va\u0306n A\u0300"
    assert text.clean_text(decomposed) == "Nguyễn Văn À"
    assert text.clean_text("\ufeff\u200b  Bình\u2060 \u3000") == "Bình"
    assert text.clean_text(" Bình ", trim=False) == " Bình "
    assert text.clean_text("👨\u200d👩\u200d👧 ❤\ufe0f") == "👨\u200d👩\u200d👧 ❤\ufe0f"


def test_clean_text_raises_the_rule_broken() -> None:
    with pytest.raises(text.TextRefused) as refused:
        text.clean_text("An\x00")
    assert (refused.value.code, refused.value.params) == (text.CONTROL, {"character": "U+0000"})


@given(st.text())
def test_what_passes_is_normalised_and_passes_again(value: str) -> None:
    if text.text_problem(value) is not None:
        return
    cleaned = text.clean_text(value)
    assert unicodedata.is_normalized("NFC", cleaned)
    assert text.text_problem(cleaned) is None
    assert text.clean_text(cleaned) == cleaned


@given(st.text())
def test_escaped_text_always_passes(value: str) -> None:
    shown = text.escaped(value)
    problem = text.text_problem(shown)
    assert problem is None or problem[0] == text.INVISIBLE_ONLY


def test_escaped_writes_refused_characters_as_escapes() -> None:
    assert text.escaped("a\x00b\u202ec") == "a\\u0000b\\u202ec"


def test_clean_walks_nested_values_and_names_each_path() -> None:
    value = {
        "fullName": " Nguye\u0302\u0303n ",
        "fields": {"childName": "An\x00", "children": [{"name": "\u200b"}, "ok"]},
        "ke\u202ey": "x",
        "count": 3,
        "flag": True,
        "none": None,
    }
    cleaned, problems = text.clean(value)
    assert problems == [
        text.TextProblem("fields.childName", text.CONTROL, {"character": "U+0000"}),
        text.TextProblem("fields.children[0].name", text.INVISIBLE_ONLY, {}),
        text.TextProblem("ke\\u202ey", text.BIDI, {"character": "U+202E"}),
    ]
    assert cleaned["fullName"] == "Nguyễn"
    assert "ke\u202ey" in cleaned  # keys are never rewritten


def test_clean_returns_unchanged_parts_as_they_are() -> None:
    value = {"a": ["b", {"c": "d"}], "e": 1}
    cleaned, problems = text.clean(value)
    assert cleaned is value
    assert problems == []


def test_clean_keeps_the_spacing_of_paths_asked_for() -> None:
    cleaned, _ = text.clean(
        {"fields": {"a": " b ", "c": [" d "]}, "e": " f "}, keep_spacing={"fields"}
    )
    assert cleaned == {"fields": {"a": " b ", "c": [" d "]}, "e": "f"}


def test_clean_refuses_deep_nesting() -> None:
    deep: object = "x"
    for _ in range(text.MAX_DEPTH):
        deep = [deep]
    assert text.clean(deep)[1] == []
    with pytest.raises(text.TooDeep):
        text.clean([deep])


class Note(msgspec.Struct, rename="camel", frozen=True):
    dossier_id: str
    note_text: str | None = None
    parts: dict[str, list[str]] = {}


def test_clean_walks_structs_by_their_wire_names() -> None:
    note = Note("  d1 ", "Nhầm\x1b", {"slot": ["A\u0300"]})
    cleaned, problems = text.clean(note, path="args")
    assert problems == [text.TextProblem("args.noteText", text.CONTROL, {"character": "U+001B"})]
    assert cleaned == Note("d1", "Nhầm\x1b", {"slot": ["À"]})
    untouched = Note("d1")
    assert text.clean(untouched)[0] is untouched


@pytest.mark.parametrize(
    ("body", "repaired"),
    [
        (rb'"a\ud83d"', rb'"a\ufffd"'),  # a high half alone
        (rb'"\ude00x"', rb'"\ufffdx"'),  # a low half alone
        (rb'"\ud83d\ude00"', rb'"\ud83d\ude00"'),  # a pair: an emoji
        (rb'"\ud83d\ud83d\ude00"', rb'"\ufffd\ud83d\ude00"'),
        (rb'"\\ud83d"', rb'"\\ud83d"'),  # an escaped backslash, then text
        (rb'"\\\ud83d"', rb'"\\\ufffd"'),
        (rb'"\u0041\n"', rb'"\u0041\n"'),
    ],
)
def test_lone_surrogate_escapes_become_replacement_characters(body: bytes, repaired: bytes) -> None:
    assert text.repair_lone_surrogates(body) == repaired
    msgspec.json.decode(repaired)  # now readable
