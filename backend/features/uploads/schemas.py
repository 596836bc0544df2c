"""Wire shapes of the uploads feature (camelCase)."""

from __future__ import annotations

import msgspec


class UploadLimits(msgspec.Struct, frozen=True, rename="camel"):
    max_bytes: int
    media_types: list[str]
    chunk_bytes: int
    tus_endpoint: str


class ClientConfig(msgspec.Struct, frozen=True, rename="camel"):
    """What the app must know before it lets someone finalise a form."""

    uploads: UploadLimits
    protocol_version: int
