"""A citizen signs up with a passkey, signs out and back in without typing anything, keeps
working when the session expires, and shares a phone without sharing local data."""

from __future__ import annotations

import json
import secrets
from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import BrowserContext, Locator, Page, expect

from tests.e2e.conftest import VirtualAuthenticator, add_authenticator

pytestmark = pytest.mark.e2e

BIRTH_REGISTRATION = "Đăng ký khai sinh"
BIRTH_REGISTRATION_CODE = "1.001193"
DEMO_CITIZEN_PHONE = "0912000001"  # seeded by `serve`; nobody else may sign up with it
LINK_SPENT = "đã được dùng hoặc đã hết hạn"  # the server's words for a spent link or code

# Every IndexedDB database of the origin, and every record of the account databases.
READ_LOCAL_DATA = """
async () => {
  const read = (name) => new Promise((resolve, reject) => {
    const request = indexedDB.open(name);
    request.onerror = () => reject(request.error);
    request.onsuccess = async () => {
      const db = request.result;
      const stores = {};
      for (const store of db.objectStoreNames) {
        stores[store] = await new Promise((done) => {
          const all = db.transaction(store).objectStore(store).getAll();
          all.onsuccess = () => done(all.result);
        });
      }
      db.close();
      resolve(stores);
    };
  });
  const names = (await indexedDB.databases()).map((d) => d.name);
  const accounts = {};
  for (const name of names.filter((n) => n.startsWith('motcua-account-'))) {
    accounts[name] = await read(name);
  }
  return { names, accounts, localStorage: { ...localStorage } };
}
"""


WITHOUT_AUTOFILL = "PublicKeyCredential.isConditionalMediationAvailable = async () => false;"


def new_phone() -> str:
    """A mobile number no other test uses (the server keeps one account per phone)."""
    return f"09{secrets.randbelow(10**8):08d}"


def header(page: Page) -> Locator:
    return page.get_by_role("banner")


def open_in_app(page: Page, path: str) -> None:
    """Move to `path` inside the running app, as a link does (no page load, so offline too),
    for pages the navigation does not list."""
    page.evaluate(
        "path => { history.pushState(null, '', path);"
        " dispatchEvent(new PopStateEvent('popstate')); }",
        path,
    )


def sign_up(page: Page, name: str, phone: str) -> None:
    page.goto("/sign-up")
    page.get_by_label("Họ và tên").fill(name)
    page.get_by_label("Số điện thoại di động").fill(phone)
    page.get_by_role("button", name="Tạo passkey").click()
    expect_account_page(page)


def expect_account_page(page: Page) -> None:
    expect(page.get_by_role("heading", level=1, name="Tài khoản", exact=True)).to_be_visible()


def sign_out(page: Page, name: str) -> None:
    header(page).get_by_role("link", name=name).click()
    page.get_by_role("button", name="Đăng xuất", exact=True).click()
    expect(header(page).get_by_role("link", name="Đăng nhập", exact=True)).to_be_visible()


def signed_in_account(page: Page) -> dict[str, Any]:
    """The account the server says this page is signed in as."""
    me: dict[str, Any] = page.evaluate("fetch('/api/v1/auth/me').then((r) => r.json())")
    return me


def test_sign_up_sign_out_then_sign_in_with_the_passkey_alone(
    page: Page, authenticator: VirtualAuthenticator
) -> None:
    # The virtual authenticator answers an autofill (conditional) request at once, where a person
    # would pick the passkey in the field; without autofill the button's ceremony is the path.
    page.add_init_script(WITHOUT_AUTOFILL)
    name = "Trần Thị Mai"
    sign_up(page, name, new_phone())
    expect(header(page).get_by_role("link", name=name)).to_be_visible()
    assert len(authenticator.credentials()) == 1  # a discoverable credential on the "phone"

    sign_out(page, name)

    header(page).get_by_role("link", name="Đăng nhập", exact=True).click()
    page.get_by_role("button", name="Đăng nhập bằng passkey").click()
    expect(header(page).get_by_role("link", name=name)).to_be_visible()

    header(page).get_by_role("link", name=name).click()
    passkeys = page.get_by_role("list", name="Passkey", exact=True).get_by_role("listitem")
    expect(passkeys).to_have_count(1)
    devices = page.get_by_role("list", name="Thiết bị đang đăng nhập").get_by_role("listitem")
    expect(devices).to_have_count(1)
    expect(devices.filter(has_text="Thiết bị này")).to_be_visible()


