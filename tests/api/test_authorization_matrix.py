"""The authorization matrix (issue 11, acceptance 2): every route of the app, read from its route
table, called by every identity of `tests/support/identities.py` — anonymous, the owner,
another citizen, desk / handler / approver / field / postal / admin of the commune that holds
the dossiers, the same roles at another commune, the province's admin — against the answer
each one must get. A route missing from the table fails the test, so a new route or role
cannot ship without saying who may call it.

The expected answers follow the one authorization model (decision 0013): citizens reach their
own dossiers only; staff read what their agency holds or has held and act only at the step
that is theirs; approvers lead their agency; admins administer staff and read no dossier;
everything out of scope is the 404 of an unknown id, and a route whose policy the account
cannot meet at all is a 403 (401 when not signed in).
"""

from __future__ import annotations

import base64
import hashlib
import pprint
import uuid
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy import select

from backend.config import Settings
from backend.core.ratelimit import LocalRateLimits
from backend.models import Account, Dossier
from tests.api.test_dossiers import uploaded
from tests.api.test_sync import Installation, database
from tests.api.test_uploads import photo
from tests.support.applications import required_slots, submit_args, valid_fields
from tests.support.documents import attach_result
from tests.support.identities import NAMES, OWNER_CCCD, Cast, Name
from tests.support.identity import Person, device, new_phone

Client = AsyncTestClient[Litestar]
BIRTH = "1.001193"
TUS = {"Tus-Resumable": "1.0.0"}
WORK = "/api/v1/work/dossiers"
DOSSIERS = "/api/v1/dossiers"

READERS: frozenset[Name] = frozenset({"desk", "handler", "approver"})  # of the holding commune
STAFF_ROUTE: frozenset[Name] = frozenset(
    {
        "desk",
        "handler",
        "approver",
        "field",
        "postal",
        "desk_elsewhere",
        "handler_elsewhere",
        "approver_elsewhere",
        "field_elsewhere",
    }
)
ADMINS: frozenset[Name] = frozenset({"admin", "admin_elsewhere", "province_admin"})
CITIZENS: frozenset[Name] = frozenset({"owner", "other_citizen"})
SIGNED_IN: frozenset[Name] = frozenset(NAMES) - {"anonymous"}


# ---------------------------------------------------------------------------------------------
# The scene: the owner's dossiers at each point of their route, and their files


@dataclass
class Scene:
    cast: Cast
    form: dict[str, Any]
    at_desk: str = ""  # submitted, waiting at the commune's desk
    to_receive: str = ""  # another one waiting there, for the desk to receive
    at_handler: str = ""  # received, at the commune's civil status officer
    at_approval: str = ""  # at the approver's signature, no result yet
    approved: str = ""  # result issued, waiting at the desk to be returned
    document: str = ""  # a document of `at_desk`
    code: str = ""  # the dossier code of `at_handler`, its lookup token and phone digits
    token: str = ""
    digits: str = ""
    owner_passkey: str = ""
    pending_attachment: str = ""  # registered by the owner, never uploaded
    upload_url: str = ""  # an upload of the owner's in progress
    upload_to_end: str = ""  # another, for the owner to abandon
    spare_session: str = ""  # another session of the owner's, for revoking
    counter_documents: dict[str, list[str]] = field(default_factory=dict)  # desk's photos
    client_ids: dict[Name, str] = field(default_factory=dict)

    @property
    def owner_id(self) -> str:
        return self.cast.id_of("owner")

    def phone(self, name: Name) -> Installation:
        return Installation(self.cast.http(name))


async def apply(scene: Scene, owner_phone: Installation, seed: int) -> str:
    documents = {
        slot: [await uploaded(owner_phone, seed + n)]
        for n, slot in enumerate(required_slots(scene.form))
    }
    args = submit_args(BIRTH, valid_fields(scene.form, scene.cast.commune), documents)
    response = await owner_phone.push(owner_phone.mutation("dossier.submit", args))
    assert response.json()["results"][0]["status"] == "applied", response.text
    return str(args["dossierId"])


