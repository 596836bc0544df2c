"""A land transfer crosses three agencies (issue 6, acceptance 1): the citizen applies from the
phone; the one-stop desk receives it and prints the receipt, whose QR opens the public lookup;
the land registration office checks it, the tax office assesses the tax, the desk records the
fee paid at the counter, the land office updates the register, its leader approves with the
signed result, and the desk hands the result over. The citizen's app shows every step, offline
too. Each officer works in their own browser profile, enrolled from the operator's link."""

from __future__ import annotations

import io
import re
from collections.abc import Callable

import pytest
from PIL import Image
from playwright.sync_api import BrowserContext, FilePayload, Locator, Page, expect

from tests.e2e.conftest import StaffMember, VirtualAuthenticator
from tests.e2e.test_apply import choose_file, fill_residence, jpeg, wait_for_files
from tests.e2e.test_identity import new_phone, open_in_app, sign_up
from tests.support.pdf import qr_codes, text_of

pytestmark = pytest.mark.e2e

LAND_TRANSFER = "1.013831"
PUBLIC_SERVICE_CENTRE = "000.00.01.H19"
LAND_REGISTRATION_OFFICE = "000.00.05.H19"
TAX_OFFICE = "000.00.06.H19"


def fill_land_transfer(page: Page) -> None:
    """Every required field of the land transfer application (hồ sơ chuyển nhượng)."""
    certificate = page.get_by_role("group", name="Giấy chứng nhận đã cấp")
    certificate.get_by_label("Số phát hành (số seri) Giấy chứng nhận").fill("CS 123456")
    certificate.get_by_label("Ngày cấp Giấy chứng nhận").fill("2019-05-10")
    parcel = page.get_by_role("group", name="Thửa đất chuyển nhượng")
    parcel.get_by_label("Thửa đất số").fill("215")
    parcel.get_by_label("Tờ bản đồ số").fill("12")
    parcel.get_by_label("Diện tích chuyển nhượng").fill("120.5")
    parcel.get_by_label("Mục đích sử dụng đất").select_option("ONT")
    fill_residence(parcel.get_by_role("group", name="Địa chỉ thửa đất"))
    transferor = page.get_by_role("group", name="Bên chuyển nhượng")
    transferor.get_by_label("Họ, chữ đệm và tên").fill("Nguyễn Văn Hùng")
    transferor.get_by_label("Số CCCD").fill("075070001234")
    fill_residence(transferor.get_by_role("group", name="Nơi cư trú"))
    transferee = page.get_by_role("group", name="Bên nhận chuyển nhượng")
    transferee.get_by_label("Họ, chữ đệm và tên").fill("Lê Thị Thu")
    transferee.get_by_label("Số CCCD").fill("075185004321")
    transferee.get_by_label("Số điện thoại").fill("0913456789")
    fill_residence(transferee.get_by_role("group", name="Nơi cư trú"))
    contract = page.get_by_role("group", name="Hợp đồng chuyển nhượng")
    contract.get_by_label("Số công chứng / chứng thực").fill("1234/2026/CN")
    contract.get_by_label("Ngày công chứng / chứng thực").fill("2026-11-16")
    contract.get_by_label("Tổ chức công chứng hoặc cơ quan chứng thực").fill(
        "Văn phòng công chứng Biên Hòa"
    )
    contract.get_by_label("Giá chuyển nhượng ghi trong hợp đồng").fill("950000000")


def photo(colour: tuple[int, int, int]) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (64, 48), colour).save(out, format="JPEG")
    return out.getvalue()


def apply_for_land_transfer(page: Page) -> str:
    page.goto(f"/procedures/{LAND_TRANSFER}")
    page.get_by_role("link", name="Nộp hồ sơ").click()
    expect(page.get_by_role("group", name="Giấy chứng nhận đã cấp")).to_be_visible()
    fill_land_transfer(page)
    choose_file(page, "Bản gốc Giấy chứng nhận", jpeg("giay-chung-nhan.jpg", photo((200, 40, 40))))
    choose_file(
        page,
        "Hợp đồng chuyển nhượng đã công chứng / chứng thực",
        jpeg("hop-dong.jpg", photo((40, 40, 200))),
    )
    wait_for_files(page, 2)
    page.get_by_role("button", name="Nộp hồ sơ").click()
    expect(page).to_have_url(re.compile(r"/dossiers/[0-9a-f-]{36}$"))
    expect(status_of(page)).to_have_text("Đã nộp, chờ tiếp nhận", timeout=30_000)
    return page.url.rsplit("/", 1)[1]


