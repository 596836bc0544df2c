"""Deadline arithmetic in working time, against the national calendar of the `holidays` package
(Tết 2026: 16-20 February; 30 April-1 May; the swap Saturdays 26 April 2025 and 22 August 2026).
Expected times are written by hand from the rules in the module's docstring, in local time."""

from __future__ import annotations

import datetime as dt

import holidays
import pytest
from hypothesis import given
from hypothesis import strategies as st

from backend.features.catalogue.calendar import DayKind, WorkingCalendar
from backend.features.catalogue.schemas import TimeUnit
from backend.features.dossiers.deadlines import (
    LOCAL_ZONE,
    OFFICE_HOURS,
    Outcome,
    WorkingHours,
    add_working_hours,
    add_working_time,
    clock_start,
    outcome,
    resume_deadline,
    working_deadline,
    working_time_between,
)


def national(years: range) -> dict[dt.date, DayKind]:
    """The national calendar as `load_holidays` stores it: holidays and swap working days."""
    calendar = holidays.country_holidays("VN", years=years)
    days: dict[dt.date, DayKind] = dict.fromkeys(calendar, "holiday")
    days.update(dict.fromkeys(calendar.weekend_workdays, "working_day"))
    return days


CALENDAR = WorkingCalendar(national(range(2025, 2029)))


def local(text: str) -> dt.datetime:
    """`2026-03-09 09:00` in Asia/Ho_Chi_Minh."""
    return dt.datetime.fromisoformat(text).replace(tzinfo=LOCAL_ZONE)


def test_the_calendar_is_the_one_the_cases_assume() -> None:
    tet = [dt.date(2026, 2, day) for day in range(16, 21)]
    assert all(not CALENDAR.is_working_day(day) for day in tet)
    assert CALENDAR.is_working_day(dt.date(2025, 4, 26))  # a Saturday
    assert CALENDAR.is_working_day(dt.date(2026, 8, 22))  # a Saturday
    assert not CALENDAR.is_working_day(dt.date(2026, 8, 31))