async def act(scene: Scene, who: Name, dossier_id: str, action: str) -> None:
    response = await scene.cast.http(who).post(
        f"{WORK}/{dossier_id}/actions", json={"action": action}
    )
    assert response.status_code == 200, response.text


def b64(value: str) -> str:
    return base64.b64encode(value.encode()).decode()


async def start_upload(http: httpx.AsyncClient, attachment_id: str, length: int) -> str:
    response = await http.post(
        "/api/v1/uploads",
        headers={
            **TUS,
            "Upload-Length": str(length),
            "Upload-Metadata": f"attachmentId {b64(attachment_id)}",
        },
    )
    assert response.status_code == 201, response.text
    return str(response.headers["location"])


async def register(phone: Installation, data: bytes) -> str:
    attachment_id = str(uuid.uuid4())
    args = {
        "attachmentId": attachment_id,
        "slotKey": "birth-certificate-photo",
        "sha256": hashlib.sha256(data).hexdigest(),
        "bytes": len(data),
        "mediaType": "image/jpeg",
    }
    response = await phone.push(phone.mutation("attachment.register", args))
    assert response.json()["results"][0]["status"] == "applied", response.text
    return attachment_id


async def build_scene(client: Client, cast: Cast, settings: Settings) -> Scene:
    form = (await client.get(f"/api/v1/procedures/{BIRTH}")).json()["variants"][0]["form"]
    scene = Scene(cast, form)
    owner = scene.phone("owner")
    assert (await owner.register()).status_code == 200
    scene.at_desk = await apply(scene, owner, 10)
    scene.to_receive = await apply(scene, owner, 20)
    scene.at_handler = await apply(scene, owner, 30)
    scene.at_approval = await apply(scene, owner, 40)
    scene.approved = await apply(scene, owner, 50)
    for dossier_id in (scene.at_handler, scene.at_approval, scene.approved):
        await act(scene, "desk", dossier_id, "receive")
    for dossier_id in (scene.at_approval, scene.approved):
        await act(scene, "handler", dossier_id, "forward")
    assert (await attach_result(cast.http("approver"), scene.approved)).status_code == 201
    await act(scene, "approver", scene.approved, "approve")

    detail = (await cast.http("desk").get(f"{WORK}/{scene.at_desk}")).json()
    scene.document = detail["documents"][0]["id"]
    [(scene.code, scene.token)] = (
        await database(
            settings,
            select(Dossier.code, Dossier.lookup_token).where(Dossier.id == scene.at_handler),
        )
    ).all()
    phone_number = (
        await database(settings, select(Account.phone).where(Account.id == cast.id_of("owner")))
    ).scalar_one()
    scene.digits = phone_number[-4:]
    [passkey] = (await cast.http("owner").get("/api/v1/account/passkeys")).json()
    scene.owner_passkey = passkey["id"]

    data = photo(90)
    scene.pending_attachment = await register(owner, data)
    scene.upload_url = await start_upload(
        cast.http("owner"), await register(owner, data), len(data)
    )
    scene.upload_to_end = await start_upload(
        cast.http("owner"), await register(owner, data), len(data)
    )
    # The owner signs in on a second device: a session to revoke from the first.
    async with device(client) as elsewhere:
        await Person(elsewhere, authenticator=cast.people["owner"].authenticator).sign_in()
    sessions = (await cast.http("owner").get("/api/v1/account/sessions")).json()
    scene.spare_session = next(s["id"] for s in sessions if not s["current"])

    counter = Installation(cast.http("desk"))
    assert (await counter.register()).status_code == 200
    scene.counter_documents = {
        slot: [await uploaded(counter, 70 + n)] for n, slot in enumerate(required_slots(form))
    }
    return scene


# ---------------------------------------------------------------------------------------------
# The table

Call = Callable[[httpx.AsyncClient, Scene, Name], Awaitable[httpx.Response]]
Prepare = Callable[[httpx.AsyncClient, Scene, Name], Awaitable[None]]


@dataclass(frozen=True)
class Row:
    """A route's call, each identity's answer, and what to prepare before each call."""

    call: Call
    expected: dict[Name, int]
    before: Prepare | None = None


def get(path: str) -> Call:
    async def call(http: httpx.AsyncClient, scene: Scene, _: Name) -> httpx.Response:
        return await http.get(path.format(s=scene))

    return call


