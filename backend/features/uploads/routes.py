"""Resumable uploads with tus 1.0 (core, creation, checksum, expiration, termination) at
/api/v1/uploads, and the limits clients read before they take a photo (GET /api/v1/config).

Every tus response carries `Tus-Resumable: 1.0.0`, problem responses included; a request
speaking another version gets 412 with the versions we speak.
"""

from __future__ import annotations

import datetime as dt
import email.utils
from typing import Any

from litestar import Controller, Request, Response, delete, get, head, patch, post, route
from litestar.datastructures import ResponseHeader
from litestar.enums import HttpMethod
from litestar.params import FromPath
from litestar.types import ASGIApp, Message, Receive, Scope, Send

from backend.core.auth import Principal
from backend.core.deps import AppSettings, Db
from backend.core.errors import DomainError
from backend.features.uploads import service
from backend.features.uploads.blobs import blob_store_for, upload_temp_dir
from backend.features.uploads.schemas import ClientConfig, UploadLimits
from backend.models import UploadSession
from sync import PROTOCOL_VERSION

AnyRequest = Request[Any, Any, Any]
TUS_VERSION = "1.0.0"
TUS_EXTENSIONS = "creation,checksum,expiration,termination"
OFFSET_MEDIA_TYPE = "application/offset+octet-stream"
UPLOADS_PATH = "/api/v1/uploads"
SIGNED_IN = {"access": "signed_in"}


class UnsupportedTusVersion(DomainError):
    problem_type = "upload-protocol-version"


class WrongContentType(DomainError):
    problem_type = "upload-content-type"


