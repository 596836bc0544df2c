"""Vietnamese search folding (pure).

"Đăng ký khai sinh", "dang ky khai sinh" and "ĐĂNG KÝ KHAI SINH" fold to the same key: lower
case, marks stripped (NFD), đ -> d, punctuation to spaces. The PWA folds with the same rules
(`pwa/src/lib/fold.ts`); `tests/fixtures/fold-cases.json` holds both to them.
"""

from __future__ import annotations

import re
import unicodedata

_MARKS = re.compile(r"[\u0300-\u036f]")
_NOT_WORD = re.compile(r"[^a-z0-9.]+")
_LONE_DOT = re.compile(r"(?<!\d)\.|\.(?!\d)")  # dots survive only inside codes like 1.001193


def fold(text: str) -> str:
    """The search key of `text`: lower case ASCII words separated by single spaces."""
    decomposed = unicodedata.normalize("NFD", text.lower().replace("đ", "d").replace("Đ", "d"))
    words = _NOT_WORD.sub(" ", _MARKS.sub("", decomposed))
    return " ".join(_LONE_DOT.sub(" ", words).split())


def terms(query: str) -> list[str]:
    """The distinct folded words of a query, in order."""
    return list(dict.fromkeys(fold(query).split()))
