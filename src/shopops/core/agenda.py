"""When duties fall due on a shop-local day, and what state each occurrence is in."""

from __future__ import annotations

import calendar
import datetime as dt
from enum import StrEnum

from shopops.core import clock
from shopops.core.duties import Duty, Occurrence, ScheduleKind

# A timed duty counts as "due" from this long before its time.
DUE_LEAD = dt.timedelta(hours=1)


class DutyState(StrEnum):
    UPCOMING = "upcoming"
    DUE = "due"
    OVERDUE = "overdue"
    DONE = "done"


def _monthly_day(day_of_month: int, day: dt.date) -> int:
    return min(day_of_month, calendar.monthrange(day.year, day.month)[1])


def occurrences(
    duty: Duty, day: dt.date, time_zone: str | None = None
) -> list[Occurrence]:
    """Return the occurrences of `duty` that belong on `day`'s agenda.

    A weekly or monthly duty stays on the agenda after its day until the period ends, so
    that one not done shows as overdue rather than vanishing.
    """
    s = duty.schedule
    if duty.is_group or (s.working_days_only and not clock.is_working_day(day)):
        return []
    match s.kind:
        case ScheduleKind.CONTINUOUS:
            start, end = clock.day_bounds(day, time_zone)
            return [
                Occurrence(day.isoformat(), start, end - dt.timedelta(microseconds=1))
            ]
        case ScheduleKind.WINDOW:
            return [
                Occurrence(
                    day.isoformat(),
                    clock.at(day, s.times[0], time_zone),
                    clock.at(day, s.end, time_zone),
                )
            ]
        case ScheduleKind.DAILY:
            multi = len(s.times) > 1
            result = []
            for t in s.times:
                due = clock.at(day, t, time_zone)
                key = f"{day.isoformat()}T{t:%H:%M}" if multi else day.isoformat()
                result.append(Occurrence(key, due - DUE_LEAD, due))
            return result
        case ScheduleKind.WEEKLY:
            week = clock.iso_week(day)
            due_day = dt.date.fromisocalendar(week.year, week.week, s.iso_weekday)
            if day < due_day:
                return []
            due = clock.at(due_day, s.times[0], time_zone)
            return [Occurrence(str(week), due - DUE_LEAD, due)]
        case ScheduleKind.MONTHLY:
            due_day = day.replace(day=_monthly_day(s.day_of_month, day))
            if day < due_day:
                return []
            due = clock.at(due_day, s.times[0], time_zone)
            return [Occurrence(f"{day:%Y-%m}", due - DUE_LEAD, due)]
    return []


# How far back a duty's occurrence may still be closed (a week and today).
CLOSABLE_DAYS = 8


def recent_occurrence(duty: Duty, key: str, today: dt.date) -> Occurrence | None:
    """Return the occurrence of `duty` with period `key` on the agenda between a week
    before `today` and `today`, or None."""
    for offset in range(CLOSABLE_DAYS):
        for occ in occurrences(duty, today - dt.timedelta(days=offset)):
            if occ.key == key:
                return occ
    return None


def state_of(occurrence: Occurrence, *, done: bool, now: dt.datetime) -> DutyState:
    if done:
        return DutyState.DONE
    if now < occurrence.starts:
        return DutyState.UPCOMING
    if now <= occurrence.due:
        return DutyState.DUE
    return DutyState.OVERDUE
