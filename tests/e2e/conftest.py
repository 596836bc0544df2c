"""Browser journeys: the real server (`python -m backend serve`, fresh SQLite, demo data) in a
subprocess, and Debian's Chromium driven by Playwright, one fresh browser profile per test.

The base URL uses `localhost`, not 127.0.0.1: WebAuthn and service workers treat it as secure.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, Playwright, sync_playwright

ROOT = Path(__file__).resolve().parents[2]
PWA_INDEX = ROOT / "pwa" / "dist" / "index.html"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
LISTENING = re.compile(r"MotCua listening on http://[^:]+:(\d+)")
PHONE_VIEWPORT = {"width": 360, "height": 800}


@pytest.fixture(scope="session")
def base_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The app served from a fresh var/ directory; port 0 lets the server pick a free port."""
    if not PWA_INDEX.is_file():
        pytest.fail(
            f"{PWA_INDEX.relative_to(ROOT)} is missing: build the PWA (npm run build in pwa/)"
        )
    env = {k: v for k, v in os.environ.items() if k != "MOTCUA_DATABASE_URL"}
    env["MOTCUA_VAR_DIR"] = str(tmp_path_factory.mktemp("var"))
    server = subprocess.Popen(
        [sys.executable, "-m", "backend", "serve", "--host", "127.0.0.1", "--port", "0"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    assert server.stdout is not None
    output: list[str] = []
    port = None
    for line in server.stdout:
        output.append(line)
        if match := LISTENING.search(line):
            port = match.group(1)
            break
    if port is None:
        server.wait()
        pytest.fail(f"the server exited ({server.returncode}) before listening:\n{''.join(output)}")
    # Keep reading, so a chatty server never blocks on a full pipe.
    threading.Thread(target=output.extend, args=(server.stdout,), daemon=True).start()
    try:
        yield f"http://localhost:{port}"
    finally:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as playwright:
        yield playwright


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
    chromium = os.environ.get("MOTCUA_CHROMIUM") or shutil.which("chromium")
    if chromium is None:
        pytest.skip("Chromium is not installed (apt-get install chromium, or set MOTCUA_CHROMIUM)")
    browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
    yield browser
    browser.close()


@pytest.fixture
def context(browser: Browser, base_url: str) -> Iterator[BrowserContext]:
    """A new profile: no service worker, IndexedDB or saved language from an earlier test."""
    context = browser.new_context(base_url=base_url, viewport=PHONE_VIEWPORT)
    yield context
    context.close()


@pytest.fixture
def page(context: BrowserContext) -> Page:
    return context.new_page()