def test_the_sign_in_field_offers_the_passkey(
    page: Page, authenticator: VirtualAuthenticator
) -> None:
    name = "Ngô Văn Tài"
    sign_up(page, name, new_phone())
    sign_out(page, name)

    header(page).get_by_role("link", name="Đăng nhập", exact=True).click()
    # The field is marked for passkey autofill; the virtual authenticator picks the one passkey
    # for the waiting conditional request as a person would in the suggestions.
    expect(page.get_by_label("Hoặc chọn tài khoản đã lưu")).to_have_attribute(
        "autocomplete", "username webauthn"
    )
    expect(header(page).get_by_role("link", name=name)).to_be_visible()


def test_two_accounts_on_one_phone_never_see_each_others_local_data(
    page: Page, authenticator: VirtualAuthenticator
) -> None:
    sign_up(page, "Lê Văn An", new_phone())
    first_id = signed_in_account(page)["id"]
    page.goto(f"/procedures/{BIRTH_REGISTRATION_CODE}")
    expect(page.get_by_role("heading", level=1, name=BIRTH_REGISTRATION)).to_be_visible()
    header(page).get_by_role("link", name="Lê Văn An").click()
    first_recent = page.get_by_role("region", name="Thủ tục đã xem gần đây")
    expect(first_recent.get_by_role("link", name=BIRTH_REGISTRATION)).to_be_visible()
    sign_out(page, "Lê Văn An")

    sign_up(page, "Phạm Thị Bình", new_phone())
    second_id = signed_in_account(page)["id"]
    second_recent = page.get_by_role("region", name="Thủ tục đã xem gần đây")
    expect(second_recent).to_contain_text("chưa xem thủ tục nào")
    expect(second_recent.get_by_role("link")).to_have_count(0)

    local = page.evaluate(READ_LOCAL_DATA)
    first_db, second_db = f"motcua-account-{first_id}", f"motcua-account-{second_id}"
    # One database per account and no other: a shared one would show up here.
    assert sorted(local["names"]) == sorted(["motcua-catalogue", first_db, second_db])
    # The first account's history is in its own database, and nowhere in the second's...
    assert BIRTH_REGISTRATION_CODE in json.dumps(local["accounts"][first_db])
    assert BIRTH_REGISTRATION_CODE not in json.dumps(local["accounts"][second_db])
    # ...and shared storage holds only the signed-in identity.
    shared = json.dumps(local["localStorage"], ensure_ascii=False)
    assert second_id in shared
    assert first_id not in shared
    assert "Lê Văn An" not in shared
    assert len(authenticator.credentials()) == 2


def test_an_expired_session_keeps_the_identity_and_asks_for_a_passkey(
    context: BrowserContext, page: Page, authenticator: VirtualAuthenticator
) -> None:
    page.add_init_script(WITHOUT_AUTOFILL)  # the button's ceremony (see the first test)
    name = "Võ Thị Hoa"
    sign_up(page, name, new_phone())

    context.clear_cookies()  # the server no longer knows this device's session
    page.reload()
    notice = page.get_by_role("status").filter(has_text="Phiên đăng nhập đã hết hạn")
    expect(notice).to_be_visible()
    expect(header(page).get_by_role("link", name=name)).to_be_visible()  # local data stays

    notice.get_by_role("link", name="đăng nhập lại").click()
    page.get_by_role("button", name="Đăng nhập bằng passkey").click()
    expect_account_page(page)  # back where the notice was
    expect(notice).to_have_count(0)
    expect(header(page).get_by_role("link", name=name)).to_be_visible()


def test_sign_up_explains_mistakes_beside_the_fields(
    page: Page, authenticator: VirtualAuthenticator
) -> None:
    page.goto("/sign-up")
    page.get_by_label("Họ và tên").fill("Đặng Văn Minh")
    phone = page.get_by_label("Số điện thoại di động")
    phone.fill("0212345678")
    cccd = page.get_by_label("Số căn cước công dân (CCCD)")
    cccd.fill("07919900123")
    page.get_by_role("button", name="Tạo passkey").click()

    # Checked on the device: no request, no passkey.
    expect(phone).to_have_attribute("aria-invalid", "true")
    expect(phone).to_be_focused()
    expect(page.get_by_text("Số di động Việt Nam gồm 10 chữ số")).to_be_visible()
    expect(page.get_by_text("Số CCCD gồm đúng 12 chữ số.")).to_be_visible()
    assert authenticator.credentials() == []

    # The server's refusal, in its words: this phone already has an account.
    phone.fill(DEMO_CITIZEN_PHONE)
    cccd.fill("")
    page.get_by_role("button", name="Tạo passkey").click()
    expect(page.get_by_role("alert")).to_contain_text("đã có tài khoản")
    expect(page.get_by_role("heading", level=1, name="Tạo tài khoản")).to_be_visible()
    assert authenticator.credentials() == []