# 9-13 March 2026 is an ordinary Monday-to-Friday week.
@pytest.mark.parametrize(
    ("received", "value", "unit", "due"),
    [
        # N working days are N x 8 working hours from the start of the clock.
        pytest.param("2026-03-09 09:00", 1, "working_days", "2026-03-10 09:00", id="mon-0900-1wd"),
        pytest.param("2026-03-09 07:00", 1, "working_days", "2026-03-09 17:00", id="at-opening"),
        pytest.param("2026-03-09 06:10", 1, "working_days", "2026-03-09 17:00", id="before-0700"),
        pytest.param("2026-03-09 17:30", 1, "working_days", "2026-03-10 17:00", id="after-1700"),
        pytest.param("2026-03-09 17:00", 1, "working_days", "2026-03-10 17:00", id="at-1700"),
        pytest.param("2026-03-09 12:00", 1, "working_days", "2026-03-10 11:30", id="at-lunch"),
        pytest.param("2026-03-09 11:30", 2, "working_days", "2026-03-11 11:30", id="at-1130"),
        pytest.param("2026-03-09 09:00", 7, "working_days", "2026-03-18 09:00", id="7wd"),
        pytest.param(
            "2026-03-13 10:00", 1, "working_days", "2026-03-16 10:00", id="fri-over-wkend"
        ),
        pytest.param("2026-03-13 18:00", 2, "working_days", "2026-03-17 17:00", id="fri-evening"),
        pytest.param("2026-03-14 09:00", 1, "working_days", "2026-03-16 17:00", id="on-saturday"),
        pytest.param("2026-03-14 23:59", 0, "working_days", "2026-03-16 17:00", id="same-day-sat"),
        # Tết 2026: Monday 16 to Friday 20 February off, between two weekends.
        pytest.param("2026-02-12 10:00", 3, "working_days", "2026-02-24 10:00", id="tet-3wd"),
        pytest.param("2026-02-13 16:00", 1, "working_days", "2026-02-23 16:00", id="tet-eve-1wd"),
        pytest.param("2026-02-18 09:00", 1, "working_days", "2026-02-23 17:00", id="during-tet"),
        # 27 April (Hùng Kings, observed), 30 April and 1 May 2026 off.
        pytest.param("2026-04-29 09:00", 1, "working_days", "2026-05-04 09:00", id="30apr-1may"),
        pytest.param("2026-04-24 09:00", 2, "working_days", "2026-04-29 09:00", id="hung-kings"),
        # 2025: 30 April to 2 May off, made up on Saturday 26 April.
        pytest.param("2025-04-25 09:00", 2, "working_days", "2025-04-28 09:00", id="swap-sat-2025"),
        pytest.param("2025-04-29 09:00", 1, "working_days", "2025-05-05 09:00", id="30apr-2025"),
        # 2026: Monday 31 August bridged to National Day, made up on Saturday 22 August.
        pytest.param("2026-08-21 09:00", 1, "working_days", "2026-08-22 09:00", id="due-swap-sat"),
        pytest.param("2026-08-22 10:00", 1, "working_days", "2026-08-24 10:00", id="on-swap-sat"),
        pytest.param("2026-08-28 09:00", 1, "working_days", "2026-09-03 09:00", id="national-day"),
        # Same-day procedures: 17:00 that day, or the next working day's 17:00 after 15:00.
        pytest.param("2026-03-09 09:00", 0, "working_days", "2026-03-09 17:00", id="same-day"),
        pytest.param("2026-03-09 15:00", 0, "working_days", "2026-03-09 17:00", id="same-day-1500"),
        pytest.param("2026-03-09 15:01", 0, "working_days", "2026-03-10 17:00", id="same-day-1501"),
        pytest.param("2026-03-09 12:15", 0, "working_days", "2026-03-09 17:00", id="same-lunch"),
        pytest.param("2026-03-09 18:00", 0, "working_days", "2026-03-10 17:00", id="same-evening"),
        pytest.param("2026-03-13 16:00", 0, "working_days", "2026-03-16 17:00", id="same-fri-late"),
        pytest.param("2026-02-13 15:30", 0, "working_days", "2026-02-23 17:00", id="same-tet-eve"),
        # Working hours.
        pytest.param("2026-03-09 09:00", 4, "working_hours", "2026-03-09 15:00", id="4wh"),
        pytest.param(
            "2026-03-09 16:00", 2, "working_hours", "2026-03-10 08:00", id="2wh-overnight"
        ),
        pytest.param("2026-03-09 07:00", 16, "working_hours", "2026-03-10 17:00", id="16wh"),
        pytest.param(
            "2026-03-13 15:00", 3, "working_hours", "2026-03-16 08:00", id="wh-over-wkend"
        ),
        pytest.param("2026-03-09 08:00", 0, "working_hours", "2026-03-09 08:00", id="0wh"),
        # Calendar days: the same local time N days on, moved off a day off.
        pytest.param("2026-03-09 09:00", 15, "calendar_days", "2026-03-24 09:00", id="15cd"),
        pytest.param("2026-03-09 09:00", 5, "calendar_days", "2026-03-16 09:00", id="cd-on-sat"),
        pytest.param("2026-02-09 10:00", 7, "calendar_days", "2026-02-23 10:00", id="cd-into-tet"),
        pytest.param("2026-03-13 18:00", 3, "calendar_days", "2026-03-19 07:00", id="cd-evening"),
        pytest.param("2026-03-09 12:00", 1, "calendar_days", "2026-03-10 13:30", id="cd-lunch"),
        pytest.param("2026-08-17 09:00", 5, "calendar_days", "2026-08-22 09:00", id="cd-swap-sat"),
    ],
)
def test_working_deadline(received: str, value: int, unit: TimeUnit, due: str) -> None:
    assert working_deadline(local(received), value, unit, CALENDAR) == local(due)


def test_due_time_is_utc() -> None:
    due = working_deadline(local("2026-03-09 09:00"), 1, "working_days", CALENDAR)
    assert due.tzinfo is dt.UTC
    assert due == dt.datetime(2026, 3, 10, 2, 0, tzinfo=dt.UTC)


