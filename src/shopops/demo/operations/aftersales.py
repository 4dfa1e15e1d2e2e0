"""After-sales: refunds, returns, partial refunds, requests waiting or rejected, and
logistics' decisions on them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from shopops.aftersales.models import AfterSale
from shopops.aftersales.services import (
    after_sale_confirm,
    after_sale_raise,
    after_sale_reject,
)
from shopops.demo.operations.base import (
    COMPENSATIONS,
    EXCHANGE_REASONS,
    REJECT_NOTES,
    known,
)
from shopops.demo.operations.shipping import _Shipping
from shopops.orders.models import Order
from shopops.stock.services import ReturnedLine


class _AfterSales(_Shipping):
    def schedule_after_sales(self) -> None:
        """After-sale requests as the order history tells them: cancellations and
        returns refunded, compensations paid, requests still waiting; and a few of
        today's requests, a few refused."""
        rng = self.rng
        add = self.timeline.add
        delivered: list[Order] = []
        for order, _lines in self.orders:
            if not self.in_period(order.paid_at):
                continue
            paid = known(order.paid_at)
            refunded = order.refund_state == Order.RefundState.REFUNDED
            if refunded and order.shipped_at is None:  # cancelled before shipping
                raised = paid + dt.timedelta(hours=rng.uniform(0.3, 12))
                raised = min(raised, self.now - dt.timedelta(hours=1))
                add(raised, self.bind_refund(order, self.next_slot(raised)))
            elif refunded:  # returned
                raised = known(order.shipped_at) + dt.timedelta(days=rng.uniform(3, 6))
                decided = raised + dt.timedelta(days=rng.uniform(2, 4))
                if decided < self.now:
                    add(raised, self.bind_return(order, decided))
            elif order.refund_state == Order.RefundState.PARTIAL:
                raised = known(order.shipped_at) + dt.timedelta(days=rng.uniform(2, 5))
                decided = self.next_slot(raised)
                if raised < self.now and decided < self.now:
                    add(raised, self.bind_partial(order, decided))
            elif order.refund_state == Order.RefundState.REQUESTED:
                base = order.shipped_at or paid
                raised = min(
                    base + dt.timedelta(hours=rng.uniform(2, 30)),
                    self.now - dt.timedelta(minutes=rng.uniform(20, 300)),
                )
                add(max(raised, base), self.bind_request(order))
            elif order.status in (Order.Status.SHIPPED, Order.Status.COMPLETED):
                delivered.append(order)
        rng.shuffle(delivered)
        full = self.b.scale.name == "full"
        week_ago = self.now - dt.timedelta(days=7)
        refused = [o for o in delivered if o.confirmed_at and o.confirmed_at < week_ago]
        for order in refused[: 6 if full else 1]:
            raised = known(order.confirmed_at) + dt.timedelta(days=rng.uniform(1, 6))
            decided = self.next_slot(raised)
            if decided < self.now:
                add(raised, self.bind_rejected(order, decided))
        recent = [
            o
            for o in delivered
            if o not in refused[: 6 if full else 1]
            and o.shipped_at is not None
            and self.now - dt.timedelta(days=20) < o.shipped_at
            and o.shipped_at < self.now - dt.timedelta(days=3)
        ]
        for index, order in enumerate(recent[: 4 if full else 3]):
            raised = self.now - dt.timedelta(hours=rng.uniform(1, 30))
            add(raised, self.bind_waiting(order, exchange=index % 2 == 0))

    def fetch(self, order: Order) -> Order:
        return Order.objects.get(pk=order.pk)

    def bind_refund(self, order: Order, decided: dt.datetime) -> Callable[[], None]:
        def raise_() -> None:
            self.as_if(
                order,
                status=Order.Status.PAID,
                refund_state="",
                refunded_amount=None,
                close_reason="",
            )
            after_sale = after_sale_raise(
                actor=self.user["cs_after_sale"],
                order=self.fetch(order),
                kind=AfterSale.Kind.REFUND_ONLY,
                amount=order.paid_amount,
                reason=order.close_reason.partition("：")[2] or "买家申请退款",
            )

            def confirm() -> None:
                self.decide(after_sale, confirm=True)
                self.restore(order, "close_reason")

            self.timeline.add(decided, confirm, clamp=True)

        return raise_

    def bind_return(self, order: Order, decided: dt.datetime) -> Callable[[], None]:
        def raise_() -> None:
            self.as_if(
                order,
                status=Order.Status.SHIPPED,
                refund_state="",
                refunded_amount=None,
                close_reason="",
                confirmed_at=None,
            )
            reason = order.close_reason.partition("：")[2] or "七天无理由退货"
            after_sale = after_sale_raise(
                actor=self.user["cs_after_sale"],
                order=self.fetch(order),
                kind=AfterSale.Kind.RETURN_REFUND,
                amount=order.paid_amount,
                reason=reason,
            )

            def confirm() -> None:
                after_sale_confirm(
                    actor=self.user["logistics"],
                    after_sale=after_sale,
                    note="退货已签收",
                    returned=self.returned(order, reason),
                )
                self.restore(order, "status", "close_reason", "confirmed_at")

            self.timeline.add(decided, confirm, clamp=True)

        return raise_

    def returned(self, order: Order, reason: str) -> list[ReturnedLine]:
        """What came back of a return: every unit shipped, set aside to be inspected
        when the buyer reports a quality problem or when the SKU is one that runs out
        by today (its stock stays at zero until the supplier delivers)."""
        _order, lines = self.by_no[order.order_no]
        back = []
        for line in lines:
            units = sum(n for _level, n in self.shipped_from.get(line.pk, []))
            if not units:
                continue
            damaged = "质量" in reason or line.sku_id in self.roles.doomed
            back.append(
                ReturnedLine(
                    line_id=line.pk,
                    good=0 if damaged else units,
                    damaged=units if damaged else 0,
                )
            )
        return back

    def bind_partial(self, order: Order, decided: dt.datetime) -> Callable[[], None]:
        def raise_() -> None:
            self.as_if(order, refund_state="", refunded_amount=None)
            reason = self.rng.choice(COMPENSATIONS)[1]
            after_sale = after_sale_raise(
                actor=self.user["cs_after_sale"],
                order=self.fetch(order),
                kind=AfterSale.Kind.REFUND_ONLY,
                amount=order.refunded_amount,
                reason=reason,
            )
            self.timeline.add(
                decided, lambda: self.decide(after_sale, confirm=True), clamp=True
            )

        return raise_

    def bind_request(self, order: Order) -> Callable[[], None]:
        def raise_() -> None:
            shipped = order.shipped_at is not None
            after_sale_raise(
                actor=self.user["cs_after_sale"],
                order=self.fetch(order),
                kind=AfterSale.Kind.RETURN_REFUND
                if shipped
                else AfterSale.Kind.REFUND_ONLY,
                amount=order.paid_amount,
                reason=self.rng.choice(("七天无理由退货", "尺码不合适"))
                if shipped
                else self.rng.choice(("不想要了", "拍错了/多拍了")),
            )

        return raise_

    def bind_rejected(self, order: Order, decided: dt.datetime) -> Callable[[], None]:
        def raise_() -> None:
            after_sale = after_sale_raise(
                actor=self.user["cs_after_sale"],
                order=self.fetch(order),
                kind=AfterSale.Kind.RETURN_REFUND,
                amount=order.paid_amount,
                reason="七天无理由退货",
            )
            self.timeline.add(
                decided, lambda: self.decide(after_sale, confirm=False), clamp=True
            )

        return raise_

    def bind_waiting(self, order: Order, *, exchange: bool) -> Callable[[], None]:
        def raise_() -> None:
            _order, lines = self.by_no[order.order_no]
            line = next((x for x in lines if x.sku_id), None)
            item = self.items.get(line.sku_id or 0) if line else None
            others = (
                [
                    i.sku
                    for i in self.items.values()
                    if i.product.pk == item.product.pk and i.sku.pk != item.sku.pk
                ]
                if item
                else []
            )
            if exchange and others and line is not None:
                after_sale_raise(
                    actor=self.user["cs_after_sale"],
                    order=self.fetch(order),
                    kind=AfterSale.Kind.EXCHANGE,
                    reason=self.rng.choice(EXCHANGE_REASONS),
                    exchange_sku=others[0],
                    exchange_quantity=line.quantity,
                )
                return
            amount, reason = self.rng.choice(COMPENSATIONS)
            after_sale_raise(
                actor=self.user["cs_after_sale"],
                order=self.fetch(order),
                kind=AfterSale.Kind.REFUND_ONLY,
                amount=min(amount, order.paid_amount or amount),
                reason=reason,
            )

        return raise_

    def decide(self, after_sale: AfterSale, *, confirm: bool) -> None:
        if confirm:
            after_sale_confirm(
                actor=self.user["logistics"], after_sale=after_sale, note="已核实"
            )
        else:
            after_sale_reject(
                actor=self.user["logistics"],
                after_sale=after_sale,
                note=self.rng.choice(REJECT_NOTES),
            )
