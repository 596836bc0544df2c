"""A citizen fills in two applications and attaches a photo of a document with no network: the
form saves each as a draft on the phone, the app reloads offline with the drafts and the photo
still there, and everything reaches the server exactly once when the network returns; the
sync indicator counts down to "synced"."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import BrowserContext, Locator, Page, expect

from tests.e2e.conftest import VirtualAuthenticator
from tests.e2e.test_identity import (
    BIRTH_REGISTRATION_CODE,
    header,
    new_phone,
    sign_up,
)

pytestmark = pytest.mark.e2e

Rows = Callable[..., list[tuple[Any, ...]]]

# The account database's files and sync bookkeeping, as the page stores them.
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
      id: b.id, draftId: b.draftId, slotKey: b.slotKey, bytes: b.bytes, size: b.blob.size,
      sha256: b.sha256, type: b.blob.type,
      text: [...new Uint8Array(await b.blob.slice(0, 3).arrayBuffer())],
    }))),
    clientId: meta.find((m) => m.key === 'sync.client')?.value?.id,
  };
}
"""


def sync_status(page: Page, text: str) -> Locator:
    return header(page).get_by_role("status").filter(has_text=text)


def draft_id(page: Page) -> str:
    """The draft the application form shows (its id is in the address)."""
    [draft] = parse_qs(urlsplit(page.url).query)["draft"]
    return draft


def child_name(page: Page) -> Locator:
    return page.get_by_role("group", name="Người được khai sinh").get_by_label(
        "Họ, chữ đệm và tên", exact=True
    )


def enter_child_name(page: Page, name: str) -> None:
    """Type the child's name and leave the field: the form saves the draft on the phone."""
    field = child_name(page)
    field.fill(name)
    field.blur()
    expect(page.get_by_role("status").filter(has_text="Đã lưu trên máy lúc")).to_be_visible()


def open_draft(page: Page, draft: str) -> None:
    """Reopen a draft from "Hồ sơ của tôi", as a person coming back to it does."""
    header(page).get_by_role("link", name="Hồ sơ của tôi").click()
    drafts = page.get_by_role("list", name="Bản nháp")
    drafts.locator(f'a[href$="draft={draft}"]').click()
    expect(page.get_by_role("group", name="Người được khai sinh")).to_be_visible()
    assert draft_id(page) == draft


def test_drafts_and_a_photo_saved_offline_survive_a_reload_and_sync_when_online(
    context: BrowserContext, page: Page, authenticator: VirtualAuthenticator, server_rows: Rows
) -> None:
    # test_apply imports this module's sync_status: its helpers are imported here, not above.
    from tests.e2e.test_apply import (
        CERTIFICATE,
        choose_file,
        jpeg,
        open_application,
        ready_for_offline,
        tiny_jpeg,
    )

    sign_up(page, "Lê Thị Hoa", new_phone())
    ready_for_offline(page)  # registered with the server, the service worker in control
    account = page.evaluate("JSON.parse(localStorage.getItem('motcua.identity')).id")

    context.set_offline(True)
    page.goto(f"/procedures/{BIRTH_REGISTRATION_CODE}")
    open_application(page)
    first = draft_id(page)
    enter_child_name(page, "Nguyễn Thị Bình An")
    expect(sync_status(page, "1 thay đổi đang chờ")).to_be_visible()

    page.get_by_role("link", name="Thông tin thủ tục").click()
    open_application(page)  # a second application: a new form, a new draft
    second = draft_id(page)
    assert second != first
    expect(child_name(page)).to_have_value("")
    enter_child_name(page, "Trần Minh Khôi")
    expect(sync_status(page, "2 thay đổi đang chờ")).to_be_visible()
    photo = tiny_jpeg(7)
    choose_file(page, CERTIFICATE, jpeg("giay-chung-sinh.jpg", photo))
    certificate = page.get_by_role("group", name=CERTIFICATE).get_by_role("listitem")
    expect(certificate).to_have_count(1)
    expect(certificate).to_contain_text("giay-chung-sinh.jpg")
    expect(certificate).to_contain_text("Chờ tải lên")
    # Three mutations (two saves, the photo's registration) and the photo's bytes.
    expect(sync_status(page, "4 thay đổi đang chờ")).to_be_visible()

    # The shell comes from the service worker; the draft and the photo from IndexedDB.
    page.reload()
    expect(
        page.get_by_role("heading", level=1, name="Nộp hồ sơ: Đăng ký khai sinh")
    ).to_be_visible()
    expect(child_name(page)).to_have_value("Trần Minh Khôi")
    expect(certificate).to_have_count(1)
    expect(certificate).to_contain_text("giay-chung-sinh.jpg")
    expect(certificate).to_contain_text("Chờ tải lên")
    expect(sync_status(page, "4 thay đổi đang chờ")).to_be_visible()
    stored = page.evaluate(READ_SYNC_DATA)
    assert [(b["size"], b["type"], b["text"], b["draftId"]) for b in stored["blobs"]] == [
        (len(photo), "image/jpeg", [0xFF, 0xD8, 0xFF], second)
    ]
    [attachment] = stored["blobs"]

    # Both drafts are listed on the phone, offline, and the first still holds what was typed.
    header(page).get_by_role("link", name="Hồ sơ của tôi").click()
    expect(page.get_by_role("list", name="Bản nháp").get_by_role("listitem")).to_have_count(2)
    open_draft(page, first)
    expect(child_name(page)).to_have_value("Nguyễn Thị Bình An")
    open_draft(page, second)
    expect(certificate).to_contain_text("giay-chung-sinh.jpg")

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
    # The browser may say it is online a moment before requests go through: the first tries
    # can still fail and wait their backoff (seconds), then the saves and the photo go.
    expect(sync_status(page, "Đã đồng bộ")).to_be_visible(timeout=30_000)
    # Uploaded, checked and accepted: the server says so through the next pull.
    expect(certificate).to_contain_text("Máy chủ đã nhận")

    # On the server, exactly once: each draft at its first version, one file, one upload.
    drafts = server_rows(
        "SELECT id, procedure_code, version, fields FROM draft WHERE account_id = ?", account
    )
    assert {(d[0], d[1], d[2]) for d in drafts} == {
        (first, BIRTH_REGISTRATION_CODE, 1),
        (second, BIRTH_REGISTRATION_CODE, 1),
    }
    names = {d[0]: json.loads(d[3])["childFullName"] for d in drafts}
    assert names == {first: "Nguyễn Thị Bình An", second: "Trần Minh Khôi"}
    assert server_rows(
        "SELECT name, status FROM sync_mutation WHERE client_id = ? ORDER BY mutation_id",
        stored["clientId"],
    ) == [
        ("draft.save", "applied"),
        ("draft.save", "applied"),
        ("attachment.register", "applied"),
    ]
    assert server_rows(
        "SELECT id, draft_id, slot_key, sha256, status FROM attachment WHERE account_id = ?",
        account,
    ) == [(attachment["id"], second, "birthCertificate", attachment["sha256"], "available")]
    assert server_rows(
        "SELECT count(*) FROM upload_session WHERE attachment_id = ?", attachment["id"]
    ) == [(1,)]
    # Each chunk carried its own SHA-256 (tus checksum extension).
    assert patches
    assert all(h["upload-checksum"].startswith("sha256 ") for h in patches)
