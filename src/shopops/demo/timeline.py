"""Time for the demo: a stand-in clock for writing the past, and a queue of events.

The services stamp what they write with `shopops.core.clock.now()` (Django's
`timezone.now()`), and the stock report reads the ledger as of a past day, so the
demo's history must carry the times it happened at. `ShopClock` replaces Django's clock
while the demo runs the company's past through the services, one event at a time, in
time order (`Timeline`); it never goes past the real "now" it was started with.
"""

from __future__ import annotations

import datetime as dt
import heapq
import itertools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from unittest import mock

from django.utils import timezone

from shopops.core import clock

EVENING_START = dt.time(20, 0)  # the evening customer-service window (CS-1)
EVENING_MINUTES = 60


class ShopClock:
    """The moment the services see as "now" while the demo writes its history."""

    def __init__(self, now: dt.datetime) -> None:
        self.now = now.astimezone(dt.UTC)
        self.moment = self.now

    def _read(self) -> dt.datetime:
        return self.moment

    def set(self, moment: dt.datetime) -> None:
        """Move the clock to `moment` (never later than the real now)."""
        self.moment = min(moment, self.now).astimezone(dt.UTC)

    @contextmanager
    def installed(self) -> Iterator[ShopClock]:
        """Make Django's clock (and so the shop clock) read this one until exit."""
        with mock.patch.object(timezone, "now", self._read):
            yield self


@dataclass(order=True)
class _Event:
    at: dt.datetime
    seq: int
    action: Callable[[], object] = field(compare=False)


class Timeline:
    """Events to run at their moments, earliest first; ties in the order added."""

    def __init__(self, shop_clock: ShopClock) -> None:
        self.clock = shop_clock
        self._heap: list[_Event] = []
        self._seq = itertools.count()

    def add(
        self, at: dt.datetime, action: Callable[[], object], *, clamp: bool = False
    ) -> bool:
        """Run `action` at `at`, if that is not later than now; return whether it will
        run. With `clamp`, an event later than now runs at now instead."""
        if at > self.clock.now:
            if not clamp:
                return False
            at = self.clock.now
        heapq.heappush(self._heap, _Event(at, next(self._seq), action))
        return True

    def run(self) -> int:
        """Run every event in time order, events added meanwhile included; return how
        many ran."""
        ran = 0
        while self._heap:
            event = heapq.heappop(self._heap)
            self.clock.set(event.at)
            event.action()
            ran += 1
        return ran


def at(day: dt.date, hour: int, minute: int = 0, second: int = 0) -> dt.datetime:
    """Return the aware instant of a shop-local time of day."""
    return clock.at(day, dt.time(hour, minute, second))


def local_day(moment: dt.datetime) -> dt.date:
    return moment.astimezone(clock.shop_zone()).date()


def next_evening(after: dt.datetime) -> dt.datetime:
    """Return the start of the first evening window (20:00) at or after `after`."""
    day = local_day(after)
    start = at(day, EVENING_START.hour)
    return start if start >= after else at(day + dt.timedelta(days=1), 20)


def last_evening(now: dt.datetime) -> dt.datetime:
    """Return the start of the latest evening window that began by `now`."""
    day = local_day(now)
    start = at(day, EVENING_START.hour)
    return start if start <= now else at(day - dt.timedelta(days=1), 20)
