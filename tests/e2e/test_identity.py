"""A citizen signs up with a passkey, signs out and back in without typing anything, keeps
working when the session expires, and shares a phone without sharing local data."""

from __future__ import annotations

import datetime as dt
import json
import secrets
from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import BrowserContext, Locator, Page, expect

from backend.core.dates import format_date_time
from tests.e2e.conftest import StaffMember, VirtualAuthenticator, add_authenticator

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


def new_cccd() -> str:
    """A well-formed CCCD number no other test uses (born in 1990 in province 075)."""
    return f"0751900{secrets.randbelow(10**5):05d}"


def sign_up(page: Page, name: str, phone: str, cccd: str | None = None) -> None:
    page.goto("/sign-up")
    page.get_by_label("Họ và tên").fill(name)
    page.get_by_label("Số điện thoại di động").fill(phone)
    if cccd is not None:
        page.get_by_label("Số căn cước công dân (CCCD)").fill(cccd)
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


PUBLIC_SERVICE_CENTRE = "000.00.01.H19"
PUBLIC_SERVICE_CENTRE_NAME = "Trung tâm Phục vụ hành chính công tỉnh Đồng Nai"


def passkey_items(page: Page) -> Locator:
    return page.get_by_role("list", name="Passkey", exact=True).get_by_role("listitem")


def remove_passkey(page: Page, name: str) -> Locator:
    """Ask to remove a passkey and confirm (the page confirms with the passkey itself when the
    server asks for it); the passkey's item, where the outcome shows."""
    item = passkey_items(page).filter(has_text=name)
    item.get_by_role("button", name=f"Xóa passkey {name}").click()
    item.get_by_role("button", name=f"Xóa passkey {name}").click()  # the confirmation
    return item


def test_desk_recovery_checks_the_cccd_tells_the_citizen_and_cannot_remove_the_old_passkey(
    page: Page,
    authenticator: VirtualAuthenticator,
    enroll_staff: Callable[..., StaffMember],
    new_browser_context: Callable[[], BrowserContext],
    server_rows: Callable[..., list[tuple[Any, ...]]],
) -> None:
    page.add_init_script(WITHOUT_AUTOFILL)  # signing in again later: the button's ceremony
    name, phone, cccd = "Phan Thị Quyên", new_phone(), new_cccd()
    sign_up(page, name, phone, cccd=cccd)
    citizen_id = signed_in_account(page)["id"]

    # At the one-stop desk, the officer finds the account and checks the card.
    officer = enroll_staff("Trần Văn Bình", f"desk@{PUBLIC_SERVICE_CENTRE}").page
    officer.get_by_role("link", name="Khôi phục tài khoản cho công dân").click()
    expect(
        officer.get_by_role("heading", level=1, name="Khôi phục tài khoản tại quầy")
    ).to_be_visible()
    officer.get_by_label("Số điện thoại hoặc số CCCD của công dân").fill(phone)
    officer.get_by_role("button", name="Tìm tài khoản").click()
    officer.get_by_role("button", name=f"Chọn {name}").click()
    number = officer.get_by_label("Số định danh cá nhân trên giấy tờ")
    number.fill("079190000000")  # someone else's card
    officer.get_by_role("button", name="Cấp mã QR khôi phục").click()
    expect(officer.get_by_text("Số giấy tờ không khớp với số CCCD của tài khoản.")).to_be_visible()
    expect(number).to_have_attribute("aria-invalid", "true")
    qr = officer.get_by_role("img", name="Mã QR để công dân tạo passkey mới")
    expect(qr).to_have_count(0)
    assert server_rows(
        "SELECT count(*) FROM audit_event WHERE action = 'recovery.desk_refused' "
        "AND subject_id = ?",
        citizen_id,
    ) == [(1,)]

    number.fill(cccd)
    officer.get_by_role("button", name="Cấp mã QR khôi phục").click()
    expect(qr).to_be_visible()
    link = officer.locator("figure").get_by_role("link").get_attribute("href")
    assert link is not None
    assert "/enroll#token=" in link

    # The citizen's new phone creates a passkey from the QR; it is new, and limited.
    new_phone_page = new_browser_context().new_page()
    add_authenticator(new_phone_page.context, new_phone_page)
    new_phone_page.goto(link)
    new_phone_page.get_by_role("button", name="Tạo passkey").click()
    expect_account_page(new_phone_page)
    expect(passkey_items(new_phone_page)).to_have_count(2)
    [(until,)] = server_rows(
        "SELECT restricted_until FROM passkey WHERE account_id = ? AND enrolled_via = ?",
        citizen_id,
        "desk_recovery",
    )
    limited_until = format_date_time(dt.datetime.fromisoformat(until).replace(tzinfo=dt.UTC))
    recovered = passkey_items(new_phone_page).filter(has_text="Passkey 2")
    expect(recovered).to_contain_text("Thêm qua khôi phục tại quầy một cửa")
    expect(recovered).to_contain_text(
        f"Passkey mới: đến {limited_until} chưa thể xóa passkey cũ hơn hay tạo mã khôi phục mới."
    )

    # Signed in with the recovered passkey, the account page refuses to remove the old one.
    old = remove_passkey(new_phone_page, "Passkey 1")
    expect(old.get_by_role("alert")).to_contain_text(
        f"nên đến {limited_until} chưa thể xóa passkey cũ hơn"
    )
    new_phone_page.reload()
    expect(passkey_items(new_phone_page)).to_have_count(2)

    # The citizen was told at once: in the inbox on the phone they still have...
    page.goto("/inbox")
    expect(
        page.get_by_role("heading", name="Bộ phận một cửa đã cấp mã khôi phục tài khoản")
    ).to_be_visible()
    expect(
        page.get_by_role("heading", name="Đã thêm passkey mới qua khôi phục tại quầy")
    ).to_be_visible()
    expect(page.get_by_text(f"{PUBLIC_SERVICE_CENTRE_NAME} đã cấp mã QR")).to_be_visible()
    # ...and in the account page's recent activity.
    header(page).get_by_role("link", name=name).click()
    activity = page.get_by_role("region", name="Hoạt động gần đây")
    expect(activity).to_contain_text(
        f"{PUBLIC_SERVICE_CENTRE_NAME} cấp mã QR khôi phục tài khoản sau khi đối chiếu CCCD"
    )
    expect(activity).to_contain_text(
        f"Thêm passkey Passkey 2 qua khôi phục tại quầy — {PUBLIC_SERVICE_CENTRE_NAME}"
    )
    expect(activity).to_contain_text(f"{PUBLIC_SERVICE_CENTRE_NAME} từ chối một yêu cầu khôi phục")

    # Signing in with the old passkey, the owner removes the recovered one...
    sign_out(page, name)
    header(page).get_by_role("link", name="Đăng nhập", exact=True).click()
    page.get_by_role("button", name="Đăng nhập bằng passkey").click()
    header(page).get_by_role("link", name=name).click()
    expect_account_page(page)
    remove_passkey(page, "Passkey 2")
    expect(passkey_items(page)).to_have_count(1)
    expect(passkey_items(page)).to_contain_text("Passkey 1")
    expect(page.get_by_role("region", name="Hoạt động gần đây")).to_contain_text(
        "Xóa passkey Passkey 2"
    )
    # ...and the phone that held it is signed out.
    new_phone_page.reload()
    expect(
        new_phone_page.get_by_role("status").filter(has_text="Phiên đăng nhập đã hết hạn")
    ).to_be_visible()
