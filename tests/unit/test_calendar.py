"""The working calendar built from the `holidays` package's Vietnam calendar."""

from __future__ import annotations

import datetime as dt

import holidays
import pytest

from backend.features.catalogue.calendar import DayKind, WorkingCalendar


def national(years: range) -> dict[dt.date, DayKind]:
    """The national calendar exactly as `load_holidays` stores it."""
    calendar = holidays.country_holidays("VN", years=years, language="vi")
    days: dict[dt.date, DayKind] = dict.fromkeys(calendar, "holiday")
    days.update(dict.fromkeys(calendar.weekend_workdays, "working_day"))
    return days


@pytest.fixture(scope="module")
def calendar() -> WorkingCalendar:
    return WorkingCalendar(national(range(2025, 2028)))


@pytest.mark.parametrize(
    "day",
    # Tết Nguyên Đán 2026: New Year's Eve (16 Feb) to the fourth day (20 Feb), then a weekend.
    [dt.date(2026, 2, d) for d in range(16, 23)]
    + [
        dt.date(2026, 1, 1),  # New Year's Day
        dt.date(2026, 4, 27),  # Hùng Kings' day observed (26 Apr is a Sunday)
        dt.date(2026, 4, 30),
        dt.date(2026, 5, 1),
        dt.date(2026, 8, 31),  # bridged to National Day...
        dt.date(2026, 9, 1),
        dt.date(2026, 9, 2),
    ],
)
def test_days_off(calendar: WorkingCalendar, day: dt.date) -> None:
    assert not calendar.is_working_day(day)


def test_swap_day_is_worked(calendar: WorkingCalendar) -> None:
    # ...and made up on Saturday 22 August 2026.
    assert dt.date(2026, 8, 22).weekday() == 5
    assert calendar.is_working_day(dt.date(2026, 8, 22))
    assert not calendar.is_working_day(dt.date(2026, 8, 29))


def test_ordinary_days(calendar: WorkingCalendar) -> None:
    assert calendar.is_working_day(dt.date(2026, 2, 23))  # Monday after Tết
    assert not calendar.is_working_day(dt.date(2026, 3, 7))  # a Saturday


def test_working_days_around_tet(calendar: WorkingCalendar) -> None:
    days = list(calendar.working_days(dt.date(2026, 2, 12), dt.date(2026, 2, 25)))
    assert days == [
        dt.date(2026, 2, 12),
        dt.date(2026, 2, 13),
        dt.date(2026, 2, 23),
        dt.date(2026, 2, 24),
    ]


def test_province_decisions_win(calendar: WorkingCalendar) -> None:
    province = WorkingCalendar(
        national(range(2026, 2027)),
        {dt.date(2026, 2, 23): "holiday", dt.date(2026, 2, 21): "working_day"},
    )
    assert not province.is_working_day(dt.date(2026, 2, 23))
    assert province.is_working_day(dt.date(2026, 2, 21))
    assert calendar.is_working_day(dt.date(2026, 2, 23))
