"""Walk-in intake at the counter (issue 6, acceptance 8): the desk officer finds the citizen by
phone (or enters a new one), fills the land transfer application with them, photographs their
papers and receives the dossier at once. It belongs to the citizen's account, its photos too,
and the officer hands over the receipt with the dossier code."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import BrowserContext, Page, Request, Route, expect

from tests.e2e.conftest import StaffMember, add_authenticator
from tests.e2e.test_apply import choose_file, jpeg, wait_for_device
from tests.e2e.test_identity import new_phone, sign_up
from tests.e2e.test_one_stop import LAND_TRANSFER, PUBLIC_SERVICE_CENTRE, fill_land_transfer, photo

pytestmark = pytest.mark.e2e

Rows = Callable[..., list[tuple[Any, ...]]]
CODE = re.compile(rf"^{re.escape(PUBLIC_SERVICE_CENTRE)}-\d{{6}}-\d{{4}}$")
CERTIFICATE = "Bản gốc Giấy chứng nhận"
CONTRACT = "Hợp đồng chuyển nhượng đã công chứng / chứng thực"
UPLOADS = re.compile(r"/api/v1/uploads(/|$)")  # tus


def open_intake(desk: StaffMember) -> Page:
    """Công việc → Tiếp nhận hồ sơ tại quầy."""
    page = desk.page
    page.get_by_role("link", name="Công việc").click()
    page.get_by_role("link", name="Tiếp nhận hồ sơ tại quầy").click()
    expect(page.get_by_role("heading", level=1, name="Tiếp nhận hồ sơ tại quầy")).to_be_visible()
    return page


def find_applicant(page: Page, number: str) -> None:
    page.get_by_label("Số điện thoại hoặc số CCCD của người nộp").fill(number)
    page.get_by_role("button", name="Tìm người nộp").click()


def choose_land_transfer(page: Page) -> None:
    page.get_by_label("Tìm thủ tục (tên hoặc mã số)").fill("chuyển nhượng")
    page.get_by_label("Chọn thủ tục").select_option(LAND_TRANSFER)
    expect(page.get_by_role("group", name="Giấy chứng nhận đã cấp")).to_be_visible()


def photograph_papers(page: Page) -> None:
    choose_file(page, CERTIFICATE, jpeg("so-do.jpg", photo((180, 60, 60))))
    choose_file(page, CONTRACT, jpeg("hop-dong.jpg", photo((60, 60, 180))))
    # Compressed, stored on the office computer and uploaded, as a citizen's photos are.
    for slot in (CERTIFICATE, CONTRACT):
        expect(page.get_by_role("group", name=slot).get_by_text("Tệp 1")).to_be_visible()


class HeldUploads:
    """Holds the uploads (a slow counter network) until released."""

    def __init__(self) -> None:
        self.held: list[Route] = []
        self.is_released = False

    def hold(self, route: Route) -> None:
        if self.is_released:
            route.continue_()
        else:
            self.held.append(route)

    def release(self) -> None:
        self.is_released = True
        for route in self.held:
            route.continue_()


def requests_to(page: Page, path: str) -> list[Request]:
    """The page's requests to `path` from now on."""
    seen: list[Request] = []
    page.on("request", lambda request: seen.append(request) if request.url.endswith(path) else None)
    return seen


def receive(page: Page, *, click: bool = True) -> str:
    """Tiếp nhận hồ sơ: the page shows the new code; returns the dossier id."""
    if click:
        page.get_by_role("button", name="Tiếp nhận hồ sơ").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(CODE, timeout=30_000)
    receipt = page.get_by_role("link", name="In giấy tiếp nhận")
    href = receipt.get_attribute("href")
    assert href is not None
    match = re.fullmatch(r"/work/dossiers/([0-9a-f-]{36})/receipt", href)
    assert match is not None, href
    dossier_id = match.group(1)
    expect(page.get_by_role("link", name="Giấy tiếp nhận (PDF)")).to_have_attribute(
        "href", f"/api/v1/dossiers/{dossier_id}/receipt.pdf"
    )
    return dossier_id


def the_dossier(server_rows: Rows, dossier_id: str) -> tuple[Any, ...]:
    [row] = server_rows(
        "SELECT d.status, d.channel, d.code, a.id, a.full_name, a.phone, a.kind"
        " FROM dossier d JOIN account a ON a.id = d.owner_account_id"
        " WHERE d.id = ? AND d.applicant_account_id = d.owner_account_id",
        dossier_id,
    )
    return row


def its_documents(server_rows: Rows, dossier_id: str) -> list[tuple[Any, ...]]:
    return sorted(
        server_rows(
            "SELECT slot_key, account_id, status FROM attachment WHERE dossier_id = ?",
            dossier_id,
        )
    )


