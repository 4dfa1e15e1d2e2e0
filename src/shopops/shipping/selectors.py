"""Reads of shipping: which orders wait to be picked and packed, each line's quality
check, shipments, courier delays, and the weekly shipping analysis (LOG-2.6, OPS-3.4)."""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet, Sum
from django.utils.translation import gettext as _

from shopops.core import clock
from shopops.core.clock import IsoWeek
from shopops.orders.models import Hold, HoldReason, Order, OrderLine
from shopops.shipping.couriers import Courier
from shopops.shipping.models import (
    CourierDelay,
    HandoffProblem,
    PickList,
    PickListOrder,
    QualityCheck,
    Shipment,
)
from shopops.stock.models import Movement, Reservation

LATE_AFTER = dt.timedelta(hours=48)
_WEEK = re.compile(r"^(\d{4})-?W(\d{1,2})$", re.IGNORECASE)


# --- orders waiting for shipping ------------------------------------------------


def _active_hold() -> QuerySet[Hold]:
    return Hold.objects.filter(order=OuterRef("pk"), released_at__isnull=True)


def _active_reservation() -> QuerySet[Reservation]:
    return Reservation.objects.filter(
        line__order=OuterRef("pk"), state=Reservation.State.ACTIVE
    )


def _on_open_pick_list() -> QuerySet[PickListOrder]:
    return PickListOrder.objects.filter(
        order=OuterRef("pk"), pick_list__state=PickList.State.OPEN
    )


def _paid_unheld(shop_id: int | None) -> QuerySet[Order]:
    qs = Order.objects.filter(status=Order.Status.PAID).exclude(Exists(_active_hold()))
    if shop_id:
        qs = qs.filter(shop_id=shop_id)
    return qs


def orders_waiting_to_pack(*, shop_id: int | None = None) -> QuerySet[Order]:
    """Return paid, unheld orders whose stock is reserved: the packing queue (LOG-2.5).

    Reservation is all or nothing (`stock_reserve_order`), so one active reservation
    means the whole order is reserved.
    """
    return _paid_unheld(shop_id).filter(Exists(_active_reservation()))


def orders_ready_to_pick(*, shop_id: int | None = None) -> QuerySet[Order]:
    """Return the packing queue less the orders already on an open pick list."""
    return orders_waiting_to_pack(shop_id=shop_id).exclude(Exists(_on_open_pick_list()))


def orders_waiting_for_reservation(*, shop_id: int | None = None) -> QuerySet[Order]:
    """Return paid, unheld orders with goods to ship but no stock reserved yet."""
    with_sku = OrderLine.objects.filter(order=OuterRef("pk"), sku__isnull=False)
    return (
        _paid_unheld(shop_id)
        .filter(Exists(with_sku))
        .exclude(Exists(_active_reservation()))
    )


def pick_list_list(*, state: str = "") -> QuerySet[PickList]:
    qs = PickList.objects.select_related("shop", "created_by").annotate(
        order_count=Count("entries", distinct=True)
    )
    if state:
        qs = qs.filter(state=state)
    return qs


def pick_list_get(pk: int) -> PickList:
    return PickList.objects.select_related("shop", "created_by").get(pk=pk)


def pick_lists_with_entries() -> QuerySet[PickList]:
    """Pick lists with their shop, creator, lines and entries' orders loaded."""
    return PickList.objects.select_related("shop", "created_by").prefetch_related(
        "lines", "entries__order"
    )


def pick_list_orders(pick_list: PickList) -> list[Order]:
    """Return the orders of a pick list in their order on the list."""
    return [
        entry.order
        for entry in pick_list.entries.select_related("order", "order__shop")
        .prefetch_related("order__lines")
        .order_by("position")
    ]


def open_pick_list_of(order: Order) -> PickList | None:
    return PickList.objects.filter(
        state=PickList.State.OPEN, entries__order=order
    ).first()


# --- the quality check ----------------------------------------------------------


