"""The catalogue API: search, detail, filters, pagination, ETags, problems in vi and en."""

from __future__ import annotations

from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

Client = AsyncTestClient[Litestar]
EN = {"accept-language": "en-GB,en;q=0.9"}


async def codes(client: Client, **params: Any) -> list[str]:
    response = await client.get("/api/v1/procedures", params=params)
    assert response.status_code == 200, response.text
    return [item["code"] for item in response.json()["items"]]


@pytest.mark.parametrize(
    "query",
    ["Đăng ký khai sinh", "dang ky khai sinh", "ĐĂNG KÝ KHAI SINH", "khai sinh", "KHAI  sinh"],
)
async def test_search_ignores_case_and_diacritics(client: Client, query: str) -> None:
    assert (await codes(client, q=query))[0] == "1.001193"


async def test_search_folds_d_with_stroke(client: Client) -> None:
    with_stroke = await codes(client, q="đất đai")
    assert "1.013831" in with_stroke
    assert await codes(client, q="dat dai") == with_stroke


async def test_name_matches_rank_before_other_matches(client: Client) -> None:
    # "ho tich" is the civil-status sector of birth registration, not in its name; a procedure
    # named with the words must come first if there is one, so use a word in both places.
    found = await codes(client, q="đăng ký")
    names = {
        item["code"]: item["name"]
        for item in (await client.get("/api/v1/procedures", params={"limit": 100})).json()["items"]
    }
    in_name = [c for c in found if "đăng ký" in names[c].lower()]
    assert found[: len(in_name)] == in_name
    assert in_name


async def test_every_word_must_match(client: Client) -> None:
    assert await codes(client, q="khai sinh xây dựng") == []


async def test_search_by_code(client: Client) -> None:
    assert await codes(client, q="1.001193") == ["1.001193"]


async def test_filters(client: Client) -> None:
    commune = await codes(client, level="commune", limit=100)
    province = await codes(client, level="province", limit=100)
    assert set(commune).isdisjoint(province)
    assert "1.001193" in commune
    assert "3.000333" in province
    assert "1.013831" in await codes(client, online="partial", limit=100)
    assert "1.013831" not in await codes(client, online="full", limit=100)
    assert await codes(client, sector="ho-tich") == ["1.001193"]


async def test_pages_cover_the_catalogue_once(client: Client) -> None:
    seen: list[str] = []
    cursor = None
    while True:
        params: dict[str, Any] = {"limit": 3}
        if cursor:
            params["cursor"] = cursor
        page = (await client.get("/api/v1/procedures", params=params)).json()
        seen += [item["code"] for item in page["items"]]
        cursor = page.get("nextCursor")
        if cursor is None:
            break
    assert len(seen) == 8
    assert sorted(seen) == seen == sorted(set(seen))


async def test_list_items_are_summaries_unless_expanded(client: Client) -> None:
    item = (await client.get("/api/v1/procedures", params={"q": "khai sinh"})).json()["items"][0]
    assert {"code", "name", "sector", "processingTime", "onlineLevel"} <= item.keys()
    assert "variants" not in item
    expanded = (
        await client.get("/api/v1/procedures", params={"q": "khai sinh", "expand": "variants"})
    ).json()["items"][0]
    assert expanded["variants"][0]["form"]["sections"]
    judicial = (
        await client.get("/api/v1/procedures", params={"q": "3.000333", "expand": "variants"})
    ).json()["items"][0]
    assert (
        judicial["agencies"] == (await client.get("/api/v1/procedures/3.000333")).json()["agencies"]
    )


async def test_detail(client: Client) -> None:
    response = await client.get("/api/v1/procedures/1.001193")
    assert response.status_code == 200
    detail = response.json()
    assert detail["name"] == "Đăng ký khai sinh"
    assert detail["confidence"] == "seen"
    variant = detail["variants"][0]
    assert variant["processingTime"]["unit"] == "working_days"
    assert variant["processingTime"]["note"].startswith("trong ngày")
    assert variant["processingTime"]["noteEn"].startswith("same day")
    assert variant["fees"][0]["amountVnd"] == 0
    assert len(variant["documents"]) >= 3
    # Every document is an upload slot of the form, but the application form (tờ khai) itself:
    # the citizen fills it in the app instead of photographing it.
    assert {d["key"] for d in variant["documents"]} - {
        d["key"] for d in variant["form"]["documents"]
    } == {"applicationForm"}
    field_types = {f["type"] for s in variant["form"]["sections"] for f in s["fields"]}
    assert {"text", "date", "cccd"} <= field_types


