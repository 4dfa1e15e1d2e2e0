"""Shipping: the replay of past shipments, failed quality checks, the couriers'
hand-off problems, and today's picked and checked wave."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from functools import partial
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError

from shopops.demo.operations.base import BATCH, DEFECTS, HANDOFF_NOTES, _Level, known
from shopops.demo.operations.purchasing import _Purchasing
from shopops.demo.timeline import at, local_day
from shopops.orders.models import HoldReason, Order
from shopops.orders.services import order_hold
from shopops.shipping.couriers import courier_from_name
from shopops.shipping.models import HandoffProblem, QualityCheck, Shipment
from shopops.shipping.services import (
    handoff_problem_record,
    pick_list_create,
    qc_pass_all,
    qc_record,
)
from shopops.stock.models import (
    Movement,
    Reservation,
    StockLevel,
)
from shopops.stock.services import stock_quarantine

if TYPE_CHECKING:
    from shopops.orders.models import OrderLine


class _Shipping(_Purchasing):
    def plan_shipments(self) -> None:
        """Draw when each shipment of the period reserved and passed its check."""
        rng = self.rng
        self.ship_plan: dict[int, tuple[dt.datetime, dt.datetime]] = {}
        self.by_day: dict[dt.date, list[tuple[Order, list[OrderLine]]]] = defaultdict(
            list
        )
        self.units: dict[int, list[tuple[dt.datetime, int]]] = defaultdict(list)
        for order, lines in self.orders:
            shipped = order.shipped_at
            if shipped is None or local_day(shipped) < self.go_live:
                continue
            reserved = max(
                known(order.paid_at),
                shipped - dt.timedelta(minutes=rng.uniform(20, 90)),
            )
            checked = max(reserved, shipped - dt.timedelta(minutes=rng.uniform(2, 15)))
            self.ship_plan[order.pk] = (reserved, checked)
            self.by_day[local_day(shipped)].append((order, lines))
            for line in lines:
                if line.sku_id:
                    self.units[line.sku_id].append((reserved, line.quantity))
        for day_orders in self.by_day.values():
            day_orders.sort(key=lambda x: (x[0].shipped_at, x[0].pk))

    def ship_day(self, day: dt.date) -> None:
        """Replay the day's shipments: reserve each order's units first expiry first
        out (never an expired lot), check them, ship them (in bulk, see the module's
        docstring). A SKU short for the day is bought in a hurry that morning."""
        orders = self.by_day.get(day)
        if not orders:
            return
        levels = self.load_levels()
        need: dict[int, int] = defaultdict(int)
        for _order, lines in orders:
            for line in lines:
                if line.sku_id:
                    need[line.sku_id] += line.quantity
        short = {
            sku_id: units - sum(lv.available for lv in levels[sku_id] if lv.usable(day))
            for sku_id, units in sorted(need.items())
        }
        short = {sku_id: n for sku_id, n in short.items() if n > 0}
        if short:
            self.clock.set(at(day, 8, 10))
            for sku_id, missing in short.items():
                self.hurry(sku_id, missing, day)
            levels = self.load_levels()
        shipper = self.user["shipping"]
        movements: list[Movement] = []
        reservations: list[Reservation] = []
        checks: list[QualityCheck] = []
        shipments: list[Shipment] = []
        touched: dict[int, _Level] = {}
        for order, lines in orders:
            reserved, checked = self.ship_plan[order.pk]
            shipped = known(order.shipped_at)
            for line in lines:
                checks.append(
                    QualityCheck(
                        order_id=order.pk,
                        line_id=line.pk,
                        sku_id=line.sku_id,
                        quantity=line.quantity,
                        result=QualityCheck.Result.PASS,
                        checked_at=checked,
                        checked_by=shipper,
                    )
                )
                if not line.sku_id:
                    continue
                left = line.quantity
                taken: list[tuple[int, int]] = []
                for level in levels[line.sku_id]:
                    take = min(left, level.available) if level.usable(day) else 0
                    if take <= 0:
                        continue
                    level.on_hand -= take
                    touched[level.pk] = level
                    left -= take
                    taken.append((level.pk, take))
                    movements += [
                        Movement(
                            at=reserved,
                            kind=Movement.Kind.RESERVATION,
                            level_id=level.pk,
                            reserved_delta=take,
                            order_id=order.pk,
                            reference=order.order_no,
                            actor=shipper,
                        ),
                        Movement(
                            at=shipped,
                            kind=Movement.Kind.SHIPMENT,
                            level_id=level.pk,
                            on_hand_delta=-take,
                            reserved_delta=-take,
                            order_id=order.pk,
                            reference=order.tracking_no,
                            actor=shipper,
                        ),
                    ]
                    reservations.append(
                        Reservation(
                            line_id=line.pk,
                            level_id=level.pk,
                            quantity=take,
                            state=Reservation.State.SHIPPED,
                            created_at=reserved,
                        )
                    )
                    if not left:
                        break
                if left:  # hurry() bought what was short: cannot happen
                    raise RuntimeError(f"{order.order_no}: {line.outer_code} short")
                self.shipped_from[line.pk] = taken
            courier = courier_from_name(order.courier)
            if courier and not self.tracking_used(courier, order.tracking_no):
                shipments.append(
                    Shipment(
                        order_id=order.pk,
                        courier=courier,
                        tracking_no=order.tracking_no,
                        shipped_at=shipped,
                        shipped_by=shipper,
                    )
                )
        Movement.objects.bulk_create(movements, batch_size=BATCH)
        Reservation.objects.bulk_create(reservations, batch_size=BATCH)
        QualityCheck.objects.bulk_create(checks, batch_size=BATCH)
        Shipment.objects.bulk_create(shipments, batch_size=BATCH)
        StockLevel.objects.bulk_update(
            [StockLevel(pk=lv.pk, on_hand=lv.on_hand) for lv in touched.values()],
            ["on_hand"],
            batch_size=BATCH,
        )

    def tracking_used(self, courier: str, number: str) -> bool:
        key = (courier, number)
        if key in self.tracking:
            return True
        self.tracking.add(key)
        return False

    def quality_failed(
        self, order: Order, line: OrderLine, defect: str, note: str
    ) -> None:
        """A unit failed the check at packing: set it aside and hold the order (as
        `shipping.services.qc_record` does, for an order that shipped since)."""
        self.as_if(order, status=Order.Status.PAID)
        checker = self.user["shipping"]
        QualityCheck.objects.create(
            order=order,
            line=line,
            sku_id=line.sku_id,
            quantity=1,
            result=QualityCheck.Result.FAIL,
            defect_reason=defect,
            note=note,
            checked_at=self.clock.moment,
            checked_by=checker,
        )
        label = QualityCheck.Defect(defect).label
        level = (
            StockLevel.objects.filter(sku_id=line.sku_id or 0)
            .select_related("lot")
            .order_by("lot__expiry_date", "pk")
        )
        spare = next((lv for lv in level if lv.available >= 1), None)
        if spare is not None:
            stock_quarantine(
                actor=checker,
                level=spare,
                quantity=1,
                reason=f"质检不合格：订单 {order.order_no} {line.outer_code}（{label}）",
            )
            # Logistics inspects it a few days later (no draw from the generator's
            # random sequence, so the rest of the demo stays as it was).
            self.timeline.add(
                self.clock.moment + dt.timedelta(days=2 + order.pk % 5, hours=3),
                partial(self.settle_quarantined, spare.pk, defect, order.order_no),
            )
        self.holds[order.pk] = order_hold(
            actor=checker,
            order=order,
            reason=HoldReason.QUALITY,
            note=f"{line.outer_code} × 1：{label}（{note}）",
        )

    def schedule_handoff_problems(self) -> None:
        """Shipping logs a few hand-off problems a week (LOG-2.6), this week's so
        far included."""
        rng = self.rng
        kinds = list(HANDOFF_NOTES)
        per_week = 3 if self.b.scale.name == "full" else 1
        monday = self.go_live - dt.timedelta(days=self.go_live.weekday())
        while monday <= self.today:
            week = [
                order
                for d in range(7)
                for order, _ in self.by_day.get(monday + dt.timedelta(days=d), [])
                if known(order.shipped_at) < self.now - dt.timedelta(hours=2)
            ]
            for order in rng.sample(week, min(per_week, len(week))):
                kind = rng.choices(kinds, weights=(40, 15, 10, 25, 10))[0]
                when = known(order.shipped_at) + dt.timedelta(
                    minutes=rng.uniform(10, 110)
                )
                courier = courier_from_name(order.courier)
                if courier:
                    self.timeline.add(
                        when,
                        partial(
                            handoff_problem_record,
                            actor=self.user["shipping"],
                            courier=courier,
                            kind=kind,
                            note=HANDOFF_NOTES[kind],
                            order=None
                            if kind == HandoffProblem.Kind.MISSED_PICKUP
                            else order,
                            at=when,
                        ),
                    )
            monday += dt.timedelta(days=7)

    def pick_and_check(self) -> None:
        """Pick a wave of the reserved orders and check most of them at the pack
        station; a unit or two fails (set aside, the order held for the evening)."""
        rng = self.rng
        packer = self.user["shipping"]
        try:
            pick_list = pick_list_create(actor=packer, limit=40)
        except ValidationError:
            return
        orders = list(
            Order.objects.filter(pick_lists=pick_list)
            .prefetch_related("lines")
            .order_by("paid_at", "pk")
        )
        # The packers got through most of the wave; the rest waits for its check.
        pending = max(1, len(orders) // 3) if len(orders) > 1 else 0
        checked = orders[: len(orders) - pending]
        failures = 2 if self.b.scale.name == "full" else 1
        failing = {o.pk for o in rng.sample(checked, min(failures, len(checked)))}
        for order in checked:
            self.clock.set(self.clock.moment + dt.timedelta(minutes=2))
            if order.pk not in failing:
                qc_pass_all(actor=packer, order=order)
                continue
            line = next(x for x in order.lines.all() if x.sku_id)
            defect, note = rng.choice(DEFECTS)
            qc_record(
                actor=packer,
                order=order,
                line=line,
                result=QualityCheck.Result.FAIL,
                quantity=1,
                defect_reason=defect,
                note=note,
            )
