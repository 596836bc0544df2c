"""The app with its files in an S3 bucket (MOTCUA_BLOB_STORE=s3), as app workers that share no
disk run it: a photo uploaded with tus lands in the bucket and its owner downloads it from
there; the approver's result document goes there too and reaches the owner, streamed. The
bucket is on moto's S3 server (tests/support/s3.py); nothing is written under var/blobs."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy import select

from backend.config import S3Settings, Settings
from backend.models import Attachment
from tests.api.test_dossier_files import (
    apply,
    assert_private_file,
    detail,
    office,
    walk_to_approval,
)
from tests.api.test_one_stop import take
from tests.conftest import settings_for
from tests.support.documents import attach_result
from tests.support.pdfs import scanned_pdf
from tests.support.s3 import S3Server, s3_server
from tests.support.sync import database

Client = AsyncTestClient[Litestar]
PREFIX = "motcua/blobs"


@pytest.fixture(scope="module")
def s3() -> Iterator[S3Server]:
    with s3_server() as server:
        yield server


@pytest.fixture
def bucket(s3: S3Server) -> Iterator[S3Settings]:
    with s3.bucket(PREFIX) as location:
        yield location


@pytest.fixture
def settings(database_url: str, tmp_path: Path, bucket: S3Settings) -> Settings:
    return settings_for(database_url, tmp_path, blob_store="s3", s3=bucket)


def key_of(sha256: str) -> str:
    return f"{PREFIX}/{sha256[:2]}/{sha256}"


async def test_uploaded_documents_are_kept_in_the_bucket_and_downloaded_from_it(
    client: Client, settings: Settings, s3: S3Server, bucket: S3Settings
) -> None:
    applied = await apply(client, settings)
    ids = [attachment_id for ids in applied.documents.values() for attachment_id in ids]
    query = select(Attachment).where(Attachment.id.in_(ids))
    stored = {a.id: a for a in (await database(settings, query)).scalars()}
    assert {a.status for a in stored.values()} == {"available"}
    keys = {a.id: key_of(str(a.stored_sha256)) for a in stored.values()}
    assert s3.keys(bucket.bucket) == sorted(keys.values())
    assert not (settings.var_dir / "blobs").exists()

    for attachment in stored.values():
        in_bucket = s3.raw_object(bucket.bucket, keys[attachment.id])
        assert hashlib.sha256(in_bucket).hexdigest() == attachment.stored_sha256
        own = f"/api/v1/dossiers/{applied.dossier_id}/documents/{attachment.id}"
        downloaded = await client.get(own)
        name = f'inline; filename="{attachment.slot_key}-{attachment.id[:8]}.jpg"'
        assert_private_file(downloaded, "image/jpeg", name)
        assert downloaded.content == in_bucket

    async with office(client, settings) as staff_of:
        [document, *_] = (await detail(staff_of.desk, applied.dossier_id))["documents"]
        by_desk = await staff_of.desk.get(document["href"])
        assert by_desk.status_code == 200
        assert by_desk.content == s3.raw_object(bucket.bucket, keys[document["id"]])


async def test_a_large_result_document_goes_to_the_bucket_and_streams_to_the_owner(
    client: Client, settings: Settings, s3: S3Server, bucket: S3Settings
) -> None:
    applied = await apply(client, settings)
    scan = scanned_pdf(9)  # several of the download route's chunks, under the 10 MB limit
    async with office(client, settings) as staff_of:
        await walk_to_approval(staff_of, applied.dossier_id)
        attached = await attach_result(staff_of.approver, applied.dossier_id, scan, "scan.pdf")
        assert attached.status_code == 201, attached.text
        assert s3.raw_object(bucket.bucket, key_of(hashlib.sha256(scan).hexdigest())) == scan
        approved = await take(staff_of.approver, applied.dossier_id, "approve")
        assert approved.status_code == 200, approved.text

    downloaded = await client.get(f"/api/v1/dossiers/{applied.dossier_id}/result")
    assert_private_file(downloaded, "application/pdf", 'inline; filename="scan.pdf"')
    assert downloaded.content == scan
    assert not (settings.var_dir / "blobs").exists()
