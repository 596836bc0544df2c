"""A citizen finds a procedure, with or without diacritics, online and then with the network
cut, in Vietnamese or in English."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from tests.e2e.conftest import wait_for_service_worker_control

pytestmark = pytest.mark.e2e

BIRTH_REGISTRATION = "Đăng ký khai sinh"


def search_from_home(page: Page, query: str) -> None:
    page.goto("/")
    page.get_by_role("searchbox", name="Tên thủ tục, mã số hoặc lĩnh vực").fill(query)
    page.get_by_role("button", name="Tìm kiếm").click()


def expect_birth_registration_details(page: Page) -> None:
    expect(page.get_by_role("heading", level=1, name=BIRTH_REGISTRATION)).to_be_visible()
    expect(page.get_by_text("1.001193", exact=True)).to_be_visible()
    expect(page.get_by_role("heading", name="Giấy tờ cần nộp")).to_be_visible()
    expect(
        page.get_by_role("listitem").filter(has_text="Tờ khai đăng ký khai sinh")
    ).to_be_visible()
    expect(page.get_by_role("heading", name="Lệ phí")).to_be_visible()
    expect(page.get_by_role("listitem").filter(has_text="Miễn phí")).to_be_visible()
    expect(page.get_by_role("heading", name="Thời hạn giải quyết")).to_be_visible()
    expect(page.get_by_text("Trong ngày", exact=True)).to_be_visible()


def test_search_finds_birth_registration_and_opens_its_details(page: Page) -> None:
    search_from_home(page, "khai sinh")

    result = page.get_by_role("link", name=BIRTH_REGISTRATION)
    expect(result).to_be_visible()
    result.click()

    expect(page).to_have_url(re.compile(r"/procedures/1\.001193$"))
    expect_birth_registration_details(page)


def test_search_without_diacritics_finds_the_same_procedure_first(page: Page) -> None:
    search_from_home(page, "dang ky khai sinh")

    results = page.get_by_role("main").get_by_role("heading", level=2)
    expect(results.first).to_have_text(BIRTH_REGISTRATION)


def test_after_one_visit_search_and_details_work_offline(
    context: BrowserContext, page: Page
) -> None:
    page.goto("/")
    # The catalogue is stored once the sectors it came with are listed.
    expect(page.get_by_role("link", name="Hộ tịch")).to_be_visible()
    wait_for_service_worker_control(page)

    context.set_offline(True)
    page.reload()
    expect(page.get_by_role("status").filter(has_text="Ngoại tuyến")).to_be_visible()

    search_from_home(page, "khai sinh")
    page.get_by_role("link", name=BIRTH_REGISTRATION).click()
    expect_birth_registration_details(page)


def test_language_switch_changes_the_interface_and_is_remembered(page: Page) -> None:
    page.goto("/")
    expect(page.get_by_role("heading", level=1, name="Tìm thủ tục hành chính")).to_be_visible()

    page.get_by_role("button", name="English").click()
    expect(
        page.get_by_role("heading", level=1, name="Find an administrative procedure")
    ).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "en")

    page.reload()
    expect(
        page.get_by_role("heading", level=1, name="Find an administrative procedure")
    ).to_be_visible()
    expect(page.get_by_role("button", name="Tiếng Việt")).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "en")
