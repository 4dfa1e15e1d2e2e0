"""The demo company at work: the stock ledger, purchasing, shipping, holds and
after-sales since the go-live, and what each role finds to do today."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter, defaultdict
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Sum

from shopops.aftersales.models import AfterSale
from shopops.catalog.models import Product, Sku
from shopops.core import clock
from shopops.core.duties import registry
from shopops.core.models import Notification
from shopops.demo.operations import first_of_previous_month
from shopops.orders.models import Complaint, Hold, HoldReason, Order
from shopops.orders.selectors import evening_queue
from shopops.purchasing.models import (
    PurchaseOrder,
    PurchaseSuggestion,
    ReceiptLine,
    SupplierPrice,
)
from shopops.purchasing.selectors import purchasing_day
from shopops.shipping.models import CourierDelay, HandoffProblem, QualityCheck, Shipment
from shopops.shipping.selectors import qc_passed, qc_status
from shopops.stock.models import (
    CountLine,
    CountSheet,
    Location,
    Lot,
    Movement,
    Reservation,
    StockLevel,
    StockReport,
    Warehouse,
)
from shopops.stock.reports import previous_month
from shopops.stock.selectors import stockouts

PLACE = re.compile(r"^[A-E]-\d{2}-\d{2}$")


def local(moment: dt.datetime) -> dt.datetime:
    return moment.astimezone(clock.shop_zone())


def user(username: str) -> Any:
    return get_user_model().objects.get(username=username)


def worklist(duty_id: str, username: str) -> int:
    """Return the count the duty's worklist shows `username` today."""
    provider = registry.get(duty_id).worklist
    assert provider is not None, duty_id
    return provider(user(username), clock.today()).count


def test_the_warehouse_and_its_ledger(demo: str) -> None:
    warehouse = Warehouse.objects.get()
    assert warehouse.is_default
    places = list(Location.objects.values_list("code", flat=True))
    assert sum(1 for code in places if PLACE.match(code)) >= 10
    # Every SKU on sale was counted in at the go-live, or has run out since.
    on_sale = set(
        Sku.objects.filter(product__status=Product.Status.ACTIVE).values_list(
            "pk", flat=True
        )
    )
    stocked = set(StockLevel.objects.values_list("sku_id", flat=True))
    assert on_sale - stocked <= set(stockouts().values_list("pk", flat=True))
    assert len(on_sale - stocked) <= 2
    # The cached quantities are the sums of the ledger, and never went below zero.
    sums = {
        row["level_id"]: (row["on_hand"], row["reserved"], row["quarantined"])
        for row in Movement.objects.values("level_id").annotate(
            on_hand=Sum("on_hand_delta"),
            reserved=Sum("reserved_delta"),
            quarantined=Sum("quarantined_delta"),
        )
    }
    reserved = dict(
        Reservation.objects.filter(state=Reservation.State.ACTIVE)
        .values("level_id")
        .annotate(n=Sum("quantity"))
        .values_list("level_id", "n")
    )
    for level in StockLevel.objects.all():
        assert sums[level.pk] == (level.on_hand, level.reserved, level.quarantined)
        assert reserved.get(level.pk, 0) == level.reserved
        assert level.available >= 0
    running: dict[int, int] = defaultdict(int)
    for level_id, delta in Movement.objects.order_by("at", "pk").values_list(
        "level_id", "on_hand_delta"
    ):
        running[level_id] += delta
        assert running[level_id] >= 0
    # Only paid orders hold reservations, whole orders at a time.
    for order in Order.objects.filter(
        lines__reservations__state=Reservation.State.ACTIVE
    ).distinct():
        assert order.status == Order.Status.PAID
        assert not order.holds.filter(
            released_at__isnull=True, reason=HoldReason.OUT_OF_STOCK
        ).exists()
        for line in order.lines.filter(sku__isnull=False):
            units = line.reservations.filter(state=Reservation.State.ACTIVE)
            assert units.aggregate(n=Sum("quantity"))["n"] == line.quantity