def post(path: str, body: Callable[[Scene, Name], Any] | None = None) -> Call:
    async def call(http: httpx.AsyncClient, scene: Scene, who: Name) -> httpx.Response:
        return await http.post(path.format(s=scene), json=body(scene, who) if body else {})

    return call


def delete(path: str) -> Call:
    async def call(http: httpx.AsyncClient, scene: Scene, _: Name) -> httpx.Response:
        return await http.delete(path.format(s=scene))

    return call


def answers(
    policy: str | frozenset[Name],
    allowed: Mapping[Name, int] | None = None,
    *,
    everyone: int | None = None,
    out_of_scope: int = 404,
) -> dict[Name, int]:
    """Each identity's status: `everyone` on a public route; otherwise 401 for anonymous,
    403 for those the route's policy turns away, `allowed` for those the use case lets
    through, `out_of_scope` for the rest."""
    if policy == "public":
        assert everyone is not None
        return dict.fromkeys(NAMES, everyone)
    passes = SIGNED_IN if policy == "signed_in" else policy
    assert isinstance(passes, frozenset)
    table: dict[Name, int] = {}
    for name in NAMES:
        if name == "anonymous":
            table[name] = 401
        elif name not in passes:
            table[name] = 403
        elif allowed is not None and name in allowed:
            table[name] = allowed[name]
        elif everyone is not None:
            table[name] = everyone
        else:
            table[name] = out_of_scope
    return table


def each(names: frozenset[Name], status: int) -> dict[Name, int]:
    return dict.fromkeys(names, status)


async def own_installation(http: httpx.AsyncClient, scene: Scene, who: Name) -> None:
    if who == "anonymous" or who in scene.client_ids:
        return
    installation = Installation(http)
    assert (await installation.register()).status_code == 200
    scene.client_ids[who] = installation.client_id


async def reverify(http: httpx.AsyncClient, scene: Scene, who: Name) -> None:
    """Sensitive changes need a passkey check from the last five minutes (decision 0014)."""
    if who != "anonymous":
        await scene.cast.people[who].reverify()


async def sign_in_again(http: httpx.AsyncClient, scene: Scene, who: Name) -> None:
    if who != "anonymous":
        await scene.cast.people[who].sign_in()


def pull_body(scene: Scene, who: Name) -> dict[str, Any]:
    client_id = scene.client_ids.get(who, str(uuid.uuid4()))
    return {"clientId": client_id, "protocolVersion": 1, "limit": 10}


def push_body(scene: Scene, who: Name) -> dict[str, Any]:
    client_id = scene.client_ids.get(who, str(uuid.uuid4()))
    return {"clientId": client_id, "protocolVersion": 1, "mutations": []}


def staff_body(scene: Scene, who: Name) -> dict[str, Any]:
    return {
        "fullName": "Cán bộ mới",
        "phone": new_phone(),
        "roles": [{"role": "handler", "agencyCode": scene.cast.holding}],
    }


def intake_body(scene: Scene, who: Name) -> dict[str, Any]:
    return {
        "dossierId": str(uuid.uuid4()),
        "agencyCode": scene.cast.holding,
        "procedureCode": BIRTH,
        "fields": valid_fields(scene.form, scene.cast.commune),
        "documents": scene.counter_documents,
        "applicant": {"fullName": "Người nộp tại quầy", "phone": new_phone()},
    }


def recovery_body(scene: Scene, who: Name) -> dict[str, Any]:
    return {"documentType": "cccd", "documentNumber": OWNER_CCCD}


async def tus(http: httpx.AsyncClient, method: str, url: str, **headers: str) -> httpx.Response:
    return await http.request(method, url, headers={**TUS, **headers})


async def create_upload(http: httpx.AsyncClient, scene: Scene, _: Name) -> httpx.Response:
    return await tus(
        http,
        "POST",
        "/api/v1/uploads",
        **{
            "Upload-Length": str(len(photo(90))),
            "Upload-Metadata": f"attachmentId {b64(scene.pending_attachment)}",
        },
    )


