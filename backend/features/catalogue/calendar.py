"""The working calendar (pure): which days count toward legal deadlines.

Weekends and public holidays are off; a weekend day worked to make up for a bridged holiday
(a swap day, ngày làm bù) is on; the province's own decisions win over the national calendar.
Working-hour arithmetic on top of this comes with the one-stop processing feature.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Literal

DayKind = Literal["holiday", "working_day"]
SATURDAY = 5


class WorkingCalendar:
    def __init__(
        self,
        national: Mapping[dt.date, DayKind],
        province: Mapping[dt.date, DayKind] | None = None,
    ) -> None:
        self._days: dict[dt.date, DayKind] = {**national, **(province or {})}

    def is_working_day(self, day: dt.date) -> bool:
        kind = self._days.get(day)
        if kind is not None:
            return kind == "working_day"
        return day.weekday() < SATURDAY

    def working_days(self, start: dt.date, end: dt.date) -> Iterable[dt.date]:
        """The working days from `start` up to but not including `end`."""
        day = start
        while day < end:
            if self.is_working_day(day):
                yield day
            day += dt.timedelta(days=1)
