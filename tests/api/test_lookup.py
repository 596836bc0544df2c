"""The public dossier lookup: whoever holds the receipt follows the dossier's progress by the
QR's token, or by its code with the last four digits of the applicant's phone; every miss
answers the very same 404, the answer carries nothing personal, and hammering it is limited:
per address, and per code by a slowdown that no amount of wrong digits turns into a lockout."""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any

import httpx
from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy import select

from backend.config import Settings
from backend.models import Account, Dossier
from tests.api.test_one_stop import LAND_OFFICE, LAND_TRANSFER, SERVICE_CENTRE, apply, staff, take
from tests.api.test_sync import database
from tests.support.addresses import from_address
from tests.support.identity import FakeClock, device

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


LOCAL = dt.timezone(dt.timedelta(hours=7))
# The slowdown after the 4th, 5th, ... miss on a code: 2 s doubling, then a minute at most.
WAITS = [2, 4, 8, 16, 32, 60, 60, 60, 60]
ENGLISH = {"accept-language": "en"}


def wrong_digits(right: str, n: int) -> str:
    """The `n`-th guess that is not `right`."""
    return f"{(int(right) + 1 + n % 9_999) % 10_000:04d}"


async def status(http: httpx.AsyncClient, url: str) -> int:
    return (await http.get(url)).status_code


def owner_at(client: Client, address: str = "198.51.100.7") -> Any:
    """The applicant, looking their dossier up from their own address."""
    return from_address(client, address)


async def received_code(
    client: Client, settings: Settings, desk_pc: httpx.AsyncClient
) -> tuple[Dossier, str]:
    """A land transfer applied for from `client` and received at the desk: the dossier, and
    the last digits of its applicant's phone."""
    _, dossier_id = await apply(client, settings, LAND_TRANSFER)
    assert (await take(desk_pc, dossier_id, "receive")).status_code == 200
    dossier, applicant_phone = await received_facts(settings, dossier_id)
    assert dossier.code is not None
    return dossier, applicant_phone[-4:]


async def pile_up_misses(client: Client, clock: FakeClock, code: str, misses: int) -> None:
    """Someone missing `code` `misses` times from as many addresses, each waiting as long as
    the code makes it wait. The guesses (9000 on) are none of the test phones' last digits,
    numbered from 0001 through the test run."""
    for n in range(misses):
        async with from_address(client, f"203.0.113.{n % 250}") as guesser:
            missed = await guesser.get(by_code(code, f"{9000 + n:04d}"))
            if missed.status_code == 429:
                wait = int(missed.headers["retry-after"])
                assert wait <= 60  # however many misses came before
                clock.advance(dt.timedelta(seconds=wait))
                missed = await guesser.get(by_code(code, f"{9000 + n:04d}"))
            assert missed.status_code == 404, missed.text


def assert_slowed(response: httpx.Response, seconds: int, language: str = "en") -> None:
    assert response.status_code == 429, response.text
    assert response.json()["type"] == "urn:motcua:problem:lookup-slowed"
    assert response.headers["retry-after"] == str(seconds)
    told = {
        "en": f"Please try again in {seconds} seconds.",
        "vi": f"Vui lòng thử lại sau {seconds} giây.",
    }
    assert told[language] in response.json()["detail"]


async def test_wrong_digits_from_many_addresses_slow_a_code_down_but_never_lock_out_its_owner(
    client: Client, settings: Settings, clock: FakeClock
) -> None:
    async with device(client) as desk_pc:
        await staff(settings, desk_pc, "Trần Văn Bình", ("desk", SERVICE_CENTRE))
        dossier, right = await received_code(client, settings, desk_pc)
    code = dossier.code
    assert code is not None
    unknown = code[:-4] + "9999"  # a code nobody has: it must behave the same

    # Three wrong guesses cost nothing: the owner is answered at once.
    for n in range(3):
        async with from_address(client, f"203.0.113.{n}") as guesser:
            assert await status(guesser, by_code(code, wrong_digits(right, n))) == 404
            assert await status(guesser, by_code(unknown, wrong_digits(right, n))) == 404
    async with owner_at(client) as owner:
        assert await status(owner, by_code(code, right)) == 200

    # Someone guessing from many addresses, each far below its own limit, as fast as the code
    # lets them: each further miss makes the code wait longer, up to a minute.
    for n, wait in enumerate(WAITS, start=3):
        async with from_address(client, f"203.0.113.{n}") as guesser:
            typed = code if n % 2 else f" {code.lower()} "  # the same code, as typed
            assert await status(guesser, by_code(typed, wrong_digits(right, n))) == 404
            assert await status(guesser, by_code(unknown, wrong_digits(right, n))) == 404
            # Hammering while the code waits is refused, and adds nothing to the wait.
            for extra in range(3):
                hammered = await guesser.get(by_code(code, wrong_digits(right, 50 + n + extra)))
                assert_slowed(hammered, wait, "vi")
        async with owner_at(client) as owner:
            refused = await owner.get(by_code(code, right), headers=ENGLISH)
            assert_slowed(refused, wait)  # even with the right digits, for a few seconds
            # A code nobody has, missed alike, is told the very same.
            assert comparable(await owner.get(by_code(unknown, right), headers=ENGLISH)) == (
                comparable(refused)
            )
        clock.advance(dt.timedelta(seconds=wait))

    # The guessing stops; the owner waits what they are told, then gets in.
    async with from_address(client, "203.0.113.99") as guesser:
        assert await status(guesser, by_code(code, wrong_digits(right, 99))) == 404
    async with owner_at(client) as owner:
        assert_slowed(await owner.get(by_code(code, right), headers=ENGLISH), 60)
        clock.advance(dt.timedelta(seconds=59))
        assert_slowed(await owner.get(by_code(code, right), headers=ENGLISH), 1)
        clock.advance(dt.timedelta(seconds=1))
        found = await owner.get(by_code(code, right))
        assert found.status_code == 200, found.text
        assert found.json()["code"] == code