@dataclass
class LineQc:
    """Where the quality check of one order line stands.

    Checks count in the order they were made; a failed check starts the line over
    (the order is held; once released, the replacement units are checked again).
    """

    line: OrderLine
    passed: int = 0
    failed: bool = False  # the latest check of the line failed
    checks: list[QualityCheck] = field(default_factory=list)

    @property
    def open_units(self) -> int:
        return max(self.line.quantity - self.passed, 0)

    @property
    def state(self) -> str:
        if self.failed:
            return "failed"
        if self.passed >= self.line.quantity:
            return "passed"
        return "partial" if self.passed else "pending"

    @property
    def state_label(self) -> str:
        return {
            "failed": _("不合格"),
            "passed": _("合格"),
            "partial": _("部分已检"),
            "pending": _("未质检"),
        }[self.state]


def line_qc(line: OrderLine, checks: list[QualityCheck]) -> LineQc:
    status = LineQc(line=line, checks=checks)
    for check in sorted(checks, key=lambda c: (c.checked_at, c.pk)):
        if check.result == QualityCheck.Result.FAIL:
            status.passed, status.failed = 0, True
        else:
            status.passed += check.quantity
            status.failed = False
    return status


def qc_status(order: Order) -> list[LineQc]:
    """Return the quality check of every line of `order`, in line order."""
    lines = order.lines.select_related("sku").prefetch_related(
        Prefetch(
            "quality_checks",
            queryset=QualityCheck.objects.select_related("checked_by").order_by(
                "checked_at", "pk"
            ),
        )
    )
    return [line_qc(line, list(line.quality_checks.all())) for line in lines]


def qc_passed(statuses: list[LineQc]) -> bool:
    return bool(statuses) and all(s.state == "passed" for s in statuses)


def qc_pending_orders() -> list[Order]:
    """Return orders picked on an open pick list, still to ship, whose check is not
    complete (LOG-2.1)."""
    orders = list(
        _paid_unheld(None)
        .filter(Exists(_on_open_pick_list()))
        .prefetch_related(
            Prefetch(
                "lines",
                queryset=OrderLine.objects.prefetch_related("quality_checks"),
            )
        )
        .order_by("paid_at", "pk")
    )
    return [
        o
        for o in orders
        if not qc_passed(
            [line_qc(line, list(line.quality_checks.all())) for line in o.lines.all()]
        )
    ]


def qc_failed_units(*, day: dt.date) -> int:
    start, end = clock.day_bounds(day)
    return (
        QualityCheck.objects.filter(
            result=QualityCheck.Result.FAIL, checked_at__gte=start, checked_at__lt=end
        ).aggregate(n=Sum("quantity"))["n"]
        or 0
    )


# --- shipments and delays -------------------------------------------------------


def shipment_list(
    *,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    shop_id: int | None = None,
) -> QuerySet[Shipment]:
    """Return shipments made on shop-local days [date_from, date_to]."""
    qs = Shipment.objects.select_related("order", "order__shop", "shipped_by")
    if date_from:
        qs = qs.filter(shipped_at__gte=clock.day_bounds(date_from)[0])
    if date_to:
        qs = qs.filter(shipped_at__lt=clock.day_bounds(date_to)[1])
    if shop_id:
        qs = qs.filter(order__shop_id=shop_id)
    return qs


def active_delays() -> QuerySet[CourierDelay]:
    return CourierDelay.objects.filter(lifted_at__isnull=True).select_related(
        "declared_by"
    )


def delay_covering(*, courier: str, province: str) -> CourierDelay | None:
    """Return the active delay of `courier` that covers `province`, if any."""
    return (
        active_delays()
        .filter(Q(province="") | Q(province=province), courier=courier)
        .first()
    )


def delay_list() -> QuerySet[CourierDelay]:
    return CourierDelay.objects.select_related("declared_by", "lifted_by").annotate(
        hold_count=Count("holds")
    )


def delays_with_holds() -> QuerySet[CourierDelay]:
    """Courier delays with who declared and lifted them and the holds' orders loaded."""
    return CourierDelay.objects.select_related(
        "declared_by", "lifted_by"
    ).prefetch_related("holds__order")


