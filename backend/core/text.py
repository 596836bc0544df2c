"""The text policy: what a string from outside must be before anything stores it (decision 0015).

Every string that arrives from outside — JSON bodies, query and path parameters, the arguments
and envelope of sync mutations, and the keys of the mappings among them — is checked against
these rules, in this order:

1. Refused, whatever the field, when it holds
   - a control character: Unicode category Cc (NUL, the other C0 controls, DEL, the C1
     controls), except LF and TAB, which a multi-line note may hold; CR is refused too
     (browsers send a textarea's line breaks as LF alone); and the line and paragraph
     separators U+2028 and U+2029;
   - a bidirectional control: the marks U+200E, U+200F and U+061C, the embeddings and
     overrides U+202A-U+202E and the isolates U+2066-U+2069, which make a name or a file
     name read differently from what it is ("Trojan Source"); Vietnamese needs none;
   - half of a surrogate pair, which no UTF-8 database can store.
2. Refused when it is not empty yet shows nothing: it has no visible character but at least
   one invisible one (zero-width spaces and joiners U+200B-U+200D, U+2060, U+FEFF, other
   format characters, combining marks with nothing to combine with, Hangul fillers, the
   blank braille pattern). A name of zero-width spaces is no name.
3. NFC-normalised: one spelling of "Nguyễn", whichever keyboard typed it.
4. Trimmed, where trimming applies: whitespace and zero-width spaces (U+200B, U+2060, U+FEFF)
   at either end are removed. A caller may keep a subtree's spacing (a draft's fields, which
   the phone adopts back into the form the citizen is typing in).

Mapping keys are checked (rules 1 and 2) but never rewritten, so two keys cannot collapse
into one. Everything here is a pure function; `backend.core.edge` applies it to requests and
the sync service to mutations.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Collection, Mapping
from typing import Any, Final, NamedTuple

import msgspec

CONTROL: Final = "control_character"
BIDI: Final = "bidi_control"
SURROGATE: Final = "invalid_character"
INVISIBLE_ONLY: Final = "invisible_only"
CODES: Final = (CONTROL, BIDI, SURROGATE, INVISIBLE_ONLY)

MAX_DEPTH: Final = 32
"""Nesting deeper than this is not a form anyone fills in: the body is refused as malformed."""

BIDI_CONTROLS: Final = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e") | frozenset(
    "\u2066\u2067\u2068\u2069"
)
_REFUSED = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029"  # controls (LF and TAB allowed), separators
    "\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"  # bidi marks, embeddings, isolates
    "\ud800-\udfff]"  # surrogates
)
_ENDS = re.compile(r"^[\s\u200b\u2060\ufeff]+|[\s\u200b\u2060\ufeff]+$")
# Letters that draw nothing, though their category says they are letters or symbols.
_BLANK_LETTERS: Final = frozenset("\u115f\u1160\u3164\uffa0\u2800")
_INVISIBLE_CATEGORIES: Final = frozenset({"Cf", "Mn", "Me", "Cc"})


class TextProblem(NamedTuple):
    """A string that breaks the policy: where it is (`fields.childName`), which rule, and
    the character at fault (``U+0000``) when one is."""

    path: str
    code: str
    params: Mapping[str, str]


class TooDeep(ValueError):
    """Nesting beyond `MAX_DEPTH`."""


class TextRefused(ValueError):
    """A single string that breaks the policy (`clean_text`)."""

    def __init__(self, code: str, params: Mapping[str, str]) -> None:
        super().__init__(code, dict(params))
        self.code = code
        self.params = params


def codepoint(character: str) -> str:
    return f"U+{ord(character):04X}"


def _is_visible(character: str) -> bool:
    if character.isspace() or character in _BLANK_LETTERS:
        return False
    return unicodedata.category(character) not in _INVISIBLE_CATEGORIES


def text_problem(value: str) -> tuple[str, dict[str, str]] | None:
    """The first rule `value` breaks (rules 1 and 2 of the module doc), or None."""
    refused = _REFUSED.search(value)
    if refused is not None:
        character = refused.group()
        if character in BIDI_CONTROLS:
            code = BIDI
        elif "\ud800" <= character <= "\udfff":
            code = SURROGATE
        else:
            code = CONTROL
        return code, {"character": codepoint(character)}
    if (
        value
        and not value.isascii()
        and not any(_is_visible(c) for c in value)
        and not all(c.isspace() for c in value)
    ):
        return INVISIBLE_ONLY, {}
    return None


def normalized(value: str, *, trim: bool = True) -> str:
    """`value` in NFC, trimmed unless `trim` is false (rules 3 and 4; assumes 1 and 2 hold)."""
    if value.isascii():
        return value.strip() if trim else value
    value = unicodedata.normalize("NFC", value)
    return _ENDS.sub("", value) if trim else value


def clean_text(value: str, *, trim: bool = True) -> str:
    """`value` normalised, or `TextRefused` naming the rule it breaks."""
    problem = text_problem(value)
    if problem is not None:
        raise TextRefused(*problem)
    return normalized(value, trim=trim)


def escaped(value: str) -> str:
    """`value` with each refused character written as ``\\uXXXX``: safe to store or log."""
    return _REFUSED.sub(lambda found: f"\\u{ord(found.group()):04x}", value)


def _key_path(path: str, key: str) -> str:
    key = escaped(key)
    return f"{path}.{key}" if path else key


_fields_cache: dict[type, tuple[tuple[str, str], ...]] = {}


def _struct_fields(kind: type[msgspec.Struct]) -> tuple[tuple[str, str], ...]:
    fields = _fields_cache.get(kind)
    if fields is None:
        fields = tuple((f.name, f.encode_name) for f in msgspec.structs.fields(kind))
        _fields_cache[kind] = fields
    return fields


class _Walk:
    __slots__ = ("keep_spacing", "problems")

    def __init__(self, keep_spacing: Collection[str]) -> None:
        self.keep_spacing = keep_spacing
        self.problems: list[TextProblem] = []

    def text(self, value: str, path: str, trim: bool) -> str:
        problem = text_problem(value)
        if problem is not None:
            self.problems.append(TextProblem(path, *problem))
            return value
        return normalized(value, trim=trim)

    def value(self, value: Any, path: str, trim: bool, depth: int) -> Any:
        if self.keep_spacing and path in self.keep_spacing:
            trim = False
        if isinstance(value, str):
            return self.text(value, path, trim)
        if isinstance(value, bool | int | float) or value is None:
            return value
        if depth >= MAX_DEPTH:
            raise TooDeep(path)
        if isinstance(value, dict):
            cleaned: dict[Any, Any] = {}
            changed = False
            for key, item in value.items():
                item_path = _key_path(path, key) if isinstance(key, str) else f"{path}[{key}]"
                if isinstance(key, str) and (problem := text_problem(key)) is not None:
                    self.problems.append(TextProblem(item_path, *problem))
                new = self.value(item, item_path, trim, depth + 1)
                changed = changed or new is not item
                cleaned[key] = new
            return cleaned if changed else value
        if isinstance(value, list | tuple):
            items = [
                self.value(item, f"{path}[{i}]", trim, depth + 1) for i, item in enumerate(value)
            ]
            if all(new is old for new, old in zip(items, value, strict=True)):
                return value
            return items if isinstance(value, list) else tuple(items)
        if isinstance(value, msgspec.Struct):
            changes = {}
            for name, wire_name in _struct_fields(type(value)):
                old = getattr(value, name)
                new = self.value(old, _key_path(path, wire_name), trim, depth + 1)
                if new is not old:
                    changes[name] = new
            return msgspec.structs.replace(value, **changes) if changes else value
        return value


def clean(
    value: Any, *, path: str = "", trim: bool = True, keep_spacing: Collection[str] = ()
) -> tuple[Any, list[TextProblem]]:
    """`value` (decoded JSON, or msgspec Structs holding it) with every string normalised,
    and every string that breaks the policy, by path; an unchanged part is returned as is.

    Paths use wire names: ``fields.childName``, ``documents.photo[0]``, ``[2]`` at the top.
    Under a path in `keep_spacing` strings are not trimmed. Raises `TooDeep` beyond
    `MAX_DEPTH` levels of nesting.
    """
    walk = _Walk(keep_spacing)
    cleaned = walk.value(value, path, trim, 0)
    return cleaned, walk.problems


_SURROGATE_ESCAPES = re.compile(
    rb"\\u[dD][89abAB][0-9a-fA-F]{2}\\u[dD][c-fC-F][0-9a-fA-F]{2}"  # a pair: kept
    rb"|\\u[dD][89a-fA-F][0-9a-fA-F]{2}"  # half of one: replaced
    rb"|\\."  # any other escape, so that `\\` followed by `ud800` is read as text
)
_MAYBE_SURROGATE = re.compile(rb"\\u[dD][89a-fA-F]")


def _repair(found: re.Match[bytes]) -> bytes:
    escape = found.group()
    return b"\\ufffd" if len(escape) == 6 and escape[1:2] == b"u" else escape


def repair_lone_surrogates(body: bytes) -> bytes:
    """JSON text with each escaped half of a surrogate pair (``\\ud83d`` alone) replaced by
    ``\\ufffd``, the replacement character, as a browser's UTF-8 encoder replaces one.

    `JSON.stringify` writes such halves as escapes when a length limit cuts an emoji in two;
    a JSON decoder refuses them. Without this, one cut emoji in a draft would make the
    phone's whole push unreadable, again at every retry."""
    if _MAYBE_SURROGATE.search(body) is None:
        return body
    return _SURROGATE_ESCAPES.sub(_repair, body)
