"""The sales summary of a shop over shop-local calendar days (issue 3, item 7).

Read from the daily rollups (`orders.rollups`), never from the orders: a year of a
busy shop is 365 day rows and one grouped query over its province rows. Days are the
shop's calendar days: an order at 23:30 UTC belongs to the next day in Shanghai.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import DecimalField, F, Sum
from django.utils.translation import gettext as _

from shopops.core.money import CENT, ZERO, money_str
from shopops.orders.models import DailyProvinceSales, DailySales
from shopops.org.models import Shop

# Longest period one summary covers (about ten years of days).
MAX_DAYS = 3660
# Days a period may start or end on: far from the calendar's edges, where a day's
# bounds in UTC would fall outside what Python's datetime holds.
FIRST_DAY = dt.date(1900, 1, 1)
LAST_DAY = dt.date(9000, 12, 31)

# Sums get room beyond a single order's 14 digits.
_SUM_FIELD = DecimalField(max_digits=20, decimal_places=2)
_AGGREGATES: dict[str, Any] = {
    "n_orders": Sum("orders"),
    "n_paid": Sum("paid_orders"),
    "s_total": Sum("total_amount", output_field=_SUM_FIELD),
    "s_paid": Sum("paid_amount", output_field=_SUM_FIELD),
    "s_refunded": Sum("refunded_amount", output_field=_SUM_FIELD),
}


@dataclass(frozen=True)
class SalesFigures:
    orders: int
    paid_orders: int
    total_amount: Decimal
    paid_amount: Decimal
    refunded_amount: Decimal

    @property
    def average_order_value(self) -> Decimal | None:
        """Return the paid amount per paid order, to the cent; None without any."""
        if not self.paid_orders:
            return None
        return (self.paid_amount / self.paid_orders).quantize(
            CENT, rounding=ROUND_HALF_UP
        )

    @classmethod
    def from_row(cls, row: Mapping[str, Any]) -> SalesFigures:
        return cls(
            orders=row["n_orders"],
            paid_orders=row["n_paid"],
            total_amount=_money(row["s_total"]),
            paid_amount=_money(row["s_paid"]),
            refunded_amount=_money(row["s_refunded"]),
        )

    @classmethod
    def empty(cls) -> SalesFigures:
        return cls(0, 0, ZERO, ZERO, ZERO)

    def as_json(self) -> dict[str, Any]:
        """Return the figures with money as decimal strings ("123.45")."""
        return {
            "orders": self.orders,
            "paid_orders": self.paid_orders,
            "total_amount": money_str(self.total_amount),
            "paid_amount": money_str(self.paid_amount),
            "refunded_amount": money_str(self.refunded_amount),
            "average_order_value": money_str(self.average_order_value),
        }


@dataclass(frozen=True)
class DaySales:
    day: dt.date
    figures: SalesFigures

    def as_json(self) -> dict[str, Any]:
        return {"day": self.day.isoformat(), **self.figures.as_json()}


@dataclass(frozen=True)
class ProvinceSales:
    province: str  # "" when the order's address is unknown
    figures: SalesFigures

    def as_json(self) -> dict[str, Any]:
        return {"province": self.province, **self.figures.as_json()}


@dataclass(frozen=True)
class SalesSummary:
    shop_id: int
    shop_code: str
    time_zone: str
    date_from: dt.date
    date_to: dt.date
    totals: SalesFigures
    days: list[DaySales]
    provinces: list[ProvinceSales]

    def as_json(self) -> dict[str, Any]:
        """Return the summary as JSON-ready data; money is a decimal string."""
        return {
            "shop": self.shop_code,
            "time_zone": self.time_zone,
            "date_from": self.date_from.isoformat(),
            "date_to": self.date_to.isoformat(),
            **self.totals.as_json(),
            "days": [d.as_json() for d in self.days],
            "provinces": [p.as_json() for p in self.provinces],
        }


def _money(value: Decimal | None) -> Decimal:
    return ZERO if value is None else value.quantize(CENT, rounding=ROUND_HALF_UP)


def period_check(date_from: dt.date, date_to: dt.date) -> None:
    """Raise ValidationError unless [date_from, date_to] is a period we summarise."""
    if date_from > date_to:
        raise ValidationError(
            _("开始日期 %(from)s 晚于结束日期 %(to)s")
            % {"from": date_from, "to": date_to}
        )
    if (date_to - date_from).days >= MAX_DAYS:
        raise ValidationError(_("汇总期间最长 %d 天") % MAX_DAYS)
    if date_from < FIRST_DAY or date_to > LAST_DAY:
        raise ValidationError(
            _("日期须在 %(first)s 到 %(last)s 之间")
            % {"first": FIRST_DAY, "last": LAST_DAY}
        )


def sales_summary(
    *, shop_id: int, date_from: dt.date, date_to: dt.date
) -> SalesSummary:
    """Return the shop's sales over the shop-local days [date_from, date_to].

    Orders are those created in the period; paid orders have a payment time; the
    amounts are the sums of 总金额, 买家实际支付金额 and 退款金额; the average order
    value is the paid amount per paid order. The same figures come by day (every day
    of the period, zeros included) and by province (largest paid amount first). All
    read from the daily rollups.
    """
    period_check(date_from, date_to)
    shop = Shop.objects.only("pk", "code", "time_zone").get(pk=shop_id)
    period = {"shop_id": shop.pk, "day__gte": date_from, "day__lte": date_to}

    by_day = {
        day: SalesFigures(
            orders=orders,
            paid_orders=paid,
            total_amount=_money(total),
            paid_amount=_money(paid_amount),
            refunded_amount=_money(refunded),
        )
        for day, orders, paid, total, paid_amount, refunded in (
            DailySales.objects.filter(**period)
            .order_by("day")
            .values_list(
                "day",
                "orders",
                "paid_orders",
                "total_amount",
                "paid_amount",
                "refunded_amount",
            )
        )
    }
    totals = SalesFigures(
        orders=sum(f.orders for f in by_day.values()),
        paid_orders=sum(f.paid_orders for f in by_day.values()),
        total_amount=sum((f.total_amount for f in by_day.values()), ZERO),
        paid_amount=sum((f.paid_amount for f in by_day.values()), ZERO),
        refunded_amount=sum((f.refunded_amount for f in by_day.values()), ZERO),
    )
    days = [
        DaySales(day=day, figures=by_day.get(day, SalesFigures.empty()))
        for day in (
            date_from + dt.timedelta(days=i)
            for i in range((date_to - date_from).days + 1)
        )
    ]

    provinces = [
        ProvinceSales(province=row["province"], figures=SalesFigures.from_row(row))
        for row in DailyProvinceSales.objects.filter(**period)
        .values("province")
        .annotate(**_AGGREGATES)
        .order_by(F("s_paid").desc(nulls_last=True), "province")
    ]
    return SalesSummary(
        shop_id=shop.pk,
        shop_code=shop.code,
        time_zone=shop.time_zone,
        date_from=date_from,
        date_to=date_to,
        totals=totals,
        days=days,
        provinces=provinces,
    )