def tus_headers(app: ASGIApp) -> ASGIApp:
    """Add `Tus-Resumable` to every response of the upload routes (errors included), and
    `Tus-Version` to a 412."""

    async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
        async def send_with_tus(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                headers.append((b"tus-resumable", TUS_VERSION.encode()))
                if message["status"] == 412:
                    headers.append((b"tus-version", TUS_VERSION.encode()))
                message["headers"] = headers
            await send(message)

        await app(scope, receive, send_with_tus)

    return middleware


async def require_tus_version(request: AnyRequest) -> None:
    if request.headers.get("tus-resumable") != TUS_VERSION:
        raise UnsupportedTusVersion(supported=TUS_VERSION)


def upload_context(request: AnyRequest) -> service.UploadContext:
    principal: Principal = request.state.principal
    settings = request.app.state.settings
    return service.UploadContext(
        settings=settings,
        principal=principal,
        now=request.app.state.clock.now(),
        blobs=blob_store_for(settings),
        temp_dir=upload_temp_dir(settings),
    )


def http_date(upload: UploadSession) -> str:
    return email.utils.format_datetime(upload.expires_at.astimezone(dt.UTC), usegmt=True)


def no_content(headers: dict[str, str], status: int = 204) -> Response[None]:
    return Response(None, status_code=status, headers=headers)


class UploadController(Controller):
    path = UPLOADS_PATH
    tags = ["uploads"]  # noqa: RUF012
    middleware = [tus_headers]  # noqa: RUF012

    @route(
        "/",
        http_method=[HttpMethod.OPTIONS],
        operation_id="describeUploads",
        summary="The tus version, extensions and limits this server supports",
        description="Answered in headers only: a 204 with no body.",
        opt={"access": "public"},
        status_code=204,
        response_headers=[
            ResponseHeader(name=name, value=value, description=description)
            for name, value, description in (
                ("Tus-Version", TUS_VERSION, "The tus versions spoken"),
                ("Tus-Extension", TUS_EXTENSIONS, "The tus extensions supported"),
                ("Tus-Max-Size", str(service.MAX_BYTES), "The largest upload, in bytes"),
                (
                    "Tus-Checksum-Algorithm",
                    ",".join(service.CHECKSUM_ALGORITHMS),
                    "Checksums a chunk may carry",
                ),
            )
        ],
    )
    async def capabilities(self) -> None:
        """Returns None (not a `Response[None]`, which OpenAPI would document as a JSON
        `null`): the schema then says what the answer is, a 204 with no content."""

    @post(
        "/",
        operation_id="createUpload",
        summary="Start uploading a registered attachment (tus creation)",
        opt=SIGNED_IN,
        before_request=require_tus_version,
        status_code=201,
    )
    async def create(self, request: AnyRequest, db: Db) -> Response[None]:
        if request.headers.get("upload-defer-length") is not None:
            raise service.UploadInvalid(reason="defer_length")
        length = service.parse_length(request.headers.get("upload-length"), "upload_length")
        metadata = service.parse_metadata(request.headers.get("upload-metadata"))
        upload = await service.create_upload(
            db, upload_context(request), length=length, metadata=metadata
        )
        return no_content(
            {"location": f"{UPLOADS_PATH}/{upload.id}", "upload-expires": http_date(upload)},
            status=201,
        )

    @head(
        "/{upload_id:str}",
        operation_id="getUploadOffset",
        summary="How many bytes of the upload the server has (tus core)",
        description="A complete upload whose check is pending is checked first: the full "
        "offset means the file is available; a refused one answers 422.",
        opt=SIGNED_IN,
        before_request=require_tus_version,
    )
    async def status(self, request: AnyRequest, upload_id: FromPath[str]) -> Response[None]:
        # Its own sessions, not the request transaction: finishing a check holds none.
        sessions = request.app.state.db_sessions
        upload = await service.upload_offset(sessions, upload_context(request), upload_id)
        headers = {
            "upload-offset": str(upload.offset),
            "upload-length": str(upload.length),
            "upload-expires": http_date(upload),
            "cache-control": "no-store",
        }
        return Response(None, status_code=200, headers=headers)  # HEAD: Litestar sends no body

    @patch(
        "/{upload_id:str}",
        operation_id="appendToUpload",
        summary="Append a chunk at the current offset (tus core + checksum)",
        opt=SIGNED_IN,
        before_request=require_tus_version,
        status_code=204,
    )
    async def append(self, request: AnyRequest, upload_id: FromPath[str]) -> Response[None]:
        content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if content_type != OFFSET_MEDIA_TYPE:
            raise WrongContentType(expected=OFFSET_MEDIA_TYPE)
        offset = service.parse_length(request.headers.get("upload-offset"), "upload_offset")
        chunk = await request.body()
        # Its own transactions, not the request's: the chunk commits before the whole file
        # is checked, and the check holds no database lock (see service's module doc).
        upload = await service.append_chunk(
            request.app.state.db_sessions,
            upload_context(request),
            upload_id,
            offset=offset,
            chunk=chunk,
            checksum=request.headers.get("upload-checksum"),
        )
        return no_content(
            {"upload-offset": str(upload.offset), "upload-expires": http_date(upload)}
        )

    @delete(
        "/{upload_id:str}",
        operation_id="terminateUpload",
        summary="Abandon an upload and free its space (tus termination)",
        opt=SIGNED_IN,
        before_request=require_tus_version,
        status_code=204,
    )
    async def terminate(
        self, request: AnyRequest, db: Db, upload_id: FromPath[str]
    ) -> Response[None]:
        await service.terminate_upload(db, upload_context(request), upload_id)
        return no_content({})


@get(
    "/api/v1/config",
    operation_id="getClientConfig",
    tags=["uploads"],
    summary="Limits the app needs before it finalises a form (upload size and types)",
    opt={"access": "public"},
    sync_to_thread=False,
)
def client_config(settings: AppSettings) -> ClientConfig:
    return ClientConfig(
        uploads=UploadLimits(
            max_bytes=service.MAX_BYTES,
            media_types=list(service.MEDIA_TYPES),
            chunk_bytes=service.CHUNK_BYTES,
            tus_endpoint=UPLOADS_PATH,
        ),
        protocol_version=PROTOCOL_VERSION,
    )
