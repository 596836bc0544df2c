"""Blobs in an S3-compatible bucket (AWS S3, MinIO, Ceph RGW, ...), for app workers that share
no disk: objects `<prefix>/<sha256[:2]>/<sha256>`, laid out as the disk store's files.

A synchronous boto3 client, as the interface is synchronous: callers already run `put` and
`open` in worker threads (`asyncio.to_thread`), and Litestar reads a synchronous stream's
chunks in threads too, so nothing here blocks the event loop and no caller changes
(decision 0016). A boto3 client is safe to share between threads; a session is not, so each
store makes its own session, once. boto3 is imported with the first client, in a worker
thread too: importing it takes a third of a second, which would stall the event loop.
"""

from __future__ import annotations

import base64
import errno
import hashlib
import io
import threading
from typing import TYPE_CHECKING, BinaryIO

from backend.config import ConfigurationError, S3Settings
from backend.features.uploads.blobs import shard_of

if TYPE_CHECKING:
    from _typeshed import WriteableBuffer
    from botocore.response import StreamingBody
    from mypy_boto3_s3 import S3Client

# A dead endpoint fails a request in seconds, not minutes; a stalled transfer (no byte for
# READ_TIMEOUT) fails rather than holding a worker thread. Throttling, 5xx and dropped
# connections are retried with backoff ("standard" mode), up to ATTEMPTS tries in all.
CONNECT_TIMEOUT = 5.0
READ_TIMEOUT = 30.0
ATTEMPTS = 4
# As many pooled connections as asyncio's default thread pool has threads (at most 32), so
# concurrent downloads, each holding a connection while it streams, do not open and drop
# connections beyond the pool.
POOL_CONNECTIONS = 32
READ_BUFFER = 256 * 1024


class S3BlobStore:
    """Immutable blobs named by their SHA-256 in one bucket. Absent keys are reported as
    absent only when the credentials may list the bucket (s3:ListBucket): without it S3
    answers 403 for a missing key, which is raised, not taken for absence."""

    def __init__(self, location: S3Settings) -> None:
        if not location.bucket:
            raise ConfigurationError("MOTCUA_BLOB_STORE=s3 needs MOTCUA_S3_BUCKET")
        self.location = location
        self.bucket = location.bucket
        self._client: S3Client | None = None
        self._lock = threading.Lock()

    @property
    def client(self) -> S3Client:
        """The store's one client, made on first use: in a worker thread rather than on the
        event loop (loading botocore's models takes a moment), and in the process that uses
        it (a client made before a fork would share its sockets with the children)."""
        with self._lock:
            if self._client is None:
                self._client = _client(self.location)
            return self._client

    def key_of(self, sha256: str) -> str:
        key = f"{shard_of(sha256)}/{sha256}"
        return f"{self.location.prefix}/{key}" if self.location.prefix else key

    def put(self, data: bytes) -> str:
        """Upload `data` unless its key exists (same key, same bytes: nothing to send again).
        One PUT is atomic, so a reader sees the whole object or none; the SHA-256 sent along
        lets the server refuse bytes damaged on the way."""
        digest = hashlib.sha256(data).digest()
        sha256 = digest.hex()
        if self.exists(sha256):
            return sha256
        self.client.put_object(
            Bucket=self.bucket,
            Key=self.key_of(sha256),
            Body=data,
            ChecksumSHA256=base64.b64encode(digest).decode(),
        )
        return sha256

    def get(self, sha256: str) -> bytes:
        with self.open(sha256) as blob:
            return blob.read()

    def exists(self, sha256: str) -> bool:
        key = self.key_of(sha256)
        client = self.client
        try:
            client.head_object(Bucket=self.bucket, Key=key)
        except client.exceptions.ClientError as exc:
            if exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode") == 404:
                return False
            raise
        return True

    def open(self, sha256: str) -> BinaryIO:
        """The object's body as a buffered stream: read as it is consumed, never whole."""
        key = self.key_of(sha256)
        client = self.client
        try:
            response = client.get_object(Bucket=self.bucket, Key=key)
        except client.exceptions.ClientError as exc:
            # NoSuchBucket stays an error: a missing bucket is a configuration mistake.
            if exc.response.get("Error", {}).get("Code") == "NoSuchKey":
                raise FileNotFoundError(errno.ENOENT, "no such blob", key) from None
            raise
        return io.BufferedReader(_Body(response["Body"]), buffer_size=READ_BUFFER)


class _Body(io.RawIOBase):
    """An object's streaming body as a raw file, so `io.BufferedReader` gives it the whole
    `BinaryIO` interface (exact-size reads, readline, context manager) without copying it."""

    def __init__(self, body: StreamingBody) -> None:
        self._body = body
        self._received = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: WriteableBuffer, /) -> int:
        view = memoryview(buffer).cast("B")
        chunk = self._body.read(len(view))
        view[: len(chunk)] = chunk
        self._received += len(chunk)
        return len(chunk)

    def tell(self) -> int:
        """How much of the body has arrived (a stream cannot seek, but knows where it is)."""
        return self._received

    def close(self) -> None:
        if not self.closed:
            self._body.close()  # an unfinished body's connection is dropped, not reused
        super().close()


def _client(location: S3Settings) -> S3Client:
    import boto3
    from botocore.config import Config

    style = location.addressing_style
    if style == "auto" and location.endpoint_url:
        style = "path"
    config = Config(
        connect_timeout=CONNECT_TIMEOUT,
        read_timeout=READ_TIMEOUT,
        retries={"mode": "standard", "total_max_attempts": ATTEMPTS},
        max_pool_connections=POOL_CONNECTIONS,
        s3={"addressing_style": style},
    )
    session = boto3.session.Session(
        aws_access_key_id=location.access_key_id or None,
        aws_secret_access_key=location.secret_access_key or None,
        region_name=location.region or None,
    )
    return session.client("s3", endpoint_url=location.endpoint_url or None, config=config)


_stores: dict[S3Settings, S3BlobStore] = {}
_stores_lock = threading.Lock()


def s3_blob_store(location: S3Settings) -> S3BlobStore:
    """The process's store for `location`: callers ask for a store on every request, and
    every request then shares one client and its connection pool."""
    with _stores_lock:
        store = _stores.get(location)
        if store is None:
            store = _stores[location] = S3BlobStore(location)
        return store