async def upload_offset(http: httpx.AsyncClient, scene: Scene, _: Name) -> httpx.Response:
    return await tus(http, "HEAD", scene.upload_url)


async def append(http: httpx.AsyncClient, scene: Scene, _: Name) -> httpx.Response:
    return await http.patch(
        scene.upload_url,
        content=photo(90)[:100],
        headers={
            **TUS,
            "Content-Type": "application/offset+octet-stream",
            "Upload-Offset": "0",
        },
    )


async def abandon(http: httpx.AsyncClient, scene: Scene, _: Name) -> httpx.Response:
    return await tus(http, "DELETE", scene.upload_to_end)


async def attach(http: httpx.AsyncClient, scene: Scene, _: Name) -> httpx.Response:
    return await attach_result(http, scene.at_approval)


async def describe_uploads(http: httpx.AsyncClient, scene: Scene, _: Name) -> httpx.Response:
    return await http.options("/api/v1/uploads")


JUNK_CEREMONY = {"ceremonyId": "nothing-here", "credential": {}}
# The order matters where a call changes what later ones see: rows that sign people out come
# last, and the one identity allowed to change a dossier is called after those refused.
HOLDING_STAFF: frozenset[Name] = frozenset({"desk", "handler", "approver", "field", "admin"})
ROUTES: dict[str, Row] = {
    # Public: the service, the catalogue, the API description, the app shell, the lookup.
    "GET /api/health": Row(get("/api/health"), answers("public", everyone=200)),
    "GET /api/v1/procedures": Row(get("/api/v1/procedures"), answers("public", everyone=200)),
    "GET /api/v1/procedures/{code:str}": Row(
        get(f"/api/v1/procedures/{BIRTH}"),
        answers("public", everyone=200),
    ),
    "GET /api/v1/sectors": Row(get("/api/v1/sectors"), answers("public", everyone=200)),
    "GET /api/v1/agencies": Row(get("/api/v1/agencies"), answers("public", everyone=200)),
    "GET /api/v1/administrative-units": Row(
        get("/api/v1/administrative-units"),
        answers("public", everyone=200),
    ),
    "GET /api/v1/holidays": Row(get("/api/v1/holidays?year=2026"), answers("public", everyone=200)),
    "GET /api/v1/config": Row(get("/api/v1/config"), answers("public", everyone=200)),
    "GET /api/docs": Row(get("/api/docs"), answers("public", everyone=200)),
    "GET /api/docs/openapi.json": Row(
        get("/api/docs/openapi.json"), answers("public", everyone=200)
    ),
    "GET /api/docs/{path:str}": Row(get("/api/docs/nothing-here"), answers("public", everyone=404)),
    # The tests serve no built PWA: its routes say so (503) to everyone alike.
    "GET /": Row(get("/"), answers("public", everyone=503)),
    "GET /{path:path}": Row(get("/thu-tuc/1.001193"), answers("public", everyone=503)),
    "GET /api/v1/lookup": Row(
        get("/api/v1/lookup?code={s.code}&phone={s.digits}"),
        answers("public", everyone=200),
    ),
    "GET /api/v1/lookup/{token:str}": Row(
        get("/api/v1/lookup/{s.token}"),
        answers("public", everyone=200),
    ),
    "OPTIONS /api/v1/uploads": Row(describe_uploads, answers("public", everyone=204)),
    # Ceremonies: public, and refuse what proves nothing, whoever asks.
    "POST /api/v1/auth/sign-up/options": Row(
        post(
            "/api/v1/auth/sign-up/options",
            lambda s, who: {"fullName": "Người mới", "phone": new_phone()},
        ),
        answers("public", everyone=200),
    ),
    "POST /api/v1/auth/sign-up/verify": Row(
        post("/api/v1/auth/sign-up/verify", lambda s, who: JUNK_CEREMONY),
        answers("public", everyone=400),
    ),
    "POST /api/v1/auth/sign-in/options": Row(
        post("/api/v1/auth/sign-in/options"),
        answers("public", everyone=200),
    ),
    "POST /api/v1/auth/sign-in/verify": Row(
        post("/api/v1/auth/sign-in/verify", lambda s, who: JUNK_CEREMONY),
        answers("public", everyone=400),
    ),
    "POST /api/v1/auth/enrollment/options": Row(
        post("/api/v1/auth/enrollment/options", lambda s, who: {"token": "not-a-link"}),
        answers("public", everyone=400),
    ),
    "POST /api/v1/auth/enrollment/verify": Row(
        post(
            "/api/v1/auth/enrollment/verify",
            lambda s, who: {"token": "not-a-link", **JUNK_CEREMONY},
        ),
        answers("public", everyone=400),
    ),
    "POST /api/v1/auth/recovery-codes/redeem": Row(
        post("/api/v1/auth/recovery-codes/redeem", lambda s, who: {"code": "AAAA-BBBB-CCCC"}),
        answers("public", everyone=400),
    ),
    # One's own account: every signed-in person, about themselves only.
    "GET /api/v1/auth/me": Row(get("/api/v1/auth/me"), answers("signed_in", everyone=200)),
    "GET /api/v1/account/passkeys": Row(
        get("/api/v1/account/passkeys"),
        answers("signed_in", everyone=200),
    ),
    "GET /api/v1/account/sessions": Row(
        get("/api/v1/account/sessions"),
        answers("signed_in", everyone=200),
    ),
    "GET /api/v1/account/activity": Row(
        get("/api/v1/account/activity"), answers("signed_in", everyone=200)
    ),
    "POST /api/v1/account/verification/options": Row(
        post("/api/v1/account/verification/options"), answers("signed_in", everyone=200)
    ),
    "POST /api/v1/account/verification/verify": Row(
        post("/api/v1/account/verification/verify", lambda s, who: JUNK_CEREMONY),
        answers("signed_in", everyone=400),
    ),
    "POST /api/v1/account/passkey-links": Row(
        post("/api/v1/account/passkey-links"), answers("signed_in", everyone=201), reverify
    ),
    "POST /api/v1/account/recovery-codes": Row(
        post("/api/v1/account/recovery-codes"), answers("signed_in", everyone=201), reverify
    ),
    # The owner's only passkey: theirs to keep (409), nobody else's to remove (404).
    "DELETE /api/v1/account/passkeys/{passkey_id:str}": Row(
        delete("/api/v1/account/passkeys/{s.owner_passkey}"),
        answers("signed_in", {"owner": 409}),
        reverify,
    ),
    "DELETE /api/v1/account/sessions/{session_id:str}": Row(
        delete("/api/v1/account/sessions/{s.spare_session}"),
        answers("signed_in", {"owner": 204}),
    ),
    # Sync: each installation of each person; the scope is computed from the account.
    "POST /api/v1/sync/clients": Row(
        post(
            "/api/v1/sync/clients",
            lambda s, who: {"clientId": str(uuid.uuid4()), "protocolVersion": 1},
        ),
        answers("signed_in", everyone=200),
    ),
    "POST /api/v1/sync/push": Row(
        post("/api/v1/sync/push", push_body), answers("signed_in", everyone=200), own_installation
    ),
    "POST /api/v1/sync/pull": Row(
        post("/api/v1/sync/pull", pull_body), answers("signed_in", everyone=200), own_installation
    ),
    # Uploads: the owner's own.
    "POST /api/v1/uploads": Row(create_upload, answers("signed_in", {"owner": 201})),
    "HEAD /api/v1/uploads/{upload_id:str}": Row(
        upload_offset, answers("signed_in", {"owner": 200})
    ),
    "PATCH /api/v1/uploads/{upload_id:str}": Row(append, answers("signed_in", {"owner": 204})),
    "DELETE /api/v1/uploads/{upload_id:str}": Row(abandon, answers("signed_in", {"owner": 204})),
    # The owner's dossier files, and the receipt for its owner and those who may read it.
    "GET /api/v1/dossiers/{dossier_id:str}/documents/{attachment_id:str}": Row(
        get(DOSSIERS + "/{s.at_desk}/documents/{s.document}"),
        answers("signed_in", {"owner": 200}),
    ),
    "GET /api/v1/dossiers/{dossier_id:str}/result": Row(
        get(DOSSIERS + "/{s.approved}/result"),
        answers("signed_in", {"owner": 200}),
    ),
    "GET /api/v1/dossiers/{dossier_id:str}/receipt": Row(
        get(DOSSIERS + "/{s.at_handler}/receipt"),
        answers("signed_in", {"owner": 200, **each(READERS, 200)}),
    ),
    "GET /api/v1/dossiers/{dossier_id:str}/receipt.pdf": Row(
        get(DOSSIERS + "/{s.at_desk}/receipt.pdf"),  # not received yet: readers are told so
        answers("signed_in", {"owner": 409, **each(READERS, 409)}),
    ),
    # The staff area: the holding commune's desk, handler and approver read; only the step's
    # holder acts; field and postal staff, with no task there, see nothing.
    "GET /api/v1/work/dossiers": Row(get(WORK), answers(STAFF_ROUTE, everyone=200)),
    "GET /api/v1/work/dossiers/late": Row(
        get(WORK + "/late"),
        answers(frozenset({"approver", "approver_elsewhere"}), everyone=200),
    ),
    "GET /api/v1/work/dossiers/{dossier_id:str}": Row(
        get(WORK + "/{s.at_handler}"),
        answers(STAFF_ROUTE, each(READERS, 200)),
    ),
    "GET /api/v1/work/dossiers/{dossier_id:str}/documents/{attachment_id:str}": Row(
        get(WORK + "/{s.at_desk}/documents/{s.document}"),
        answers(STAFF_ROUTE, each(READERS, 200)),
    ),
    "GET /api/v1/work/dossiers/{dossier_id:str}/result": Row(
        get(WORK + "/{s.approved}/result"),
        answers(STAFF_ROUTE, each(READERS, 200)),
    ),
    "POST /api/v1/work/dossiers/{dossier_id:str}/result": Row(
        attach,
        answers(STAFF_ROUTE, {"approver": 201}),
    ),
    "POST /api/v1/work/dossiers/{dossier_id:str}/actions": Row(
        post(WORK + "/{s.to_receive}/actions", lambda s, who: {"action": "receive"}),
        answers(STAFF_ROUTE, {"desk": 200}),
    ),
    "POST /api/v1/work/dossiers/{dossier_id:str}/apology": Row(
        post(
            WORK + "/{s.at_desk}/apology",
            lambda s, who: {"newDueAt": "2099-01-01T10:00:00+07:00", "reason": "Chờ xác minh"},
        ),
        answers(STAFF_ROUTE, {"desk": 409}),  # not late: refused, but theirs to ask
    ),
    "POST /api/v1/work/dossiers/intake": Row(
        post(WORK + "/intake", intake_body),
        answers(frozenset({"desk", "desk_elsewhere"}), {"desk": 201}, out_of_scope=403),
    ),
    # Citizens at the desk, and staff administration.
    "GET /api/v1/desk/accounts": Row(
        get("/api/v1/desk/accounts?phone=0912000001"),
        answers(frozenset({"desk", "desk_elsewhere"}), everyone=200),
    ),
    "POST /api/v1/desk/accounts/{account_id:str}/recovery": Row(
        post("/api/v1/desk/accounts/{s.owner_id}/recovery", recovery_body),
        answers(frozenset({"desk", "desk_elsewhere"}), everyone=201),
    ),
    # The owner's account has its CCCD: nothing to record (409), at any one-stop desk.
    "POST /api/v1/desk/accounts/{account_id:str}/cccd": Row(
        post(
            "/api/v1/desk/accounts/{s.owner_id}/cccd",
            lambda s, who: {"cccd": "075190008888", "attested": True},
        ),
        answers(frozenset({"desk", "desk_elsewhere"}), everyone=409),
    ),
    "GET /api/v1/agencies/{code:str}/staff": Row(
        get("/api/v1/agencies/{s.cast.holding}/staff"),
        answers(
            frozenset({*STAFF_ROUTE, *ADMINS} - {"postal"}),
            {**each(HOLDING_STAFF, 200), "province_admin": 200},
            out_of_scope=403,
        ),
    ),
    "POST /api/v1/admin/staff": Row(
        post("/api/v1/admin/staff", staff_body),
        answers(ADMINS, {"admin": 201, "province_admin": 201}, out_of_scope=422),
    ),
    # Signing out ends the person's sessions: last, each after signing in again.
    "POST /api/v1/auth/sign-out": Row(
        post("/api/v1/auth/sign-out"), answers("signed_in", everyone=204), sign_in_again
    ),
    "POST /api/v1/account/sign-out-everywhere": Row(
        post("/api/v1/account/sign-out-everywhere"),
        answers("signed_in", everyone=204),
        sign_in_again,
    ),
}


