"""One contract for every blob store: the disk store (the default) and the S3 store, the
latter against an S3 server (moto's server mode, tests/support/s3.py) through the real boto3
client. Each store is built as the app builds it, by `blob_store_for(settings)`."""

from __future__ import annotations

import hashlib
import io
import random
from collections.abc import Iterator
from pathlib import Path

import pytest
from botocore.exceptions import ClientError
from botocore.response import StreamingBody

from backend.config import Settings
from backend.features.uploads.blobs import BlobStore, FileSystemBlobStore, blob_store_for
from backend.features.uploads.s3_blobs import READ_BUFFER, S3BlobStore
from tests.support.s3 import S3Server, s3_server

MB = 1_000_000
NOT_SHA256 = [
    "",
    "abc",
    "../../etc/passwd",
    "a" * 63,
    "a" * 65,
    "A" * 64,  # uppercase hex is another name, not the same blob
    "g" * 64,
    "../" + "a" * 61,
    "aa/" + "a" * 61,
]


def noise(size: int, seed: int = 0) -> bytes:
    return random.Random(seed).randbytes(size)


@pytest.fixture(scope="module")
def s3() -> Iterator[S3Server]:
    with s3_server() as server:
        yield server


@pytest.fixture(params=["disk", "s3", "s3-with-prefix"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[BlobStore]:
    if request.param == "disk":
        yield blob_store_for(Settings(var_dir=tmp_path))
        return
    s3: S3Server = request.getfixturevalue("s3")
    prefix = "motcua/blobs" if request.param == "s3-with-prefix" else ""
    with s3.bucket(prefix) as location:
        yield blob_store_for(Settings(var_dir=tmp_path, blob_store="s3", s3=location))


# ---------------------------------------------------------------------------------------------
# The contract


def test_a_blob_is_named_by_its_sha256_and_read_back(store: BlobStore) -> None:
    data = noise(5000)
    sha256 = store.put(data)
    assert sha256 == hashlib.sha256(data).hexdigest()
    assert store.exists(sha256)
    assert store.get(sha256) == data
    with store.open(sha256) as blob:
        assert blob.read() == data


def test_blobs_are_kept_apart(store: BlobStore) -> None:
    first, second = store.put(b"first"), store.put(b"second")
    assert first != second
    assert (store.get(first), store.get(second)) == (b"first", b"second")


def test_an_empty_blob_is_a_blob(store: BlobStore) -> None:
    sha256 = store.put(b"")
    assert sha256 == hashlib.sha256(b"").hexdigest()
    assert store.exists(sha256)
    assert store.get(sha256) == b""
    with store.open(sha256) as blob:
        assert blob.read(10) == b""


def test_open_reads_part_by_part(store: BlobStore) -> None:
    data = noise(3 * MB, seed=1)
    sha256 = store.put(data)
    with store.open(sha256) as blob:
        assert blob.readable()
        assert blob.read(10) == data[:10]
        assert blob.tell() == 10
        assert blob.read(100_000) == data[10:100_010]
        parts = []
        while part := blob.read(256 * 1024):  # as the download route reads
            parts.append(part)
        assert b"".join(parts) == data[100_010:]
        assert blob.read() == b""
    assert blob.closed


def test_putting_the_same_bytes_again_names_the_same_blob(store: BlobStore) -> None:
    data = noise(2000, seed=2)
    sha256 = store.put(data)
    assert store.put(data) == sha256
    assert store.put(bytes(data)) == sha256
    assert store.get(sha256) == data


def test_an_absent_blob_is_not_found(store: BlobStore) -> None:
    absent = hashlib.sha256(b"never stored").hexdigest()
    store.put(b"something else")
    assert not store.exists(absent)
    with pytest.raises(FileNotFoundError):
        store.get(absent)
    with pytest.raises(FileNotFoundError):
        store.open(absent)


@pytest.mark.parametrize("name", NOT_SHA256)
def test_a_name_that_is_not_a_sha256_is_refused(store: BlobStore, name: str) -> None:
    store.put(b"x")
    for read in (store.get, store.exists, store.open):
        with pytest.raises(ValueError, match="not a sha256"):
            read(name)


def test_a_large_blob_streams_without_being_read_whole(store: BlobStore) -> None:
    data = noise(12 * MB, seed=3)
    sha256 = store.put(data)
    assert store.exists(sha256)
    with store.open(sha256) as blob:
        assert blob.read(10) == data[:10]
        # The stream below the buffer has given no more than a buffer's worth so far.
        assert isinstance(blob, io.BufferedReader)
        assert blob.raw.tell() <= READ_BUFFER
    digest = hashlib.sha256()
    with store.open(sha256) as blob:
        while part := blob.read(MB):
            digest.update(part)
    assert digest.hexdigest() == sha256
    assert store.put(b"after") == hashlib.sha256(b"after").hexdigest()  # the store goes on


# ---------------------------------------------------------------------------------------------
# Each store's own layout and behaviour


def test_the_disk_store_keeps_files_under_two_digit_folders(tmp_path: Path) -> None:
    store = blob_store_for(Settings(var_dir=tmp_path))
    assert isinstance(store, FileSystemBlobStore)
    sha256 = store.put(b"on disk")
    path = tmp_path / "blobs" / sha256[:2] / sha256
    assert path.read_bytes() == b"on disk"
    before = path.stat()
    store.put(b"on disk")  # not written again
    after = path.stat()
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)
    assert [p.name for p in path.parent.iterdir()] == [sha256]  # no temporary file left


@pytest.mark.parametrize(
    ("prefix", "key"),
    [("", "{shard}/{sha}"), ("motcua/blobs", "motcua/blobs/{shard}/{sha}")],
)
def test_the_s3_store_lays_keys_out_like_the_disk_store(
    s3: S3Server, tmp_path: Path, prefix: str, key: str
) -> None:
    with s3.bucket(prefix) as location:
        store = blob_store_for(Settings(var_dir=tmp_path, blob_store="s3", s3=location))
        sha256 = store.put(b"in a bucket")
        expected = key.format(shard=sha256[:2], sha=sha256)
        assert s3.keys(location.bucket) == [expected]
        assert s3.raw_object(location.bucket, expected) == b"in a bucket"
    assert not (tmp_path / "blobs").exists()


def test_the_s3_store_does_not_upload_what_the_bucket_has(s3: S3Server, tmp_path: Path) -> None:
    with s3.bucket() as location:
        store = blob_store_for(Settings(var_dir=tmp_path, blob_store="s3", s3=location))
        assert isinstance(store, S3BlobStore)
        sent: list[str] = []
        store.client.meta.events.register(
            "before-send.s3.*", lambda request, **_: sent.append(request.method)
        )
        sha256 = store.put(b"once")
        assert sent == ["HEAD", "PUT"]
        sent.clear()
        assert store.put(b"once") == sha256
        assert sent == ["HEAD"]  # it is there: nothing is sent again


def test_the_s3_store_reads_an_object_from_the_network_as_it_is_read(
    s3: S3Server, tmp_path: Path
) -> None:
    with s3.bucket() as location:
        store = blob_store_for(Settings(var_dir=tmp_path, blob_store="s3", s3=location))
        assert isinstance(store, S3BlobStore)
        data = noise(12 * MB, seed=4)
        sha256 = store.put(data)
        bodies: list[StreamingBody] = []
        store.client.meta.events.register(
            "after-call.s3.GetObject", lambda parsed, **_: bodies.append(parsed["Body"])
        )
        with store.open(sha256) as blob:
            [body] = bodies
            assert body.tell() == 0  # open() has received none of the content yet
            assert blob.read(MB) == data[:MB]
            assert body.tell() <= MB + READ_BUFFER  # what was asked for, and a buffer more
        assert body.tell() < len(data)  # closed early: the rest was never fetched


def test_the_s3_store_and_its_client_are_made_once_per_process(
    s3: S3Server, tmp_path: Path
) -> None:
    with s3.bucket() as location, s3.bucket() as elsewhere:
        settings = Settings(var_dir=tmp_path, blob_store="s3", s3=location)
        store = blob_store_for(settings)
        assert isinstance(store, S3BlobStore)
        # Callers ask on every request, with settings equal or the same: one store, one client.
        again = blob_store_for(Settings(var_dir=tmp_path / "other", blob_store="s3", s3=location))
        assert again is store
        assert store.client is store.client
        other = blob_store_for(Settings(var_dir=tmp_path, blob_store="s3", s3=elsewhere))
        assert other is not store
        assert other.put(b"here") == store.put(b"here")
        assert s3.keys(location.bucket) == s3.keys(elsewhere.bucket)


def test_a_missing_bucket_is_an_error_not_an_absent_blob(s3: S3Server, tmp_path: Path) -> None:
    location = s3.location("motcua-test-no-such-bucket")
    store = blob_store_for(Settings(var_dir=tmp_path, blob_store="s3", s3=location))
    sha256 = hashlib.sha256(b"nowhere").hexdigest()
    with pytest.raises(ClientError, match="NoSuchBucket"):
        store.open(sha256)
    with pytest.raises(ClientError, match="NoSuchBucket"):
        store.put(b"nowhere")