def status_of(page: Page) -> Locator:
    return page.locator(".dossier-state .state-label")


def open_from_queue(officer: StaffMember, dossier_id: str) -> Page:
    """The officer's queue lists the dossier at their step; open it."""
    page = officer.page
    page.goto("/work")
    expect(page.get_by_role("heading", level=1, name="Hồ sơ cần xử lý")).to_be_visible()
    page.locator(f'a[href="/work/dossiers/{dossier_id}"]').click()
    expect(page.get_by_role("heading", level=2, name="Xử lý")).to_be_visible()
    return page


def act(officer: StaffMember, dossier_id: str, action: str, note: str | None = None) -> Page:
    """Take `action` (its button's words) on the dossier at the officer's step."""
    page = open_from_queue(officer, dossier_id)
    page.get_by_role("button", name=action, exact=True).click()
    if note is not None:
        page.get_by_label("Ghi chú (không bắt buộc)").fill(note)
    page.get_by_role("button", name="Xác nhận").click()
    expect(page.locator("#action-done")).to_be_visible()
    return page


def result_pdf() -> bytes:
    """A one-page signed result as a scanner makes it."""
    out = io.BytesIO()
    Image.new("RGB", (300, 400), (255, 255, 255)).save(out, format="PDF")
    return out.getvalue()


