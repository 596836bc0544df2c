"""Browser journeys: the real server (`python -m backend serve`, fresh SQLite, demo data) in a
subprocess, and Debian's Chromium driven by Playwright, one fresh browser profile per test.

The base URL uses `localhost`, not 127.0.0.1: WebAuthn and service workers treat it as secure.
"""

from __future__ import annotations

import itertools
import os
import re
import secrets
import shutil
import sqlite3
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from ipaddress import IPv4Address
from pathlib import Path
from typing import Any
from weakref import WeakKeyDictionary

import pytest
from playwright.sync_api import (
    Browser,
    BrowserContext,
    CDPSession,
    ConsoleMessage,
    Page,
    Playwright,
    ViewportSize,
    sync_playwright,
)

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
PHONE_VIEWPORT: ViewportSize = {"width": 360, "height": 800}


@pytest.fixture(scope="session")
def var_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The served app's var/ directory: its SQLite database, blobs and secret."""
    return tmp_path_factory.mktemp("var")


@pytest.fixture(scope="session")
def server_rows(var_dir: Path) -> Callable[..., list[tuple[Any, ...]]]:
    """Read the served app's database (read-only), to count what arrived on the server."""

    def rows(sql: str, *params: Any) -> list[tuple[Any, ...]]:
        database = sqlite3.connect(f"file:{var_dir / 'motcua.db'}?mode=ro", uri=True)
        try:
            return database.execute(sql, params).fetchall()
        finally:
            database.close()

    return rows


@pytest.fixture(scope="session")
def base_url(var_dir: Path) -> Iterator[str]:
    """The app served from a fresh var/ directory; port 0 lets the server pick a free port."""
    if not PWA_INDEX.is_file():
        pytest.fail(
            f"{PWA_INDEX.relative_to(ROOT)} is missing: build the PWA (npm run build in pwa/)"
        )
    env = {k: v for k, v in os.environ.items() if k != "MOTCUA_DATABASE_URL"}
    env["MOTCUA_VAR_DIR"] = str(var_dir)
    # The profiles' X-Forwarded-For (`new_profile`) is honoured as from a proxy of ours.
    env["MOTCUA_TRUSTED_PROXIES"] = "127.0.0.1,::1"
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


CLIENT_ADDRESSES = (str(IPv4Address("198.18.0.1") + n) for n in itertools.count())  # RFC 2544


# Every page reports what the app's Content-Security-Policy blocked; a journey that trips it
# fails, so the policy and the built app cannot drift apart unnoticed.
REPORT_CSP_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (event) => {
  console.error(`CSP violation: ${event.violatedDirective} blocked ${event.blockedURI}`);
});
"""
CSP_VIOLATIONS: WeakKeyDictionary[BrowserContext, list[str]] = WeakKeyDictionary()


def new_profile(browser: Browser, base_url: str) -> BrowserContext:
    context = browser.new_context(
        base_url=base_url,
        viewport=PHONE_VIEWPORT,
        extra_http_headers={"X-Forwarded-For": next(CLIENT_ADDRESSES)},
    )
    violations = CSP_VIOLATIONS.setdefault(context, [])

    def on_console(message: ConsoleMessage) -> None:
        if "Content Security Policy" in message.text or "CSP violation" in message.text:
            violations.append(message.text)

    context.on("console", on_console)
    context.add_init_script(REPORT_CSP_VIOLATIONS)
    return context


def wait_for_service_worker_control(page: Page) -> None:
    """Until the service worker controls the page (after its `clients.claim()`): an event
    awaited in the page, since `wait_for_function` evaluates strings, which the app's CSP
    refuses."""
    page.evaluate(
        """() => navigator.serviceWorker.controller !== null || new Promise((resolve) =>
          navigator.serviceWorker.addEventListener("controllerchange", () => resolve(true), {
            once: true,
          }))"""
    )


def close_profiles(*contexts: BrowserContext) -> None:
    """Close the profiles, then fail if the app's Content-Security-Policy blocked anything."""
    violations = [v for context in contexts for v in CSP_VIOLATIONS.get(context, [])]
    for context in contexts:
        context.close()
    assert violations == [], "the Content-Security-Policy blocked part of the app"


