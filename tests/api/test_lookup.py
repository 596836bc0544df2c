"""The public dossier lookup: whoever holds the receipt follows the dossier's progress by the
QR's token, or by its code with the last four digits of the applicant's phone; every miss
answers the very same 404, the answer carries nothing personal, and hammering it is limited."""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
from litestar import Litestar
from litestar.testing import AsyncTestClient
from litestar.testing import transport as test_transport
from sqlalchemy import select

from backend.config import Settings
from backend.models import Account, Dossier
from tests.api.test_one_stop import LAND_OFFICE, LAND_TRANSFER, SERVICE_CENTRE, apply, staff, take
from tests.api.test_sync import database
from tests.support.identity import ORIGIN, FakeClock, device

Client = AsyncTestClient[Litestar]
LOOKUP = "/api/v1/lookup"


async def received_facts(settings: Settings, dossier_id: str) -> tuple[Dossier, str]:
    """The dossier as stored, and its applicant's phone."""
    row = (
        await database(
            settings,
            select(Dossier, Account.phone)
            .join(Account, Account.id == Dossier.applicant_account_id)
            .where(Dossier.id == dossier_id),
        )
    ).one()
    return row[0], row[1]


def by_code(code: str, digits: str) -> str:
    return f"{LOOKUP}?{httpx.QueryParams(code=code, phone=digits)}"


def other_digits(phone: str) -> str:
    return f"{(int(phone[-4:]) + 1) % 10_000:04d}"


def strings_in(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in strings_in(v)]
    if isinstance(value, list):
        return [s for v in value for s in strings_in(v)]
    return []


def comparable(response: httpx.Response) -> tuple[int, list[tuple[str, str]], bytes]:
    headers = sorted((k, v) for k, v in response.headers.items() if k != "date")
    return response.status_code, headers, response.content


async def test_the_qr_token_and_the_code_with_digits_show_the_progress_as_it_moves(
    client: Client, settings: Settings
) -> None:
    phone, dossier_id = await apply(client, settings, LAND_TRANSFER)
    async with device(client) as desk_pc, device(client) as land_pc:
        await staff(settings, desk_pc, "Trần Văn Bình", ("desk", SERVICE_CENTRE))
        await staff(settings, land_pc, "Lê Thị Đất", ("handler", LAND_OFFICE))
        received = (await take(desk_pc, dossier_id, "receive", "Ông An, số nhà 12")).json()
        dossier, applicant_phone = await received_facts(settings, dossier_id)
        assert dossier.lookup_token is not None
        assert dossier.code is not None
        assert dossier.received_at is not None

        by_token = await client.get(f"{LOOKUP}/{dossier.lookup_token}")
        assert by_token.status_code == 200, by_token.text
        assert by_token.headers["cache-control"] == "no-store"
        assert "etag" not in by_token.headers
        seen = by_token.json()
        assert set(seen) == {
            "code",
            "procedureCode",
            "procedureName",
            "status",
            "statusCode",
            "receivedAt",
            "dueAt",
            "isOverdue",
            "currentStep",
            "timeline",
        }
        assert (seen["code"], seen["status"], seen["statusCode"]) == (
            received["code"],
            "received",
            2,
        )
        assert seen["procedureCode"] == LAND_TRANSFER
        procedure = (await client.get(f"/api/v1/procedures/{LAND_TRANSFER}")).json()
        assert seen["procedureName"] == {"vi": procedure["name"], "en": procedure["nameEn"]}
        assert seen["dueAt"] == received["dueAt"]
        assert seen["receivedAt"] == dossier.received_at.isoformat()
        assert seen["isOverdue"] is False
        assert [(e["action"], e["status"]) for e in seen["timeline"]] == [
            ("submit", "submitted"),
            ("receive", "received"),
        ]
        reception = seen["timeline"][1]
        assert set(reception) == {"action", "status", "at", "step", "agency"}
        assert reception["step"]["vi"]
        assert reception["step"]["en"]
        assert reception["agency"]["vi"]
        assert seen["currentStep"]["name"]["vi"] == received["step"]["name"]
        assert seen["currentStep"]["dueAt"] == received["step"]["dueAt"]

        # The receipt's code as typed, with the phone's last four digits: the same answer.
        typed = f"  {dossier.code.lower()} "
        by_digits = await client.get(by_code(typed, applicant_phone[-4:]))
        assert by_digits.status_code == 200, by_digits.text
        assert by_digits.headers["cache-control"] == "no-store"
        assert by_digits.json() == seen

        # The land office hands it on: the lookup shows the new step.
        note = f"Gọi ông An số {applicant_phone} để hẹn đo đạc"
        assert (await take(land_pc, dossier_id, "forward", note)).status_code == 200
        moved = (await client.get(f"{LOOKUP}/{dossier.lookup_token}")).json()
        assert moved["status"] == "processing"
        assert moved["statusCode"] == 4
        assert [e["action"] for e in moved["timeline"]] == ["submit", "receive", "forward"]
        assert moved["timeline"][:2] == seen["timeline"]
        assert moved["timeline"][2]["outcome"] in ("early", "on_time")  # a timed step
        assert moved["currentStep"] != seen["currentStep"]
        again = await client.get(by_code(dossier.code, applicant_phone[-4:]))
        assert again.json() == moved

    # Nothing personal or internal, anywhere in the answer.
    body = (await client.get(f"{LOOKUP}/{dossier.lookup_token}")).text
    owner = (
        await database(settings, select(Account).where(Account.phone == applicant_phone))
    ).scalar_one()
    form_texts = [text for text in strings_in(dossier.form_data) if len(text) > 3]
    assert len(form_texts) >= 3  # names, numbers, addresses the applicant typed
    for secret in (
        "Nguyễn Văn An",
        "Trần Văn Bình",
        "Lê Thị Đất",
        "Ông An",
        applicant_phone,
        owner.id,
        dossier_id,
        dossier.reference,
        phone.client_id,
        *form_texts,
    ):
        assert secret not in body, secret


