"""HTTP helpers shared by features: validated ETags for public reads, opaque page cursors,
and the headers of a private file served inline."""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
import unicodedata
from typing import Any, TypeVar
from urllib.parse import quote

import msgspec
from litestar import Request, Response
from litestar.status_codes import HTTP_304_NOT_MODIFIED

T = TypeVar("T")

PUBLIC_REVALIDATE = "public, no-cache"  # cacheable, but always checked with If-None-Match
_NOT_PLAIN = re.compile(r"[^A-Za-z0-9._() -]+")
_ATTR_CHARS = "!#$&+-.^_`|~"  # RFC 8187 attr-char besides letters and digits


def etag_of(value: object) -> str:
    digest = hashlib.sha256(msgspec.json.encode(value)).digest()
    return '"' + base64.urlsafe_b64encode(digest[:18]).decode() + '"'


def _matches(if_none_match: str | None, etag: str) -> bool:
    if not if_none_match:
        return False
    candidates = {tag.strip().removeprefix("W/") for tag in if_none_match.split(",")}
    return "*" in candidates or etag in candidates


def cached_response(request: Request[Any, Any, Any], value: T) -> Response[T]:
    """`value` with a strong ETag; 304 with no body when the client already has it."""
    etag = etag_of(value)
    headers = {"etag": etag, "cache-control": PUBLIC_REVALIDATE}
    if _matches(request.headers.get("if-none-match"), etag):
        not_modified: Response[Any] = Response(
            None, status_code=HTTP_304_NOT_MODIFIED, headers=headers
        )
        return not_modified
    return Response(value, headers=headers)


def encode_cursor(position: object) -> str:
    return base64.urlsafe_b64encode(msgspec.json.encode(position)).decode().rstrip("=")


def decode_cursor(cursor: str, shape: type[T]) -> T | None:
    """The position inside an opaque cursor, or None when it is not one of ours."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        return msgspec.json.decode(raw, type=shape)
    except (binascii.Error, ValueError, msgspec.DecodeError):
        return None


def inline_disposition(file_name: str) -> str:
    """`Content-Disposition: inline` with the file's name: a plain ASCII `filename` every
    browser reads (Vietnamese marks dropped), and the exact name as RFC 8187 `filename*`
    when it differs."""
    decomposed = unicodedata.normalize("NFKD", file_name.replace("đ", "d").replace("Đ", "D"))
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    plain = _NOT_PLAIN.sub("_", plain).strip() or "file"
    header = f'inline; filename="{plain}"'
    if plain != file_name:
        header += f"; filename*=UTF-8''{quote(file_name, safe=_ATTR_CHARS)}"
    return header


def private_file_headers(file_name: str, size: int) -> dict[str, str]:
    """Headers of someone's file served to them: shown inline under its name, never cached
    or sniffed as another type, and sandboxed: were a file ever read as a page (an SVG, an
    HTML file that slipped through), it would run in an origin of its own, with no script,
    no access to our cookies or storage, and no way to frame or navigate the app."""
    return {
        "content-disposition": inline_disposition(file_name),
        "content-length": str(size),
        "cache-control": "private, no-store",
        "x-content-type-options": "nosniff",
        "content-security-policy": "sandbox",
    }
