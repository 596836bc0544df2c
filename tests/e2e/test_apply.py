"""A citizen applies offline: the application form, document photos, the outbox, and a
submission that reaches the server exactly once — with the network cut, flaky, or the tab
closed halfway through an upload."""

from __future__ import annotations

import contextlib
import io
import json
import random
import re
from collections.abc import Callable
from typing import Any

import pytest
from PIL import Image
from playwright.sync_api import BrowserContext, FilePayload, Locator, Page, Route, expect
from playwright.sync_api import Error as PlaywrightError

from tests.e2e.conftest import (
    VirtualAuthenticator,
    add_authenticator,
    wait_for_service_worker_control,
)
from tests.e2e.test_catalogue import BIRTH_REGISTRATION, search_from_home
from tests.e2e.test_identity import (
    BIRTH_REGISTRATION_CODE,
    header,
    new_phone,
    sign_out,
    sign_up,
)
from tests.e2e.test_photo import twelve_megapixel_jpeg
from tests.e2e.test_sync import sync_status
from tests.support.pdfs import scanned_pdf

pytestmark = pytest.mark.e2e

Rows = Callable[..., list[tuple[Any, ...]]]
CERTIFICATE = "Giấy chứng sinh (hoặc văn bản của người làm chứng / giấy cam đoan)"
IDENTITY = "Giấy tờ tùy thân của người đi đăng ký (hoặc VNeID)"

# The signed-in account's files and submissions, as the page stores them (in the account's own
# database), with each file's SHA-256 computed again from its bytes.
READ_DEVICE = """
async () => {
  const identity = JSON.parse(localStorage.getItem('motcua.identity') ?? 'null');
  if (!identity) return { blobs: [], submissions: [] };
  const name = `motcua-account-${identity.id}`;
  if (!(await indexedDB.databases()).some((d) => d.name === name)) {
    return { blobs: [], submissions: [] };
  }
  const db = await new Promise((resolve, reject) => {
    const request = indexedDB.open(name);
    request.onerror = () => reject(request.error);
    request.onsuccess = () => resolve(request.result);
  });
  const all = (store) => new Promise((done) => {
    const request = db.transaction(store).objectStore(store).getAll();
    request.onsuccess = () => done(request.result);
  });
  const [blobs, submissions] = await Promise.all([all('blobs'), all('submissions')]);
  db.close();
  const hex = (buffer) =>
    [...new Uint8Array(buffer)].map((b) => b.toString(16).padStart(2, '0')).join('');
  return {
    blobs: await Promise.all(blobs.map(async (b) => ({
      id: b.id, sha256: b.sha256, bytes: b.blob.size, upload: b.upload,
      computed: hex(await crypto.subtle.digest('SHA-256', await b.blob.arrayBuffer())),
    }))),
    submissions: submissions.map((s) => ({ id: s.id, state: s.state })),
  };
}
"""


def device_records(page: Page) -> dict[str, Any]:
    records: dict[str, Any] = page.evaluate(READ_DEVICE)
    return records


def ready_for_offline(page: Page) -> None:
    """One visit online: the catalogue (with its communes) stored, the service worker in
    control, the installation registered for sync."""
    page.goto("/")
    expect(page.get_by_role("link", name="Hộ tịch")).to_be_visible()
    wait_for_service_worker_control(page)
    expect(sync_status(page, "Đã đồng bộ")).to_be_visible()


def open_application(page: Page) -> None:
    page.get_by_role("link", name="Nộp hồ sơ").click()
    expect(page.get_by_role("group", name="Người được khai sinh")).to_be_visible()


def fill_residence(group: Locator) -> None:
    commune = group.get_by_label("Xã, phường")
    commune.select_option(index=1)
    group.get_by_label("Số nhà, đường, thôn, ấp").fill("Số 12, ấp Bình Thạnh")


