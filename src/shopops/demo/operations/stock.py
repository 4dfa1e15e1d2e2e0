"""Logistics at the warehouse: the opening balance, receiving lots against purchase
orders, the levels the shipment replay reads, counts and the monthly report."""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from typing import TYPE_CHECKING

from shopops.catalog.models import Product
from shopops.demo.operations.base import SALES_WINDOW, _Base, _Level
from shopops.demo.timeline import at, local_day
from shopops.orders.models import Order
from shopops.purchasing.models import (
    RECEIVABLE_STATES,
    PurchaseOrder,
)
from shopops.purchasing.services import (
    ReceiveLine,
    purchase_order_receive,
)
from shopops.shipping.models import QualityCheck
from shopops.stock.counts import (
    count_line_record,
    count_sheet_create,
    count_sheet_post,
    count_sheet_submit,
)
from shopops.stock.models import (
    CountLine,
    CountSheet,
    Movement,
    StockLevel,
)
from shopops.stock.reports import previous_month, stock_report_build
from shopops.stock.services import (
    stock_quarantine_resolve,
    stock_receive,
)

if TYPE_CHECKING:
    from shopops.demo.generator import _Item


class _Stock(_Base):
    def opening_balance(self) -> None:
        """Count the warehouse on the go-live morning: every SKU on sale and what is
        left of some retired ones, with lots for the products with a shelf life."""
        rng = self.rng
        start = at(self.go_live, 0)
        window_start = start - dt.timedelta(days=SALES_WINDOW)
        self.sales_before: dict[int, int] = defaultdict(int)
        for order, lines in self.orders:
            if (
                order.paid_at is not None
                and window_start <= order.paid_at < start
                and order.status != Order.Status.CLOSED
            ):
                for line in lines:
                    if line.sku_id:
                        self.sales_before[line.sku_id] += line.quantity
        open_units: dict[int, int] = defaultdict(int)
        for o in self.open:
            if o.plan == "reserve":
                for line in o.lines:
                    if line.sku_id:
                        open_units[line.sku_id] += line.quantity
        receipts = 0
        for sku_id, item in sorted(self.items.items()):
            product = item.product
            used = sum(q for _, q in self.units.get(sku_id, []))
            if product.status == Product.Status.DRAFT:
                continue
            if product.status == Product.Status.DISCONTINUED:
                quantity = rng.randint(1, 8) if rng.random() < 0.5 else 0
                quantity += used
            elif sku_id in self.roles.doomed:
                quantity = used + open_units[sku_id]
            else:
                # Stocked for the season: what sold lately, or what the weeks until
                # the first deliveries will take, whichever is more.
                daily = self.sales_before[sku_id] / SALES_WINDOW
                supplier = product.default_supplier
                lead = supplier.lead_time_days if supplier else 3
                ahead = sum(
                    q
                    for t, q in self.units.get(sku_id, [])
                    if local_day(t) < self.go_live + dt.timedelta(days=lead + 12)
                )
                quantity = max(
                    3,
                    math.ceil(daily * rng.uniform(20, 40)),
                    math.ceil(ahead * rng.uniform(1.0, 1.25)),
                ) + rng.randint(0, 3)
            old = None
            if sku_id in self.roles.expiring:
                left = rng.randint(6, 30)
                expiry = self.today + dt.timedelta(days=self.roles.expiring[sku_id])
                old = (used + open_units[sku_id] + left, expiry)
            elif sku_id in self.roles.expired:
                expiry = self.roles.expired[sku_id]
                before = sum(
                    q for t, q in self.units.get(sku_id, []) if local_day(t) < expiry
                )
                old = (before + rng.randint(4, 12), expiry)
            if old is not None:
                shelf = self.shelf_life(sku_id) or 365
                self.receive_lot(
                    item,
                    old[0],
                    production=old[1] - dt.timedelta(days=shelf),
                    reason="期初库存（上线盘点）",
                    reference=f"OPENING-{self.go_live:%Y%m%d}",
                )
                receipts += 1
            if quantity > 0:
                shelf = self.shelf_life(sku_id) or 0
                self.receive_lot(
                    item,
                    quantity,
                    production=self.go_live
                    - dt.timedelta(days=rng.randint(5, max(6, shelf // 8))),
                    reason="期初库存（上线盘点）",
                    reference=f"OPENING-{self.go_live:%Y%m%d}",
                )
                receipts += 1
        self.stage(f"opening balance: {receipts:,} lots received")

    def lot_number(self, sku_id: int, production: dt.date) -> str:
        used = self.lot_numbers[sku_id]
        for letter in "ABCDEFGHJK":
            number = f"{production:%y%m%d}{letter}"
            if number not in used:
                used.add(number)
                return number
        raise AssertionError("ten lots of one SKU in a day")

    def lot_for(
        self, item: _Item, production: dt.date
    ) -> tuple[str, dt.date | None, dt.date | None]:
        """Return (lot number, production date, expiry date) for a delivery."""
        shelf = item.product.shelf_life_days
        if not shelf:
            return "", None, None
        production = min(production, local_day(self.clock.moment))
        return (
            self.lot_number(item.sku.pk, production),
            production,
            production + dt.timedelta(days=shelf),
        )

    def receive_lot(
        self,
        item: _Item,
        quantity: int,
        *,
        production: dt.date,
        reason: str,
        reference: str,
    ) -> None:
        lot_no, made, expiry = self.lot_for(item, production)
        stock_receive(
            actor=self.user["logistics"],
            sku=item.sku,
            quantity=quantity,
            location=self.home[item.product.pk],
            lot_no=lot_no,
            production_date=made,
            expiry_date=expiry,
            reference=reference,
            reason=reason,
        )

    def receive_due(self, day: dt.date) -> None:
        """Receive the purchase orders that arrive on `day`."""
        rng = self.rng
        orders = list(
            PurchaseOrder.objects.filter(state__in=RECEIVABLE_STATES)
            .prefetch_related("lines")
            .order_by("pk")
        )
        arriving = 0
        for order in orders:
            due = self.arrival.get(order.pk)
            if due is None and order.expected_date is not None:
                late = rng.choices((0, 1, 2), weights=(80, 15, 5))[0]
                due = order.expected_date + dt.timedelta(days=late)
                self.arrival[order.pk] = due
            if due is None or due > day:
                continue
            self.clock.set(at(day, 7, 30) + dt.timedelta(minutes=3 * arriving))
            arriving += 1
            self.receive(order, day)

    def receive(self, order: PurchaseOrder, day: dt.date) -> None:
        rng = self.rng
        lines = [line for line in order.lines.all() if line.outstanding > 0]
        if not lines:
            return
        first = order.state == PurchaseOrder.State.ORDERED
        short = first and rng.random() < 0.12
        short_line = rng.choice(lines) if short else None
        close = not first and rng.random() < 0.3
        items = []
        for line in sorted(lines, key=lambda x: x.pk):
            item = self.items[line.sku_id]
            quantity = line.outstanding
            if line is short_line and quantity >= 2:
                quantity = max(1, round(quantity * rng.uniform(0.5, 0.85)))
            elif close:
                quantity = max(1, round(quantity * rng.uniform(0.7, 0.95)))
            elif first and rng.random() < 0.04:
                quantity += max(1, quantity // 30)
            shelf = item.product.shelf_life_days or 0
            made = day - dt.timedelta(
                days=rng.randint(20, 150) if shelf > 500 else rng.randint(5, 40)
            )
            lot_no, production, expiry = self.lot_for(item, made)
            items.append(
                ReceiveLine(
                    order_line_id=line.pk,
                    quantity=quantity,
                    lot_no=lot_no,
                    production_date=production,
                    expiry_date=expiry,
                )
            )
        purchase_order_receive(
            actor=self.user["logistics"],
            purchase_order=order,
            lines=items,
            note="供应商通知：余下的不再发货" if close else "",
            close=close,
            serve_held=False,  # each held order's story plays out on its own
        )
        order.refresh_from_db(fields=["state"])
        if order.state == PurchaseOrder.State.PARTIALLY_RECEIVED:
            self.arrival[order.pk] = day + dt.timedelta(days=rng.randint(2, 4))

    def load_levels(self) -> dict[int, list[_Level]]:
        levels: dict[int, list[_Level]] = defaultdict(list)
        for row in StockLevel.objects.values_list(
            "pk",
            "sku_id",
            "on_hand",
            "reserved",
            "quarantined",
            "lot_id",
            "lot__expiry_date",
            "location__code",
        ).order_by("pk"):
            level = _Level(*row)
            levels[level.sku_id].append(level)
        for group in levels.values():
            group.sort(key=_Level.fefo)
        return levels

    def settle_quarantined(self, level_id: int, defect: str, order_no: str) -> None:
        """A unit set aside at packing, inspected: the wrong item goes back on sale,
        a damaged or defective one is scrapped."""
        level = StockLevel.objects.get(pk=level_id)
        if level.quarantined < 1:
            return  # a count settled it meanwhile
        wrong = defect == QualityCheck.Defect.WRONG_ITEM
        stock_quarantine_resolve(
            actor=self.user["logistics"],
            level=level,
            quantity=1,
            outcome=Movement.Kind.UNQUARANTINE if wrong else Movement.Kind.SCRAP,
            reason=f"复检（订单 {order_no}）："
            + ("商品完好，恢复可售" if wrong else "无法修复，报废"),
        )

    def count(self, day: dt.date) -> None:
        """Count the shelf-life products (LOG-1.3): an expired lot is found and set
        aside, a unit is missing, another damaged."""
        rng = self.rng
        counter = self.user["logistics"]
        sku_id = self.roles.counted_expired
        category = (
            self.items[sku_id].product.category
            if sku_id is not None
            else next(
                i.product.category
                for i in self.items.values()
                if i.spec.name == "户外食品"
            )
        )
        sheet = count_sheet_create(
            actor=counter,
            scope=CountSheet.Scope.CATEGORY,
            category=category,
            note="保质期商品周盘",
        )
        lines = list(
            CountLine.objects.filter(sheet=sheet)
            .select_related("sheet", "level__lot")
            .order_by("pk")
        )
        missing = rng.choice(lines) if lines else None
        damaged = rng.choice(lines) if lines else None
        for index, line in enumerate(lines):
            self.clock.set(at(day, 15, 5) + dt.timedelta(minutes=index))
            on_hand = StockLevel.objects.get(pk=line.level_id).on_hand
            lot = line.level.lot
            if lot.expiry_date is not None and lot.expiry_date <= day and on_hand:
                count_line_record(
                    actor=counter,
                    line=line,
                    counted=on_hand,
                    quality=CountLine.Quality.EXPIRED,
                    note="已过期，下架隔离",
                )
            elif line is damaged and on_hand >= 3:
                count_line_record(
                    actor=counter,
                    line=line,
                    counted=on_hand,
                    quality=CountLine.Quality.DAMAGED,
                    problem_quantity=1,
                    note="外包装破损 1 件",
                )
            elif line is missing and on_hand >= 2:
                count_line_record(
                    actor=counter, line=line, counted=on_hand - 1, note="少 1 件"
                )
            else:
                count_line_record(actor=counter, line=line, counted=on_hand)
        self.clock.set(at(day, 16))
        count_sheet_submit(actor=counter, sheet=sheet)
        self.clock.set(at(day, 16, 30))
        count_sheet_post(actor=self.user["ops_manager"], sheet=sheet)

    def monthly_report(self) -> None:
        stock_report_build(actor=None, month=previous_month(self.today))
