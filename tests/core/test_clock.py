"""The shop clock: shop-local today, ISO weeks, the cut-off, China's working days."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from shopops.core import clock

UTC = dt.UTC
SHANGHAI = ZoneInfo("Asia/Shanghai")


def test_today_is_the_shop_local_date_not_the_utc_date(frozen_clock):
    # Given 17:30 UTC on Thursday 26 November 2026, which is 01:30 Friday in Shanghai
    frozen_clock(dt.datetime(2026, 11, 26, 17, 30, tzinfo=UTC))

    # Then the shop's today is already Friday
    assert clock.now() == dt.datetime(2026, 11, 26, 17, 30, tzinfo=UTC)
    assert clock.local_now() == dt.datetime(2026, 11, 27, 1, 30, tzinfo=SHANGHAI)
    assert clock.today() == dt.date(2026, 11, 27)
    # and another zone can still be asked for
    assert clock.today("Europe/London") == dt.date(2026, 11, 26)


def test_this_week_is_the_iso_week_of_the_shop_local_date(frozen_clock):
    # Given Sunday 29 November 2026 at 17:30 UTC: Monday 30 November in Shanghai
    frozen_clock(dt.datetime(2026, 11, 29, 17, 30, tzinfo=UTC))

    week = clock.this_week()

    # Then the week is the next ISO week, Monday to Sunday
    assert str(week) == "2026-W49"
    assert week.monday == dt.date(2026, 11, 30)
    assert week.sunday == dt.date(2026, 12, 6)


def test_iso_week_at_the_turn_of_the_year_belongs_to_the_week_year():
    assert str(clock.iso_week(dt.date(2027, 1, 1))) == "2026-W53"
    assert str(clock.iso_week(dt.date(2025, 12, 29))) == "2026-W01"


def test_cutoff_today_is_18_00_shop_time_on_the_shop_local_day(frozen_clock):
    # Given 01:30 on Friday in Shanghai (still Thursday in UTC)
    frozen_clock(dt.datetime(2026, 11, 26, 17, 30, tzinfo=UTC))

    cutoff = clock.cutoff_today()

    # Then the cut-off is Friday 18:00 in Shanghai, 10:00 UTC
    assert cutoff == dt.datetime(2026, 11, 27, 18, 0, tzinfo=SHANGHAI)
    assert cutoff.astimezone(UTC) == dt.datetime(2026, 11, 27, 10, 0, tzinfo=UTC)
    assert clock.cutoff_today(20, 30).hour == 20


def test_day_bounds_cover_one_shop_local_day_in_utc():
    start, end = clock.day_bounds(dt.date(2026, 11, 27))

    assert start.astimezone(UTC) == dt.datetime(2026, 11, 26, 16, 0, tzinfo=UTC)
    assert end - start == dt.timedelta(days=1)


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (dt.date(2026, 2, 13), True),  # Friday
        (dt.date(2026, 2, 14), True),  # Saturday made a working day (调休)
        (dt.date(2026, 2, 15), False),  # Sunday
        (dt.date(2026, 2, 16), False),  # Chinese New Year's Eve, a Monday
        (dt.date(2026, 2, 17), False),  # Spring Festival, a Tuesday
        (dt.date(2026, 2, 20), False),  # Friday off, made up on 14 February
        (dt.date(2026, 2, 28), True),  # Saturday made a working day
        (dt.date(2026, 10, 1), False),  # National Day
        (dt.date(2026, 11, 28), False),  # an ordinary Saturday
        (dt.date(2026, 11, 27), True),  # an ordinary Friday
    ],
)
def test_working_days_follow_china_holidays_and_make_up_days(day, working):
    assert clock.is_working_day(day) is working


def test_public_holiday_has_a_name():
    assert clock.is_public_holiday(dt.date(2026, 2, 17))
    assert clock.holiday_name(dt.date(2026, 2, 17))
    assert not clock.is_public_holiday(dt.date(2026, 2, 14))
    assert clock.holiday_name(dt.date(2026, 11, 27)) is None


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        # Friday before the make-up Saturday: the Saturday is next
        (dt.date(2026, 2, 13), dt.date(2026, 2, 14)),
        # Saturday 14 Feb: Sunday off, then the Spring Festival week, then Feb 23 off
        (dt.date(2026, 2, 14), dt.date(2026, 2, 24)),
        # an ordinary Friday: the Monday after
        (dt.date(2026, 11, 27), dt.date(2026, 11, 30)),
        # across the year: 1 January is a holiday
        (dt.date(2026, 12, 31), dt.date(2027, 1, 4)),
    ],
)
def test_next_working_day_skips_weekends_and_holidays(day, expected):
    assert clock.next_working_day(day) == expected
