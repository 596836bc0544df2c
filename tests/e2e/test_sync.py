"""A citizen saves drafts and a photo with no network, reloads the app offline, and everything
reaches the server when the network returns; the sync indicator counts down to "synced"."""

from __future__ import annotations

import io
from typing import Any

import pytest
from PIL import Image
from playwright.sync_api import BrowserContext, FilePayload, Locator, Page, expect

from tests.e2e.conftest import VirtualAuthenticator
from tests.e2e.test_identity import (
    BIRTH_REGISTRATION_CODE,
    header,
    new_phone,
    open_in_app,
    sign_up,
)

pytestmark = pytest.mark.e2e

# The account database's drafts, files and sync bookkeeping, as the page stores them.
READ_SYNC_DATA = """
async () => {
  const name = (await indexedDB.databases())
    .map((d) => d.name)
    .find((n) => n.startsWith('motcua-account-'));
  const db = await new Promise((resolve, reject) => {
    const request = indexedDB.open(name);
    request.onerror = () => reject(request.error);
    request.onsuccess = () => resolve(request.result);
  });
  const all = (store) => new Promise((done) => {
    const request = db.transaction(store).objectStore(store).getAll();
    request.onsuccess = () => done(request.result);
  });
  const [blobs, meta] = await Promise.all([all('blobs'), all('meta')]);
  db.close();
  return {
    blobs: await Promise.all(blobs.map(async (b) => ({
      id: b.id, bytes: b.bytes, size: b.blob.size, sha256: b.sha256,
      type: b.blob.type, text: [...new Uint8Array(await b.blob.slice(0, 3).arrayBuffer())],
    }))),
    clientId: meta.find((m) => m.key === 'sync.client')?.value?.id,
  };
}
"""


def small_jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 30, 30)).save(out, format="JPEG")
    return out.getvalue()


def sync_status(page: Page, text: str) -> Locator:
    return header(page).get_by_role("status").filter(has_text=text)


def save_draft(page: Page, note: str) -> None:
    page.get_by_label("Ghi chú").fill(note)
    page.get_by_role("button", name="Lưu bản nháp").click()
    expect(page.get_by_role("status").filter(has_text="Đã lưu bản nháp trên máy.")).to_be_visible()
    expect(page.get_by_label("Ghi chú")).to_have_value("")


def server_records(page: Page, client_id: str) -> list[dict[str, Any]]:
    """The account's records as the server sends them to a pull from the start."""
    response = page.request.post(
        "/api/v1/sync/pull",
        data={"clientId": client_id, "protocolVersion": 1, "cursor": None, "limit": 500},
    )
    assert response.ok, response.text()
    body: dict[str, Any] = response.json()
    assert not body["hasMore"]
    return [change for change in body["changes"] if change["op"] == "put"]


def test_drafts_and_a_photo_saved_offline_survive_a_reload_and_sync_when_online(
    context: BrowserContext, page: Page, authenticator: VirtualAuthenticator
) -> None:
    sign_up(page, "Lê Thị Hoa", new_phone())
    page.goto(f"/procedures/{BIRTH_REGISTRATION_CODE}")
    expect(page.get_by_role("button", name="Lưu bản nháp")).to_be_visible()
    expect(sync_status(page, "Đã đồng bộ")).to_be_visible()  # registered with the server
    page.wait_for_function("navigator.serviceWorker.controller !== null")

    context.set_offline(True)
    save_draft(page, "Nháp thứ nhất")
    expect(sync_status(page, "1 thay đổi đang chờ")).to_be_visible()
    save_draft(page, "Nháp thứ hai")
    expect(sync_status(page, "2 thay đổi đang chờ")).to_be_visible()

    open_in_app(page, "/drafts")
    drafts = (
        page.get_by_role("list", name="Bản nháp")
        .get_by_role("listitem")
        .filter(has=page.get_by_role("heading", level=2))
    )
    expect(drafts).to_have_count(2)
    second = drafts.filter(has_text="Nháp thứ hai")
    jpeg = small_jpeg()
    photo: FilePayload = {"name": "giay-chung-sinh.jpg", "mimeType": "image/jpeg", "buffer": jpeg}
    second.get_by_label("Đính kèm ảnh").set_input_files(files=[photo])
    photos = second.get_by_role("list", name="Ảnh đính kèm")
    expect(photos).to_contain_text("giay-chung-sinh.jpg")
    expect(photos).to_contain_text("chờ tải lên")
    # Three mutations (two saves, the photo's registration) and the photo's bytes.
    expect(sync_status(page, "4 thay đổi đang chờ")).to_be_visible()

    # The shell comes from the service worker; the drafts and the photo from IndexedDB.
    page.reload()
    expect(page.get_by_role("heading", level=1, name="Bản nháp")).to_be_visible()
    expect(drafts).to_have_count(2)
    expect(drafts.filter(has_text="Nháp thứ nhất")).to_be_visible()
    expect(photos).to_contain_text("giay-chung-sinh.jpg")
    expect(sync_status(page, "4 thay đổi đang chờ")).to_be_visible()
    stored = page.evaluate(READ_SYNC_DATA)
    assert [(b["size"], b["type"], b["text"]) for b in stored["blobs"]] == [
        (len(jpeg), "image/jpeg", [0xFF, 0xD8, 0xFF])
    ]

    patches: list[dict[str, str]] = []
    page.on(
        "request",
        lambda request: (
            patches.append(request.headers)
            if request.method == "PATCH" and "/api/v1/uploads/" in request.url
            else None
        ),
    )
    context.set_offline(False)
    expect(sync_status(page, "Đã đồng bộ")).to_be_visible()
    expect(drafts.filter(has_text="Đã lưu trên máy chủ")).to_have_count(2)
    # Uploaded, checked and accepted: the server says so through the next pull.
    expect(photos).to_contain_text("máy chủ đã nhận")

    records = server_records(page, stored["clientId"])
    drafts_on_server = {
        r["data"]["fields"].get("note"): r["data"] for r in records if r["entity"] == "draft"
    }
    assert set(drafts_on_server) == {"Nháp thứ nhất", "Nháp thứ hai"}
    assert {d["procedureCode"] for d in drafts_on_server.values()} == {BIRTH_REGISTRATION_CODE}
    # Each chunk carried its own SHA-256 (tus checksum extension).
    assert patches
    assert all(h["upload-checksum"].startswith("sha256 ") for h in patches)
