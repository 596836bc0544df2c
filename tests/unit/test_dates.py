"""The official date and time formatter, held to the vectors shared with the PWA."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from backend.core import dates

CASES = json.loads(
    (Path(__file__).parents[1] / "fixtures" / "date-format-cases.json").read_text("utf-8")
)["cases"]


@pytest.mark.parametrize("case", CASES, ids=[c["at"] for c in CASES])
def test_the_shared_cases(case: dict[str, str]) -> None:
    at = dt.datetime.fromisoformat(case["at"].replace("Z", "+00:00"))
    assert dates.format_date(at) == case["date"]
    assert dates.format_time(at) == case["time"]
    assert dates.format_date_time(at) == case["dateTime"]


def test_single_digit_days_and_months_have_two_digits() -> None:
    assert dates.format_date(dt.date(2026, 3, 4)) == "04/03/2026"
    assert dates.spoken_date(dt.date(2026, 3, 4)) == "ngày 04 tháng 03 năm 2026"


def test_a_moment_is_read_on_vietnams_clocks() -> None:
    late_evening_utc = dt.datetime(2026, 12, 3, 17, 5, tzinfo=dt.UTC)
    assert dates.format_date(late_evening_utc) == "04/12/2026"
    assert dates.spoken_date_time(late_evening_utc) == "00 giờ 05 phút, ngày 04 tháng 12 năm 2026"


def test_a_moment_without_a_time_zone_is_refused() -> None:
    with pytest.raises(ValueError, match="time zone"):
        dates.format_time(dt.datetime(2026, 12, 4, 7, 5))
