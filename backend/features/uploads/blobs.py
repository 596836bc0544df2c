"""Where verified files live: a content-addressed blob store behind a small interface, so an
object store replaces the file system without touching the use cases: files on disk by
default, an S3 bucket (`s3_blobs.py`) when app workers share no disk."""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path
from typing import BinaryIO, Protocol

from backend.config import Settings


class BlobStore(Protocol):
    """Immutable blobs named by the SHA-256 of their content (lowercase hex)."""

    def put(self, data: bytes) -> str:
        """Store `data` (idempotent) and return its SHA-256."""
        ...

    def get(self, sha256: str) -> bytes:
        """The blob's bytes; FileNotFoundError when absent."""
        ...

    def exists(self, sha256: str) -> bool: ...

    def open(self, sha256: str) -> BinaryIO:
        """The blob opened for reading (to stream it); FileNotFoundError when absent."""
        ...


def shard_of(sha256: str) -> str:
    """The folder (or key prefix) of a blob: its hash's first two digits, so no folder holds
    more than 1/256 of them. ValueError for anything but a lowercase hex SHA-256, so a name
    from a request can never reach outside the store."""
    if len(sha256) != 64 or any(c not in "0123456789abcdef" for c in sha256):
        raise ValueError("not a sha256")
    return sha256[:2]


class FileSystemBlobStore:
    """Blobs as files under `root/<sha256[:2]>/<sha256>`, written atomically."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def path_of(self, sha256: str) -> Path:
        return self.root / shard_of(sha256) / sha256

    def put(self, data: bytes) -> str:
        sha256 = hashlib.sha256(data).hexdigest()
        path = self.path_of(sha256)
        if path.exists():
            return sha256
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, temp = tempfile.mkstemp(dir=path.parent, prefix=".incoming-")
        try:
            with os.fdopen(fd, "wb") as file:
                file.write(data)
                file.flush()
                os.fsync(file.fileno())
            os.replace(temp, path)
        except BaseException:
            Path(temp).unlink(missing_ok=True)
            raise
        return sha256

    def get(self, sha256: str) -> bytes:
        return self.path_of(sha256).read_bytes()

    def exists(self, sha256: str) -> bool:
        return self.path_of(sha256).exists()

    def open(self, sha256: str) -> BinaryIO:
        return self.path_of(sha256).open("rb")


def blob_store_for(settings: Settings) -> BlobStore:
    """The store the settings choose: files under `var/blobs` (the default), or the S3
    bucket of `settings.s3`, the same store object (so one client) on every call."""
    if settings.blob_store == "s3":
        from backend.features.uploads.s3_blobs import s3_blob_store  # boto3 only when used

        return s3_blob_store(settings.s3)
    return FileSystemBlobStore(settings.var_dir / "blobs")


def upload_temp_dir(settings: Settings) -> Path:
    return settings.var_dir / "uploads"
