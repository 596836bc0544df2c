"""An S3 server for the tests: moto's server mode, started in this process on a free port of
127.0.0.1. It speaks S3's HTTP protocol, so the store's own boto3 client is what is tested,
over real sockets (DESIGN §13: a fake only for what cannot be reached, speaking the real
protocol). Each test gets its own bucket, emptied and deleted after it."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import boto3
import httpx
from moto.server import ThreadedMotoServer

from backend.config import S3Settings

REGION = "ap-southeast-1"  # not us-east-1, so the region setting is what reaches the server
ACCESS_KEY_ID = "motcua-test-key"
SECRET_ACCESS_KEY = "motcua-test-secret"  # moto's server checks no signature


class S3Server:
    """A running moto server and an administrator's client for buckets and raw reads."""

    def __init__(self, endpoint_url: str) -> None:
        self.endpoint_url = endpoint_url
        self.admin = boto3.session.Session().client(
            "s3",
            endpoint_url=endpoint_url,
            region_name=REGION,
            aws_access_key_id=ACCESS_KEY_ID,
            aws_secret_access_key=SECRET_ACCESS_KEY,
        )

    def location(self, bucket: str, prefix: str = "") -> S3Settings:
        """The app's settings for `bucket` on this server."""
        return S3Settings(
            bucket=bucket,
            prefix=prefix,
            endpoint_url=self.endpoint_url,
            region=REGION,
            access_key_id=ACCESS_KEY_ID,
            secret_access_key=SECRET_ACCESS_KEY,
        )

    @contextmanager
    def bucket(self, prefix: str = "") -> Iterator[S3Settings]:
        """A new, empty bucket for one test; emptied and deleted after it (the server keeps
        objects in this process's memory)."""
        name = f"motcua-test-{uuid.uuid4().hex[:16]}"
        self.admin.create_bucket(
            Bucket=name, CreateBucketConfiguration={"LocationConstraint": REGION}
        )
        try:
            yield self.location(name, prefix)
        finally:
            for page in self.admin.get_paginator("list_objects_v2").paginate(Bucket=name):
                for item in page.get("Contents", []):
                    self.admin.delete_object(Bucket=name, Key=item["Key"])
            self.admin.delete_bucket(Bucket=name)

    def keys(self, bucket: str) -> list[str]:
        listed = self.admin.list_objects_v2(Bucket=bucket)
        return sorted(item["Key"] for item in listed.get("Contents", []))

    def raw_object(self, bucket: str, key: str) -> bytes:
        """An object read over plain HTTP (a presigned URL), not through the store's client:
        what is really on the server, under that key."""
        url = self.admin.generate_presigned_url(
            "get_object", Params={"Bucket": bucket, "Key": key}, ExpiresIn=60
        )
        response = httpx.get(url)
        response.raise_for_status()
        return response.content


@contextmanager
def s3_server() -> Iterator[S3Server]:
    """moto's server on a free port; `start` returns once it listens, `stop` joins it."""
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    try:
        host, port = server.get_host_and_port()
        yield S3Server(f"http://{host}:{port}")
    finally:
        server.stop()
