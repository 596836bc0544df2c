"""The app's HTML is served with a Content-Security-Policy that the built PWA lives within:
its own scripts, workers, styles and connections only, no framing by any site."""

from __future__ import annotations

import base64
import hashlib
from pathlib import Path

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from backend.app import create_app
from backend.config import ROOT, Settings
from backend.core.pwa import content_security_policy
from tests.conftest import settings_for

Client = AsyncTestClient[Litestar]
BUILT_INDEX = ROOT / "pwa" / "dist" / "index.html"
INLINE_SCRIPT = "window.__motcua = 1;"
INLINE_STYLE = "body{margin:0}"


def directives(policy: str) -> dict[str, list[str]]:
    parsed = {}
    for directive in policy.split(";"):
        name, *values = directive.split()
        assert name not in parsed, f"{name} given twice"
        parsed[name] = values
    return parsed


def sha256_source(code: str) -> str:
    return f"'sha256-{base64.b64encode(hashlib.sha256(code.encode()).digest()).decode()}'"


def built_pwa(root: Path, index: str) -> Path:
    dist = root / "dist"
    (dist / "assets").mkdir(parents=True)
    (dist / "index.html").write_text(index)
    (dist / "assets" / "index-abc123.js").write_text("console.log('shell')")
    (dist / "sw.js").write_text("// the service worker")
    return dist


async def test_app_pages_carry_the_policy_and_no_framing(
    settings: Settings, tmp_path: Path
) -> None:
    dist = built_pwa(
        tmp_path,
        "<!doctype html><html><head><title>MotCua</title>"
        '<script type="module" src="/assets/index-abc123.js"></script>'
        f"<script>{INLINE_SCRIPT}</script><style>{INLINE_STYLE}</style>"
        '</head><body><div id="app"></div></body></html>',
    )
    app = create_app(settings_for(settings.database_url, tmp_path, pwa_dir=dist))
    async with AsyncTestClient(app) as client:
        pages = [await client.get(path) for path in ("/", "/thu-tuc/1.001193", "/index.html")]
        asset = await client.get("/assets/index-abc123.js")
    for page in pages:
        assert page.status_code == 200
        policy = directives(page.headers["content-security-policy"])
        assert policy["script-src"] == ["'self'", sha256_source(INLINE_SCRIPT)]
        assert policy["style-src"] == ["'self'", sha256_source(INLINE_STYLE)]
        assert policy["worker-src"] == policy["connect-src"] == ["'self'"]
        assert policy["default-src"] == ["'self'"]
        assert policy["img-src"] == ["'self'", "data:", "blob:"]
        assert policy["object-src"] == policy["frame-ancestors"] == ["'none'"]
        assert policy["base-uri"] == ["'self'"]
        assert page.headers["x-frame-options"] == "DENY"
        assert page.headers["referrer-policy"] == "same-origin"
        assert page.headers["x-content-type-options"] == "nosniff"
    assert "content-security-policy" not in asset.headers  # a script, not a page


def test_no_policy_allows_inline_code_wholesale() -> None:
    policy = content_security_policy("<html><script>alert(1)</script></html>")
    assert "'unsafe-inline'" not in policy
    assert "'unsafe-eval'" not in policy
    assert "*" not in policy
    # the hash covers that script only: a changed one is not allowed
    assert sha256_source("alert(1)") in policy
    assert sha256_source("alert(2)") not in policy


@pytest.mark.skipif(not BUILT_INDEX.is_file(), reason="the PWA is not built (npm run build)")
def test_the_built_app_needs_no_inline_code() -> None:
    policy = directives(content_security_policy(BUILT_INDEX.read_text()))
    assert policy["script-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'"]