async def test_misses_on_a_code_never_slow_its_qr_token_nor_the_signed_in_apps(
    client: Client, settings: Settings, clock: FakeClock
) -> None:
    async with device(client) as desk_pc, device(client) as land_pc:
        await staff(settings, desk_pc, "Trần Văn Bình", ("desk", SERVICE_CENTRE))
        await staff(settings, land_pc, "Lê Thị Đất", ("handler", LAND_OFFICE))
        dossier, right = await received_code(client, settings, desk_pc)
        assert dossier.code is not None
        await pile_up_misses(client, clock, dossier.code, 20)
        async with from_address(client, "198.51.100.9") as stranger:
            assert_slowed(await stranger.get(by_code(dossier.code, right), headers=ENGLISH), 60)
            # The receipt's QR, scanned by anyone, is answered at once, again and again.
            for _ in range(5):
                by_token = await stranger.get(f"{LOOKUP}/{dossier.lookup_token}")
                assert by_token.status_code == 200, by_token.text
        # Nor are the owner's app (the receipt page) and the office's, where it waits.
        receipt = await client.get(f"/api/v1/dossiers/{dossier.id}/receipt")
        assert receipt.status_code == 200, receipt.text
        assert receipt.json()["code"] == dossier.code
        work = await land_pc.get(f"/api/v1/work/dossiers/{dossier.id}")
        assert work.status_code == 200, work.text
        assert work.json()["code"] == dossier.code


async def test_a_code_not_issued_yet_gains_nothing_from_being_locked_ahead(
    client: Client, settings: Settings, clock: FakeClock
) -> None:
    # Codes are numbered through the day: work in one morning, so the next ones are known.
    today = clock.now().astimezone(LOCAL).date()
    clock.current = dt.datetime.combine(today, dt.time(9, 0), tzinfo=LOCAL)
    async with device(client) as desk_pc:
        await staff(settings, desk_pc, "Trần Văn Bình", ("desk", SERVICE_CENTRE))
        first, _ = await received_code(client, settings, desk_pc)
        assert first.code is not None
        number = int(first.code[-4:])
        ahead = [f"{first.code[:-4]}{number + n:04d}" for n in (1, 2)]

        # Someone piles wrong digits on the next two codes (the very next one last), twice as
        # many as reach the longest wait.
        for code in reversed(ahead):
            await pile_up_misses(client, clock, code, 20)

        # The desk receives the next dossier, which gets the first of those codes: its owner
        # waits a minute at most, as after any nine misses, not an hour.
        second, right = await received_code(client, settings, desk_pc)
        assert second.code == ahead[0]
        async with owner_at(client) as owner:
            assert_slowed(await owner.get(by_code(ahead[0], right), headers=ENGLISH), 60)
            clock.advance(dt.timedelta(seconds=60))
            assert await status(owner, by_code(ahead[0], right)) == 200

        # Three quarters of an hour on, every miss is forgiven: the next dossier's owner,
        # mistyping as anyone may, is not slowed at all.
        clock.advance(dt.timedelta(minutes=45))
        third, right = await received_code(client, settings, desk_pc)
        assert third.code == ahead[1]
        async with owner_at(client, "198.51.100.8") as owner:
            for n in range(3):
                assert await status(owner, by_code(ahead[1], wrong_digits(right, n))) == 404
            assert await status(owner, by_code(ahead[1], right)) == 200
