"""Photo budget on the phone: a noisy 12-megapixel JPEG (4000 x 3000, EXIF Orientation 6)
attached to the birth certificate slot of the application form in Chromium, compressed there
in a Web Worker; measures what the page stores (and later uploads): bytes and decoded
dimensions. Budget: <= 500 KB, long edge <= 2048 px, orientation applied."""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from typing import Any

from playwright.sync_api import sync_playwright

from bench.http_load import running
from tests.e2e.conftest import CHROMIUM_ARGS, PHONE_VIEWPORT, add_authenticator
from tests.e2e.test_identity import new_phone, sign_up
from tests.e2e.test_photo import MAX_BYTES, MAX_EDGE, attach_photo, twelve_megapixel_jpeg


def run() -> dict[str, Any]:
    chromium = os.environ.get("MOTCUA_CHROMIUM") or shutil.which("chromium")
    if chromium is None:
        raise RuntimeError("Chromium is not installed (or set MOTCUA_CHROMIUM)")
    jpeg = twelve_megapixel_jpeg()
    with tempfile.TemporaryDirectory() as var:
        env = {"MOTCUA_VAR_DIR": var}
        command = [sys.executable, "-m", "backend", "serve", "--host", "127.0.0.1", "--port", "0"]
        with running(command, env) as url, sync_playwright() as playwright:
            # WebAuthn and service workers need a secure origin: localhost, not 127.0.0.1.
            base_url = url.replace("127.0.0.1", "localhost")
            browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
            try:
                context = browser.new_context(base_url=base_url, viewport=PHONE_VIEWPORT)
                page = context.new_page()
                add_authenticator(context, page)
                sign_up(page, "Bench", new_phone())
                stored = attach_photo(page, jpeg)
            finally:
                browser.close()
    return {
        "input_bytes": len(jpeg),
        "input_width": 4000,
        "input_height": 3000,
        "output_bytes": stored["size"],
        "width": stored["width"],
        "height": stored["height"],
        "within_budget": stored["size"] <= MAX_BYTES
        and max(stored["width"], stored["height"]) <= MAX_EDGE,
        "attach_seconds": round(stored["seconds"], 2),
        "method": "Chromium (headless, no GPU) via Playwright; a noisy 4000 x 3000 JPEG with EXIF "
        "Orientation 6 through the file chooser of the application form's birth certificate "
        "slot; the stored blob read back from IndexedDB and decoded with createImageBitmap; "
        "attach time runs from choosing the file to its listing in the slot (decode, resize, "
        "encode in the worker, hash, store)",
    }