def handoff_problem_list(
    *, start: dt.datetime | None = None, end: dt.datetime | None = None
) -> QuerySet[HandoffProblem]:
    qs = HandoffProblem.objects.select_related("order", "recorded_by")
    if start:
        qs = qs.filter(at__gte=start)
    if end:
        qs = qs.filter(at__lt=end)
    return qs


# --- the weekly analysis --------------------------------------------------------


def week_bounds(week: IsoWeek) -> tuple[dt.datetime, dt.datetime]:
    """Return [Monday 00:00, next Monday 00:00) of an ISO week, shop-local."""
    return clock.day_bounds(week.monday)[0], clock.day_bounds(week.sunday)[1]


def week_parse(text: str | None) -> IsoWeek:
    """Return the ISO week of "2025-W24" (or of a date in it); this week when empty."""
    if not text:
        return clock.this_week()
    match = _WEEK.match(text.strip())
    try:
        if match:
            year, week = int(match[1]), int(match[2])
            dt.date.fromisocalendar(year, week, 1)  # refuses week 53 of a short year
            return IsoWeek(year, week)
        return clock.iso_week(dt.date.fromisoformat(text.strip()))
    except ValueError:
        pass
    raise ValueError(_("周的格式应为 2025-W24"))


def _percent(part: int, whole: int) -> Decimal:
    if not whole:
        return Decimal("0.0")
    return (Decimal(part * 100) / Decimal(whole)).quantize(
        Decimal("0.1"), rounding=ROUND_HALF_UP
    )


@dataclass
class QcRate:
    key: str
    label: str
    checked: int
    failed: int

    @property
    def rate(self) -> Decimal:
        """Return the failed units per hundred checked, to one decimal."""
        return _percent(self.failed, self.checked)


@dataclass
class LateOrder:
    order_id: int
    order_no: str
    paid_at: dt.datetime
    shipped_at: dt.datetime

    @property
    def hours(self) -> Decimal:
        seconds = Decimal((self.shipped_at - self.paid_at).total_seconds())
        return (seconds / 3600).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


@dataclass
class CourierProblems:
    courier: str
    label: str
    total: int
    by_kind: dict[str, int]


@dataclass
class ReturnedSku:
    """Goods buyers sent back in the week, of one SKU: how many, how many damaged."""

    outer_code: str
    returned: int
    damaged: int

    @property
    def damaged_rate(self) -> Decimal:
        return _percent(self.damaged, self.returned)


@dataclass
class WeeklyShippingAnalysis:
    week: IsoWeek
    qc_checked: int
    qc_failed: int
    qc_by_sku: list[QcRate]
    qc_by_supplier: list[QcRate]
    holds_by_reason: list[tuple[str, str, int]]
    shipped: int
    late: list[LateOrder]
    problems: list[CourierProblems]
    returns: list[ReturnedSku] = field(default_factory=list)

    @property
    def qc_rate(self) -> Decimal:
        return _percent(self.qc_failed, self.qc_checked)

    @property
    def late_rate(self) -> Decimal:
        return _percent(len(self.late), self.shipped)

    @property
    def holds_total(self) -> int:
        return sum(n for _r, _l, n in self.holds_by_reason)

    @property
    def problems_total(self) -> int:
        return sum(p.total for p in self.problems)

    def chart_data(self) -> dict[str, Any]:
        """Return the series the page's charts draw (numbers, not Decimals)."""
        kinds = HandoffProblem.Kind.choices
        return {
            "text": {
                "rate": _("不合格率（%）"),
                "failed": _("不合格件数"),
                "empty": _("本周没有数据"),
            },
            "qc_sku": {
                "labels": [r.label for r in self.qc_by_sku[:15]],
                "rates": [float(r.rate) for r in self.qc_by_sku[:15]],
                "failed": [r.failed for r in self.qc_by_sku[:15]],
            },
            "qc_supplier": {
                "labels": [r.label for r in self.qc_by_supplier[:15]],
                "rates": [float(r.rate) for r in self.qc_by_supplier[:15]],
            },
            "holds": [
                {"name": label, "value": n} for _r, label, n in self.holds_by_reason
            ],
            "problems": {
                "couriers": [p.label for p in self.problems],
                "series": [
                    {
                        "name": str(label),
                        "data": [p.by_kind.get(kind, 0) for p in self.problems],
                    }
                    for kind, label in kinds
                ],
            },
        }