def test_utc_input_is_read_in_local_time() -> None:
    # 10:30 UTC on Monday is 17:30 in Hanoi: after hours.
    received = dt.datetime(2026, 3, 9, 10, 30, tzinfo=dt.UTC)
    assert clock_start(received, CALENDAR) == local("2026-03-10 07:00")


@pytest.mark.parametrize(
    ("received", "start"),
    [
        pytest.param("2026-03-09 10:00", "2026-03-09 10:00", id="in-hours"),
        pytest.param("2026-03-09 06:59", "2026-03-09 07:00", id="before-opening"),
        pytest.param("2026-03-09 11:30", "2026-03-09 13:30", id="at-1130"),
        pytest.param("2026-03-09 13:29", "2026-03-09 13:30", id="end-of-lunch"),
        pytest.param("2026-03-09 17:00", "2026-03-10 07:00", id="at-1700"),
        pytest.param("2026-03-15 10:00", "2026-03-16 07:00", id="sunday"),
        pytest.param("2026-02-14 10:00", "2026-02-23 07:00", id="tet"),
        pytest.param("2026-08-21 20:00", "2026-08-22 07:00", id="before-swap-sat"),
    ],
)
def test_clock_start(received: str, start: str) -> None:
    assert clock_start(local(received), CALENDAR) == local(start)


@pytest.mark.parametrize(
    ("start", "hours", "due"),
    [
        pytest.param("2026-03-09 10:00", 0.5, "2026-03-09 10:30", id="half-hour"),
        pytest.param("2026-03-09 11:00", 1, "2026-03-09 14:00", id="over-lunch"),
        pytest.param("2026-03-09 10:00", 1.5, "2026-03-09 11:30", id="to-lunch"),
        pytest.param("2026-03-09 13:30", 3.5, "2026-03-09 17:00", id="to-closing"),
        pytest.param("2026-03-09 17:00", 0, "2026-03-10 07:00", id="zero-after-hours"),
        pytest.param("2026-02-13 16:00", 40, "2026-02-27 16:00", id="week-over-tet"),
    ],
)
def test_step_due(start: str, hours: float, due: str) -> None:
    assert add_working_hours(local(start), hours, CALENDAR) == local(due)


@pytest.mark.parametrize(
    ("a", "b", "hours"),
    [
        pytest.param("2026-03-09 09:00", "2026-03-09 15:00", 4, id="over-lunch"),
        pytest.param("2026-03-09 11:45", "2026-03-09 13:15", 0, id="inside-lunch"),
        pytest.param("2026-03-13 16:00", "2026-03-16 08:00", 2, id="over-weekend"),
        pytest.param("2026-02-12 07:00", "2026-02-24 07:00", 24, id="over-tet"),
        pytest.param("2026-08-21 07:00", "2026-08-24 07:00", 16, id="over-swap-sat"),
        pytest.param("2026-03-10 09:00", "2026-03-09 09:00", -8, id="backwards"),
    ],
)
def test_working_time_between(a: str, b: str, hours: float) -> None:
    assert working_time_between(local(a), local(b), CALENDAR) == dt.timedelta(hours=hours)