def test_another_phone_joins_the_account_from_a_one_time_link(
    page: Page,
    authenticator: VirtualAuthenticator,
    new_browser_context: Callable[[], BrowserContext],
) -> None:
    name = "Huỳnh Văn Long"
    sign_up(page, name, new_phone())
    add_phone = page.get_by_role("region", name="Thêm điện thoại khác")
    add_phone.get_by_role("button", name="Thêm điện thoại khác").click()
    expect(add_phone.get_by_role("img", name="Mã QR")).to_be_visible()
    link = add_phone.get_by_role("link").get_attribute("href")
    assert link is not None
    assert "/enroll#token=" in link

    other_phone = new_browser_context().new_page()
    other_authenticator = add_authenticator(other_phone.context, other_phone)
    other_phone.goto(link)
    expect(other_phone.get_by_text(f"Passkey mới sẽ mở tài khoản của {name}.")).to_be_visible()
    other_phone.get_by_role("button", name="Tạo passkey").click()
    expect_account_page(other_phone)
    expect(header(other_phone).get_by_role("link", name=name)).to_be_visible()
    passkeys = other_phone.get_by_role("list", name="Passkey", exact=True).get_by_role("listitem")
    expect(passkeys).to_have_count(2)
    assert len(other_authenticator.credentials()) == 1
    assert "#token=" not in other_phone.url  # the spent token leaves the address bar

    other_phone.goto(link)  # the link works once
    expect(other_phone.get_by_role("alert")).to_contain_text(LINK_SPENT)
    expect(other_phone.get_by_role("button", name="Tạo passkey")).to_have_count(0)


def test_a_recovery_code_replaces_a_lost_passkey_once(
    page: Page, authenticator: VirtualAuthenticator
) -> None:
    page.add_init_script(WITHOUT_AUTOFILL)  # the button's ceremony (see the first test)
    name = "Tô Thị Ngọc"
    sign_up(page, name, new_phone())
    recovery = page.get_by_role("region", name="Mã khôi phục")
    recovery.get_by_role("button", name="Tạo mã khôi phục").click()
    expect(recovery.get_by_role("alert").filter(has_text="chỉ hiện một lần")).to_be_visible()
    codes = recovery.get_by_role("list", name="Mã khôi phục").get_by_role("listitem")
    expect(codes.first).to_be_visible()
    code = codes.first.inner_text()
    recovery.get_by_role("button", name="Tôi đã chép lại").click()
    expect(codes).to_have_count(0)  # shown once
    sign_out(page, name)

    authenticator.cdp.send(
        "WebAuthn.clearCredentials", {"authenticatorId": authenticator.authenticator_id}
    )  # the phone's passkey is lost
    header(page).get_by_role("link", name="Đăng nhập", exact=True).click()
    page.get_by_text("Mất điện thoại hoặc passkey?").click()
    page.get_by_label("Mã khôi phục").fill(code)
    page.get_by_role("button", name="Dùng mã khôi phục").click()
    expect(page.get_by_text(f"Passkey mới sẽ mở tài khoản của {name}.")).to_be_visible()
    page.get_by_role("button", name="Tạo passkey").click()
    expect(header(page).get_by_role("link", name=name)).to_be_visible()
    assert len(authenticator.credentials()) == 1

    sign_out(page, name)
    page.get_by_role("link", name="Đăng nhập", exact=True).click()
    page.get_by_text("Mất điện thoại hoặc passkey?").click()
    page.get_by_label("Mã khôi phục").fill(code)
    page.get_by_role("button", name="Dùng mã khôi phục").click()
    expect(page.get_by_role("alert").filter(has_text=LINK_SPENT)).to_be_visible()
    expect(page.get_by_role("heading", level=1, name="Đăng nhập", exact=True)).to_be_visible()