def test_orders_shipped_since_the_go_live_left_the_ledger(demo: str) -> None:
    go_live = clock.at(first_of_previous_month(clock.today()), dt.time(8))
    shipped = list(
        Order.objects.filter(shipped_at__gte=go_live).prefetch_related("lines")
    )
    assert len(shipped) >= 50
    out: dict[tuple[int, int], int] = defaultdict(int)
    for order_id, sku_id, units in Movement.objects.filter(
        kind=Movement.Kind.SHIPMENT
    ).values_list("order_id", "level__sku_id", "on_hand_delta"):
        out[(order_id, sku_id)] -= units
    shipments = dict(Shipment.objects.values_list("order_id", "tracking_no"))
    for order in shipped:
        for line in order.lines.all():
            if line.sku_id:
                assert out[(order.pk, line.sku_id)] >= line.quantity, order.order_no
        assert shipments[order.pk] == order.tracking_no
        assert qc_passed(qc_status(order)), order.order_no
    assert not Movement.objects.filter(
        kind=Movement.Kind.SHIPMENT, at__lt=go_live
    ).exists()


def test_lots_expire_and_stock_runs_out(demo: str) -> None:
    today = clock.today()
    in_stock = Lot.objects.filter(stock_levels__on_hand__gt=0).distinct()
    days_left = sorted(
        (lot.expiry_date - today).days
        for lot in in_stock.filter(expiry_date__isnull=False)
        if lot.expiry_date is not None
        and lot.expiry_date <= today + dt.timedelta(days=90)
    )
    assert any(d <= 0 for d in days_left), days_left  # expired
    expiring = [d for d in days_left if d > 0]
    assert len({(d - 1) // 30 for d in expiring}) >= 2, days_left  # 30, 60, 90
    for lot in Lot.objects.select_related("sku__product"):
        has_shelf_life = bool(lot.sku.product.shelf_life_days)
        assert bool(lot.lot_no) == has_shelf_life
        assert (lot.expiry_date is not None) == has_shelf_life
    # Last week's count found the expired lot and set it aside.
    sheet = CountSheet.objects.get()
    assert sheet.state == CountSheet.State.POSTED
    assert sheet.posted_at is not None
    assert 6 <= (today - local(sheet.posted_at).date()).days <= 9
    expired = CountLine.objects.get(sheet=sheet, quality=CountLine.Quality.EXPIRED)
    assert expired.posted_quarantine
    assert StockLevel.objects.filter(quarantined__gt=0).exists()
    # A few SKUs on sale have nothing available.
    assert 1 <= stockouts().count() <= 12
    report = StockReport.objects.get(month=previous_month(today))
    assert report.data["summary"]


def test_purchasing_history_and_todays_suggestions(demo: str) -> None:
    today = clock.today()
    with_supplier = Sku.objects.filter(product__default_supplier__isnull=False)
    priced = set(SupplierPrice.objects.values_list("sku_id", flat=True))
    assert set(with_supplier.values_list("pk", flat=True)) <= priced
    states = Counter(PurchaseOrder.objects.values_list("state", flat=True))
    assert states[PurchaseOrder.State.RECEIVED] >= 5
    assert states[PurchaseOrder.State.ORDERED] >= 1
    go_live = first_of_previous_month(today)
    for order in PurchaseOrder.objects.all():
        assert order.cutoff_day is not None
        assert go_live <= order.cutoff_day <= today
        assert order.number == f"PO{order.cutoff_day:%Y%m%d}-{order.supplier.code}"
    for line in ReceiptLine.objects.select_related("order_line__sku__product"):
        if line.order_line.sku.product.shelf_life_days:
            assert line.lot_no
            assert line.expiry_date is not None
    day = purchasing_day()
    assert PurchaseSuggestion.objects.filter(day=day).exists()
    assert worklist("LOG-1.1", "logistics") > 0


def test_every_role_finds_work_today(demo: str) -> None:
    """The Today pages: each duty's worklist counts real work."""
    for duty_id, username in (
        ("CS-1", "cs_evening"),
        ("CS-2", "cs_after_sale"),
        ("LOG-1.1", "logistics"),
        ("LOG-1.2", "logistics"),
        ("LOG-2.2", "logistics"),
        ("LOG-2.3", "logistics"),
        ("LOG-2.4", "logistics"),
        ("LOG-4.2", "logistics"),
        ("LOG-2.1", "shipping"),
        ("LOG-2.5", "shipping"),
        ("LOG-2.6", "shipping"),
        ("OPS-2.5", "ops_manager"),
    ):
        assert worklist(duty_id, username) > 0, duty_id
    assert worklist("LOG-1.4", "logistics") == 0  # last month's report is built


def test_the_evening_queue_and_the_holds_of_the_past(demo: str) -> None:
    queue = list(evening_queue())
    assert 1 <= len(queue) <= 15
    started = clock.at(clock.today() - dt.timedelta(days=1), dt.time(20))
    for hold in queue:
        assert hold.order.status == Order.Status.PAID
        assert hold.created_at >= started
    reasons = Counter(h.reason for h in Hold.objects.all())
    assert reasons[HoldReason.OUT_OF_STOCK] >= 1
    assert reasons[HoldReason.QUALITY] >= 1
    assert reasons[HoldReason.COURIER_DELAY] >= 1
    for hold in Hold.objects.select_related("order"):
        assert hold.order.paid_at is not None
        assert hold.created_at >= hold.order.paid_at
        if hold.handled_at is not None:
            assert hold.outcome
            handled = local(hold.handled_at)
            assert handled.hour == 20 or hold.handled_at == hold.created_at
        if hold.released_at is not None and hold.order.shipped_at is not None:
            assert hold.released_at <= hold.order.shipped_at
    assert Hold.objects.filter(released_at__isnull=False).exists()
    assert Hold.objects.filter(handled_at__isnull=False).exists()
    delay = CourierDelay.objects.get(lifted_at__isnull=True)
    assert delay.holds.exists()


def test_after_sales_and_complaints(demo: str) -> None:
    states = Counter(AfterSale.objects.values_list("state", flat=True))
    assert states[AfterSale.State.REQUESTED] >= 1
    assert states[AfterSale.State.CONFIRMED] >= 1
    assert states[AfterSale.State.REJECTED] >= 1
    confirmed: dict[int, Any] = defaultdict(int)
    for order_id, amount in AfterSale.objects.filter(
        state=AfterSale.State.CONFIRMED
    ).values_list("order_id", "amount"):
        confirmed[order_id] += amount
    for order in Order.objects.filter(pk__in=confirmed):
        if confirmed[order.pk]:
            assert order.refunded_amount == confirmed[order.pk], order.order_no
    complaints = Counter(Complaint.objects.values_list("state", flat=True))
    assert complaints[Complaint.State.OPEN] + complaints[Complaint.State.IN_PROGRESS]
    assert complaints[Complaint.State.RESOLVED] + complaints[Complaint.State.CLOSED]
    for complaint in Complaint.objects.filter(resolved_at__isnull=False):
        assert complaint.outcome


def test_a_failed_check_sets_the_unit_aside_and_holds_the_order(demo: str) -> None:
    failures = list(
        QualityCheck.objects.filter(result=QualityCheck.Result.FAIL).select_related(
            "order"
        )
    )
    assert failures
    for check in failures:
        assert check.defect_reason
        hold = Hold.objects.get(order=check.order, reason=HoldReason.QUALITY)
        assert hold.created_at == check.checked_at
    today = [c for c in failures if local(c.checked_at).date() == clock.today()]
    assert today
    for check in today:
        assert Movement.objects.filter(
            kind=Movement.Kind.QUARANTINE, reason__contains=check.order.order_no
        ).exists()
    assert HandoffProblem.objects.exists()
    # What happened before last night's shift has been read; what came since has not.
    start = clock.at(clock.today() - dt.timedelta(days=1), dt.time(20))
    assert not Notification.objects.filter(
        created_at__lt=start, read_at__isnull=True
    ).exists()
    assert Notification.objects.filter(
        recipient__username="cs_evening", read_at__isnull=True
    ).exists()
