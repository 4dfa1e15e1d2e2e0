"""Orders and customer service: the open orders and the SKUs with a part to play, the
stories that become holds with the evening shift's outcomes, complaints, today's
open orders and a courier's delay."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING

from shopops.aftersales.models import AfterSale
from shopops.aftersales.services import hold_outcome_record
from shopops.catalog.models import Product, Sku
from shopops.demo import timeline
from shopops.demo.operations.aftersales import _AfterSales
from shopops.demo.operations.base import COMPLAINTS, DEFECTS, OUTCOMES, _Open, known
from shopops.demo.timeline import local_day, next_evening
from shopops.orders.models import Complaint, Hold, HoldReason, Order
from shopops.orders.services import (
    complaint_create,
    complaint_update,
    hold_release,
    order_hold,
)
from shopops.shipping.couriers import courier_from_name, names_of
from shopops.shipping.services import (
    courier_delay_apply,
    courier_delay_declare,
)
from shopops.stock.services import stock_reserve_order

if TYPE_CHECKING:
    from shopops.orders.models import OrderLine


class _Service(_AfterSales):
    def plan_open_orders(self) -> None:
        """Draw when each paid, unshipped order is reserved (or held)."""
        rng = self.rng
        for order, lines in self.orders:
            if order.status != Order.Status.PAID or order.refund_state:
                continue
            paid = known(order.paid_at)
            when = paid + dt.timedelta(minutes=rng.uniform(3, 40))
            when = max(paid, min(when, self.now - dt.timedelta(minutes=1)))
            self.open.append(_Open(order, lines, when))
        self.open.sort(key=lambda o: (o.reserve_at, o.order.pk))
        self.last_evening = timeline.last_evening(self.now)

    def plan_roles(self) -> None:
        """Choose the SKUs with old or expired lots and those that run out, and what
        today does with each open order; then the opening balance."""
        rng = self.rng
        roles = self.roles
        in_open = {line.sku_id for o in self.open for line in o.lines if line.sku_id}
        waiting = {
            code
            for o in self.open
            if (code := self.b.stories.waiting_for_stock.get(o.order.order_no))
        }
        active = [
            sku_id
            for sku_id, item in sorted(self.items.items())
            if item.product.status == Product.Status.ACTIVE
        ]
        shelf = [s for s in active if self.shelf_life(s)]
        rng.shuffle(shelf)
        expired_days = (12, 2) if self.b.scale.name == "full" else (12,)
        for days in expired_days:
            free = [s for s in shelf if s not in in_open and s not in roles.expired]
            if free:
                roles.expired[free[0]] = self.today - dt.timedelta(days=days)
                if roles.counted_expired is None:
                    roles.counted_expired = free[0]
        offsets = (
            (9, 24, 38, 52, 67, 83) if self.b.scale.name == "full" else (15, 45, 75)
        )
        spare = [
            s
            for s in shelf
            if s not in roles.expired and self.items[s].sku.outer_code not in waiting
        ]
        for sku_id, days in zip(spare, offsets, strict=False):
            roles.expiring[sku_id] = days
        self.plan_doomed(active, in_open)

    def plan_doomed(self, active: list[int], in_open: set[int]) -> None:
        """Let some SKUs run out by today: those the waiting orders miss, one the
        supplier cannot deliver any more, more until this evening's queue has work,
        and one that no open order wants."""
        rng = self.rng
        roles = self.roles
        taken = set(roles.expiring) | set(roles.expired)
        by_code = {item.sku.outer_code: sku_id for sku_id, item in self.items.items()}
        for o in self.open:
            code = self.b.stories.waiting_for_stock.get(o.order.order_no)
            sku_id = by_code.get(code or "")
            if sku_id and sku_id not in taken:
                roles.doomed.setdefault(sku_id, HoldReason.OUT_OF_STOCK)
        candidates = sorted(
            s for s in in_open if s not in taken and s not in roles.doomed
        )
        rng.shuffle(candidates)
        if candidates:
            roles.doomed[candidates.pop()] = HoldReason.CANNOT_BUY
        self.assign_open_plans()
        target = rng.randint(7, 11) if self.b.scale.name == "full" else 4
        for sku_id in candidates:
            before = self.fresh_holds()
            if before >= target - 3:  # the courier delay and the checks add a few
                break
            roles.doomed[sku_id] = HoldReason.OUT_OF_STOCK
            self.assign_open_plans()
            reserved = sum(1 for o in self.open if o.plan == "reserve")
            if not before < self.fresh_holds() <= 12 or reserved < 4:
                del roles.doomed[sku_id]  # no help, or nothing left to pick today
                self.assign_open_plans()
        sold = [
            s
            for s in active
            if s not in in_open
            and s not in taken
            and s not in roles.doomed
            and len(self.units.get(s, [])) >= 2
            and not self.shelf_life(s)
        ]
        if sold:
            roles.doomed[rng.choice(sold)] = "ran_out"
        for sku_id, kind in roles.doomed.items():
            if kind != HoldReason.CANNOT_BUY:
                self.plan_reorder(sku_id)

    def assign_open_plans(self) -> None:
        """Decide, for today's state of the doomed SKUs, which open orders are
        reserved and which are held (and why)."""
        last_use = {
            sku_id: max((t for t, _ in self.units.get(sku_id, [])), default=None)
            for sku_id in self.roles.doomed
        }
        stories = self.b.stories
        for o in self.open:
            o.plan, o.note = "reserve", ""
            missing = [
                line
                for line in o.lines
                if line.sku_id in self.roles.doomed
                # Orders reserved before the last units left were served.
                and not (
                    (used := last_use[line.sku_id]) is not None and o.reserve_at < used
                )
            ]
            no = o.order.order_no
            if any(
                self.roles.doomed[line.sku_id or 0] == "cannot_buy" for line in missing
            ):
                line = next(
                    x
                    for x in missing
                    if self.roles.doomed[x.sku_id or 0] == "cannot_buy"
                )
                o.plan = HoldReason.CANNOT_BUY
                o.note = f"{line.outer_code}：厂家已停产，无法补货"
            elif missing:
                # The stock ledger holds it when it tries to reserve (its own note).
                o.plan = HoldReason.OUT_OF_STOCK
            elif no in stories.waiting_for_stock:
                o.plan = HoldReason.OUT_OF_STOCK
                o.note = f"{stories.waiting_for_stock[no]} 缺货，等待供应商到货"
            elif no in stories.ship_later:
                o.plan = HoldReason.OTHER
                o.note = "买家要求延后发货，周六再发"

    def fresh_holds(self) -> int:
        return sum(
            1 for o in self.open if o.plan != "reserve" and self.fresh(o.reserve_at)
        )

    def evening_outcome(self, created: dt.datetime) -> dt.datetime | None:
        """Return when the evening shift handles a hold made at `created`, or None if
        it has not yet: every past evening handles its holds, tonight about half."""
        handled = next_evening(created) + dt.timedelta(minutes=self.rng.uniform(2, 55))
        if handled > self.now:
            return None
        if local_day(handled) == self.today and self.rng.random() < 0.5:
            return None
        return handled

    def siblings(self, sku_id: int | None) -> list[Sku]:
        """Return the other SKUs of the product of `sku_id` (what to exchange for)."""
        item = self.items.get(sku_id or 0)
        if item is None:
            return []
        return [
            other.sku
            for other in self.items.values()
            if other.product.pk == item.product.pk and other.sku.pk != sku_id
        ]

    def schedule_payments(self) -> None:
        """Keep the paid, unshipped orders unpaid until their payment: the history
        must not see an order before it was paid (a hold made then, a suggestion)."""
        waiting = [
            order for order, _lines in self.orders if order.status == Order.Status.PAID
        ]
        Order.objects.filter(pk__in=[o.pk for o in waiting]).update(
            status=Order.Status.AWAITING_PAYMENT
        )
        planned = {o.order.pk for o in self.open}
        for order in waiting:
            if order.pk not in planned:  # the open orders are paid when taken
                self.timeline.add(
                    known(order.paid_at),
                    partial(self.as_if, order, status=Order.Status.PAID),
                    clamp=True,
                )

    def schedule_stories(self) -> None:
        """Holds of orders that shipped late: for want of stock, or after a check
        failed."""
        rng = self.rng
        stories = self.b.stories
        for no, code in stories.late_out_of_stock.items():
            order, lines = self.by_no[no]
            paid, shipped = known(order.paid_at), known(order.shipped_at)
            held = paid + dt.timedelta(minutes=rng.uniform(10, 50))
            if not self.in_period(held):
                continue
            released = shipped - dt.timedelta(minutes=rng.uniform(30, 90))
            handled = self.evening_outcome(held)
            if handled is not None and handled > released - dt.timedelta(minutes=5):
                handled = None
            line = next((x for x in lines if x.outer_code == code), lines[0])
            others = self.siblings(line.sku_id)
            exchange = others[0] if others and rng.random() < 0.15 else None
            self.timeline.add(
                held, self.bind_hold(order, line, exchange, handled, released)
            )
        for no, planned in stories.late_quality.items():
            order, lines = self.by_no[no]
            paid, shipped = known(order.paid_at), known(order.shipped_at)
            failed = max(
                paid + dt.timedelta(minutes=10),
                planned - dt.timedelta(minutes=rng.uniform(5, 25)),
            )
            if not self.in_period(failed):
                continue
            handled = self.evening_outcome(failed)
            released = shipped - dt.timedelta(minutes=rng.uniform(40, 100))
            if handled is not None and handled > released - dt.timedelta(minutes=5):
                handled = None
            checked = [x for x in lines if x.sku_id not in self.roles.doomed]
            if not checked:
                continue
            line = rng.choice(checked)
            defect, note = rng.choice(DEFECTS)
            self.timeline.add(
                failed,
                partial(self.quality_failed, order, line, defect, note),
            )
            if handled is not None:
                self.timeline.add(
                    handled,
                    partial(
                        self.outcome,
                        order,
                        Hold.Outcome.AGREED_TO_WAIT,
                        "已告知买家，换新件后发出",
                    ),
                )
            self.timeline.add(
                released,
                partial(self.release, order, "已换新件并复检合格", "status"),
                clamp=True,
            )

    def bind_hold(
        self,
        order: Order,
        line: OrderLine,
        exchange: Sku | None,
        handled: dt.datetime | None,
        released: dt.datetime,
    ) -> Callable[[], None]:
        def hold() -> None:
            self.as_if(order, status=Order.Status.PAID)
            if exchange is not None:
                reason = HoldReason.CANNOT_BUY
                note = f"{line.outer_code}：供应商断货，暂无法订购"
            else:
                reason = HoldReason.OUT_OF_STOCK
                note = f"{line.outer_code} 缺 {line.quantity}"
            self.holds[order.pk] = order_hold(
                actor=self.user["logistics"], order=order, reason=reason, note=note
            )
            if handled is not None:
                self.timeline.add(handled, lambda: self.handle(order, exchange, line))
            self.timeline.add(
                released,
                lambda: self.release(order, "到货，解除扣留", "status"),
                clamp=True,
            )

        return hold

    def handle(self, order: Order, exchange: Sku | None, line: OrderLine) -> None:
        """The evening shift tells the buyer of a hold of the past; an exchange goes
        to logistics, who confirms it in its next round."""
        if exchange is None:
            outcome, note = self.rng.choices(OUTCOMES, weights=(65, 25, 10))[0]
            self.outcome(order, outcome, note)
            return
        hold = self.holds[order.pk]
        hold_outcome_record(
            actor=self.user["cs_evening"],
            hold=hold,
            outcome=Hold.Outcome.EXCHANGE,
            note=f"买家同意换成 {exchange.attributes}",
            exchange_sku=exchange,
            exchange_quantity=line.quantity,
        )
        after_sale = AfterSale.objects.filter(hold=hold).first()
        if after_sale is not None:
            self.timeline.add(
                self.next_slot(self.clock.moment),
                lambda: self.decide(after_sale, confirm=True),
                clamp=True,
            )

    def outcome(self, order: Order, outcome: str, note: str) -> None:
        hold = self.holds.get(order.pk)
        if hold is not None:
            hold_outcome_record(
                actor=self.user["cs_evening"], hold=hold, outcome=outcome, note=note
            )

    def release(self, order: Order, note: str, *restore: str) -> None:
        hold = self.holds.pop(order.pk, None)
        if (
            hold is not None
            and Hold.objects.filter(pk=hold.pk, released_at__isnull=True).exists()
        ):
            hold_release(actor=self.user["logistics"], hold=hold, note=note)
        if restore:
            self.restore(order, *restore)

    def schedule_complaints(self) -> None:
        """Complaints and disputes: two still open (one being worked on), the rest
        resolved within days."""
        rng = self.rng
        delivered = [
            order
            for order, _ in self.orders
            if self.in_period(order.shipped_at)
            and order.status in (Order.Status.SHIPPED, Order.Status.COMPLETED)
            and not order.refund_state
        ]
        count = len(COMPLAINTS) if self.b.scale.name == "full" else 3
        chosen = rng.sample(delivered, min(count, len(delivered)))
        for index, order in enumerate(chosen):
            kind, text, result = COMPLAINTS[index % len(COMPLAINTS)]
            shipped = known(order.shipped_at)
            if index == 0:
                state, raised = Complaint.State.OPEN, self.now
            elif index == 1:
                state, raised = Complaint.State.IN_PROGRESS, self.now
            else:
                state = (
                    Complaint.State.CLOSED if index == 5 else Complaint.State.RESOLVED
                )
                raised = shipped
            raised = min(
                raised - dt.timedelta(hours=rng.uniform(3, 40)),
                shipped + dt.timedelta(days=rng.uniform(2, 5)),
            )
            raised = max(raised, shipped + dt.timedelta(hours=20))
            self.timeline.add(
                raised,
                partial(self.complain, order, kind, text, result, state),
            )

    def complain(
        self, order: Order, kind: str, text: str, result: str, state: str
    ) -> None:
        complaint = complaint_create(
            actor=self.user["cs_after_sale"],
            order=self.fetch(order),
            kind=kind,
            description=text,
        )
        if state == Complaint.State.OPEN:
            return
        later = self.clock.moment + dt.timedelta(hours=self.rng.uniform(1, 6))
        self.timeline.add(
            later,
            lambda: complaint_update(
                actor=self.user["ops_manager"],
                complaint=complaint,
                state=Complaint.State.IN_PROGRESS,
                outcome="已联系买家，跟进中",
            ),
            clamp=True,
        )
        if state in (Complaint.State.RESOLVED, Complaint.State.CLOSED):
            done = later + dt.timedelta(days=self.rng.uniform(1, 3))
            self.timeline.add(
                done,
                lambda: complaint_update(
                    actor=self.user["ops_manager"],
                    complaint=complaint,
                    state=state,
                    outcome=result,
                ),
                clamp=True,
            )

    def take_open(self, o: _Open) -> None:
        """A paid order comes in: reserve it, or hold it for what it waits for."""
        order = o.order
        self.as_if(order, status=Order.Status.PAID)
        if o.plan == "reserve" or (o.plan == HoldReason.OUT_OF_STOCK and not o.note):
            result = stock_reserve_order(actor=self.user["logistics"], order=order)
            if result.reserved:
                return
            hold = Hold.objects.filter(order=order, released_at__isnull=True).first()
        else:
            hold = order_hold(
                actor=self.user["logistics"], order=order, reason=o.plan, note=o.note
            )
        if hold is None:
            return
        self.holds[order.pk] = hold
        handled = self.evening_outcome(hold.created_at)
        if handled is not None:
            self.timeline.add(handled, lambda: self.handle_open(order, o))

    def handle_open(self, order: Order, o: _Open) -> None:
        """The evening shift tells the buyer; a few ask for their money back, which
        logistics confirms in its next round."""
        hold = self.holds.get(order.pk)
        if hold is None:
            return
        if o.plan == HoldReason.OTHER:
            self.outcome(order, Hold.Outcome.INFORMED, "已与买家确认周六发货")
            return
        if self.rng.random() < 0.15:
            hold_outcome_record(
                actor=self.user["cs_evening"],
                hold=hold,
                outcome=Hold.Outcome.REFUND,
                note="买家不想等了，申请退款",
            )
            after_sale = AfterSale.objects.filter(hold=hold).first()
            decided = self.next_slot(self.clock.moment)
            if after_sale is not None and decided < self.now:
                self.timeline.add(
                    decided, lambda: self.decide(after_sale, confirm=True)
                )
            return
        outcome, note = self.rng.choices(OUTCOMES, weights=(65, 25, 10))[0]
        self.outcome(order, outcome, note)

    def declare_delay(self, *, again: bool = True) -> None:
        """A courier stops carrying to one province today (weather): logistics
        declares the delay, which holds the orders it was to carry there. If no
        courier had orders to carry in the morning, it happens later in the day."""
        moment = self.clock.moment
        waiting = {o.order.pk for o in self.open if o.reserve_at <= moment}
        pairs = sorted(
            {
                (o.order.courier, o.order.province)
                for o in self.open
                if o.reserve_at <= moment
                and o.plan == "reserve"
                and courier_from_name(o.order.courier)
                and o.order.province
            }
        )
        self.rng.shuffle(pairs)
        for name, province in pairs:
            courier = courier_from_name(name)
            held = set(
                Order.objects.filter(
                    status=Order.Status.PAID,
                    courier__in=names_of(courier),
                    province=province,
                ).values_list("pk", flat=True)
            )
            if not held or held - waiting or len(held) > 3:
                continue  # only today's waiting orders, and not too many of them
            delay = courier_delay_declare(
                actor=self.user["logistics"],
                courier=courier,
                province=province,
                note=f"{province}降雪，{name}网点暂停揽收，恢复时间待通知",
            )
            for hold in delay.holds.filter(released_at__isnull=True).order_by("pk"):
                self.holds.setdefault(hold.order_id, hold)
                handled = self.evening_outcome(hold.created_at)
                if handled is not None:
                    self.timeline.add(
                        handled,
                        partial(
                            self.outcome,
                            hold.order,
                            Hold.Outcome.INFORMED,
                            "已告知买家快递恢复后发出",
                        ),
                    )
            self.timeline.add(
                self.now,
                partial(courier_delay_apply, actor=self.user["logistics"], delay=delay),
            )
            return
        later = self.now - dt.timedelta(minutes=2)
        if again and moment < later:
            self.timeline.add(later, partial(self.declare_delay, again=False))
