"""The public dossier lookup: by the receipt QR's token, or by code and the phone's last digits.

Both answer a `DossierProgress`, or one and the same 404 whatever was wrong (see `service`).
A 400 is only for the request's own shape, decided before any dossier is read: a missing or
blank `code` or `phone`, or a `phone` that is not four digits; it is the same for every code,
so it cannot tell an existing code from another. A malformed code is a 404 like an unknown one.

Codes are sequential, so one code's 10,000 digit combinations could be tried from many
addresses, each under the per-address limit: misses are also counted per code, and a code
missed `CODE_ATTEMPTS` times within the window is refused (the same 429 and Retry-After as
the per-address limit) until the window ends, even with the right digits. Every well-formed
code counts the same whether it exists or not, so the refusal tells nothing either; a
malformed code cannot be any dossier's and is not counted. The QR token is not guessable and
keeps only the per-address limit.

Answers are `Cache-Control: no-store`: the token in the URL is a bearer credential and the
progress is about someone's application, so no cache, shared or the browser's, keeps them; a
citizen asking again wants the news anyway. Hence no ETag either, unlike the catalogue.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from litestar import Controller, Request, Response, get
from litestar.params import FromPath, QueryParameter

from backend.core.clock import Clock
from backend.core.deps import Db
from backend.core.errors import FieldProblem, InvalidQuery, RateLimited
from backend.core.ratelimit import Limit, RateLimiter
from backend.features.lookup import service
from backend.features.lookup.schemas import DossierProgress

NO_STORE = {"cache-control": "no-store"}
# Misses on one code, from any address, before the code is refused for the rest of the hour:
# guessing its 10,000 digit combinations would take over two months.
CODE_ATTEMPTS = Limit(10, dt.timedelta(hours=1))
CODE_GROUP = "lookup_code"


def _checked_query(code: str | None, phone: str | None) -> tuple[str, str]:
    problems = [
        FieldProblem(field=name, code="required")
        for name, value in (("code", code), ("phone", phone))
        if value is None or not value.strip()
    ]
    if phone and phone.strip() and not service.is_last_digits(phone.strip()):
        problems.append(
            FieldProblem(field="phone", code="last_digits", params={"n": service.DIGITS})
        )
    if problems:
        raise InvalidQuery(problems)
    assert code is not None
    assert phone is not None
    return code, phone.strip()


class LookupController(Controller):
    path = "/api/v1/lookup"
    tags = ["lookup"]  # noqa: RUF012
    # Anyone holding the receipt; each client address may try a limited number of times.
    opt = {"access": "public", "rate_limit": "lookup"}  # noqa: RUF012

    @get(
        "/",
        operation_id="lookupDossierByCode",
        summary="A dossier's progress by its code and the last 4 digits of the applicant's phone",
        cache_control=None,
    )
    async def by_code(
        self,
        request: Request[Any, Any, Any],
        db: Db,
        code: Annotated[
            str | None, QueryParameter(description="The dossier code on the receipt")
        ] = None,
        phone: Annotated[
            str | None,
            QueryParameter(description="The last 4 digits of the applicant's phone number"),
        ] = None,
    ) -> Response[DossierProgress]:
        code, digits = _checked_query(code, phone)
        limiter: RateLimiter = request.app.state.rate_limiter
        clock: Clock = request.app.state.clock
        now = clock.now()
        key = service.normalized_code(code)
        if (wait := limiter.blocked(CODE_GROUP, key, CODE_ATTEMPTS, now)) is not None:
            raise RateLimited(retry_after=wait)
        try:
            found = await service.get_by_code(db, code, digits)
        except service.LookupNotFound:
            if service.is_code_shaped(key):
                limiter.hit(CODE_GROUP, key, CODE_ATTEMPTS, now)
            raise
        return Response(found, headers=NO_STORE)

    @get(
        "/{token:str}",
        operation_id="lookupDossierByToken",
        summary="A dossier's progress by the token in its receipt's QR",
        cache_control=None,
    )
    async def by_token(self, db: Db, token: FromPath[str]) -> Response[DossierProgress]:
        return Response(await service.get_by_token(db, token), headers=NO_STORE)
