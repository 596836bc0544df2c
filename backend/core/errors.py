"""Domain errors and the one place that turns them into RFC 9457 problem details.

Domain code raises `NotFound`, `Forbidden`, `Conflict`, `InvalidTransition`, `ValidationFailed`
and never speaks HTTP; this module maps each to a status and a problem+json body whose title,
detail and field messages are in the request's language (Accept-Language; Vietnamese first).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from typing import Any, ClassVar

import msgspec
from litestar import Request, Response
from litestar.exceptions import (
    HTTPException,
    MethodNotAllowedException,
    NotFoundException,
    ValidationException,
)
from litestar.status_codes import (
    HTTP_400_BAD_REQUEST,
    HTTP_401_UNAUTHORIZED,
    HTTP_403_FORBIDDEN,
    HTTP_404_NOT_FOUND,
    HTTP_405_METHOD_NOT_ALLOWED,
    HTTP_408_REQUEST_TIMEOUT,
    HTTP_409_CONFLICT,
    HTTP_422_UNPROCESSABLE_ENTITY,
    HTTP_429_TOO_MANY_REQUESTS,
    HTTP_500_INTERNAL_SERVER_ERROR,
    HTTP_503_SERVICE_UNAVAILABLE,
)

from backend.core.messages import (
    Language,
    field_message,
    negotiate_language,
    problem_detail,
    problem_title,
)

PROBLEM_MEDIA_TYPE = "application/problem+json"
PROBLEM_TYPE_PREFIX = "urn:motcua:problem:"
log = logging.getLogger("motcua.errors")


class FieldProblem(msgspec.Struct, frozen=True, omit_defaults=True):
    """One field's broken rule: `code` is stable, `params` fill the message."""

    field: str
    code: str
    params: dict[str, str | int | float] = {}


class DomainError(Exception):
    """Base of the errors use cases raise. `problem_type` is the stable slug."""

    problem_type: ClassVar[str] = "internal"
    # A refusal that must still be kept (a consumed challenge, an audited attempt): the
    # request's transaction commits before the problem is returned.
    keeps_changes: ClassVar[bool] = False

    def __init__(self, **params: object) -> None:
        super().__init__(self.problem_type, params)
        self.params: dict[str, object] = params


class NotFound(DomainError):
    problem_type = "not-found"


class Forbidden(DomainError):
    problem_type = "forbidden"


class Unauthorized(DomainError):
    problem_type = "unauthorized"


class Conflict(DomainError):
    problem_type = "conflict"


class InvalidTransition(DomainError):
    problem_type = "invalid-transition"


class TransientFailure(DomainError):
    """Worth retrying later (database busy, provider down)."""

    problem_type = "service-unavailable"


class Refused(DomainError):
    """Refused by a rule of its own (`reason`), the request being neither malformed nor about
    something missing, forbidden or conflicting: too large, a type not taken (422)."""

    problem_type = "refused"


class RateLimited(DomainError):
    problem_type = "rate-limited"

    def __init__(self, retry_after: int) -> None:
        super().__init__(retry_after=retry_after)
        self.retry_after = retry_after


class ValidationFailed(DomainError):
    problem_type = "validation"

    def __init__(self, errors: Sequence[FieldProblem]) -> None:
        super().__init__()
        self.errors = list(errors)


class MalformedRequest(DomainError):
    """A request the server cannot read at all: a body that is not JSON, not UTF-8 or nested
    too deep (`reason`), or a header that is not what HTTP says it is."""

    problem_type = "malformed-request"


class RequestTimeout(DomainError):
    """The client did not send the body it announced in time."""

    problem_type = "request-timeout"


class InvalidQuery(ValidationFailed):
    """Bad query parameters (filters, limits, cursors): a 400 rather than a 422."""

    problem_type = "invalid-request"


STATUS_BY_ERROR: Mapping[type[DomainError], int] = {
    InvalidQuery: HTTP_400_BAD_REQUEST,
    MalformedRequest: HTTP_400_BAD_REQUEST,
    RequestTimeout: HTTP_408_REQUEST_TIMEOUT,
    NotFound: HTTP_404_NOT_FOUND,
    Unauthorized: HTTP_401_UNAUTHORIZED,
    Forbidden: HTTP_403_FORBIDDEN,
    Conflict: HTTP_409_CONFLICT,
    InvalidTransition: HTTP_409_CONFLICT,
    ValidationFailed: HTTP_422_UNPROCESSABLE_ENTITY,
    Refused: HTTP_422_UNPROCESSABLE_ENTITY,
    RateLimited: HTTP_429_TOO_MANY_REQUESTS,
    TransientFailure: HTTP_503_SERVICE_UNAVAILABLE,
}


