"""The duty registry: every duty of seed/duties.md, its role, schedule and worklist.

A duty is data (`duty_catalog.py` lists them all). A domain app serves a duty by plugging
in a worklist provider from its `AppConfig.ready()`:

    from shopops.core.duties import registry
    registry.provide("LOG-2.4", holds_worklist)

and, if the duty has work to do on the clock, a job (`registry.on_due(...)`) that the
scheduler calls at each occurrence. `web/` never changes for that: the Today page asks the
registry.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from django.utils.translation import get_language

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser


class ScheduleKind(StrEnum):
    DAILY = "daily"
    WINDOW = "window"
    WEEKLY = "weekly"
    MONTHLY = "monthly"
    CONTINUOUS = "continuous"


WEEKDAYS_EN = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


@dataclass(frozen=True)
class Schedule:
    """When a duty falls due, in shop-local time.

    daily:      at each of `times` (e.g. 10:00 and 20:00)
    window:     from `times[0]` to `until` (e.g. 20:00–21:00)
    weekly:     on ISO `weekday` (1 = Monday) at `times[0]`
    monthly:    on `day` of the month at `times[0]`
    continuous: all day, every day; marked done once a day
    """

    kind: ScheduleKind
    times: tuple[dt.time, ...] = ()
    until: dt.time | None = None
    weekday: int | None = None
    day: int | None = None
    working_days_only: bool = False

    def __post_init__(self) -> None:
        needs = {
            ScheduleKind.DAILY: bool(self.times),
            ScheduleKind.WINDOW: bool(self.times) and self.until is not None,
            ScheduleKind.WEEKLY: bool(self.times) and self.weekday in range(1, 8),
            ScheduleKind.MONTHLY: bool(self.times) and self.day in range(1, 32),
            ScheduleKind.CONTINUOUS: True,
        }
        if not needs[self.kind]:
            raise ValueError(f"incomplete {self.kind} schedule: {self!r}")

    @property
    def end(self) -> dt.time:
        """Return the end of a window schedule."""
        return self.until or dt.time.max

    @property
    def iso_weekday(self) -> int:
        return self.weekday or 1

    @property
    def day_of_month(self) -> int:
        return self.day or 1

    @classmethod
    def daily(cls, *times: str, working_days_only: bool = False) -> Schedule:
        return cls(
            ScheduleKind.DAILY,
            tuple(dt.time.fromisoformat(t) for t in times),
            working_days_only=working_days_only,
        )

    @classmethod
    def window(cls, start: str, end: str) -> Schedule:
        return cls(
            ScheduleKind.WINDOW,
            (dt.time.fromisoformat(start),),
            until=dt.time.fromisoformat(end),
        )

    @classmethod
    def weekly(cls, weekday: int, time: str = "17:00") -> Schedule:
        return cls(ScheduleKind.WEEKLY, (dt.time.fromisoformat(time),), weekday=weekday)

    @classmethod
    def monthly(cls, day: int, time: str = "09:00") -> Schedule:
        return cls(ScheduleKind.MONTHLY, (dt.time.fromisoformat(time),), day=day)

    @classmethod
    def continuous(cls, *, working_days_only: bool = False) -> Schedule:
        return cls(ScheduleKind.CONTINUOUS, working_days_only=working_days_only)

    def __str__(self) -> str:
        times = ",".join(t.strftime("%H:%M") for t in self.times)
        match self.kind:
            case ScheduleKind.DAILY:
                text = f"daily {times}"
            case ScheduleKind.WINDOW:
                text = f"daily {times}-{self.end:%H:%M}"
            case ScheduleKind.WEEKLY:
                text = f"weekly {WEEKDAYS_EN[self.iso_weekday - 1]} {times}"
            case ScheduleKind.MONTHLY:
                text = f"monthly day {self.day} {times}"
            case _:
                text = "continuous"
        return text + (" (working days)" if self.working_days_only else "")

    def as_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind.value,
            "times": [t.strftime("%H:%M") for t in self.times],
            "until": self.until.strftime("%H:%M") if self.until else None,
            "weekday": self.weekday,
            "day": self.day,
            "working_days_only": self.working_days_only,
            "text": str(self),
        }


@dataclass(frozen=True)
class Occurrence:
    """One time a duty is due: its period key (what a duty run records) and instants."""

    key: str
    starts: dt.datetime  # when it becomes "due"
    due: dt.datetime  # after this it is overdue


@dataclass(frozen=True)
class Worklist:
    """What a duty needs today: a count and where to go to work on it."""

    count: int
    url: str = ""
    label: str = ""


WorklistProvider = Callable[["AbstractBaseUser", dt.date], Worklist]
DueJob = Callable[["Duty", Occurrence], None]


@dataclass
class Duty:
    id: str
    role: str
    title_zh: str
    title_en: str
    schedule: Schedule
    parent: str = ""
    shift: str = ""  # customer service shift the duty belongs to (e.g. "evening")
    is_group: bool = False  # a heading such as LOG-2: listed, never on a Today page
    worklist: WorklistProvider | None = field(default=None, repr=False)
    jobs: list[DueJob] = field(default_factory=list, repr=False)
    deadline_jobs: list[DueJob] = field(default_factory=list, repr=False)

    @property
    def implemented(self) -> bool:
        """Return True when a real feature serves this duty (it has a worklist)."""
        return self.worklist is not None

    @property
    def role_label(self) -> str:
        from shopops.core.roles import Role

        return str(Role(self.role).label)

    @property
    def title(self) -> str:
        return (
            self.title_en if (get_language() or "").startswith("en") else self.title_zh
        )


class DutyRegistry:
    def __init__(self) -> None:
        self._duties: dict[str, Duty] = {}

    def register(self, duty: Duty) -> None:
        if duty.id in self._duties:
            raise ValueError(f"duty {duty.id} registered twice")
        self._duties[duty.id] = duty

    def provide(self, duty_id: str, provider: WorklistProvider) -> None:
        """Plug in the worklist that serves `duty_id`; marks it implemented."""
        self.get(duty_id).worklist = provider

    def on_due(self, duty_id: str, job: DueJob) -> None:
        """Run `job` when each occurrence of `duty_id` starts (e.g. 20:00 of 20:00–21:00)."""
        self.get(duty_id).jobs.append(job)

    def on_deadline(self, duty_id: str, job: DueJob) -> None:
        """Run `job` at each occurrence's due time (e.g. 21:00 of 20:00–21:00)."""
        self.get(duty_id).deadline_jobs.append(job)

    def children(self, duty: Duty) -> list[Duty]:
        return [d for d in self if d.parent == duty.id]

    def is_implemented(self, duty: Duty) -> bool:
        """Return True when a real feature serves the duty (a group: all its leaves)."""
        if duty.is_group:
            kids = self.children(duty)
            return bool(kids) and all(self.is_implemented(k) for k in kids)
        return duty.implemented

    def get(self, duty_id: str) -> Duty:
        try:
            return self._duties[duty_id]
        except KeyError:
            raise KeyError(f"unknown duty {duty_id}") from None

    def __contains__(self, duty_id: object) -> bool:
        return duty_id in self._duties

    def __iter__(self) -> Iterator[Duty]:
        return iter(sorted(self._duties.values(), key=lambda d: _duty_sort_key(d.id)))

    def __len__(self) -> int:
        return len(self._duties)

    def for_role(self, role: str, shift: str = "") -> list[Duty]:
        """Return the leaf duties of `role` (a shift's own duties only to that shift)."""
        return [
            d
            for d in self
            if d.role == role and not d.is_group and (not d.shift or d.shift == shift)
        ]

    def leaves(self) -> list[Duty]:
        return [d for d in self if not d.is_group]


def _duty_sort_key(duty_id: str) -> tuple[str, tuple[int, ...]]:
    prefix, _, rest = duty_id.partition("-")
    return prefix, tuple(int(p) for p in rest.split(".") if p.isdigit())


registry = DutyRegistry()
