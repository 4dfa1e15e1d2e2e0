"""Reads of orders."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Sum

from shopops.core import clock
from shopops.orders.hold_defaults import BY_REASON
from shopops.orders.models import (
    Complaint,
    DailySales,
    Hold,
    HoldReasonSetting,
    ImportBatch,
    Order,
)


def order_list(*, shop_id: int | None = None) -> QuerySet[Order]:
    qs = Order.objects.select_related("shop")
    if shop_id:
        qs = qs.filter(shop_id=shop_id)
    return qs


def orders_per_day(
    *, date_from: dt.date, date_to: dt.date, shop_id: int | None = None
) -> list[tuple[dt.date, int]]:
    """Return (day, orders created) for every day in [date_from, date_to], read from
    the daily rollups: each shop's orders count on their day in the shop's time zone.
    """
    rows = DailySales.objects.filter(day__gte=date_from, day__lte=date_to)
    if shop_id:
        rows = rows.filter(shop_id=shop_id)
    counts = dict(
        rows.order_by().values("day").annotate(n=Sum("orders")).values_list("day", "n")
    )
    days = (date_to - date_from).days + 1
    return [
        (d, counts.get(d, 0))
        for d in (date_from + dt.timedelta(days=i) for i in range(days))
    ]


@dataclass(frozen=True)
class OrderFilters:
    shop_id: int | None = None
    status: str = ""
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    flag: int | None = None
    held: bool | None = None
    province: str = ""
    search: str = ""


def order_search(filters: OrderFilters) -> QuerySet[Order]:
    """Return the orders matching the list page's filters (dates in shop time)."""
    qs = order_list(shop_id=filters.shop_id)
    if filters.status:
        qs = qs.filter(status=filters.status)
    # The calendar's first and last days have no neighbour: no bound to apply.
    if filters.date_from and filters.date_from > dt.date.min:
        qs = qs.filter(created_at__gte=clock.at(filters.date_from, dt.time.min))
    if filters.date_to and filters.date_to < dt.date.max:
        qs = qs.filter(created_at__lt=clock.day_bounds(filters.date_to)[1])
    if filters.flag is not None:
        qs = qs.filter(flag=filters.flag)
    if filters.held is not None:
        active = Exists(
            Hold.objects.filter(order=OuterRef("pk"), released_at__isnull=True)
        )
        qs = qs.filter(active) if filters.held else qs.exclude(active)
    if filters.province:
        qs = qs.filter(province=filters.province.replace("\x00", ""))
    if filters.search:
        # PostgreSQL refuses NUL in text; no order number or name holds one.
        term = filters.search.replace("\x00", "").strip()
        qs = qs.filter(
            Q(order_no=term)
            | Q(buyer_member_name__icontains=term)
            | Q(receiver_phone=term)
            | Q(receiver_name=term)
        )
    return qs


def order_get(pk: int) -> Order:
    return (
        Order.objects.select_related("shop", "customer")
        .prefetch_related(
            "lines__sku",
            "history__actor",
            "holds__created_by",
            "holds__handled_by",
            "holds__owner",
            "holds__released_by",
            "after_sales__raised_by",
            "after_sales__decided_by",
            "after_sales__exchange_sku",
            "complaints__raised_by",
        )
        .get(pk=pk)
    )


def active_holds() -> QuerySet[Hold]:
    return Hold.objects.filter(released_at__isnull=True)


def evening_queue() -> QuerySet[Hold]:
    """Return the holds that evening customer service has not handled yet (CS-1)."""
    return (
        active_holds()
        .filter(handled_at__isnull=True)
        .select_related("order", "order__shop", "order__customer", "owner")
        .order_by("created_at", "pk")
    )


def holds_handled_today() -> QuerySet[Hold]:
    start, end = clock.day_bounds(clock.today())
    return (
        Hold.objects.filter(handled_at__gte=start, handled_at__lt=end)
        .select_related("order", "handled_by")
        .order_by("-handled_at")
    )


def hold_reason_settings() -> dict[str, HoldReasonSetting]:
    """Return every reason's setting; a missing row reads as its default."""
    saved = {s.reason: s for s in HoldReasonSetting.objects.all()}
    return {
        reason: saved.get(reason)
        or HoldReasonSetting(reason=reason, flag=flag, message_template=template)
        for reason, (flag, template) in BY_REASON.items()
    }


def open_complaints() -> QuerySet[Complaint]:
    return Complaint.objects.exclude(
        state__in=[Complaint.State.RESOLVED, Complaint.State.CLOSED]
    ).select_related("order")


def active_holds_by_reason() -> dict[str, int]:
    """How many holds are active, by reason."""
    return dict(
        active_holds()
        .values_list("reason")
        .annotate(n=Count("pk"))
        .values_list("reason", "n")
    )


def paid_order_couriers() -> list[str]:
    """The couriers named on paid orders, for a page's courier choice."""
    return list(
        Order.objects.filter(status=Order.Status.PAID)
        .exclude(courier="")
        .values_list("courier", flat=True)
        .distinct()
        .order_by("courier")
    )


def paid_order_provinces() -> list[str]:
    """The provinces of paid orders, for a page's province choice."""
    return list(
        Order.objects.filter(status=Order.Status.PAID)
        .exclude(province="")
        .values_list("province", flat=True)
        .distinct()
        .order_by("province")
    )


def orders_by_no(order_no: str) -> QuerySet[Order]:
    """The orders with this number (one per shop at most), by shop."""
    return Order.objects.filter(order_no=order_no).select_related("shop")


def complaint_list(*, show_all: bool) -> QuerySet[Complaint]:
    """Every complaint, or (by default) the open ones, with who raised them."""
    if show_all:
        return Complaint.objects.select_related("order", "raised_by")
    return open_complaints().select_related("raised_by")


def hold_reason_setting_list() -> QuerySet[HoldReasonSetting]:
    """The saved hold-reason settings (a reason without a row uses its default)."""
    return HoldReasonSetting.objects.all()


def import_batches() -> QuerySet[ImportBatch]:
    """Order import batches with their shop and who started them, newest first."""
    return ImportBatch.objects.select_related("shop", "created_by").order_by(
        "-created_at", "-pk"
    )