async def test_every_miss_answers_the_same_404_and_a_missing_parameter_the_same_400(
    client: Client, settings: Settings
) -> None:
    _, received_id = await apply(client, settings, LAND_TRANSFER)
    _, waiting_id = await apply(client, settings, LAND_TRANSFER)  # submitted, not yet received
    async with device(client) as desk_pc:
        await staff(settings, desk_pc, "Trần Văn Bình", ("desk", SERVICE_CENTRE))
        code = (await take(desk_pc, received_id, "receive")).json()["code"]
    dossier, applicant_phone = await received_facts(settings, received_id)
    waiting, waiting_phone = await received_facts(settings, waiting_id)
    assert waiting.code is None
    assert waiting.lookup_token is None
    digits = applicant_phone[-4:]
    unknown_code = code[:-4] + "9999"

    for language in ("vi", "en"):
        headers = {"accept-language": language}
        misses = [
            await client.get(by_code(unknown_code, digits), headers=headers),
            await client.get(by_code(code, other_digits(applicant_phone)), headers=headers),
            await client.get(by_code("not a dossier code", digits), headers=headers),
            await client.get(by_code(waiting.reference, waiting_phone[-4:]), headers=headers),
            await client.get(by_code(waiting.id, waiting_phone[-4:]), headers=headers),
        ]
        first = misses[0]
        assert first.status_code == 404
        assert first.headers["content-type"] == "application/problem+json"
        assert first.json()["type"] == "urn:motcua:problem:dossier-lookup-not-found"
        assert first.json()["instance"] == LOOKUP  # the query (code, digits) is not echoed
        assert code not in first.text
        for miss in misses[1:]:
            assert comparable(miss) == comparable(first)

        # By token: an unknown one and a malformed one differ only in the path they echo.
        tokens = [secrets.token_urlsafe(32), "x", "a" * 200]
        token_misses = [await client.get(f"{LOOKUP}/{t}", headers=headers) for t in tokens]
        for token, miss in zip(tokens, token_misses, strict=True):
            assert miss.status_code == 404
            assert miss.json() == {**first.json(), "instance": f"{LOOKUP}/{token}"}
            assert {
                k: v for k, v in miss.headers.items() if k not in ("date", "content-length")
            } == {k: v for k, v in first.headers.items() if k not in ("date", "content-length")}

    # A 400 only for the request's own shape, the same whether the code exists or not.
    for query in ({"code": code}, {"code": code, "phone": ""}, {"code": code, "phone": "12a"}):
        real = await client.get(f"{LOOKUP}?{httpx.QueryParams(query)}")
        fake = await client.get(f"{LOOKUP}?{httpx.QueryParams({**query, 'code': unknown_code})}")
        assert real.status_code == 400
        assert real.json()["type"] == "urn:motcua:problem:invalid-request"
        assert [e["field"] for e in real.json()["errors"]] == ["phone"]
        assert comparable(real) == comparable(fake)
    nothing = (await client.get(LOOKUP, headers={"accept-language": "en"})).json()
    assert [(e["field"], e["code"]) for e in nothing["errors"]] == [
        ("code", "required"),
        ("phone", "required"),
    ]
    short = (await client.get(by_code(code, digits[1:]), headers={"accept-language": "en"})).json()
    assert short["errors"] == [
        {
            "field": "phone",
            "code": "last_digits",
            "message": "Enter the last 4 digits of the applicant's phone number.",
            "params": {"n": 4},
        }
    ]
    # After all that, the right digits still work.
    assert (await client.get(by_code(code, digits))).status_code == 200
    assert dossier.lookup_token is not None


