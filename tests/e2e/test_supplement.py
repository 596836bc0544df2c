"""The desk asks for a supplement (yêu cầu bổ sung hồ sơ) and the citizen answers from the
phone: the request and its deadline on the dossier's page and in the inbox, a photo attached
with the network cut, kept through a reload, sent once the network returns; the server binds
the file, records one supplement and the dossier resumes where it was. A refused answer is
explained on the page and sent again.

The staff side goes through the staff API from the officer's own signed-in browser profile
(same-origin fetch, so its cookie and the Fetch-Metadata check are the app's)."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import BrowserContext, Locator, Page, Route, expect

from backend.core.dates import format_date
from tests.e2e.conftest import StaffMember, VirtualAuthenticator
from tests.e2e.test_apply import (
    CERTIFICATE,
    device_records,
    dossier_state,
    jpeg,
    ready_for_offline,
    submit_online,
    tiny_jpeg,
    wait_for_device,
)
from tests.e2e.test_identity import header, new_phone, open_in_app, sign_up
from tests.e2e.test_photo import twelve_megapixel_jpeg

pytestmark = pytest.mark.e2e

Rows = Callable[..., list[tuple[Any, ...]]]
EnrollStaff = Callable[..., StaffMember]

ITEMS = ["Bản sao giấy chứng sinh có chứng thực", "Giấy xác nhận nơi cư trú của người mẹ"]
SUBMITTED = "Đã nộp, chờ tiếp nhận"

STAFF_FETCH = """
async ([method, path, body]) => {
  const response = await fetch(path, {
    method,
    headers: body ? { 'Content-Type': 'application/json' } : {},
    body: body ? JSON.stringify(body) : undefined,
  });
  return { status: response.status, body: await response.json().catch(() => null) };
}
"""


def staff_api(member: StaffMember, method: str, path: str, body: Any = None) -> Any:
    """Call the staff API from the officer's signed-in page; returns the JSON answer."""
    answer: dict[str, Any] = member.page.evaluate(STAFF_FETCH, [method, path, body])
    assert answer["status"] == 200, answer
    return answer["body"]


def receiving_desk(server_rows: Rows, dossier_id: str) -> str:
    """The agency whose desk receives the dossier: a birth registration goes to the people's
    committee of the commune the form names."""
    [(code,)] = server_rows(
        "SELECT agency.code FROM dossier JOIN agency ON agency.id = dossier.step_agency_id"
        " WHERE dossier.id = ?",
        dossier_id,
    )
    return str(code)


def ask_for_supplement(desk: StaffMember, dossier_id: str, deadline: dt.date) -> None:
    queue = staff_api(desk, "GET", "/api/v1/work/dossiers")
    assert dossier_id in json.dumps(queue)  # it waits at the desk's step
    result = staff_api(
        desk,
        "POST",
        f"/api/v1/work/dossiers/{dossier_id}/actions",
        {"action": "request_supplement", "items": ITEMS, "deadline": deadline.isoformat()},
    )
    assert result["status"] == "supplement_requested"


def reference_of(dossier_id: str) -> str:
    tail = dossier_id.replace("-", "")[-8:].upper()
    return f"{tail[:4]}-{tail[4:]}"


def supplement_state(page: Page, text: str) -> Locator:
    """Where the answer stands on the phone (uploading its photos, queued, sending)."""
    return page.locator(".supplement-state").get_by_text(text)


def supplements(server_rows: Rows, dossier_id: str) -> list[tuple[Any, ...]]:
    return server_rows(
        "SELECT status_from, status_to, note FROM dossier_event"
        " WHERE dossier_id = ? AND action = 'supplement'",
        dossier_id,
    )


def apply_and_get_asked(
    page: Page, enroll_staff: EnrollStaff, server_rows: Rows, citizen: str, child: str
) -> tuple[str, dt.date]:
    """The citizen applies online; the desk of the receiving commune asks for a supplement."""
    sign_up(page, citizen, new_phone())
    ready_for_offline(page)
    dossier_id = submit_online(page, child)
    expect(dossier_state(page, SUBMITTED)).to_be_visible(timeout=60_000)
    desk = enroll_staff("Trần Văn Bình", f"desk@{receiving_desk(server_rows, dossier_id)}")
    deadline = dt.date.today() + dt.timedelta(days=7)
    ask_for_supplement(desk, dossier_id, deadline)
    page.reload()  # the app syncs when it starts
    expect(dossier_state(page, "Cần bổ sung")).to_be_visible(timeout=30_000)
    return dossier_id, deadline


