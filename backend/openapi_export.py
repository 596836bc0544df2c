"""The app's OpenAPI document, exported for the PWA (DESIGN.md §6).

``python -m backend.openapi_export`` writes it to `DOCUMENT_PATH` (``--check`` only reports
drift); the PWA's API types are generated from that file (``npm run api-types`` in pwa/), and a
unit test fails when the committed file differs from what the app describes now. The document
is the one the app serves at /api/docs/openapi.json, built by an app made with throwaway
settings and written with sorted keys, so the same routes always give the same text.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path
from typing import Any

from backend.app import create_app
from backend.config import Settings

REPO_ROOT = Path(__file__).resolve().parents[1]
DOCUMENT_PATH = Path("pwa/src/api/openapi.json")
COMMAND = "python -m backend.openapi_export"


def openapi_document() -> dict[str, Any]:
    """The OpenAPI document of an app made with throwaway settings (nothing is started)."""
    with tempfile.TemporaryDirectory(prefix="motcua-openapi-") as scratch:
        settings = Settings(
            var_dir=Path(scratch),
            pwa_dir=Path(scratch) / "dist",
            secret_key="openapi-export-" + "x" * 40,
            background_jobs=False,
        )
        document: dict[str, Any] = create_app(settings).openapi_schema.to_schema()
    return document


def render(document: dict[str, Any]) -> str:
    """The document as the committed file's text: sorted keys, two-space indent, a newline."""
    return json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def is_current(root: Path = REPO_ROOT) -> bool:
    """Whether the committed document under ``root`` is what the app describes now."""
    path = root / DOCUMENT_PATH
    return path.is_file() and path.read_text(encoding="utf-8") == render(openapi_document())


def write(root: Path = REPO_ROOT) -> bool:
    """Write the document under ``root`` when it drifted; whether it did."""
    text = render(openapi_document())
    path = root / DOCUMENT_PATH
    if path.is_file() and path.read_text(encoding="utf-8") == text:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return True


def main(argv: list[str] | None = None) -> int:
    """Write the document, or with ``--check`` exit 1 when the committed one drifted."""
    parser = argparse.ArgumentParser(prog=COMMAND, description=__doc__)
    parser.add_argument("--check", action="store_true", help="only report drift")
    options = parser.parse_args(argv)
    if options.check:
        if is_current():
            return 0
        print(f"out of date: {DOCUMENT_PATH} (run {COMMAND})", file=sys.stderr)
        return 1
    if write():
        print(f"wrote {DOCUMENT_PATH}; now run `npm run api-types` in pwa/")
    return 0


if __name__ == "__main__":
    sys.exit(main())