def fill_birth_registration(page: Page, child: str = "Nguyễn Thị Bình An") -> None:
    """Fill every required field of the birth registration form (tờ khai đăng ký khai sinh)."""
    section = page.get_by_role("group", name="Người được khai sinh")
    section.get_by_label("Họ, chữ đệm và tên", exact=True).fill(child)
    section.get_by_label("Nữ", exact=True).check()
    section.get_by_label("Ngày, tháng, năm sinh").fill("2026-11-02")
    section.get_by_label("Nơi sinh").fill("Bệnh viện Đa khoa Đồng Nai")
    section.get_by_label("Dân tộc", exact=True).fill("Kinh")
    section.get_by_label("Quốc tịch", exact=True).fill("Việt Nam")
    mother = page.get_by_role("group", name="Thông tin người mẹ")
    mother.get_by_label("Họ, chữ đệm và tên của mẹ").fill("Trần Thị Mai")
    mother.get_by_label("Dân tộc của mẹ").fill("Kinh")
    mother.get_by_label("Quốc tịch của mẹ").fill("Việt Nam")
    fill_residence(mother.get_by_role("group", name="Nơi cư trú của mẹ"))
    declarant = page.get_by_role("group", name="Người đi đăng ký")
    declarant.get_by_label("Họ, chữ đệm và tên", exact=True).fill("Trần Thị Mai")
    declarant.get_by_label("Số CCCD", exact=True).fill("075190001234")
    declarant.get_by_label("Số điện thoại").fill("0912345678")
    declarant.get_by_label("Quan hệ với người được khai sinh").select_option("mother")
    fill_residence(declarant.get_by_role("group", name="Nơi cư trú"))


def choose_file(page: Page, slot: str, file: FilePayload) -> None:
    """Attach `file` to a document slot through its file chooser, as a person does."""
    with page.expect_file_chooser() as chooser:
        page.get_by_label(f"Chọn tệp: {slot}").click()
    chooser.value.set_files(files=[file])


def wait_for_device(page: Page, condition: str) -> None:
    """Until `condition` holds, a JavaScript expression over `records` (the account's files and
    submissions as READ_DEVICE reads them): read again every 100 ms, in the page, for up to a
    minute. (Not `wait_for_function`: it evaluates strings, which the app's CSP refuses.)"""
    held = page.evaluate(
        f"""async () => {{
          const deadline = Date.now() + 60_000;
          while (Date.now() < deadline) {{
            const records = await ({READ_DEVICE})();
            if ({condition}) return true;
            await new Promise((resolve) => setTimeout(resolve, 100));
          }}
          return false;
        }}"""
    )
    assert held, f"the device never held: {condition}"


def wait_for_files(page: Page, count: int) -> None:
    """Until `count` files are compressed and stored on the device."""
    wait_for_device(page, f"records.blobs.length === {count}")


def submit(page: Page) -> str:
    """Submit the form; the app moves to the application's page. Returns its id."""
    page.get_by_role("button", name="Nộp hồ sơ").click()
    expect(page).to_have_url(re.compile(r"/dossiers/[0-9a-f-]{36}$"))
    return page.url.rsplit("/", 1)[1]


def tiny_jpeg(seed: int) -> bytes:
    """A small photo of its own colour, so each is a different file."""
    out = io.BytesIO()
    Image.new("RGB", (16, 12), (seed % 256, (seed * 7) % 256, 90)).save(out, format="JPEG")
    return out.getvalue()


def dossier_state(page: Page, text: str) -> Locator:
    """The state an application's page shows for it."""
    return page.locator(".dossier-state").get_by_text(text)


def jpeg(name: str, data: bytes) -> FilePayload:
    return {"name": name, "mimeType": "image/jpeg", "buffer": data}