def test_a_supplement_asked_by_the_desk_is_answered_offline_from_the_phone(
    context: BrowserContext,
    page: Page,
    authenticator: VirtualAuthenticator,
    enroll_staff: EnrollStaff,
    server_rows: Rows,
) -> None:
    dossier_id, deadline = apply_and_get_asked(
        page, enroll_staff, server_rows, "Lưu Thị Hạnh", "Lưu Minh Quân"
    )
    request = page.get_by_role("region", name="Cần bổ sung hồ sơ")
    expect(request).to_contain_text(f"trước ngày {format_date(deadline)}")
    asked = request.get_by_role("list", name="Giấy tờ cần bổ sung").get_by_role("listitem")
    expect(asked).to_have_text(ITEMS)

    header(page).get_by_role("link", name="Thông báo").click()
    notice = page.get_by_role("listitem").filter(
        has=page.get_by_role("heading", name=f"Hồ sơ {reference_of(dossier_id)} cần bổ sung")
    )
    expect(notice).to_contain_text(ITEMS[0])
    expect(notice).to_contain_text(format_date(deadline))
    notice.get_by_role("link", name="Xem hồ sơ").click()

    context.set_offline(True)
    files_before = {blob["id"] for blob in device_records(page)["blobs"]}
    page.get_by_label(f"Chọn tệp: {CERTIFICATE}").set_input_files(
        files=[jpeg("ban-sao-giay-chung-sinh.jpg", twelve_megapixel_jpeg())]
    )
    wait_for_device(page, f"records.blobs.length === {len(files_before) + 1}")
    note = "Gửi bản sao giấy chứng sinh đã chứng thực"
    page.get_by_label("Ghi chú cho cơ quan giải quyết (không bắt buộc)").fill(note)
    page.get_by_role("button", name="Gửi bổ sung").click()
    expect(supplement_state(page, "Đang tải ảnh lên (0/1)")).to_be_visible()
    page.reload()  # nothing is lost: the answer waits on the phone
    expect(supplement_state(page, "Đang tải ảnh lên (0/1)")).to_be_visible()
    open_in_app(page, "/outbox")
    held = page.get_by_role("list", name="Hồ sơ chờ tải xong ảnh")
    answer = f"Bổ sung hồ sơ {reference_of(dossier_id)}"
    expect(held).to_contain_text(f"{answer} — Đang tải ảnh lên (0/1)")
    held.get_by_role("link", name=answer).click()
    assert supplements(server_rows, dossier_id) == []

    context.set_offline(False)
    expect(dossier_state(page, SUBMITTED)).to_be_visible(timeout=90_000)
    expect(page.get_by_role("list", name="Tiến trình")).to_contain_text("Đã bổ sung hồ sơ")
    expect(page.get_by_role("list", name="Tiến trình")).to_contain_text(note)
    expect(page.get_by_role("region", name="Cần bổ sung hồ sơ")).to_have_count(0)
    expect(page.get_by_role("button", name="Gửi bổ sung")).to_have_count(0)

    assert supplements(server_rows, dossier_id) == [("supplement_requested", "submitted", note)]
    [(status, supplement, paused_at)] = server_rows(
        "SELECT status, supplement, paused_at FROM dossier WHERE id = ?", dossier_id
    )
    assert (status, json.loads(supplement), paused_at) == ("submitted", {}, None)
    [sent] = [b for b in device_records(page)["blobs"] if b["id"] not in files_before]
    assert sent["sha256"] == sent["computed"]  # the compressed bytes, as stored on the phone
    assert sent["bytes"] <= 500 * 1024
    assert server_rows(
        "SELECT dossier_id, slot_key, status, sha256 FROM attachment WHERE id = ?", sent["id"]
    ) == [(dossier_id, "birthCertificate", "available", sent["sha256"])]
    assert server_rows("SELECT count(*) FROM attachment WHERE dossier_id = ?", dossier_id) == [(3,)]
    wait_for_device(page, "records.submissions.length === 0")  # delivered: nothing left waiting


def test_a_refused_supplement_is_explained_and_sent_again(
    page: Page,
    authenticator: VirtualAuthenticator,
    enroll_staff: EnrollStaff,
    server_rows: Rows,
) -> None:
    dossier_id, _ = apply_and_get_asked(
        page, enroll_staff, server_rows, "Mai Thị Ngọc", "Mai Gia Huy"
    )
    page.get_by_label(f"Chọn tệp: {CERTIFICATE}").set_input_files(
        files=[jpeg("ban-sao.jpg", tiny_jpeg(41))]
    )

    def tamper(route: Route) -> None:
        body = route.request.post_data_json
        for mutation in body["mutations"]:
            if mutation["name"] == "dossier.supplement":
                documents = mutation["args"]["documents"]
                documents["approvalLetter"] = documents.pop("birthCertificate")
        route.continue_(post_data=body)

    page.route("**/api/v1/sync/push", tamper)
    page.get_by_role("button", name="Gửi bổ sung").click()
    refusal = page.get_by_role("alert").filter(has_text="Chưa gửi được hồ sơ bổ sung")
    expect(refusal).to_contain_text("Máy chủ chưa nhận các giấy tờ sau:", timeout=60_000)
    expect(refusal).to_contain_text("approvalLetter: Tờ khai không có mục giấy tờ này.")
    assert supplements(server_rows, dossier_id) == []
    assert server_rows("SELECT status FROM dossier WHERE id = ?", dossier_id) == [
        ("supplement_requested",)
    ]
    assert server_rows("SELECT count(*) FROM attachment WHERE dossier_id = ?", dossier_id) == [(2,)]

    page.unroute("**/api/v1/sync/push")
    page.get_by_role("button", name="Gửi bổ sung").click()  # the same file, untampered
    expect(dossier_state(page, SUBMITTED)).to_be_visible(timeout=60_000)
    expect(refusal).to_have_count(0)
    assert supplements(server_rows, dossier_id) == [("supplement_requested", "submitted", None)]
    assert server_rows("SELECT count(*) FROM attachment WHERE dossier_id = ?", dossier_id) == [(3,)]
