"""The receipt on the citizen's phone and the public lookup (DESIGN §7): once the desk has
received the dossier, its page shows the code, the due date and a QR that a camera reads as
the lookup address; anyone opening it sees the progress and nothing personal. Looking up by
code needs the last four digits of the applicant's phone, a wrong guess is told nothing
more than an unknown code, and a code guessed at too often asks everyone to wait a little."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from typing import Any

import pytest
import zxingcpp
from PIL import Image
from playwright.sync_api import BrowserContext, Page, expect

from backend.core.dates import format_date_time
from tests.e2e.conftest import VirtualAuthenticator
from tests.e2e.test_apply import dossier_state, submit_online
from tests.e2e.test_identity import new_phone, sign_up
from tests.e2e.test_supplement import EnrollStaff, receiving_desk, staff_api

pytestmark = pytest.mark.e2e

Rows = Callable[..., list[tuple[Any, ...]]]
NOT_FOUND = "Không tìm thấy hồ sơ với thông tin này."


def qr_codes(image: bytes) -> list[str]:
    """What a camera reads off a picture of the screen."""
    return [
        found.text
        for found in zxingcpp.read_barcodes(Image.open(io.BytesIO(image)))
        if found.format == zxingcpp.BarcodeFormat.QRCode
    ]


def look_up(page: Page, code: str, digits: str) -> None:
    page.get_by_label("Mã hồ sơ").fill(code)
    page.get_by_label("4 số cuối điện thoại").fill(digits)
    page.get_by_role("button", name="Tra cứu").click()


def test_the_receipt_qr_opens_the_public_lookup_with_nothing_personal(
    page: Page,
    authenticator: VirtualAuthenticator,
    enroll_staff: EnrollStaff,
    server_rows: Rows,
    new_browser_context: Callable[[], BrowserContext],
    base_url: str,
) -> None:
    citizen, phone, child = "Quách Thị Diễm", new_phone(), "Quách Bảo Ngọc"
    sign_up(page, citizen, phone)
    dossier_id = submit_online(page, child)
    expect(dossier_state(page, "Đã nộp, chờ tiếp nhận")).to_be_visible(timeout=60_000)
    receipt = page.get_by_role("region", name="Giấy tiếp nhận hồ sơ và hẹn trả kết quả")
    expect(receipt).to_have_count(0)

    desk = enroll_staff("Đỗ Thị Thanh", f"desk@{receiving_desk(server_rows, dossier_id)}")
    staff_api(desk, "POST", f"/api/v1/work/dossiers/{dossier_id}/actions", {"action": "receive"})
    [(code, token, due_at)] = server_rows(
        "SELECT code, lookup_token, due_at FROM dossier WHERE id = ?", dossier_id
    )
    assert code is not None
    assert token is not None

    page.reload()  # the app syncs when it starts
    expect(receipt.locator(".code")).to_have_text(code, timeout=30_000)
    due = dt.datetime.fromisoformat(due_at).replace(tzinfo=dt.UTC)
    expect(receipt).to_contain_text(format_date_time(due))
    qr = receipt.get_by_role("img", name=f"Mã QR tra cứu hồ sơ {code}")
    lookup_url = f"{base_url}/lookup/{token}"
    assert qr_codes(qr.screenshot()) == [lookup_url]

    # Someone else's phone, not signed in, scans it.
    stranger = new_browser_context().new_page()
    with stranger.expect_response(f"**/api/v1/lookup/{token}") as answer:
        stranger.goto(lookup_url)
    progress = stranger.get_by_role("region", name="Đăng ký khai sinh")
    expect(progress).to_contain_text(code)
    expect(progress).to_contain_text("Đã tiếp nhận")
    history = stranger.get_by_role("list", name="Quá trình xử lý")
    expect(history.get_by_role("listitem").first).to_contain_text("Nộp hồ sơ")
    expect(history).to_contain_text("Tiếp nhận hồ sơ")
    personal = [citizen, phone, child, "Trần Thị Mai", "075190001234", "0912345678"]
    shown, sent = stranger.content(), answer.value.text()
    assert [p for p in personal if p in shown or p in sent] == []

    # The form: the code with the wrong digits is as unknown as a code that does not exist.
    stranger.goto("/lookup")
    wrong = f"{(int(phone[-4:]) + 1) % 10_000:04d}"
    unknown = code[:-4] + ("0000" if code[-4:] != "0000" else "0001")
    told = []
    for asked, digits in ((code, wrong), (unknown, phone[-4:])):
        with stranger.expect_response(lambda r: "/api/v1/lookup?" in r.url) as response:
            look_up(stranger, asked, digits)
        assert response.value.status == 404
        expect(stranger.get_by_role("alert")).to_contain_text(NOT_FOUND)
        told.append(stranger.get_by_role("alert").inner_text())
        expect(stranger.get_by_role("region", name="Đăng ký khai sinh")).to_have_count(0)
    assert told[0] == told[1]

    # Someone keeps guessing at a code: it soon makes everyone wait a few seconds, and the page
    # says so, with the wait the server asks for.
    for n in range(10):
        with stranger.expect_response(lambda r: "/api/v1/lookup?" in r.url) as response:
            look_up(stranger, unknown, f"{n:04d}")
        if response.value.status == 429:
            break
    assert response.value.status == 429
    seconds = response.value.headers["retry-after"]
    expect(stranger.get_by_role("alert")).to_have_text(
        f"Mã hồ sơ này vừa bị tra cứu sai nhiều lần. Vui lòng thử lại sau {seconds} giây."
    )

    look_up(stranger, code, phone[-4:])
    progress = stranger.get_by_role("region", name="Đăng ký khai sinh")
    expect(progress.locator(".code")).to_have_text(code)
    expect(progress).to_contain_text("Đã tiếp nhận")
    expect(stranger.get_by_role("alert")).to_have_count(0)