async def test_detail_of_a_province_procedure_names_its_agency(client: Client) -> None:
    detail = (await client.get("/api/v1/procedures/3.000333")).json()
    assert detail["agencyLevel"] == "province"
    assert detail["agencies"]
    assert detail["agencies"][0]["code"].startswith("000.")


async def test_etag_and_not_modified(client: Client) -> None:
    first = await client.get("/api/v1/procedures/1.001193")
    etag = first.headers["etag"]
    again = await client.get("/api/v1/procedures/1.001193", headers={"if-none-match": etag})
    assert again.status_code == 304
    assert again.content == b""
    assert again.headers["etag"] == etag
    other = await client.get("/api/v1/procedures/1.004222", headers={"if-none-match": etag})
    assert other.status_code == 200
    listing = await client.get("/api/v1/procedures")
    revalidated = await client.get(
        "/api/v1/procedures", headers={"if-none-match": listing.headers["etag"]}
    )
    assert revalidated.status_code == 304


async def test_unknown_code_is_a_problem_in_vietnamese_by_default(client: Client) -> None:
    response = await client.get("/api/v1/procedures/9.999999")
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("application/problem+json")
    problem = response.json()
    assert problem["type"].endswith("procedure-not-found")
    assert problem["status"] == 404
    assert "9.999999" in problem["detail"]
    assert problem["title"] == "Không tìm thấy thủ tục hành chính"


async def test_unknown_code_problem_in_english(client: Client) -> None:
    problem = (await client.get("/api/v1/procedures/9.999999", headers=EN)).json()
    assert problem["title"] == "Administrative procedure not found"
    assert problem["detail"].startswith("There is no procedure with code 9.999999")


@pytest.mark.parametrize(
    ("params", "field", "code"),
    [
        ({"limit": 1000}, "limit", "out_of_range"),
        ({"limit": 0}, "limit", "out_of_range"),
        ({"limit": "many"}, "limit", "invalid"),
        ({"level": "district"}, "level", "invalid"),
        ({"online": "sometimes"}, "online", "invalid"),
        ({"sector": "no-such-sector"}, "sector", "not_an_option"),
        ({"cursor": "!!not-a-cursor!!"}, "cursor", "bad_cursor"),
        ({"q": "x" * 201}, "q", "too_long"),
    ],
)
async def test_bad_filters_are_400_problems_with_field_detail(
    client: Client, params: dict[str, Any], field: str, code: str
) -> None:
    for headers, language in (({}, "vi"), (EN, "en")):
        response = await client.get("/api/v1/procedures", params=params, headers=headers)
        assert response.status_code == 400
        assert response.headers["content-language"] == language
        problem = response.json()
        assert problem["status"] == 400
        [error] = [e for e in problem["errors"] if e["field"] == field]
        assert error["code"] == code
        assert error["message"]
    vi = (await client.get("/api/v1/procedures", params=params)).json()
    en = (await client.get("/api/v1/procedures", params=params, headers=EN)).json()
    assert vi["title"] != en["title"]


async def test_sectors_agencies_units_and_holidays(client: Client) -> None:
    sectors = (await client.get("/api/v1/sectors")).json()
    assert {"code": "ho-tich", "name": "Hộ tịch"}.items() <= next(
        s for s in sectors if s["code"] == "ho-tich"
    ).items()
    assert sum(s["procedureCount"] for s in sectors) == 8
    units = (await client.get("/api/v1/administrative-units")).json()
    assert units[0] == {"code": "75", "name": "Đồng Nai", "level": "province", "kind": "tỉnh"}
    communes = [u for u in units if u["level"] == "commune"]
    assert len(communes) > 50
    assert all(len(u["code"]) == 5 for u in communes)
    agencies = (
        await client.get("/api/v1/agencies", params={"kind": "commune_people_committee"})
    ).json()
    assert len(agencies) == len(communes)
    holidays = (await client.get("/api/v1/holidays", params={"year": 2026})).json()
    by_date = {h["date"]: h for h in holidays}
    assert by_date["2026-02-17"]["kind"] == "holiday"
    assert by_date["2026-08-22"]["kind"] == "working_day"
    assert (await client.get("/api/v1/holidays", params={"year": 1800})).status_code == 400
