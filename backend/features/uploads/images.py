"""Re-encode uploaded images so that only pixels are kept: EXIF (GPS, camera serials), XMP,
ICC profiles, comments and text chunks are dropped, the EXIF orientation is applied to the
pixels first.

Memory is the constraint: the server decodes photos from strangers, several at once, on a
small machine. So the pixel count is read from the header and refused before anything is
decoded; a JPEG larger than `MAX_STORED_EDGE` is decoded already scaled down by libjpeg (DCT
scaling by 1/2, 1/4 or 1/8, which never builds the full-size bitmap); the orientation is
applied in place and the metadata dropped from the decoded image itself rather than pasted
into a clean copy; a mode is converted only when the encoder needs it, and the decoded image
is released as soon as its converted copy exists. One decoded copy at a time, then, except
for that conversion (CMYK to RGB) and a rotation.

`MAX_STORED_EDGE` (4096 px) is the largest long edge we store. The phone already sends at
most 2048 px (DESIGN.md §4); larger images come from scanners and desktop browsers, where
4096 px keeps an A4 page at about 350 dpi — more than a desk officer needs to read a stamp —
while bounding one decoded photo to 4096 x 4096 x 4 bytes (67 MB, CMYK) instead of the 200
MB that 50 megapixels would take.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from PIL import Image, ImageOps, UnidentifiedImageError

from backend.features.uploads.inspect import JPEG, PNG, WEBP

MAX_PIXELS = 50_000_000  # a decompression bomb is refused, not decoded
MAX_STORED_EDGE = 4096  # long edge of a stored image (see the module doc)
JPEG_QUALITY = 85
FORMATS = {JPEG: "JPEG", PNG: "PNG", WEBP: "WEBP"}
JPEG_MODES = ("RGB", "L")
# The one piece of the info dict that is pixels, not metadata: which palette entry or colour
# is transparent (PNG tRNS).
KEPT_INFO = ("transparency",)
DECODE_ERRORS = (
    UnidentifiedImageError,
    OSError,
    SyntaxError,
    ValueError,
    Image.DecompressionBombError,
)


class UnreadableImage(Exception):
    """The bytes look like an image but do not decode as one."""


@dataclass(frozen=True)
class Reencoded:
    data: bytes
    width: int
    height: int


def dct_scale(width: int, height: int) -> tuple[int, int] | None:
    """The size to ask libjpeg for so the long edge ends at or under MAX_STORED_EDGE with
    the least scaling (1/2, 1/4, 1/8); None when the image is small enough already."""
    long_edge = max(width, height)
    if long_edge <= MAX_STORED_EDGE:
        return None
    scale = 2
    while scale < 8 and -(-long_edge // scale) > MAX_STORED_EDGE:
        scale *= 2
    return -(-width // scale), -(-height // scale)


def reencode(data: bytes, media_type: str) -> Reencoded:
    """The image decoded and saved again in the same format, with no metadata, its long
    edge at most MAX_STORED_EDGE (see the module doc for how memory stays bounded)."""
    fmt = FORMATS[media_type]
    try:
        with Image.open(io.BytesIO(data), formats=[fmt]) as image:
            if image.width * image.height > MAX_PIXELS:  # header only: nothing decoded yet
                raise UnreadableImage("too many pixels")
            if fmt == "JPEG" and (scaled := dct_scale(image.width, image.height)):
                image.draft(image.mode, scaled)
            image.load()
            ImageOps.exif_transpose(image, in_place=True)
            image.info = {key: image.info[key] for key in KEPT_INFO if key in image.info}
            if max(image.size) > MAX_STORED_EDGE:  # not a JPEG, or one too long for 1/8
                image.thumbnail((MAX_STORED_EDGE, MAX_STORED_EDGE))
            return _encode(image, fmt)
    except DECODE_ERRORS as exc:
        raise UnreadableImage(str(exc)) from exc


def _encode(image: Image.Image, fmt: str) -> Reencoded:
    if fmt == "JPEG" and image.mode not in JPEG_MODES:
        converted = image.convert("RGB")
        image.close()  # the decoded original goes before the encoder allocates
        image = converted
    out = io.BytesIO()
    if fmt == "JPEG":
        image.save(out, "JPEG", quality=JPEG_QUALITY)
    elif fmt == "PNG":
        image.save(out, "PNG", optimize=True)
    else:
        image.save(out, "WEBP", quality=JPEG_QUALITY)
    return Reencoded(out.getvalue(), image.width, image.height)