# Feature errors by problem type, so features never name an HTTP status.
STATUS_BY_PROBLEM: Mapping[str, int] = {
    "passkey-refused": HTTP_400_BAD_REQUEST,
    "link-invalid": HTTP_400_BAD_REQUEST,
    "cross-site-request": HTTP_403_FORBIDDEN,
    "protocol-upgrade-required": 426,
    "upload-invalid": HTTP_400_BAD_REQUEST,
    "upload-expired": 410,
    "upload-protocol-version": 412,
    "upload-too-large": 413,
    "upload-content-type": 415,
    "upload-refused": HTTP_422_UNPROCESSABLE_ENTITY,
    "upload-checksum-mismatch": 460,  # tus checksum extension: "Checksum Mismatch"
}


def _status_of(error: DomainError) -> int:
    if error.problem_type in STATUS_BY_PROBLEM:
        return STATUS_BY_PROBLEM[error.problem_type]
    for cls in type(error).__mro__:
        if cls in STATUS_BY_ERROR:
            return STATUS_BY_ERROR[cls]
    return HTTP_500_INTERNAL_SERVER_ERROR


def request_language(request: Request[Any, Any, Any]) -> Language:
    return negotiate_language(request.headers.get("accept-language"))


def problem_response(
    request: Request[Any, Any, Any],
    *,
    problem_type: str,
    status: int,
    params: Mapping[str, object] | None = None,
    errors: Sequence[FieldProblem] = (),
    headers: Mapping[str, str] | None = None,
) -> Response[dict[str, object]]:
    """A problem+json response in the request's language."""
    language = request_language(request)
    params = params or {}
    body: dict[str, object] = {
        "type": PROBLEM_TYPE_PREFIX + problem_type,
        "title": problem_title(problem_type, language),
        "status": status,
        "instance": request.url.path,
    }
    reason = params.get("reason")
    detail = (reason and problem_detail(f"{problem_type}.{reason}", language, params)) or (
        problem_detail(problem_type, language, params)
    )
    if detail:
        body["detail"] = detail
    if isinstance(reason, str):
        body["reason"] = reason
    if errors:
        body["errors"] = [
            {
                "field": e.field,
                "code": e.code,
                "message": field_message(e.code, language, e.params),
                **({"params": e.params} if e.params else {}),
            }
            for e in errors
        ]
    return Response(
        body,
        status_code=status,
        media_type=PROBLEM_MEDIA_TYPE,
        headers={"content-language": language, "vary": "Accept-Language", **(headers or {})},
    )


def _domain_error(request: Request[Any, Any, Any], exc: DomainError) -> Response[Any]:
    headers = {"retry-after": str(exc.retry_after)} if isinstance(exc, RateLimited) else None
    if isinstance(exc, TransientFailure):
        headers = {"retry-after": str(exc.params.get("retry_after", 5))}
    return problem_response(
        request,
        problem_type=exc.problem_type,
        status=_status_of(exc),
        # The path fills messages such as not-found's ("Nothing exists at {path}.").
        params={"path": request.url.path, **exc.params},
        errors=exc.errors if isinstance(exc, ValidationFailed) else (),
        headers=headers,
    )


def _litestar_validation(
    request: Request[Any, Any, Any], exc: ValidationException
) -> Response[Any]:
    extra = exc.extra if isinstance(exc.extra, list) else []
    errors = [
        FieldProblem(field=str(item.get("key") or item.get("source") or "body"), code="invalid")
        for item in extra
        if isinstance(item, dict)
    ]
    return problem_response(
        request, problem_type="invalid-request", status=HTTP_400_BAD_REQUEST, errors=errors
    )


def _http_error(request: Request[Any, Any, Any], exc: HTTPException) -> Response[Any]:
    if isinstance(exc, NotFoundException):
        return problem_response(
            request,
            problem_type="not-found",
            status=HTTP_404_NOT_FOUND,
            params={"path": request.url.path},
        )
    if isinstance(exc, MethodNotAllowedException):
        return problem_response(
            request,
            problem_type="method-not-allowed",
            status=HTTP_405_METHOD_NOT_ALLOWED,
            params={"path": request.url.path, "method": request.method},
            headers=exc.headers,
        )
    if exc.status_code >= HTTP_500_INTERNAL_SERVER_ERROR:
        return _internal_error(request, exc)
    return problem_response(request, problem_type="invalid-request", status=exc.status_code)


def _internal_error(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    log.exception("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    return problem_response(request, problem_type="internal", status=HTTP_500_INTERNAL_SERVER_ERROR)


EXCEPTION_HANDLERS: dict[int | type[Exception], Any] = {
    DomainError: _domain_error,
    ValidationException: _litestar_validation,
    HTTPException: _http_error,
    Exception: _internal_error,
}

__all__ = [
    "EXCEPTION_HANDLERS",
    "PROBLEM_MEDIA_TYPE",
    "Conflict",
    "DomainError",
    "FieldProblem",
    "Forbidden",
    "InvalidQuery",
    "InvalidTransition",
    "MalformedRequest",
    "NotFound",
    "RateLimited",
    "Refused",
    "RequestTimeout",
    "TransientFailure",
    "Unauthorized",
    "ValidationFailed",
    "problem_response",
    "request_language",
]
