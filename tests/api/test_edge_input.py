"""Input that cannot poison anything (issue 11, build 6): unreadable JSON on every JSON route is
a 400 problem, strings that break the text policy are a 422 naming each field, in bodies, query
strings and paths."""

from __future__ import annotations

import re
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import pytest
from litestar import Litestar
from litestar.routes import HTTPRoute
from litestar.testing import AsyncTestClient

from backend.app import create_app
from backend.config import Settings
from backend.core.auth import access_policy
from tests.support.identity import Person, device, operator_creates_staff

Client = AsyncTestClient[Litestar]
PROVINCE = "000.00.01.H19"
STAFF_ROLES = [
    {"role": role, "agency_code": PROVINCE} for role in ("desk", "handler", "approver", "admin")
] + [{"role": "field", "agency_code": PROVINCE}, {"role": "postal", "postal_unit": "BD-01"}]

MALFORMED = {
    "deep nesting": b"[" * 100_000 + b"]" * 100_000,
    "deep object nesting": b'{"a":' * 5_000 + b"1" + b"}" * 5_000,
    "nesting beyond the policy": b'{"a":' * 40 + b"1" + b"}" * 40,
    "invalid UTF-8": b'{"fullName": "Nguy\xe1\xbb n"}',
    "a UTF-8 surrogate": b'{"fullName": "\xed\xa0\x80"}',
    "truncated": b'{"fullName": "An',
    "not JSON": b"fullName=An",
    "a number too long": b'{"n": ' + b"1" * 5_000 + b"}",
    "an array": b"[1, 2]",
    "a string": b'"text"',
    "null": b"null",
}


def json_routes(app: Litestar) -> list[tuple[str, str, Any]]:
    """Every route that reads a JSON body: (method, path, access policy)."""
    routes = []
    for route in app.routes:
        if not isinstance(route, HTTPRoute):
            continue
        for method, (handler, kwargs) in route.route_handler_map.items():
            if handler.fn.__module__.startswith("litestar."):
                continue
            reads_json = "data" in handler.parsed_fn_signature.parameters and (
                kwargs.expected_form_data is None
            )
            if reads_json or (method, route.path) == ("POST", "/api/v1/sync/push"):
                routes.append((method, route.path, access_policy(handler.opt)))
    return routes


def test_the_walk_finds_the_json_routes(settings: Settings) -> None:
    found = {f"{m} {p}" for m, p, _ in json_routes(create_app(settings))}
    assert {
        "POST /api/v1/auth/sign-up/options",
        "POST /api/v1/auth/sign-in/verify",
        "POST /api/v1/sync/push",
        "POST /api/v1/sync/pull",
        "POST /api/v1/admin/staff",
        "POST /api/v1/work/dossiers/intake",
        "POST /api/v1/work/dossiers/{dossier_id:str}/actions",
    } <= found
    assert "POST /api/v1/work/dossiers/{dossier_id:str}/result" not in found  # multipart


@dataclass
class Callers:
    """Someone allowed through each access policy, so the body is what gets refused."""

    anyone: Any
    citizen: Any
    staff: Any

    def for_policy(self, policy: Any) -> Any:
        if policy == "public":
            return self.anyone
        if policy in ("signed_in", "citizen"):
            return self.citizen
        return self.staff


@pytest.fixture
async def callers(client: Client, settings: Settings) -> AsyncIterator[Callers]:
    token = await operator_creates_staff(settings, "Lê Văn Quản", STAFF_ROLES)
    async with device(client) as anyone, device(client) as citizen, device(client) as staff:
        await Person(citizen).sign_up()
        assert (await Person(staff).enroll(token)).status_code == 200
        yield Callers(anyone, citizen, staff)


def concrete(path: str) -> str:
    return re.sub(r"\{[^}]+\}", str(uuid.uuid4()), path)


@pytest.mark.parametrize("body", MALFORMED.values(), ids=MALFORMED.keys())
async def test_unreadable_json_is_a_400_problem_on_every_json_route(
    app: Litestar, callers: Callers, body: bytes
) -> None:
    for method, path, policy in json_routes(app):
        response = await callers.for_policy(policy).request(
            method,
            concrete(path),
            content=body,
            headers={"content-type": "application/json", "accept-language": "en"},
        )
        where = f"{method} {path}"
        assert response.status_code == 400, (where, response.text)
        assert response.headers["content-type"].startswith("application/problem+json"), where
        problem = response.json()
        assert problem["type"].rsplit(":", 1)[1] in ("malformed-request", "invalid-request")
        assert problem["title"] in ("Unreadable request", "Invalid request"), where


async def test_unreadable_json_says_why(client: Client) -> None:
    def problem(body: bytes) -> Any:
        return client.post(
            "/api/v1/auth/sign-up/options",
            content=body,
            headers={"content-type": "application/json", "accept-language": "en"},
        )

    deep = (await problem(MALFORMED["deep nesting"])).json()
    assert (deep["reason"], deep["detail"]) == (
        "too_deep",
        "The request body is nested more than 32 levels deep.",
    )
    assert (await problem(MALFORMED["invalid UTF-8"])).json()["reason"] == "encoding"
    assert (await problem(MALFORMED["truncated"])).json()["reason"] == "json"