@pytest.mark.parametrize(
    ("due", "paused", "resumed", "new_due"),
    [
        # 1 h of working time on Friday afternoon paused; the weekend costs nothing.
        pytest.param(
            "2026-03-17 09:00",
            "2026-03-13 16:00",
            "2026-03-16 07:00",
            "2026-03-17 10:00",
            id="over-weekend",
        ),
        pytest.param(
            "2026-03-17 09:00",
            "2026-03-13 17:30",
            "2026-03-16 06:30",
            "2026-03-17 09:00",
            id="only-the-weekend",
        ),
        pytest.param(
            "2026-03-17 09:00",
            "2026-03-13 10:00",
            "2026-03-14 10:00",
            "2026-03-17 16:00",
            id="resumed-on-saturday",
        ),
        # 10 h left on Thursday 12 February; Tết passes; resumed Tuesday 24 at 09:00.
        pytest.param(
            "2026-02-13 17:00",
            "2026-02-12 15:00",
            "2026-02-24 09:00",
            "2026-02-25 11:00",
            id="over-tet",
        ),
        pytest.param(
            "2026-03-16 10:00",
            "2026-03-16 09:00",
            "2026-03-18 14:00",
            "2026-03-18 15:00",
            id="resumed-after-due",
        ),
        pytest.param(
            "2026-03-16 10:00",
            "2026-03-16 11:00",
            "2026-03-18 14:00",
            "2026-03-16 10:00",
            id="paused-when-late",
        ),
        pytest.param(
            "2026-03-16 10:00",
            "2026-03-12 09:00",
            "2026-03-12 09:00",
            "2026-03-16 10:00",
            id="zero-pause",
        ),
    ],
)
def test_supplement_pause(due: str, paused: str, resumed: str, new_due: str) -> None:
    moved = resume_deadline(local(due), local(paused), local(resumed), CALENDAR)
    assert moved == local(new_due)


@pytest.mark.parametrize(
    ("finished", "due", "expected"),
    [
        pytest.param("2026-03-09 16:00", "2026-03-10 09:00", "early", id="day-before"),
        pytest.param("2026-03-14 10:00", "2026-03-16 17:00", "early", id="on-saturday-before"),
        pytest.param("2026-03-10 08:00", "2026-03-10 09:00", "on_time", id="due-day-before-time"),
        pytest.param("2026-03-10 09:00", "2026-03-10 09:00", "on_time", id="at-due-time"),
        pytest.param("2026-03-10 09:01", "2026-03-10 09:00", "late", id="after-due-time"),
        pytest.param("2026-03-11 08:00", "2026-03-10 17:00", "late", id="next-day"),
    ],
)
def test_outcome(finished: str, due: str, expected: Outcome) -> None:
    assert outcome(local(finished), local(due)) == expected


def test_outcome_compares_local_days() -> None:
    # 06:30 on the due day in Hanoi is still the previous day in UTC: on time, not early.
    finished = dt.datetime(2026, 3, 9, 23, 30, tzinfo=dt.UTC)
    assert outcome(finished, local("2026-03-10 09:00")) == "on_time"


def test_province_decision_moves_the_deadline() -> None:
    province = WorkingCalendar(
        national(range(2026, 2027)),
        {dt.date(2026, 3, 10): "holiday", dt.date(2026, 3, 14): "working_day"},
    )
    received = local("2026-03-09 09:00")
    assert working_deadline(received, 1, "working_days", province) == local("2026-03-11 09:00")
    assert working_deadline(received, 4, "working_days", province) == local("2026-03-14 09:00")


def test_office_hours_are_configurable() -> None:
    one_session = WorkingHours(sessions=((dt.time(8), dt.time(16)),), same_day_cutoff=dt.time(14))
    received = local("2026-03-09 12:00")
    assert one_session.day_length == dt.timedelta(hours=8)
    assert working_deadline(received, 1, "working_days", CALENDAR, one_session) == local(
        "2026-03-10 12:00"
    )
    assert working_deadline(received, 0, "working_days", CALENDAR, one_session) == local(
        "2026-03-09 16:00"
    )
    assert OFFICE_HOURS.day_length == dt.timedelta(hours=8)


@pytest.mark.parametrize(
    "sessions",
    [
        pytest.param((), id="none"),
        pytest.param(((dt.time(11), dt.time(9)),), id="backwards"),
        pytest.param(((dt.time(7), dt.time(12)), (dt.time(11), dt.time(17))), id="overlapping"),
    ],
)
def test_office_hours_must_make_sense(sessions: tuple[tuple[dt.time, dt.time], ...]) -> None:
    with pytest.raises(ValueError, match="session"):
        WorkingHours(sessions=sessions)