def test_a_new_citizen_leaves_the_counter_with_a_received_dossier_of_their_own(
    enroll_staff: Callable[..., StaffMember], server_rows: Rows
) -> None:
    desk = enroll_staff("Trần Văn Bình", f"desk@{PUBLIC_SERVICE_CENTRE}")
    page = open_intake(desk)
    phone = new_phone()
    find_applicant(page, phone)
    expect(page.get_by_text(f"Chưa có tài khoản nào với số {phone}")).to_be_visible()
    applicant = page.get_by_role("group", name="Người nộp hồ sơ")
    applicant.get_by_label("Họ và tên người nộp").fill("Đỗ Thị Quầy")
    expect(applicant.get_by_label("Số điện thoại di động")).to_have_value(phone)

    choose_land_transfer(page)
    fill_land_transfer(page)
    # The photos go up as a citizen's do; the intake waits until both have arrived.
    intakes = requests_to(page, "/api/v1/work/dossiers/intake")
    uploads = HeldUploads()
    page.route(UPLOADS, uploads.hold)
    photograph_papers(page)
    page.get_by_role("button", name="Tiếp nhận hồ sơ").click()
    expect(page.get_by_role("status").filter(has_text="Đang tải ảnh lên")).to_contain_text(
        "Đang tải ảnh lên (0/2)"
    )
    assert intakes == []
    uploads.release()
    dossier_id = receive(page, click=False)
    assert len(intakes) == 1
    code = page.get_by_role("heading", level=1).inner_text()
    expect(page.get_by_role("status").filter(has_text="Đã tiếp nhận hồ sơ")).to_contain_text(code)
    expect(page.get_by_text("Đỗ Thị Quầy")).to_be_visible()

    status, channel, stored_code, citizen_id, name, stored_phone, kind = the_dossier(
        server_rows, dossier_id
    )
    assert (status, channel, stored_code) == ("received", "counter", code)
    assert (name, stored_phone, kind) == ("Đỗ Thị Quầy", phone, "citizen")
    assert server_rows("SELECT count(*) FROM dossier WHERE owner_account_id = ?", citizen_id) == [
        (1,)
    ]
    assert its_documents(server_rows, dossier_id) == [
        ("originalCertificate", citizen_id, "available"),
        ("transferContract", citizen_id, "available"),
    ]
    # The citizen's papers do not stay on the office computer.
    wait_for_device(page, "records.blobs.length === 0")


def test_a_citizen_found_by_phone_has_mistakes_explained_before_anything_is_sent(
    enroll_staff: Callable[..., StaffMember],
    new_browser_context: Callable[[], BrowserContext],
    server_rows: Rows,
) -> None:
    # The citizen signed up on their own phone some time ago.
    phone_context = new_browser_context()
    citizen = phone_context.new_page()
    add_authenticator(phone_context, citizen)
    phone = new_phone()
    sign_up(citizen, "Hồ Thị Mai", phone)

    desk = enroll_staff("Trần Văn Bình", f"desk@{PUBLIC_SERVICE_CENTRE}")
    page = open_intake(desk)
    intakes = requests_to(page, "/api/v1/work/dossiers/intake")
    find_applicant(page, phone[:-2])
    lookup = page.get_by_label("Số điện thoại hoặc số CCCD của người nộp")
    expect(lookup).to_have_accessible_description(re.compile(r"hoặc số CCCD \(12 chữ số\)"))
    find_applicant(page, phone)
    expect(page.get_by_text("Đã tìm thấy tài khoản của người nộp:")).to_be_visible()
    expect(page.get_by_text("Hồ Thị Mai")).to_be_visible()

    # A wrong CCCD and no photos: explained beside the fields and in a summary; nothing sent.
    choose_land_transfer(page)
    fill_land_transfer(page)
    transferor = page.get_by_role("group", name="Bên chuyển nhượng")
    transferor.get_by_label("Số CCCD").fill("0750680011")
    page.get_by_role("button", name="Tiếp nhận hồ sơ").click()
    summary = page.get_by_role("region", name="Có 3 mục cần sửa")
    expect(summary).to_be_focused()
    expect(summary.get_by_role("link")).to_have_text(
        [
            "Bên chuyển nhượng — Số CCCD: Số CCCD gồm đúng 12 chữ số.",
            f"{CERTIFICATE}: Hãy đính kèm ít nhất một ảnh hoặc tệp.",
            f"{CONTRACT}: Hãy đính kèm ít nhất một ảnh hoặc tệp.",
        ]
    )
    expect(transferor.get_by_text("Số CCCD gồm đúng 12 chữ số.")).to_be_visible()
    expect(transferor.get_by_label("Số CCCD")).to_have_attribute("aria-invalid", "true")
    assert intakes == []

    transferor.get_by_label("Số CCCD").fill("075068001122")
    photograph_papers(page)
    # The desk works online: without a network it says so, and keeps what was entered.
    page.context.set_offline(True)
    page.get_by_role("button", name="Tiếp nhận hồ sơ").click()
    expect(page.get_by_role("alert").filter(has_text="Không có mạng")).to_contain_text(
        "cần kết nối để tiếp nhận hồ sơ"
    )
    assert intakes == []
    page.context.set_offline(False)
    dossier_id = receive(page)
    assert len(intakes) == 1
    status, channel, code, citizen_id, name, stored_phone, _ = the_dossier(server_rows, dossier_id)
    assert (status, channel, name, stored_phone) == ("received", "counter", "Hồ Thị Mai", phone)
    assert its_documents(server_rows, dossier_id) == [
        ("originalCertificate", citizen_id, "available"),
        ("transferContract", citizen_id, "available"),
    ]

    # It is on the citizen's phone like an application made there.
    citizen.goto("/dossiers")
    expect(citizen.get_by_text(code)).to_be_visible(timeout=30_000)