def _qc_rates(checks: QuerySet[QualityCheck], key: str, label: str) -> list[QcRate]:
    rows = (
        checks.values(key, label)
        .annotate(
            checked=Sum("quantity"),
            failed=Sum("quantity", filter=Q(result=QualityCheck.Result.FAIL)),
        )
        .order_by()
    )
    rates = [
        QcRate(
            key=str(row[key] or ""),
            label=row[label] or _("（无）"),
            checked=row["checked"] or 0,
            failed=row["failed"] or 0,
        )
        for row in rows
    ]
    return sorted(rates, key=lambda r: (-r.rate, -r.failed, r.label))


def shipping_analysis_for_week(week: IsoWeek) -> WeeklyShippingAnalysis:
    """Return the week's quality-check failure rates by SKU and supplier, holds by
    reason, orders shipped more than 48 hours after payment, the hand-off problems by
    courier (LOG-2.6, OPS-3.4), and the goods buyers sent back, by SKU."""
    start, end = week_bounds(week)
    checks = QualityCheck.objects.filter(checked_at__gte=start, checked_at__lt=end)
    totals = checks.aggregate(
        checked=Sum("quantity"),
        failed=Sum("quantity", filter=Q(result=QualityCheck.Result.FAIL)),
    )
    by_sku = _qc_rates(checks, "sku", "sku__outer_code")
    by_supplier = _qc_rates(
        checks, "sku__product__default_supplier", "sku__product__default_supplier__name"
    )

    held = dict(
        Hold.objects.filter(created_at__gte=start, created_at__lt=end)
        .values_list("reason")
        .annotate(n=Count("pk"))
        .values_list("reason", "n")
    )
    holds_by_reason = [
        (str(value), str(label), held.get(value, 0))
        for value, label in HoldReason.choices
    ]

    shipped_rows = list(
        Order.objects.filter(shipped_at__gte=start, shipped_at__lt=end)
        .values_list("pk", "order_no", "paid_at", "shipped_at")
        .order_by("shipped_at", "pk")
    )
    late = [
        LateOrder(order_id=pk, order_no=no, paid_at=paid, shipped_at=shipped)
        for pk, no, paid, shipped in shipped_rows
        if paid is not None and shipped is not None and shipped - paid > LATE_AFTER
    ]

    counts: dict[str, dict[str, int]] = defaultdict(dict)
    for courier, kind, n in (
        handoff_problem_list(start=start, end=end)
        .values_list("courier", "kind")
        .annotate(n=Count("pk"))
        .values_list("courier", "kind", "n")
        .order_by()
    ):
        counts[courier][kind] = n
    labels = dict(Courier.choices)
    problems = sorted(
        (
            CourierProblems(
                courier=courier,
                label=str(labels.get(courier, courier)),
                total=sum(by_kind.values()),
                by_kind=by_kind,
            )
            for courier, by_kind in counts.items()
        ),
        key=lambda p: (-p.total, p.courier),
    )
    returns = [
        ReturnedSku(outer_code=code, returned=int(units), damaged=int(damaged or 0))
        for code, units, damaged in Movement.objects.filter(
            kind=Movement.Kind.RETURN, at__gte=start, at__lt=end
        )
        .values_list("level__sku__outer_code")
        .annotate(units=Sum("on_hand_delta"), damaged=Sum("quarantined_delta"))
        .values_list("level__sku__outer_code", "units", "damaged")
        .order_by("-units", "level__sku__outer_code")
    ]
    return WeeklyShippingAnalysis(
        week=week,
        qc_checked=totals["checked"] or 0,
        qc_failed=totals["failed"] or 0,
        qc_by_sku=by_sku,
        qc_by_supplier=by_supplier,
        holds_by_reason=holds_by_reason,
        shipped=len(shipped_rows),
        late=late,
        problems=problems,
        returns=returns,
    )