@pytest.fixture
def context(browser: Browser, base_url: str) -> Iterator[BrowserContext]:
    """A new profile: no service worker, IndexedDB or saved language from an earlier test.

    Each profile is also a phone on its own network: the server counts rate limits per client
    address, taken from the X-Forwarded-For each profile sends (the server trusts 127.0.0.1 as
    its proxy: MOTCUA_TRUSTED_PROXIES), so the tests do not share one sign-up budget.
    """
    context = new_profile(browser, base_url)
    yield context
    close_profiles(context)


@pytest.fixture
def page(context: BrowserContext) -> Page:
    return context.new_page()


@dataclass(frozen=True)
class VirtualAuthenticator:
    """Chromium's virtual authenticator (DevTools WebAuthn domain) standing in for a phone's
    platform authenticator: it keeps discoverable credentials and verifies its user at once."""

    cdp: CDPSession
    authenticator_id: str

    def credentials(self) -> list[dict[str, Any]]:
        result = self.cdp.send(
            "WebAuthn.getCredentials", {"authenticatorId": self.authenticator_id}
        )
        return list(result["credentials"])


def add_authenticator(context: BrowserContext, page: Page) -> VirtualAuthenticator:
    """Give `page` a phone's authenticator (Chromium's virtual one, through CDP)."""
    cdp = context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    added = cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
                "automaticPresenceSimulation": True,
            }
        },
    )
    return VirtualAuthenticator(cdp, added["authenticatorId"])


@pytest.fixture
def authenticator(context: BrowserContext, page: Page) -> VirtualAuthenticator:
    return add_authenticator(context, page)


@pytest.fixture
def new_browser_context(browser: Browser, base_url: str) -> Iterator[Callable[[], BrowserContext]]:
    """Another phone: more fresh profiles within one test, closed at its end."""
    contexts: list[BrowserContext] = []

    def make() -> BrowserContext:
        contexts.append(new_profile(browser, base_url))
        return contexts[-1]

    yield make
    close_profiles(*contexts)


DESK_VIEWPORT: ViewportSize = {"width": 1280, "height": 800}
ENROLLMENT_LINK = re.compile(r"https?://\S+(/enroll#token=\S+)")


@dataclass(frozen=True)
class StaffMember:
    """A staff account enrolled in its own browser profile (an office computer), signed in."""

    name: str
    page: Page
    authenticator: VirtualAuthenticator


@pytest.fixture
def enroll_staff(
    var_dir: Path, new_browser_context: Callable[[], BrowserContext]
) -> Callable[..., StaffMember]:
    """Create a staff account with the operator's command (`create-staff`, roles as
    `ROLE@AGENCY`), then enroll its passkey from the printed one-time link in a new profile,
    as a new officer does on their first day."""

    def enroll(name: str, *roles: str) -> StaffMember:
        env = {k: v for k, v in os.environ.items() if k != "MOTCUA_DATABASE_URL"}
        env["MOTCUA_VAR_DIR"] = str(var_dir)
        phone = f"09{next(STAFF_PHONES):08d}"
        command = [sys.executable, "-m", "backend", "create-staff", "--name", name]
        command += ["--phone", phone, *itertools.chain(*(("--role", r) for r in roles))]
        created = subprocess.run(
            command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=False
        )
        assert created.returncode == 0, created.stderr
        link = ENROLLMENT_LINK.search(created.stdout)
        assert link is not None, created.stdout
        context = new_browser_context()
        page = context.new_page()
        page.set_viewport_size(DESK_VIEWPORT)
        authenticator = add_authenticator(context, page)
        page.goto(link.group(1))
        page.get_by_role("button", name="Tạo passkey").click()
        page.get_by_role("heading", level=1, name="Tài khoản", exact=True).wait_for()
        return StaffMember(name, page, authenticator)

    return enroll


# Staff phones: a block no citizen test draws from (those use random numbers; one clash in
# 10^8 would show as an "account exists" failure, not a wrong pass).
STAFF_PHONES = itertools.count(80_000_000 + secrets.randbelow(10**7))