def test_an_application_made_offline_with_two_12_megapixel_photos_arrives_once(
    context: BrowserContext, page: Page, authenticator: VirtualAuthenticator, server_rows: Rows
) -> None:
    sign_up(page, "Phạm Thị Thu", new_phone())
    ready_for_offline(page)

    context.set_offline(True)
    search_from_home(page, "khai sinh")
    page.get_by_role("link", name=BIRTH_REGISTRATION).click()
    open_application(page)
    fill_birth_registration(page)
    choose_file(page, CERTIFICATE, jpeg("giay-chung-sinh.jpg", twelve_megapixel_jpeg()))
    choose_file(page, IDENTITY, jpeg("cccd.jpg", twelve_megapixel_jpeg()))
    wait_for_files(page, 2)
    dossier_id = submit(page)
    expect(dossier_state(page, "Đang tải ảnh lên (0/2)")).to_be_visible()
    assert server_rows("SELECT count(*) FROM dossier WHERE id = ?", dossier_id) == [(0,)]

    context.set_offline(False)
    expect(dossier_state(page, "Đã nộp, chờ tiếp nhận")).to_be_visible(timeout=90_000)
    [(owner, status, form)] = server_rows(
        "SELECT owner_account_id, status, form_data FROM dossier WHERE id = ?", dossier_id
    )
    assert status == "submitted"
    assert "Nguyễn Thị Bình An" in form
    assert server_rows("SELECT count(*) FROM dossier WHERE owner_account_id = ?", owner) == [(1,)]
    on_server = server_rows(
        "SELECT sha256, status, slot_key FROM attachment WHERE dossier_id = ?", dossier_id
    )
    blobs = device_records(page)["blobs"]
    assert len(on_server) == 2
    assert {row[1] for row in on_server} == {"available"}
    assert {row[2] for row in on_server} == {"birthCertificate", "declarantIdentity"}
    assert {row[0] for row in on_server} == {b["sha256"] for b in blobs}
    assert all(b["sha256"] == b["computed"] for b in blobs)  # the compressed bytes, uploaded
    assert all(b["bytes"] <= 500 * 1024 for b in blobs)

    timeline = page.get_by_role("list", name="Tiến trình")
    expect(timeline).to_contain_text("Nộp hồ sơ")
    header(page).get_by_role("link", name="Thông báo").click()
    reference = dossier_id.replace("-", "")[-8:].upper()
    expect(page.get_by_role("heading", name=f"Đã gửi hồ sơ {reference[:4]}-{reference[4:]}"))
    expect(page.get_by_role("list", name="Thông báo")).to_contain_text("Đăng ký khai sinh")


def test_mistakes_are_explained_offline_and_data_tampered_past_the_app_is_refused(
    context: BrowserContext, page: Page, authenticator: VirtualAuthenticator, server_rows: Rows
) -> None:
    sign_up(page, "Võ Văn Kiệt", new_phone())
    ready_for_offline(page)
    context.set_offline(True)
    page.goto(f"/procedures/{BIRTH_REGISTRATION_CODE}")
    open_application(page)
    name = page.get_by_role("group", name="Người được khai sinh").get_by_label(
        "Họ, chữ đệm và tên", exact=True
    )
    name.fill("A")
    name.blur()
    expect(name).to_have_attribute("aria-invalid", "true")
    page.get_by_role("button", name="Nộp hồ sơ").click()
    summary = page.locator(".error-summary")
    expect(summary).to_be_focused()
    expect(summary.get_by_role("link").first).to_be_visible()
    assert device_records(page)["submissions"] == []  # nothing queued

    # Online, a valid form whose data is changed on its way to the server.
    context.set_offline(False)
    fill_birth_registration(page)
    choose_file(page, CERTIFICATE, jpeg("a.jpg", tiny_jpeg(1)))
    choose_file(page, IDENTITY, jpeg("b.jpg", tiny_jpeg(2)))
    wait_for_files(page, 2)

    def tamper(route: Route) -> None:
        body = route.request.post_data_json
        for mutation in body["mutations"]:
            if mutation["name"] == "dossier.submit":
                mutation["args"]["fields"]["childFullName"] = "X"
                mutation["args"]["fields"]["approvedBy"] = "Chủ tịch UBND xã"
        route.continue_(post_data=body)

    page.route("**/api/v1/sync/push", tamper)
    dossier_id = submit(page)
    expect(dossier_state(page, "Bị từ chối: thông tin chưa hợp lệ")).to_be_visible(timeout=60_000)
    # Nothing half-made: no dossier, no file bound to one, no notice.
    assert server_rows("SELECT count(*) FROM dossier WHERE id = ?", dossier_id) == [(0,)]
    assert server_rows("SELECT count(*) FROM attachment WHERE dossier_id = ?", dossier_id) == [(0,)]
    assert server_rows("SELECT count(*) FROM notification WHERE dossier_id = ?", dossier_id) == [
        (0,)
    ]
    page.unroute("**/api/v1/sync/push")

    page.get_by_role("link", name="Sửa và gửi lại").click()
    refusal = page.locator(".refusal-notice")
    expect(refusal).to_be_visible()
    expect(refusal).to_contain_text("Họ, chữ đệm và tên")
    dossier_id = submit(page)  # the form as the citizen filled it, untampered
    expect(dossier_state(page, "Đã nộp, chờ tiếp nhận")).to_be_visible(timeout=60_000)
    assert server_rows("SELECT status FROM dossier WHERE id = ?", dossier_id) == [("submitted",)]


