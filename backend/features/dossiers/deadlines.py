"""Deadline arithmetic in working time (DESIGN.md §3 "Deadlines"). Pure: the calendar, the
office hours and every moment are passed in; nothing here reads the clock or the database.

Moments in and out are timezone-aware datetimes; results are in UTC (as stored). The arithmetic
runs in local time (Asia/Ho_Chi_Minh unless the `WorkingHours` say otherwise).

The rules (docs/decisions/0010-working-day-deadlines.md says why):

- Working time is the office sessions (07:00-11:30 and 13:30-17:00, 8 hours) of the working
  days of a `WorkingCalendar`: weekdays that are not holidays, plus swap Saturdays or Sundays.
- The clock starts at the first working moment at or after reception: received after 17:00, on
  a day off or before 07:00 it starts at the next working morning; received at lunch, at 13:30.
- N working days are N x 8 working hours from the start: received Monday 09:00 with one working
  day, due Tuesday 09:00; received at the 07:00 opening, due at 17:00 the same day.
- When the time runs out exactly at the end of a session, the due time is that end (17:00 or
  11:30), not the opening of the next session, which is the same amount of working time.
- A same-day procedure (0 working days) is due at 17:00 on the day the clock starts if it
  starts at or before 15:00, and at 17:00 of the next working day otherwise (the certification
  and civil-status decrees: "within the next working day" when received after 15:00).
- N calendar days are plain days added to the start at the same local time; if that day is not
  a working day, the due time moves to the same time on the next working day.
- A supplement request pauses the clock: the working time left at the pause runs again from
  the resumption; a pause that takes no working time (a weekend, a night) changes nothing,
  and one that starts at or after the due time does not forgive lateness.
- Outcome: early if finished on a local day before the due day; on time if finished no later
  than the due time on or before that day; late after the due time.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Final, Literal
from zoneinfo import ZoneInfo

from backend.features.catalogue.calendar import WorkingCalendar
from backend.features.catalogue.schemas import TimeUnit

Outcome = Literal["early", "on_time", "late"]

LOCAL_ZONE: Final = ZoneInfo("Asia/Ho_Chi_Minh")
# A calendar with no working day for this long is a data error, not a deadline.
MAX_DAYS_OFF: Final = 366


@dataclass(frozen=True)
class WorkingHours:
    """The office sessions of a working day, in local time, and the same-day cut-off."""

    sessions: tuple[tuple[dt.time, dt.time], ...] = (
        (dt.time(7, 0), dt.time(11, 30)),
        (dt.time(13, 30), dt.time(17, 0)),
    )
    same_day_cutoff: dt.time = dt.time(15, 0)
    zone: dt.tzinfo = LOCAL_ZONE

    def __post_init__(self) -> None:
        if not self.sessions:
            raise ValueError("working hours need at least one session")
        previous_end = dt.time.min
        for opens, closes in self.sessions:
            if not previous_end <= opens < closes:
                raise ValueError(f"sessions must be ordered and not overlap: {self.sessions}")
            previous_end = closes

    @property
    def day_length(self) -> dt.timedelta:
        """Working time in one working day (8 hours by default)."""
        return sum((_length(opens, closes) for opens, closes in self.sessions), dt.timedelta())


OFFICE_HOURS: Final = WorkingHours()


def clock_start(
    received_at: dt.datetime,
    calendar: WorkingCalendar,
    office_hours: WorkingHours = OFFICE_HOURS,
) -> dt.datetime:
    """The first working moment at or after `received_at`: where the deadline clock starts."""
    opens, _ = next(_working_intervals(received_at, calendar, office_hours))
    return opens


def add_working_time(
    start: dt.datetime,
    duration: dt.timedelta,
    calendar: WorkingCalendar,
    office_hours: WorkingHours = OFFICE_HOURS,
) -> dt.datetime:
    """The moment `duration` of working time after `start` is used up; zero is `clock_start`."""
    if duration < dt.timedelta():
        raise ValueError(f"working time cannot be negative: {duration}")
    left = duration
    for opens, closes in _working_intervals(start, calendar, office_hours):
        if left <= closes - opens:
            return opens + left
        left -= closes - opens
    raise AssertionError("unreachable: working intervals never run out")


def add_working_hours(
    start: dt.datetime,
    hours: float,
    calendar: WorkingCalendar,
    office_hours: WorkingHours = OFFICE_HOURS,
) -> dt.datetime:
    """The due time of a workflow step allotted `hours` of working time from `start`."""
    return add_working_time(start, dt.timedelta(hours=hours), calendar, office_hours)


def working_time_between(
    a: dt.datetime,
    b: dt.datetime,
    calendar: WorkingCalendar,
    office_hours: WorkingHours = OFFICE_HOURS,
) -> dt.timedelta:
    """Working time from `a` to `b`; negative when `b` is before `a`."""
    if b < a:
        return -working_time_between(b, a, calendar, office_hours)
    total = dt.timedelta()
    for opens, closes in _working_intervals(a, calendar, office_hours):
        if opens >= b:
            break
        total += min(closes, b) - opens
    return total


def working_deadline(
    received_at: dt.datetime,
    value: int,
    unit: TimeUnit,
    calendar: WorkingCalendar,
    office_hours: WorkingHours = OFFICE_HOURS,
) -> dt.datetime:
    """The due time of a dossier received at `received_at` with a processing time of `value`
    `unit` (a procedure variant's `processing_value` and `processing_unit`)."""
    if value < 0:
        raise ValueError(f"processing time cannot be negative: {value} {unit}")
    start = clock_start(received_at, calendar, office_hours)
    if unit == "working_hours":
        return add_working_hours(start, value, calendar, office_hours)
    if unit == "calendar_days":
        return _add_calendar_days(start, value, calendar, office_hours)
    if value == 0:
        return _same_day(start, calendar, office_hours)
    return add_working_time(start, value * office_hours.day_length, calendar, office_hours)


def resume_deadline(
    due_at: dt.datetime,
    paused_at: dt.datetime,
    resumed_at: dt.datetime,
    calendar: WorkingCalendar,
    office_hours: WorkingHours = OFFICE_HOURS,
) -> dt.datetime:
    """The due time after the clock was paused from `paused_at` to `resumed_at` (a supplement
    request): the working time left at the pause counts again from the resumption."""
    if resumed_at < paused_at:
        raise ValueError(f"resumed at {resumed_at} before the pause at {paused_at}")
    if paused_at >= due_at:
        return due_at
    if working_time_between(paused_at, resumed_at, calendar, office_hours) == dt.timedelta():
        return due_at
    left = working_time_between(paused_at, due_at, calendar, office_hours)
    return add_working_time(resumed_at, left, calendar, office_hours)


def outcome(finished_at: dt.datetime, due_at: dt.datetime, zone: dt.tzinfo = LOCAL_ZONE) -> Outcome:
    """Early, on time or late, for the process-control sheet and the statistics."""
    _require_aware(finished_at)
    _require_aware(due_at)
    if finished_at > due_at:
        return "late"
    if finished_at.astimezone(zone).date() < due_at.astimezone(zone).date():
        return "early"
    return "on_time"


def _same_day(
    start: dt.datetime, calendar: WorkingCalendar, office_hours: WorkingHours
) -> dt.datetime:
    local = start.astimezone(office_hours.zone)
    day = local.date()
    if local.time() > office_hours.same_day_cutoff:
        day = _next_working_day(day + dt.timedelta(days=1), calendar)
    return _at(day, office_hours.sessions[-1][1], office_hours.zone)


def _add_calendar_days(
    start: dt.datetime, days: int, calendar: WorkingCalendar, office_hours: WorkingHours
) -> dt.datetime:
    local = start.astimezone(office_hours.zone)
    day = _next_working_day(local.date() + dt.timedelta(days=days), calendar)
    return _at(day, local.time(), office_hours.zone)


def _working_intervals(
    since: dt.datetime, calendar: WorkingCalendar, office_hours: WorkingHours
) -> Iterator[tuple[dt.datetime, dt.datetime]]:
    """The working sessions from `since` on, in UTC, the first one cut at `since`. Endless."""
    _require_aware(since)
    since = since.astimezone(dt.UTC)
    day = _next_working_day(since.astimezone(office_hours.zone).date(), calendar)
    while True:
        for opens_at, closes_at in office_hours.sessions:
            opens = _at(day, opens_at, office_hours.zone)
            closes = _at(day, closes_at, office_hours.zone)
            if closes > since:
                yield max(opens, since), closes
        day = _next_working_day(day + dt.timedelta(days=1), calendar)


def _next_working_day(day: dt.date, calendar: WorkingCalendar) -> dt.date:
    """`day` itself if it is a working day, else the first working day after it."""
    for offset in range(MAX_DAYS_OFF):
        candidate = day + dt.timedelta(days=offset)
        if calendar.is_working_day(candidate):
            return candidate
    raise ValueError(f"no working day in the {MAX_DAYS_OFF} days from {day}")


def _at(day: dt.date, time: dt.time, zone: dt.tzinfo) -> dt.datetime:
    return dt.datetime.combine(day, time, tzinfo=zone).astimezone(dt.UTC)


def _length(opens: dt.time, closes: dt.time) -> dt.timedelta:
    day = dt.date(2000, 1, 1)
    return dt.datetime.combine(day, closes) - dt.datetime.combine(day, opens)


def _require_aware(moment: dt.datetime) -> None:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"a deadline moment must be timezone-aware: {moment}")
