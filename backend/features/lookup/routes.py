"""The public dossier lookup: by the receipt QR's token, or by code and the phone's last digits.

Both answer a `DossierProgress`, or one and the same 404 whatever was wrong (see `service`).
A 400 is only for the request's own shape, decided before any dossier is read: a missing or
blank `code` or `phone`, or a `phone` that is not four digits; it is the same for every code,
so it cannot tell an existing code from another. A malformed code is a 404 like an unknown one.

Codes are sequential, so one code's 10,000 digit combinations could be tried from many
addresses, each under its per-address limit. Misses are therefore also counted per code, from
all addresses together, and slow that code down (`CODE_SLOWDOWN`): three misses are free, then
each makes the code's next lookup wait 2 seconds, doubling up to a minute (429 `lookup-slowed`
with Retry-After); lookups refused while it waits are not misses. The code is never closed:
once the wait is over the right digits are answered, so misses cannot lock its owner out, and
one miss is forgiven every five minutes, so misses piled on a code not issued yet cost its
owner a minute at most, and nothing once forgiven. At a guess a minute, a code's 10,000
combinations take a week whatever the number of addresses; the per-address limit (guard
`RATE_LIMITS["lookup"]`) bounds what each address tries over all codes. What remains: someone
who keeps a guess ready for each moment the code opens is answered before the owner, for as
long as they spend a request a minute on that code; the QR token and the signed-in apps are
never slowed. Every well-formed code is counted the same whether it exists or not, so the
slowdown tells nothing either; a malformed code cannot be any dossier's and is not counted.

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
from backend.core.errors import FieldProblem, InvalidQuery
from backend.core.ratelimit import RateLimits, Slowdown
from backend.features.lookup import service
from backend.features.lookup.schemas import DossierProgress

NO_STORE = {"cache-control": "no-store"}
# Misses on one code, from any address: three free, then waits of 2, 4, ... 32, 60 seconds.
CODE_SLOWDOWN = Slowdown(
    free=3,
    first=dt.timedelta(seconds=2),
    longest=dt.timedelta(minutes=1),
    forgiven_every=dt.timedelta(minutes=5),
)
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
        limiter: RateLimits = request.app.state.rate_limiter
        clock: Clock = request.app.state.clock
        now = clock.now()
        key = service.normalized_code(code)
        if (wait := await limiter.slowed(CODE_GROUP, key, CODE_SLOWDOWN, now)) is not None:
            raise service.LookupSlowed(retry_after=wait)
        try:
            found = await service.get_by_code(db, code, digits)
        except service.LookupNotFound:
            if service.is_code_shaped(key):
                await limiter.missed(CODE_GROUP, key, CODE_SLOWDOWN, now)
            raise
        return Response(found, headers=NO_STORE)

    # Never slowed by misses on the code: the token is not guessable.
    @get(
        "/{token:str}",
        operation_id="lookupDossierByToken",
        summary="A dossier's progress by the token in its receipt's QR",
        cache_control=None,
    )
    async def by_token(self, db: Db, token: FromPath[str]) -> Response[DossierProgress]:
        return Response(await service.get_by_token(db, token), headers=NO_STORE)