def submit_online(page: Page, child: str, seed: int = 0) -> str:
    """Fill and submit a birth registration with two small photos; returns the dossier id."""
    page.goto(f"/procedures/{BIRTH_REGISTRATION_CODE}")
    open_application(page)
    fill_birth_registration(page, child)
    files_before = len(device_records(page)["blobs"])
    page.get_by_label(f"Chọn tệp: {CERTIFICATE}").set_input_files(
        files=[jpeg("a.jpg", tiny_jpeg(2 * seed))]
    )
    page.get_by_label(f"Chọn tệp: {IDENTITY}").set_input_files(
        files=[jpeg("b.jpg", tiny_jpeg(2 * seed + 1))]
    )
    wait_for_files(page, files_before + 2)
    return submit(page)


def test_a_citizen_withdraws_before_reception(
    page: Page, authenticator: VirtualAuthenticator, server_rows: Rows
) -> None:
    sign_up(page, "Đặng Thị Lan", new_phone())
    dossier_id = submit_online(page, "Lê Minh Khôi")
    expect(dossier_state(page, "Đã nộp, chờ tiếp nhận")).to_be_visible(timeout=60_000)
    page.get_by_role("button", name="Rút hồ sơ").click()
    page.get_by_label("Lý do rút (không bắt buộc)").fill("Nộp nhầm thủ tục")
    page.get_by_role("button", name="Xác nhận rút hồ sơ").click()
    expect(page.get_by_role("list", name="Tiến trình")).to_contain_text("Nộp nhầm thủ tục")
    expect(page.get_by_role("button", name="Rút hồ sơ")).to_have_count(0)
    assert server_rows("SELECT status FROM dossier WHERE id = ?", dossier_id) == [("withdrawn",)]


def test_two_citizens_on_one_browser_see_nothing_of_each_other(
    page: Page, authenticator: VirtualAuthenticator
) -> None:
    first = "Hồ Thị Xuân"
    sign_up(page, first, new_phone())
    dossier_id = submit_online(page, "Hồ Minh Tâm")
    expect(dossier_state(page, "Đã nộp, chờ tiếp nhận")).to_be_visible(timeout=60_000)
    page.goto(f"/procedures/{BIRTH_REGISTRATION_CODE}")
    open_application(page)
    page.get_by_role("group", name="Người được khai sinh").get_by_label("Nơi sinh").fill(
        "Một bản nháp riêng tư"
    )
    expect(page.get_by_text("Đã lưu trên máy")).to_be_visible()
    sign_out(page, first)

    sign_up(page, "Lý Văn Phúc", new_phone())
    header(page).get_by_role("link", name="Hồ sơ của tôi").click()
    expect(page.get_by_text("Bạn chưa có hồ sơ nào")).to_be_visible()
    header(page).get_by_role("link", name="Thông báo").click()
    expect(page.get_by_text("Chưa có thông báo nào.")).to_be_visible()
    page.goto(f"/dossiers/{dossier_id}")
    expect(page.get_by_text("Không có hồ sơ này trên máy")).to_be_visible()
    assert device_records(page) == {"blobs": [], "submissions": []}