def test_refuses_naive_and_negative() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        clock_start(dt.datetime(2026, 3, 9, 9), CALENDAR)
    with pytest.raises(ValueError, match="negative"):
        working_deadline(local("2026-03-09 09:00"), -1, "working_days", CALENDAR)
    with pytest.raises(ValueError, match="before the pause"):
        resume_deadline(
            local("2026-03-10 09:00"),
            local("2026-03-09 10:00"),
            local("2026-03-09 09:00"),
            CALENDAR,
        )


def test_a_calendar_without_working_days_is_an_error() -> None:
    never = WorkingCalendar(dict.fromkeys(_days(dt.date(2026, 1, 1), 800), "holiday"))
    with pytest.raises(ValueError, match="no working day"):
        clock_start(local("2026-03-09 09:00"), never)


def _days(first: dt.date, count: int) -> list[dt.date]:
    return [first + dt.timedelta(days=offset) for offset in range(count)]


# --- properties, over 2025-2027 and its holidays ---

moments = st.datetimes(
    min_value=dt.datetime(2025, 1, 1),
    max_value=dt.datetime(2027, 12, 31),
    timezones=st.just(dt.UTC),
)
durations = st.integers(min_value=0, max_value=200 * 60).map(lambda m: dt.timedelta(minutes=m))
positive_durations = durations.filter(lambda d: d > dt.timedelta())


def is_working_moment(moment: dt.datetime) -> bool:
    here = moment.astimezone(LOCAL_ZONE)
    return CALENDAR.is_working_day(here.date()) and any(
        opens <= here.time().replace(tzinfo=None) <= closes
        for opens, closes in OFFICE_HOURS.sessions
    )


@given(moments, durations)
def test_due_time_is_within_working_hours(start: dt.datetime, duration: dt.timedelta) -> None:
    assert is_working_moment(add_working_time(start, duration, CALENDAR))


@given(
    moments,
    st.integers(min_value=0, max_value=20),
    st.sampled_from(["working_days", "working_hours", "calendar_days"]),
)
def test_every_deadline_is_within_working_hours(
    received: dt.datetime, value: int, unit: TimeUnit
) -> None:
    due = working_deadline(received, value, unit, CALENDAR)
    assert is_working_moment(due)
    assert due >= clock_start(received, CALENDAR)


@given(moments, st.integers(min_value=1, max_value=20))
def test_working_days_are_eight_working_hours(received: dt.datetime, days: int) -> None:
    start = clock_start(received, CALENDAR)
    due = working_deadline(received, days, "working_days", CALENDAR)
    assert working_time_between(start, due, CALENDAR) == days * dt.timedelta(hours=8)


@given(moments, durations, positive_durations)
def test_adding_in_two_steps_is_adding_the_sum(
    start: dt.datetime, first: dt.timedelta, second: dt.timedelta
) -> None:
    in_two = add_working_time(add_working_time(start, first, CALENDAR), second, CALENDAR)
    assert in_two == add_working_time(start, first + second, CALENDAR)


@given(moments, durations)
def test_working_time_between_undoes_adding(start: dt.datetime, duration: dt.timedelta) -> None:
    due = add_working_time(start, duration, CALENDAR)
    assert working_time_between(start, due, CALENDAR) == duration


@given(moments, positive_durations, moments)
def test_zero_pause_changes_nothing(
    start: dt.datetime, allotted: dt.timedelta, paused: dt.datetime
) -> None:
    due = add_working_time(start, allotted, CALENDAR)
    assert resume_deadline(due, paused, paused, CALENDAR) == due


@given(moments, positive_durations, moments, durations)
def test_pause_moves_the_due_time_by_the_working_time_paused(
    start: dt.datetime, allotted: dt.timedelta, paused: dt.datetime, pause: dt.timedelta
) -> None:
    due = add_working_time(start, allotted, CALENDAR)
    resumed = paused + pause
    moved = resume_deadline(due, paused, resumed, CALENDAR)
    if paused >= due:
        assert moved == due
    else:
        assert working_time_between(due, moved, CALENDAR) == working_time_between(
            paused, resumed, CALENDAR
        )
