"""Reads of orders."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, QuerySet
from django.db.models.functions import TruncDate

from shopops.core import clock
from shopops.orders.models import Order


def order_list(*, shop_id: int | None = None) -> QuerySet[Order]:
    qs = Order.objects.select_related("shop")
    if shop_id:
        qs = qs.filter(shop_id=shop_id)
    return qs


def orders_per_day(
    *, date_from: dt.date, date_to: dt.date, shop_id: int | None = None
) -> list[tuple[dt.date, int]]:
    """Return (shop-local day, orders created) for every day in [date_from, date_to]."""
    start, _ = clock.day_bounds(date_from)
    _, end = clock.day_bounds(date_to)
    counts = dict(
        order_list(shop_id=shop_id)
        .filter(created_at__gte=start, created_at__lt=end)
        .annotate(day=TruncDate("created_at", tzinfo=clock.shop_zone()))
        .values_list("day")
        .annotate(n=Count("pk"))
        .values_list("day", "n")
    )
    days = (date_to - date_from).days + 1
    return [
        (d, counts.get(d, 0))
        for d in (date_from + dt.timedelta(days=i) for i in range(days))
    ]
