"""Choosing the blob store: files on disk unless MOTCUA_BLOB_STORE=s3, and production refuses
an S3 configuration that cannot work or would send files in clear."""

from __future__ import annotations

from pathlib import Path

import pytest

from backend.config import ConfigurationError, S3Settings, Settings, load_settings
from backend.features.uploads.blobs import FileSystemBlobStore, blob_store_for
from backend.features.uploads.s3_blobs import S3BlobStore

PRODUCTION = {
    "MOTCUA_MODE": "production",
    "MOTCUA_SECRET_KEY": "Vq3mX8tL0pZr7cWb2NfH5yKd9sGj4aUe6RiTo1lMxPzQwEnBvCuYhDkFgJsAiO",
    "MOTCUA_PUBLIC_URL": "https://dichvucong.dongnai.example",
    "MOTCUA_DATABASE_URL": "postgresql+asyncpg://motcua@db/motcua",
}
S3 = {"MOTCUA_BLOB_STORE": "s3", "MOTCUA_S3_BUCKET": "motcua-dong-nai"}


def test_files_stay_on_disk_by_default(tmp_path: Path) -> None:
    settings = load_settings({"MOTCUA_VAR_DIR": str(tmp_path)})
    assert settings.blob_store == "disk"
    store = blob_store_for(settings)
    assert isinstance(store, FileSystemBlobStore)
    assert store.root == tmp_path / "blobs"


def test_the_s3_settings_are_read_from_the_environment(tmp_path: Path) -> None:
    settings = load_settings(
        {
            "MOTCUA_VAR_DIR": str(tmp_path),
            **S3,
            "MOTCUA_S3_PREFIX": "/motcua/blobs/",
            "MOTCUA_S3_ENDPOINT_URL": "https://s3.dongnai.example/",
            "MOTCUA_S3_REGION": "ap-southeast-1",
            "MOTCUA_S3_ACCESS_KEY_ID": "motcua",
            "MOTCUA_S3_SECRET_ACCESS_KEY": "a-secret",
            "MOTCUA_S3_ADDRESSING_STYLE": "virtual",
        }
    )
    assert settings.blob_store == "s3"
    assert settings.s3 == S3Settings(
        bucket="motcua-dong-nai",
        prefix="motcua/blobs",
        endpoint_url="https://s3.dongnai.example",
        region="ap-southeast-1",
        access_key_id="motcua",
        secret_access_key="a-secret",
        addressing_style="virtual",
    )
    store = blob_store_for(settings)
    assert isinstance(store, S3BlobStore)
    assert store.key_of("ab" * 32) == f"motcua/blobs/ab/{'ab' * 32}"


def test_unset_s3_settings_are_left_to_the_standard_aws_chain(tmp_path: Path) -> None:
    settings = load_settings({**PRODUCTION, "MOTCUA_VAR_DIR": str(tmp_path), **S3})
    assert settings.s3 == S3Settings(bucket="motcua-dong-nai")


@pytest.mark.parametrize(
    ("environ", "complaint"),
    [
        ({"MOTCUA_BLOB_STORE": "minio"}, "MOTCUA_BLOB_STORE must be disk or s3"),
        ({**S3, "MOTCUA_S3_ADDRESSING_STYLE": "dns"}, "MOTCUA_S3_ADDRESSING_STYLE"),
    ],
)
def test_an_unknown_choice_is_refused_in_any_mode(
    tmp_path: Path, environ: dict[str, str], complaint: str
) -> None:
    with pytest.raises(ConfigurationError, match=complaint):
        load_settings({"MOTCUA_VAR_DIR": str(tmp_path), **environ})


@pytest.mark.parametrize(
    "environ",
    [
        pytest.param(S3, id="bucket-only"),
        pytest.param(
            {
                **S3,
                "MOTCUA_S3_ENDPOINT_URL": "https://minio.internal.dongnai.example:9000",
                "MOTCUA_S3_ACCESS_KEY_ID": "motcua",
                "MOTCUA_S3_SECRET_ACCESS_KEY": "a-secret",
            },
            id="own-server",
        ),
    ],
)
def test_production_starts_with_a_complete_s3_configuration(
    tmp_path: Path, environ: dict[str, str]
) -> None:
    settings = load_settings({**PRODUCTION, "MOTCUA_VAR_DIR": str(tmp_path), **environ})
    assert settings.blob_store == "s3"


@pytest.mark.parametrize(
    ("environ", "complaint"),
    [
        pytest.param({"MOTCUA_BLOB_STORE": "s3"}, "needs MOTCUA_S3_BUCKET", id="no-bucket"),
        pytest.param(
            {**S3, "MOTCUA_S3_ACCESS_KEY_ID": "motcua"}, "go together", id="key-without-secret"
        ),
        pytest.param(
            {**S3, "MOTCUA_S3_SECRET_ACCESS_KEY": "a-secret"}, "go together", id="secret-only"
        ),
        pytest.param(
            {**S3, "MOTCUA_S3_ENDPOINT_URL": "http://minio.internal:9000"},
            "MOTCUA_S3_ENDPOINT_URL must be an https",
            id="in-clear",
        ),
        pytest.param(
            {**S3, "MOTCUA_S3_ENDPOINT_URL": "minio.internal:9000"},
            "MOTCUA_S3_ENDPOINT_URL must be an https",
            id="not-a-url",
        ),
        pytest.param(
            {"MOTCUA_S3_BUCKET": "motcua-dong-nai"},
            "MOTCUA_BLOB_STORE is not s3",
            id="bucket-but-disk",
        ),
    ],
)
def test_production_refuses_an_incomplete_s3_configuration(
    tmp_path: Path, environ: dict[str, str], complaint: str
) -> None:
    with pytest.raises(ConfigurationError, match=complaint):
        load_settings({**PRODUCTION, "MOTCUA_VAR_DIR": str(tmp_path), **environ})


def test_an_s3_store_needs_a_bucket_even_in_development(tmp_path: Path) -> None:
    settings = Settings(var_dir=tmp_path, blob_store="s3")
    with pytest.raises(ConfigurationError, match="MOTCUA_S3_BUCKET"):
        blob_store_for(settings)
