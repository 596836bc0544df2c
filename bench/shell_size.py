"""The gzip size of the citizen shell's JavaScript: what index.html loads before any lazy
chunk (its module scripts and modulepreloads)."""

from __future__ import annotations

import gzip
import re
from pathlib import Path
from typing import Any

DIST = Path(__file__).resolve().parent.parent / "pwa" / "dist"
BUDGET_BYTES = 80 * 1024
SHELL_SCRIPT = re.compile(
    r'<(?:script[^>]+type="module"[^>]+src|link[^>]+rel="modulepreload"[^>]+href)="/?([^"]+)"'
)


def run() -> dict[str, Any]:
    html = (DIST / "index.html").read_text()
    files = sorted(set(SHELL_SCRIPT.findall(html)))
    sizes = {
        name: len(gzip.compress((DIST / name).read_bytes(), compresslevel=9)) for name in files
    }
    lazy = [p.name for p in (DIST / "assets").glob("*.js") if f"assets/{p.name}" not in sizes]
    total = sum(sizes.values())
    return {
        "shell_js_gzip_bytes": total,
        "budget_bytes": BUDGET_BYTES,
        "within_budget": total <= BUDGET_BYTES,
        "files": sizes,
        "lazy_chunks": sorted(lazy),
    }
