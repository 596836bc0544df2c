"""Serving the built PWA: files from `pwa/dist`, `index.html` for app routes.

Hashed assets never change, so browsers may keep them forever; `index.html`, the service
worker and the manifest must be revalidated every time, or an update would never arrive.
An operator can retire the service worker (kill switch): `/sw.js` then answers with a worker
that clears the caches and unregisters itself.
"""

from __future__ import annotations

import mimetypes
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
    return File(
        target,
        media_type=media_type,
        content_disposition_type="inline",
        headers={"cache-control": _cache_control(name)},
    )