def route_keys(app: Litestar) -> set[str]:
    """`METHOD path` of every route handler of the app but Litestar's automatic OPTIONS
    answers (an Allow header, no data)."""
    return {
        f"{method} {route.path}"
        for route in app.routes
        for handler in getattr(route, "route_handlers", [])
        if handler.fn.__module__ != "litestar.routes.http"
        for method in sorted(handler.http_methods)
    }


def test_every_route_is_in_the_matrix(app: Litestar) -> None:
    keys = route_keys(app)
    assert sorted(keys - ROUTES.keys()) == []  # a new route says who may call it here
    assert sorted(ROUTES.keys() - keys) == []  # and the table names no route that is gone


def test_every_identity_has_an_answer_on_every_route() -> None:
    assert {key: sorted(set(NAMES) - row.expected.keys()) for key, row in ROUTES.items()} == {
        key: [] for key in ROUTES
    }


def refused_first(expected: dict[Name, int]) -> list[Name]:
    """Those turned away before those let through, so that an allowed change (a dossier
    received) happens after every refusal was tried on the same state."""
    return sorted(expected, key=lambda name: (200 <= expected[name] < 300, NAMES.index(name)))


async def test_the_authorization_matrix(
    client: Client, app: Litestar, settings: Settings, cast: Cast
) -> None:
    scene = await build_scene(client, cast, settings)
    got: dict[str, dict[Name, int]] = {}
    for key, row in ROUTES.items():
        for who in refused_first(row.expected):
            # Rate limits are tested on their own: here every call starts with fresh windows.
            app.state.rate_limiter = LocalRateLimits()
            http = cast.http(who)
            if row.before is not None:
                await row.before(http, scene, who)
            got.setdefault(key, {})[who] = (await row.call(http, scene, who)).status_code
    wrong = {
        key: {
            who: (got[key][who], want)
            for who, want in row.expected.items()
            if got[key][who] != want
        }
        for key, row in ROUTES.items()
    }
    wrong = {key: answers for key, answers in wrong.items() if answers}
    if wrong:  # every wrong answer at once, as (got, expected) by route and identity
        pytest.fail(pprint.pformat(wrong, width=100))


