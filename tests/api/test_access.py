"""The admin role grants no dossier access (issue 11, finding 3): an admin who also holds a
staff role acts only where that role and the dossier's step agree; an admin alone reads no
receipt; and a dossier out of scope is the same 404 before reception as after it."""

from __future__ import annotations

from litestar import Litestar
from litestar.testing import AsyncTestClient

from backend.config import Settings
from tests.api.test_authorization_matrix import BIRTH, Scene, act, apply
from tests.api.test_sync import Installation
from tests.support.identities import Cast
from tests.support.identity import Person, device, operator_creates_staff

Client = AsyncTestClient[Litestar]
WORK = "/api/v1/work/dossiers"


async def two_dossiers(client: Client, cast: Cast) -> tuple[str, str]:
    """The owner's two applications at the holding commune: one received, one waiting."""
    form = (await client.get(f"/api/v1/procedures/{BIRTH}")).json()["variants"][0]["form"]
    scene = Scene(cast, form)
    owner = Installation(cast.http("owner"))
    assert (await owner.register()).status_code == 200
    received, waiting = await apply(scene, owner, 10), await apply(scene, owner, 20)
    await act(scene, "desk", received, "receive")
    return received, waiting


async def test_an_admin_with_a_desk_role_acts_only_at_their_own_desk(
    client: Client, settings: Settings, cast: Cast
) -> None:
    received, waiting = await two_dossiers(client, cast)
    async with device(client) as http:
        roles = [{"role": role, "agency_code": cast.elsewhere} for role in ("admin", "desk")]
        token = await operator_creates_staff(settings, "Quản trị kiêm một cửa", roles)
        assert (await Person(http).enroll(token)).status_code == 200
        for action in ("receive", "refuse"):
            body = {"action": action, "note": "Không đủ giấy tờ"}
            refused = await http.post(f"{WORK}/{waiting}/actions", json=body)
            assert refused.status_code == 404, refused.text
        assert (await http.get(f"{WORK}/{waiting}")).status_code == 404
        assert (await http.get(f"/api/v1/dossiers/{received}/receipt")).status_code == 404
        staff = await http.get(f"/api/v1/agencies/{cast.holding}/staff")
        assert staff.status_code == 403
    # The holding desk still has it to receive.
    queue = (await cast.http("desk").get(WORK)).json()
    assert waiting in [item["id"] for item in queue]


async def test_an_admin_alone_reads_no_receipt_and_no_dossier(
    client: Client, settings: Settings, cast: Cast
) -> None:
    received, _ = await two_dossiers(client, cast)
    for admin in ("admin", "admin_elsewhere", "province_admin"):
        http = cast.http(admin)
        for path in (
            f"/api/v1/dossiers/{received}/receipt",
            f"/api/v1/dossiers/{received}/receipt.pdf",
        ):
            answer = await http.get(path)
            assert (admin, answer.status_code) == (admin, 404)
            assert "Công dân" not in answer.text  # the applicant's name is not told


async def test_out_of_scope_is_the_same_404_before_reception_as_after(
    client: Client, settings: Settings, cast: Cast
) -> None:
    received, waiting = await two_dossiers(client, cast)
    unknown = "00000000-0000-7000-8000-000000000000"
    for who in ("desk_elsewhere", "other_citizen", "admin"):
        answers = [
            await cast.http(who).get(f"/api/v1/dossiers/{dossier}/receipt")
            for dossier in (waiting, received, unknown)
        ]
        bodies = [(a.status_code, a.json()["type"]) for a in answers]
        assert bodies == [(404, "urn:motcua:problem:not-found")] * 3, who
    # Those who may read it are told it is not received yet.
    before = await cast.http("desk").get(f"/api/v1/dossiers/{waiting}/receipt")
    assert before.status_code == 409