def test_an_upload_cut_off_by_closing_the_tab_resumes_where_it_stopped(
    context: BrowserContext, page: Page, authenticator: VirtualAuthenticator, server_rows: Rows
) -> None:
    sign_up(page, "Trịnh Văn Sơn", new_phone())
    page.goto(f"/procedures/{BIRTH_REGISTRATION_CODE}")
    open_application(page)
    seen: list[tuple[str, int]] = []
    cut_off = [True]  # until the tab is closed, nothing after the first chunk gets through
    accepted = [0]  # upload bytes the server took

    def watch_uploads(route: Route) -> None:
        request = route.request
        offset = int(request.headers.get("upload-offset", "0"))
        seen.append((request.method, offset))
        if request.method == "PATCH" and offset > 0 and cut_off[0]:
            route.abort("connectionreset")
            return
        # A request of the closed tab may still be answered here: count it, answer nobody.
        with contextlib.suppress(PlaywrightError):
            response = route.fetch()
            if request.method == "PATCH" and response.status == 204:
                accepted[0] += len(request.post_data_buffer or b"")
            route.fulfill(response=response)

    context.route("**/api/v1/uploads**", watch_uploads)
    scan = scanned_pdf(2.6)
    with page.expect_request(
        lambda r: r.method == "PATCH" and r.headers.get("upload-offset", "0") != "0",
        timeout=60_000,
    ):
        page.get_by_label(f"Chọn tệp: {CERTIFICATE}").set_input_files(
            files=[{"name": "giay-chung-sinh.pdf", "mimeType": "application/pdf", "buffer": scan}]
        )
    [attachment] = device_records(page)["blobs"]
    [(first_chunk, length)] = server_rows(
        'SELECT "offset", length FROM upload_session WHERE attachment_id = ?', attachment["id"]
    )
    assert 0 < first_chunk < length == len(scan)
    page.close()

    cut_off[0] = False
    before = len(seen)
    reopened = context.new_page()
    reopened.goto("/outbox")
    expect(reopened.get_by_text("Mọi thay đổi đã được gửi lên máy chủ.")).to_be_visible(
        timeout=60_000
    )
    after = seen[before:]
    assert ("POST", 0) not in after  # the same upload, not a new one
    patches = [offset for method, offset in after if method == "PATCH"]
    assert patches
    assert min(patches) >= first_chunk  # from where the server stopped, not from the start
    assert accepted[0] == len(scan)  # no byte sent twice
    assert server_rows("SELECT status, sha256 FROM attachment WHERE id = ?", attachment["id"]) == [
        ("available", attachment["sha256"])
    ]


FLAKY = re.compile(r"/api/v1/(sync|uploads)(/|$|\?)")


class FlakyNetwork:
    """Loses about 30% of sync and upload traffic at random: half of it before the request
    reaches the server, half after the server has handled it (the answer is lost). Counts the
    upload bytes the server accepted, to show that no part of a file is sent twice."""

    def __init__(self, seed: int) -> None:
        self.random = random.Random(seed)
        self.lost = 0
        self.bytes_accepted = 0

    def __call__(self, route: Route) -> None:
        # The page may move on meanwhile (a reload drops its requests): nothing to answer then.
        with contextlib.suppress(PlaywrightError):
            self._route(route)

    def _route(self, route: Route) -> None:
        roll = self.random.random()
        if roll < 0.15:
            self.lost += 1
            route.abort("connectionreset")
            return
        response = route.fetch()
        request = route.request
        if request.method == "PATCH" and response.status == 204:
            self.bytes_accepted += len(request.post_data_buffer or b"")
        if roll < 0.30:
            self.lost += 1
            route.abort("connectionreset")
            return
        route.fulfill(response=response)


def test_twenty_applications_over_a_flaky_network_arrive_exactly_once(
    new_browser_context: Callable[[], BrowserContext], server_rows: Rows
) -> None:
    network = FlakyNetwork(seed=20261122)
    phones: list[tuple[Page, str, list[str]]] = []
    for device in range(2):
        context = new_browser_context()
        page = context.new_page()
        add_authenticator(context, page)
        sign_up(page, f"Công dân {device + 1}", new_phone())
        account = page.evaluate("JSON.parse(localStorage.getItem('motcua.identity')).id")
        context.route(FLAKY, network)
        phones.append((page, account, []))
    for n in range(10):
        for device, (page, _, children) in enumerate(phones):
            children.append(f"Nguyễn Văn Con {device + 1}-{n + 1}")
            submit_online(page, children[-1], seed=20 * device + n)

    for page, account, children in phones:
        page.goto("/dossiers")
        submitted = page.get_by_role("list", name="Đã nộp").get_by_role("listitem")
        expect(submitted).to_have_count(10, timeout=300_000)
        rows = server_rows(
            "SELECT id, status, form_data FROM dossier WHERE owner_account_id = ?", account
        )
        names = sorted(json.loads(form)["childFullName"] for _, _, form in rows)
        assert names == sorted(children)  # every application once, none twice
        assert {status for _, status, _ in rows} == {"submitted"}
        for dossier_id, _, _ in rows:
            files = server_rows("SELECT status FROM attachment WHERE dossier_id = ?", dossier_id)
            assert files == [("available",), ("available",)]
    assert network.lost > 20  # the network really was flaky
    uploaded = sum(blob["bytes"] for page, _, _ in phones for blob in device_records(page)["blobs"])
    assert network.bytes_accepted == uploaded  # resumed, never restarted