def test_a_land_transfer_crosses_three_agencies_and_the_citizen_follows_it_offline(
    page: Page,
    authenticator: VirtualAuthenticator,
    base_url: str,
    enroll_staff: Callable[..., StaffMember],
    new_browser_context: Callable[[], BrowserContext],
) -> None:
    citizen = page
    sign_up(citizen, "Lê Thị Thu", new_phone())
    dossier_id = apply_for_land_transfer(citizen)

    desk = enroll_staff("Trần Văn Bình", f"desk@{PUBLIC_SERVICE_CENTRE}")
    land = enroll_staff("Lê Thị Cúc", f"handler@{LAND_REGISTRATION_OFFICE}")
    tax = enroll_staff("Phạm Văn Dũng", f"handler@{TAX_OFFICE}")
    leader = enroll_staff("Hoàng Thị Em", f"approver@{LAND_REGISTRATION_OFFICE}")
    expect(desk.page.get_by_role("link", name="Công việc")).to_be_visible()

    # The desk reads the application, its documents, and receives it.
    desk_page = open_from_queue(desk, dossier_id)
    expect(desk_page.get_by_text("Nguyễn Văn Hùng")).to_be_visible()
    expect(desk_page.get_by_role("link", name=re.compile("^Mở "))).to_have_count(2)
    certificate = desk_page.get_by_role("link", name="Mở Bản gốc Giấy chứng nhận")
    opened = desk_page.request.get(certificate.get_attribute("href") or "")
    assert opened.ok
    assert opened.headers["content-type"] == "image/jpeg"
    desk_page = act(desk, dossier_id, "Tiếp nhận hồ sơ")
    done = desk_page.locator("#action-done")
    expect(done).to_contain_text("Đã tiếp nhận hồ sơ 000.00.01.H19-")
    code = re.search(r"000\.00\.01\.H19-\d{6}-\d{4}", done.inner_text())
    assert code is not None

    # The receipt: a printable page and a PDF holding the code and a QR of the public lookup.
    desk_page.get_by_role("link", name="In giấy tiếp nhận").click()
    expect(
        desk_page.get_by_role("heading", name="Giấy tiếp nhận hồ sơ và hẹn trả kết quả")
    ).to_be_visible()
    expect(desk_page.get_by_text(code.group(0))).to_be_visible()
    pdf = desk_page.request.get(f"/api/v1/dossiers/{dossier_id}/receipt.pdf")
    assert pdf.ok
    printed = text_of(pdf.body())
    assert code.group(0) in printed
    due = re.search(r"5\. Thời gian trả kết quả giải quyết hồ sơ: [^.]*?năm \d{4}", printed)
    assert due is not None, printed
    expect(desk_page.get_by_text(due.group(0))).to_be_visible()  # the page says what the PDF says
    [lookup_url] = qr_codes(pdf.body())
    assert lookup_url.startswith(f"{base_url}/lookup/")
    stranger = new_browser_context().new_page()
    stranger.goto(lookup_url)
    expect(stranger.get_by_text(code.group(0))).to_be_visible()
    expect(stranger.get_by_text("Đã tiếp nhận", exact=True)).to_be_visible()
    expect(stranger.get_by_text("Lê Thị Thu")).to_have_count(0)

    # Land office -> tax office -> fee at the counter -> land office -> approval -> return.
    act(land, dossier_id, "Chuyển bước tiếp theo", note="Hồ sơ đầy đủ, chuyển thuế")
    tax_page = act(tax, dossier_id, "Chuyển bước tiếp theo", note="Thuế TNCN 19.000.000 đ")
    expect(tax_page.locator("#action-done")).to_contain_text("Chờ nộp phí")
    act(desk, dossier_id, "Xác nhận đã nộp phí tại quầy", note="Biên lai 0001234")
    act(land, dossier_id, "Chuyển bước tiếp theo")

    # The leader approves only with the signed result attached.
    signed = result_pdf()
    leader_page = open_from_queue(leader, dossier_id)
    expect(leader_page.get_by_role("button", name="Phê duyệt kết quả")).to_be_disabled()
    leader_page.get_by_label("Chọn văn bản kết quả (PDF hoặc ảnh)").set_input_files(
        files=FilePayload(name="quyet-dinh.pdf", mimeType="application/pdf", buffer=signed)
    )
    expect(leader_page.get_by_text("Đã đính kèm: quyet-dinh.pdf")).to_be_visible()
    leader_page = act(leader, dossier_id, "Phê duyệt kết quả")
    expect(leader_page.locator("#action-done")).to_contain_text("Có kết quả")

    desk_page = act(desk, dossier_id, "Trả kết quả cho công dân")
    expect(desk_page.locator("#action-done")).to_contain_text("Đã trả kết quả")
    sheet = desk_page.get_by_role("table", name="Phiếu kiểm soát quá trình giải quyết hồ sơ")
    expect(sheet.get_by_role("row")).to_have_count(1 + 8)  # submit, receive, 6 handovers
    expect(sheet.get_by_text("Thuế tỉnh Đồng Nai").first).to_be_visible()

    # The citizen's phone: every step on the dossier's page, with the network cut too.
    citizen.reload()
    expect(status_of(citizen)).to_have_text("Đã trả kết quả", timeout=30_000)
    download = citizen.get_by_role("link", name=re.compile("^Tải văn bản kết quả: quyet-dinh.pdf"))
    result = citizen.request.get(download.get_attribute("href") or "")
    assert result.ok
    assert result.body() == signed  # exactly the signed result the leader attached
    citizen.context.set_offline(True)
    citizen.reload()
    open_in_app(citizen, f"/dossiers/{dossier_id}")
    expect(status_of(citizen)).to_have_text("Đã trả kết quả")
    timeline = citizen.get_by_role("list", name="Tiến trình").get_by_role("listitem")
    for words in [
        "Nộp hồ sơ",
        "Tiếp nhận hồ sơ",
        "Chuyển bước xử lý",
        "Đã nộp thuế, phí",
        "Phê duyệt kết quả",
        "Trả kết quả",
    ]:
        expect(timeline.filter(has_text=words).first).to_be_visible()
    expect(citizen.get_by_text(code.group(0)).first).to_be_visible()
    expect(citizen.get_by_role("region", name="Kết quả giải quyết")).to_be_visible()
    citizen.context.set_offline(False)