async def test_hammering_the_lookup_answers_429_with_retry_after(
    client: Client, clock: FakeClock
) -> None:
    # A different code each time: this is the per-address limit, not the per-code one.
    statuses = [
        (await client.get(by_code(f"000.00.01.H19-260101-{n:04d}", "1234"))).status_code
        for n in range(40)
    ]
    assert statuses[0] == 404
    assert 429 in statuses
    first = statuses.index(429)
    assert all(s == 429 for s in statuses[first:])
    # The limit is per client address, shared by both ways of looking up.
    limited = await client.get(
        f"{LOOKUP}/{secrets.token_urlsafe(32)}", headers={"accept-language": "en"}
    )
    assert limited.status_code == 429
    retry_after = int(limited.headers["retry-after"])
    assert 0 < retry_after <= 10 * 60
    assert str(retry_after) in limited.json()["detail"]
    clock.advance(dt.timedelta(seconds=retry_after))
    assert (await client.get(by_code("000.00.01.H19-260101-0100", "1234"))).status_code == 404


class AddressedTransport(test_transport.TestClientTransport[Client]):
    """The test client's way to the running app (its event loop), from another address."""

    def __init__(self, client: Client, address: str) -> None:
        super().__init__(client)
        self.address = address

    def parse_request(self, request: httpx.Request) -> dict[str, Any]:
        return {**super().parse_request(request), "client": (self.address, 40000)}


@asynccontextmanager
async def from_address(client: Client, address: str) -> AsyncIterator[httpx.AsyncClient]:
    """A caller at another client address, on the same running app."""
    transport: Any = AddressedTransport(client, address)
    # Like `device`: the transport is a view of the test client's, which closes it.
    yield httpx.AsyncClient(transport=transport, base_url=ORIGIN)


async def test_a_code_missed_ten_times_is_refused_for_a_while_from_every_address(
    client: Client, settings: Settings, clock: FakeClock
) -> None:
    _, dossier_id = await apply(client, settings, LAND_TRANSFER)
    async with device(client) as desk_pc:
        await staff(settings, desk_pc, "Trần Văn Bình", ("desk", SERVICE_CENTRE))
        code = (await take(desk_pc, dossier_id, "receive")).json()["code"]
    dossier, applicant_phone = await received_facts(settings, dossier_id)
    right = applicant_phone[-4:]
    unknown = code[:-4] + "9999"  # a code nobody has: it must behave the same
    # Someone guessing the digits from many addresses, each far below its own limit.
    for attempt in range(1, 11):
        wrong = f"{(int(right) + attempt) % 10_000:04d}"
        async with from_address(client, f"203.0.113.{attempt}") as guesser:
            typed = code if attempt % 2 else f" {code.lower()} "  # the same code, as typed
            assert (await guesser.get(by_code(typed, wrong))).status_code == 404
            assert (await guesser.get(by_code(unknown, wrong))).status_code == 404

    async with from_address(client, "198.51.100.7") as owner:
        english = {"accept-language": "en"}
        refused = await owner.get(by_code(code, right), headers=english)
        assert refused.status_code == 429  # even with the right digits
        assert refused.json()["type"] == "urn:motcua:problem:rate-limited"
        retry_after = int(refused.headers["retry-after"])
        assert 0 < retry_after <= 60 * 60
        assert str(retry_after) in refused.json()["detail"]
        assert comparable(await owner.get(by_code(unknown, right), headers=english)) == (
            comparable(refused)
        )
        # Only that code is refused, and the receipt's QR still works.
        other_code = code[:-4] + "0002"
        assert (await owner.get(by_code(other_code, right))).status_code == 404
        assert (await owner.get(f"{LOOKUP}/{dossier.lookup_token}")).status_code == 200
        # The shape of the query is still checked first, the same for every code.
        assert (await owner.get(by_code(code, "12"))).status_code == 400

        clock.advance(dt.timedelta(seconds=retry_after - 1))
        assert (await owner.get(by_code(code, right))).status_code == 429
        clock.advance(dt.timedelta(seconds=1))
        found = await owner.get(by_code(code, right))
        assert found.status_code == 200, found.text
        assert found.json()["code"] == code