POISON = {
    "NUL": "\x00",
    "escape": "\x1b",
    "carriage return": "\r",
    "DEL": "\x7f",
    "C1 next line": "\x85",
    "line separator": "\u2028",
    "right-to-left override": "\u202e",
    "right-to-left isolate": "\u2067",
    "right-to-left mark": "\u200f",
}


def poisoned(value: str, poison: str) -> str:
    return value[:2] + poison + value[2:]


@pytest.mark.parametrize("poison", POISON.values(), ids=POISON.keys())
async def test_sign_up_refuses_control_and_bidi_characters_in_each_field(
    client: Client, poison: str
) -> None:
    particulars = {
        "fullName": "Nguyễn Văn An",
        "phone": "0912345678",
        "email": "an@example.vn",
        "cccd": "075190001234",
    }
    for field in particulars:
        body = {**particulars, field: poisoned(particulars[field], poison)}
        response = await client.post("/api/v1/auth/sign-up/options", json=body)
        assert response.status_code == 422, (field, response.text)
        [error] = response.json()["errors"]
        assert error["field"] == field
        assert error["code"] in ("control_character", "bidi_control")
        assert error["params"] == {"character": f"U+{ord(poison):04X}"}


@pytest.mark.parametrize("poison", POISON.values(), ids=POISON.keys())
async def test_sign_in_refuses_control_and_bidi_characters_in_each_field(
    client: Client, poison: str
) -> None:
    person = Person(client)
    await person.sign_up()
    options = (await client.post("/api/v1/auth/sign-in/options", json={})).json()
    credential = person.authenticator.get(options["publicKey"])
    fields = {
        "ceremonyId": lambda body: body.__setitem__(
            "ceremonyId", poisoned(body["ceremonyId"], poison)
        ),
        "credential.id": lambda body: body["credential"].__setitem__(
            "id", poisoned(body["credential"]["id"], poison)
        ),
        "credential.response.clientDataJSON": lambda body: body["credential"][
            "response"
        ].__setitem__(
            "clientDataJSON", poisoned(body["credential"]["response"]["clientDataJSON"], poison)
        ),
    }
    for field, poison_it in fields.items():
        body = {
            "ceremonyId": options["ceremonyId"],
            "credential": {**credential, "response": dict(credential["response"])},
        }
        poison_it(body)
        response = await client.post("/api/v1/auth/sign-in/verify", json=body)
        assert response.status_code == 422, (field, response.text)
        assert [e["field"] for e in response.json()["errors"]] == [field]
    # the ceremony was never touched: the genuine answer still signs in
    genuine = await client.post(
        "/api/v1/auth/sign-in/verify",
        json={"ceremonyId": options["ceremonyId"], "credential": credential},
    )
    assert genuine.status_code == 200, genuine.text


@pytest.mark.parametrize("name", ["\u200b\u200b\u200b", "\ufeff\u2060", "\u0301\u0301", " \u200d "])
async def test_a_name_that_shows_nothing_is_refused(client: Client, name: str) -> None:
    response = await client.post(
        "/api/v1/auth/sign-up/options", json={"fullName": name, "phone": "0912345678"}
    )
    assert response.status_code == 422
    assert response.json()["errors"] == [
        {
            "field": "fullName",
            "code": "invisible_only",
            "message": "Chỉ gồm ký tự vô hình; vui lòng nhập nội dung nhìn thấy được.",
        }
    ]


async def test_names_are_stored_normalised(client: Client) -> None:
    me = await Person(client).sign_up(fullName="  Nguye\u0302\u0303n Va\u0306n An\u200b ")
    assert me["fullName"] == "Nguyễn Văn An"


async def test_every_bad_string_of_a_body_is_listed(client: Client) -> None:
    response = await client.post(
        "/api/v1/auth/sign-up/options",
        json={"fullName": "An\x00", "phone": "0912\u202e345678", "email": "\u200b"},
        headers={"accept-language": "en"},
    )
    assert response.status_code == 422
    assert [(e["field"], e["code"], e["message"]) for e in response.json()["errors"]] == [
        (
            "fullName",
            "control_character",
            "Contains a control character that is not allowed (U+0000).",
        ),
        (
            "phone",
            "bidi_control",
            "Contains a text-direction control that is not allowed (U+202E).",
        ),
        ("email", "invisible_only", "Contains only invisible characters; enter something visible."),
    ]


async def test_query_and_path_parameters_follow_the_text_policy(client: Client) -> None:
    query = await client.get("/api/v1/procedures", params={"q": "khai\x00sinh"})
    assert query.status_code == 422
    assert query.json()["errors"][0] | {"message": ""} == {
        "field": "q",
        "code": "control_character",
        "message": "",
        "params": {"character": "U+0000"},
    }
    path = await client.get("/api/v1/procedures/1.0\u202e01193")
    assert path.status_code == 422
    assert path.json()["errors"][0]["field"] == "code"
    # what passes reaches the handler normalised: trimmed here
    assert (await client.get("/api/v1/procedures/%201.001193%20")).json()["code"] == "1.001193"
    composed = await client.get("/api/v1/procedures", params={"q": "khai sinh"})
    decomposed = await client.get("/api/v1/procedures", params={"q": " khai sinh\u200b "})
    assert decomposed.json() == composed.json()
