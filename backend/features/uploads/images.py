"""Re-encode uploaded images so that only pixels are kept: EXIF (GPS, camera serials), XMP,
comments and text chunks are dropped, the EXIF orientation is applied to the pixels first."""

from __future__ import annotations

import io
from dataclasses import dataclass

from PIL import Image, ImageOps, UnidentifiedImageError

from backend.features.uploads.inspect import JPEG, PNG, WEBP

MAX_PIXELS = 50_000_000  # a decompression bomb is refused, not decoded
JPEG_QUALITY = 85
FORMATS = {JPEG: "JPEG", PNG: "PNG", WEBP: "WEBP"}


class UnreadableImage(Exception):
    """The bytes look like an image but do not decode as one."""


@dataclass(frozen=True)
class Reencoded:
    data: bytes
    width: int
    height: int


def reencode(data: bytes, media_type: str) -> Reencoded:
    """The image decoded and saved again in the same format, with no metadata."""
    fmt = FORMATS[media_type]
    try:
        with Image.open(io.BytesIO(data), formats=[fmt]) as opened:
            if opened.width * opened.height > MAX_PIXELS:
                raise UnreadableImage("too many pixels")
            opened.load()
            image = ImageOps.exif_transpose(opened)
    except (
        UnidentifiedImageError,
        OSError,
        SyntaxError,
        ValueError,
        Image.DecompressionBombError,
    ) as exc:
        raise UnreadableImage(str(exc)) from exc
    # A clean copy: no info dict (exif, xmp, comments, text) travels to the encoder.
    clean = Image.new(image.mode, image.size)
    clean.paste(image)
    if image.mode == "P" and image.getpalette() is not None:
        clean.putpalette(image.getpalette() or [])
        if "transparency" in image.info:
            clean.info["transparency"] = image.info["transparency"]
    out = io.BytesIO()
    if fmt == "JPEG":
        if clean.mode not in ("RGB", "L"):
            clean = clean.convert("RGB")
        clean.save(out, "JPEG", quality=JPEG_QUALITY, optimize=True)
    elif fmt == "PNG":
        clean.save(out, "PNG", optimize=True)
    else:
        clean.save(out, "WEBP", quality=JPEG_QUALITY)
    return Reencoded(out.getvalue(), clean.width, clean.height)
