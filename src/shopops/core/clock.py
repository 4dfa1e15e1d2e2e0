"""The shop clock: shop-local "today", ISO weeks, cut-offs and China's working days.

Times are stored in UTC; every question about "today" is asked in the shop's time zone.
Tests freeze `timezone.now()` (time-machine), so nothing here reads the system clock
another way.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays
from django.conf import settings
from django.utils import timezone


def shop_zone(time_zone: str | None = None) -> ZoneInfo:
    return ZoneInfo(time_zone or settings.SHOP_TIME_ZONE)


def now() -> dt.datetime:
    """Return the current instant (aware, UTC)."""
    return timezone.now()


def local_now(time_zone: str | None = None) -> dt.datetime:
    """Return the current time in the shop's zone."""
    return now().astimezone(shop_zone(time_zone))


def today(time_zone: str | None = None) -> dt.date:
    """Return the shop's calendar date now."""
    return local_now(time_zone).date()


def at(day: dt.date, time: dt.time, time_zone: str | None = None) -> dt.datetime:
    """Return the aware instant of `time` on `day` in the shop's zone."""
    return dt.datetime.combine(day, time, tzinfo=shop_zone(time_zone))


def cutoff_today(
    hour: int = 18, minute: int = 0, time_zone: str | None = None
) -> dt.datetime:
    """Return today's cut-off (18:00 by default) in the shop's zone."""
    return at(today(time_zone), dt.time(hour, minute), time_zone)


def day_bounds(
    day: dt.date, time_zone: str | None = None
) -> tuple[dt.datetime, dt.datetime]:
    """Return [start, end) of a shop-local calendar day as aware instants."""
    start = at(day, dt.time.min, time_zone)
    return start, at(day + dt.timedelta(days=1), dt.time.min, time_zone)


@dataclass(frozen=True)
class IsoWeek:
    year: int
    week: int

    @property
    def monday(self) -> dt.date:
        return dt.date.fromisocalendar(self.year, self.week, 1)

    @property
    def sunday(self) -> dt.date:
        return dt.date.fromisocalendar(self.year, self.week, 7)

    def __str__(self) -> str:
        return f"{self.year}-W{self.week:02d}"


def iso_week(day: dt.date) -> IsoWeek:
    year, week, _ = day.isocalendar()
    return IsoWeek(year, week)


def this_week(time_zone: str | None = None) -> IsoWeek:
    return iso_week(today(time_zone))


@lru_cache(maxsize=16)
def _china_calendar(year: int) -> holidays.HolidayBase:
    return holidays.country_holidays("CN", years=year)


def is_public_holiday(day: dt.date) -> bool:
    return day in _china_calendar(day.year)


def holiday_name(day: dt.date) -> str | None:
    return _china_calendar(day.year).get(day)


def is_working_day(day: dt.date) -> bool:
    """Return True on a working day: Monday–Friday that is no public holiday, or a
    weekend day made a working day (调休) to make up for a holiday."""
    return bool(_china_calendar(day.year).is_working_day(day))


def next_working_day(day: dt.date) -> dt.date:
    """Return the first working day after `day`."""
    candidate = day + dt.timedelta(days=1)
    while not is_working_day(candidate):
        candidate += dt.timedelta(days=1)
    return candidate
