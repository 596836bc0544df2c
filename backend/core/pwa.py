"""Serving the built PWA: files from `pwa/dist`, `index.html` for app routes.

Hashed assets never change, so browsers may keep them forever; `index.html`, the service
worker and the manifest must be revalidated every time, or an update would never arrive.
An operator can retire the service worker (kill switch): `/sw.js` then answers with a worker
that clears the caches and unregisters itself.

The app's HTML carries a Content-Security-Policy: scripts, workers, styles, fonts and
connections from our own origin only (images also from data: and blob: URLs: the QR codes and
photo previews), no plugins, no <base> elsewhere, no framing by any site (clickjacking), plus
X-Frame-Options and Referrer-Policy for browsers that predate CSP's frame-ancestors. The build
has no inline script or style today; if one appears, its hash is allowed, read from the file.
"""

from __future__ import annotations

import base64
import hashlib
import mimetypes
from functools import lru_cache
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from litestar import Request, Response, get
from litestar.params import FromPath
from litestar.response import File

from backend.core.deps import AppSettings
from backend.core.errors import NotFound, TransientFailure

IMMUTABLE = "public, max-age=31536000, immutable"
REVALIDATE = "no-cache"
SHORT = "public, max-age=86400"
ALWAYS_REVALIDATED = {"index.html", "sw.js", "manifest.webmanifest", "registerSW.js"}

RETIRED_SERVICE_WORKER = """\
// MotCua's service worker has been retired by the operator: clear caches, unregister, reload.
self.addEventListener("install", () => self.skipWaiting());
self.addEventListener("activate", (event) => {
  event.waitUntil((async () => {
    for (const key of await caches.keys()) await caches.delete(key);
    await self.registration.unregister();
    const windows = await self.clients.matchAll({ type: "window" });
    for (const client of windows) client.navigate(client.url);
  })());
});
"""

CSP_DIRECTIVES: tuple[tuple[str, str], ...] = (
    ("default-src", "'self'"),
    ("script-src", "'self'"),
    ("worker-src", "'self'"),
    ("style-src", "'self'"),
    ("img-src", "'self' data: blob:"),
    ("font-src", "'self'"),
    ("connect-src", "'self'"),
    ("manifest-src", "'self'"),
    ("media-src", "'self' blob:"),
    ("object-src", "'none'"),
    ("frame-src", "'none'"),
    ("base-uri", "'self'"),
    ("form-action", "'self'"),
    ("frame-ancestors", "'none'"),
)


class _InlineCode(HTMLParser):
    """The inline scripts and styles of an HTML page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.scripts: list[str] = []
        self.styles: list[str] = []
        self._inside: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "script" and not any(name == "src" for name, _ in attrs):
            self.scripts.append("")
            self._inside = self.scripts
        elif tag == "style":
            self.styles.append("")
            self._inside = self.styles

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self._inside = None

    def handle_data(self, data: str) -> None:
        if self._inside is not None:
            self._inside[-1] += data


def _hash_source(code: str) -> str:
    digest = hashlib.sha256(code.encode()).digest()
    return f"'sha256-{base64.b64encode(digest).decode()}'"


def content_security_policy(html: str) -> str:
    """The policy for a page of the app: `CSP_DIRECTIVES`, with the page's own inline
    scripts and styles allowed by hash."""
    inline = _InlineCode()
    inline.feed(html)
    extra = {
        "script-src": [_hash_source(code) for code in inline.scripts],
        "style-src": [_hash_source(code) for code in inline.styles],
    }
    return "; ".join(
        " ".join([name, value, *extra.get(name, [])]) for name, value in CSP_DIRECTIVES
    )


@lru_cache(maxsize=8)
def _policy_of_file(path: Path, modified_ns: int, size: int) -> str:
    return content_security_policy(path.read_text(encoding="utf-8", errors="replace"))


def page_headers(path: Path) -> dict[str, str]:
    """The security headers of an HTML page of the app (computed once per version of it)."""
    stat = path.stat()
    return {
        "content-security-policy": _policy_of_file(path, stat.st_mtime_ns, stat.st_size),
        "x-frame-options": "DENY",
        "referrer-policy": "same-origin",
        "x-content-type-options": "nosniff",
    }


mimetypes.add_type("application/manifest+json", ".webmanifest")
mimetypes.add_type("text/javascript", ".js")


class PwaNotBuilt(TransientFailure):
    problem_type = "service-unavailable"


def _cache_control(relative: str) -> str:
    if relative.startswith("assets/"):
        return IMMUTABLE
    if relative in ALWAYS_REVALIDATED:
        return REVALIDATE
    return SHORT


STATIC_SUFFIXES = {
    ".js",
    ".mjs",
    ".css",
    ".map",
    ".png",
    ".svg",
    ".ico",
    ".webp",
    ".jpg",
    ".woff2",
    ".json",
    ".webmanifest",
    ".txt",
    ".html",
}


@get("/", include_in_schema=False, opt={"access": "public"}, sync_to_thread=False)
def serve_pwa_index(request: Request[Any, Any, Any], settings: AppSettings) -> Response[Any]:
    return _serve(request, settings, "")


@get("/{path:path}", include_in_schema=False, opt={"access": "public"}, sync_to_thread=False)
def serve_pwa(
    request: Request[Any, Any, Any], settings: AppSettings, path: FromPath[str]
) -> Response[Any]:
    return _serve(request, settings, path)


def _serve(request: Request[Any, Any, Any], settings: AppSettings, path: str) -> Response[Any]:
    relative = path.lstrip("/")
    if relative == "api" or relative.startswith("api/"):
        raise NotFound(path=request.url.path)
    if relative == "sw.js" and settings.retire_service_worker:
        return Response(
            RETIRED_SERVICE_WORKER,
            media_type="text/javascript",
            headers={"cache-control": REVALIDATE},
        )
    root = settings.pwa_dir.resolve()
    index = root / "index.html"
    if not index.is_file():
        raise PwaNotBuilt(retry_after=30)
    target = (root / relative).resolve() if relative else index
    if not target.is_file() or not target.is_relative_to(root):
        if relative.startswith("assets/") or Path(relative).suffix in STATIC_SUFFIXES:
            # a missing file, not an app route: answering index.html would hide the 404
            raise NotFound(path=request.url.path)
        target = index
    name = target.relative_to(root).as_posix()
    media_type = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
    headers = {"cache-control": _cache_control(name)}
    if media_type == "text/html":
        headers |= page_headers(target)
    return File(target, media_type=media_type, content_disposition_type="inline", headers=headers)