async def test_lists_hold_only_what_each_may_see(
    client: Client, settings: Settings, cast: Cast
) -> None:
    """The answers of list routes are scoped too: a work queue holds what waits at one's
    steps, a late list what one's agencies hold, a sync snapshot one's own records."""
    scene = await build_scene(client, cast, settings)
    queues = {}
    for who in STAFF_ROUTE:
        response = await cast.http(who).get(WORK)
        queues[who] = sorted(item["id"] for item in response.json())
    assert queues == {
        **{who: [] for who in STAFF_ROUTE},
        "desk": sorted([scene.at_desk, scene.to_receive, scene.approved]),
        "handler": [scene.at_handler],
        "approver": [scene.at_approval],
    }
    late = await cast.http("approver").get(f"{WORK}/late?withinHours=720")
    mine = {scene.at_desk, scene.to_receive, scene.at_handler, scene.at_approval, scene.approved}
    assert {item["id"] for item in late.json()} <= mine
    assert (await cast.http("approver_elsewhere").get(f"{WORK}/late?withinHours=720")).json() == []

    snapshots = {}
    for who in SIGNED_IN:
        phone = Installation(cast.http(who))
        assert (await phone.register()).status_code == 200
        changes = (await phone.pull(cursor=None))["changes"]
        snapshots[who] = sorted(c["id"] for c in changes if c["entity"] == "dossier")
    assert snapshots == {**{who: [] for who in SIGNED_IN}, "owner": sorted(mine)}
