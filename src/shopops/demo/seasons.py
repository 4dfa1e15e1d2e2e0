"""When a Chinese outdoor-gear shop sells: the marketplace's festivals and the calendar.

`day_weight(day)` is how busy a day is relative to an average day: the weekly rhythm,
the outdoor seasons, the shopping festivals (Double 11, 618, Double 12) and the Spring
Festival, when buyers stop ordering and couriers stop carrying.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

import holidays

# Monday … Sunday: Sunday evening and Monday are the marketplace's busiest.
WEEKDAY = (1.05, 1.0, 0.98, 0.97, 0.92, 0.95, 1.1)
# The outdoor year: camping and hiking in spring and autumn, quiet in deep winter.
MONTH = dict(
    enumerate(
        (0.75, 0.7, 1.0, 1.2, 1.25, 1.05, 0.95, 0.95, 1.1, 1.2, 1.05, 0.9), start=1
    )
)
# Orders by hour of the day (shop-local): lunch, afternoon and the evening peak.
HOURS = (
    1.2, 0.6, 0.3, 0.15, 0.1, 0.1, 0.2, 0.5, 0.9, 1.3, 1.6, 1.5,
    1.2, 1.4, 1.5, 1.5, 1.4, 1.2, 1.1, 1.4, 1.8, 2.0, 1.9, 1.6,
)  # fmt: skip
# On the festival's day the rush starts at midnight, when the discounts open.
FESTIVAL_HOURS = (
    9.0, 4.0, 1.5, 0.5, 0.2, 0.2, 0.3, 0.6, 1.0, 1.4, 1.6, 1.5,
    1.3, 1.4, 1.5, 1.5, 1.4, 1.3, 1.2, 1.5, 2.0, 2.3, 2.4, 2.2,
)  # fmt: skip

ONE = Decimal("1")


@dataclass(frozen=True)
class Promotion:
    """A marketplace event: how it moves orders and what a buyer pays."""

    name: str
    weight: float
    price_factor: Decimal = ONE
    # "每满 step 减 off": a coupon on the goods amount, or none.
    coupon_step: Decimal | None = None
    coupon_off: Decimal | None = None
    midnight_rush: bool = False


NO_PROMOTION = Promotion("", 1.0)


def promotion(day: dt.date) -> Promotion:
    """Return the marketplace event running on `day` (NO_PROMOTION on a plain day)."""
    m, d = day.month, day.day
    if m == 11 and d == 11:
        return Promotion(
            "双11", 9.0, Decimal("0.85"), Decimal(300), Decimal(30), midnight_rush=True
        )
    if (m == 10 and d == 31) or (m == 11 and d <= 10):
        return Promotion("双11", 1.9, Decimal("0.88"), Decimal(300), Decimal(30))
    if m == 10 and d >= 20:
        return Promotion("双11预售", 1.25)
    if m == 11 and d in (12, 13):
        return Promotion("双11返场", 1.35, Decimal("0.90"))
    if m == 12 and d == 12:
        return Promotion("双12", 3.0, Decimal("0.90"), Decimal(200), Decimal(20))
    if m == 12 and d in (10, 11):
        return Promotion("双12", 1.4, Decimal("0.92"))
    if m == 6 and d == 18:
        return Promotion(
            "618", 4.5, Decimal("0.88"), Decimal(200), Decimal(20), midnight_rush=True
        )
    if m == 6 and d < 18:
        return Promotion("618", 1.6, Decimal("0.90"), Decimal(200), Decimal(20))
    if m == 5 and d >= 25:
        return Promotion("618预售", 1.15)
    if m == 9 and d >= 20:
        return Promotion("国庆出游", 1.15)
    if m == 3 and d == 8:
        return Promotion("女王节", 1.4, Decimal("0.95"))
    return NO_PROMOTION


@lru_cache(maxsize=64)
def spring_festival(year: int) -> dt.date:
    """Return the first day of the lunar new year (春节) in `year`."""
    calendar = holidays.country_holidays("CN", years=year, language="en_US")
    return min(calendar.get_named("Spring Festival"))


def spring_festival_factor(day: dt.date) -> float:
    """Return how the Spring Festival damps orders on `day` (1.0 outside it)."""
    offset = (day - spring_festival(day.year)).days
    if -10 <= offset <= -6:
        return 0.55
    if -5 <= offset <= 6:
        return 0.22
    if 7 <= offset <= 12:
        return 0.6
    return 1.0


def is_shipping_day(day: dt.date) -> bool:
    """Return False while the couriers stop for the Spring Festival (eve−4 … +6)."""
    offset = (day - spring_festival(day.year)).days
    return not -4 <= offset <= 6


def day_weight(day: dt.date) -> float:
    """Return how many orders `day` brings relative to an average plain day."""
    return (
        WEEKDAY[day.weekday()]
        * MONTH[day.month]
        * promotion(day).weight
        * spring_festival_factor(day)
    )


def hour_weights(day: dt.date) -> tuple[float, ...]:
    """Return the weight of each hour of `day` (0–23)."""
    return FESTIVAL_HOURS if promotion(day).midnight_rush else HOURS
