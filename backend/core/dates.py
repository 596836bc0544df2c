"""Dates and times the official way (dd/mm/yyyy, HH:mm, in Vietnam's time zone): one
formatter for notices, receipts, the staff area and PDFs. The PWA's `lib/format.ts` follows the
same rule, held to the shared vectors in tests/fixtures/date-format-cases.json, and tests derive
what they expect on a page from these functions.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

VIETNAM = "Asia/Ho_Chi_Minh"


def local(at: dt.datetime, timezone: str | None = VIETNAM) -> dt.datetime:
    """The moment on the clocks of `timezone` (an aware datetime is required); None keeps
    the clock the moment already shows."""
    if at.tzinfo is None:
        raise ValueError("a moment needs its time zone")
    return at if timezone is None else at.astimezone(ZoneInfo(timezone))


def format_date(day: dt.date | dt.datetime, timezone: str | None = VIETNAM) -> str:
    """`04/12/2026`: two-digit day and month, four-digit year."""
    if isinstance(day, dt.datetime):
        day = local(day, timezone).date()
    return f"{day.day:02d}/{day.month:02d}/{day.year:04d}"


def format_time(at: dt.datetime, timezone: str | None = VIETNAM) -> str:
    """`07:05`: 24-hour clock, two-digit hours and minutes."""
    moment = local(at, timezone)
    return f"{moment.hour:02d}:{moment.minute:02d}"


def format_date_time(at: dt.datetime, timezone: str | None = VIETNAM) -> str:
    """`07:05 04/12/2026`: the time, then the date."""
    return f"{format_time(at, timezone)} {format_date(at, timezone)}"


def spoken_date(day: dt.date) -> str:
    """`ngày 04 tháng 12 năm 2026`, as official forms word a date."""
    return f"ngày {day.day:02d} tháng {day.month:02d} năm {day.year:04d}"


def spoken_date_time(at: dt.datetime, timezone: str | None = VIETNAM) -> str:
    """`07 giờ 05 phút, ngày 04 tháng 12 năm 2026`, as official forms word a moment."""
    moment = local(at, timezone)
    return f"{moment.hour:02d} giờ {moment.minute:02d} phút, {spoken_date(moment.date())}"
