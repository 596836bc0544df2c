"""Every error a route can give, in its OpenAPI description (DESIGN.md §6): problem details.

The answers follow from what a route is, so they are derived rather than written beside each
handler, and schemathesis (tests/api/test_openapi_conformance.py) holds the description to
what the app answers:

- any route with inputs (path, query, body): 400, the request unreadable or malformed, and
  422, a value refused (the text policy, a rule of the use case);
- a path parameter: 404, nothing there for you (or anything outside your scope);
- a body: 408 (it did not arrive in time) and 413 (too large);
- a route that is not public: 401; one for some roles or kinds of account, or an unsafe
  method (another site's request): 403;
- a rate-limited route: 429 with Retry-After;
- and what only some use cases answer, by operation: `PROBLEMS_OF_OPERATION`.
"""

from __future__ import annotations

from http import HTTPStatus
from typing import Any, Final

import msgspec
from litestar import Litestar, Response
from litestar.handlers import HTTPRouteHandler
from litestar.openapi.datastructures import ResponseSpec
from litestar.routes import HTTPRoute

from backend.core.auth import access_policy
from backend.core.errors import PROBLEM_MEDIA_TYPE

UNSAFE_METHODS: Final = frozenset({"POST", "PUT", "PATCH", "DELETE"})
# Parameters handlers receive that are not the request's inputs.
NOT_INPUTS: Final = frozenset({"request", "state", "scope", "headers", "cookies", "socket"})


class ProblemError(msgspec.Struct, omit_defaults=True):
    """One field's broken rule: where (`field`, a path such as `fields.childName`), which rule
    (`code`, stable), in words (`message`, in the request's language) and its values."""

    field: str
    code: str
    message: str
    # The rule's values (a length, a limit, a list): any JSON value.
    params: dict[str, Any] | None = None


class Problem(msgspec.Struct, omit_defaults=True):
    """An RFC 9457 problem: `type` is stable (`urn:motcua:problem:<slug>`), `title` and
    `detail` are in the request's language (Vietnamese unless English is asked for),
    `reason` says which case of the problem it is, `errors` lists each field's problem."""

    type: str
    title: str
    status: int
    instance: str
    detail: str | None = None
    reason: str | None = None
    errors: list[ProblemError] | None = None


DESCRIPTIONS: Final[dict[int, str]] = {
    400: "The request cannot be read (malformed JSON, a bad header or parameter)",
    401: "Sign-in required",
    403: "Not for this account (or a request from another site)",
    404: "Nothing there for you: unknown, or outside your scope",
    408: "The request's body did not arrive in time",
    409: "Not possible in the current state",
    410: "Gone (expired)",
    412: "Protocol version not supported",
    413: "Too large",
    415: "Wrong content type",
    422: "A value is refused (field by field in `errors`)",
    426: "The app must be updated",
    429: "Too many requests: wait `Retry-After` seconds",
    460: "A chunk's checksum did not match (tus checksum extension)",
    503: "Temporarily unavailable: retry after `Retry-After` seconds",
}

# What only some use cases answer, beyond what the route's shape implies.
PROBLEMS_OF_OPERATION: Final[dict[str, frozenset[int]]] = {
    name: frozenset(codes)
    for name, codes in {
        "getHealth": (503,),
        "startSignUp": (409,),
        "finishSignUp": (409,),
        "removePasskey": (409,),
        "issueDeskRecovery": (409,),
        "recordCccdAtDesk": (409,),
        "createStaff": (409,),
        "registerSyncClient": (426,),
        "pushMutations": (400, 403, 408, 413, 426, 503),
        "pullChanges": (426,),
        "actOnDossier": (409,),
        "issueApology": (409,),
        "attachResult": (409, 413),
        "intakeAtCounter": (409,),
        "getReceipt": (409,),
        "getReceiptPdf": (409,),
        "createUpload": (400, 404, 409, 412, 413),
        "getUploadOffset": (400, 410, 412),
        "appendToUpload": (400, 409, 410, 412, 413, 415, 460, 503),
        "terminateUpload": (400, 410, 412),
    }.items()
}


def _inputs(route: HTTPRoute, handler: HTTPRouteHandler) -> tuple[bool, bool, bool]:
    """(path parameters, query parameters, body) of the handler on its route."""
    names = set(handler.parsed_fn_signature.parameters)
    names -= set(handler.resolve_dependencies()) | NOT_INPUTS
    path = set(route.path_parameters)
    return bool(path), bool(names - path - {"data"}), "data" in names


def problem_codes(route: HTTPRoute, handler: HTTPRouteHandler) -> set[int]:
    """The problem statuses the route can answer (see the module doc)."""
    has_path, has_query, has_body = _inputs(route, handler)
    codes: set[int] = set()
    if has_path:
        codes |= {400, 404, 422}
    if has_query:
        codes |= {400, 422}
    if has_body:
        codes |= {400, 408, 413, 422}
    policy = access_policy(handler.opt)
    if policy != "public":
        codes.add(401)
    if isinstance(policy, tuple) or policy == "citizen":
        codes.add(403)
    if handler.http_methods & UNSAFE_METHODS:
        codes.add(403)
    if handler.opt.get("rate_limit"):
        codes.add(429)
    operation = handler.operation_id if isinstance(handler.operation_id, str) else None
    return codes | PROBLEMS_OF_OPERATION.get(operation or "", frozenset())


def problem_response(status: int) -> ResponseSpec:
    return ResponseSpec(
        data_container=Problem,
        description=DESCRIPTIONS[status] if status in DESCRIPTIONS else HTTPStatus(status).phrase,
        media_type=PROBLEM_MEDIA_TYPE,
        generate_examples=False,
    )


def declare_problems(app: Litestar) -> None:
    """Give every route of the description its problem responses (idempotent: the route
    handlers are shared by every app made in a process)."""
    for route in app.routes:
        if not isinstance(route, HTTPRoute):
            continue
        for handler in route.route_handlers:
            if not handler.resolve_include_in_schema():
                continue
            declared: dict[int, Any] = dict(handler.responses or {})
            if _answers_without_a_body(handler):
                declared[handler.status_code] = ResponseSpec(
                    data_container=None,
                    description=handler.response_description
                    or HTTPStatus(handler.status_code).phrase,
                )
            for status in problem_codes(route, handler):
                declared[status] = problem_response(status)
            handler.responses = declared


def _answers_without_a_body(handler: HTTPRouteHandler) -> bool:
    """A `Response[None]` (a 204, a 201 with only headers): Litestar would describe a JSON
    `null` body, which the answer does not have."""
    returned = handler.parsed_fn_signature.return_type
    return bool(
        returned.is_subclass_of(Response)
        and returned.inner_types
        and returned.inner_types[0].is_none_type
    )
