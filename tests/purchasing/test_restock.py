"""Goods that arrive serve the orders held as out of stock: a receipt reserves them,
oldest paid first, and releases their holds; so does shipping's reserve step for
stock that came back another way. Orders the buyer is settling by refund or exchange
are left to their after-sale."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.test import Client

from shopops.aftersales.models import AfterSale
from shopops.aftersales.services import after_sale_raise, hold_outcome_record
from shopops.core.models import Notification
from shopops.orders.models import Hold, HoldReason, Order
from shopops.purchasing import services
from shopops.purchasing.models import PurchaseOrder, PurchaseOrderLine
from shopops.purchasing.services import ReceiveLine
from shopops.shipping.selectors import orders_waiting_to_pack
from shopops.shipping.services import orders_reserve_waiting
from shopops.stock.models import Movement, Reservation
from shopops.stock.services import stock_receive, stock_reserve_order

pytestmark = pytest.mark.django_db


@pytest.fixture
def gas(make_supplier, make_sku):
    return make_sku("GAS", supplier=make_supplier("gear"))


@pytest.fixture
def purchase_order(gas, frozen_clock):
    now = frozen_clock("2026-11-26 10:00")
    po = PurchaseOrder.objects.create(
        number="PO20261125-gear",
        supplier=gas.product.default_supplier,
        state=PurchaseOrder.State.ORDERED,
        cutoff_day=dt.date(2026, 11, 25),
        created_at=now,
        ordered_at=now,
    )
    PurchaseOrderLine.objects.create(
        order=po, sku=gas, quantity=10, unit_price=Decimal("9.90")
    )
    return po


def _held(make_order, sku, quantity: int, paid_at: str) -> Order:
    """A paid order the ledger could not serve: held as out of stock."""
    order = make_order((sku, quantity), paid_at=paid_at)
    assert not stock_reserve_order(actor=None, order=order).reserved
    assert _out_of_stock_hold(order).released_at is None
    return order


def _out_of_stock_hold(order: Order) -> Hold:
    return order.holds.get(reason=HoldReason.OUT_OF_STOCK)


def _reserved_units(order: Order) -> int:
    return sum(
        r.quantity
        for r in Reservation.objects.filter(
            line__order=order, state=Reservation.State.ACTIVE
        )
    )


def _receive(purchase_order, actor, quantity: int, **options):
    line = purchase_order.lines.get()
    return services.purchase_order_receive(
        actor=actor,
        purchase_order=purchase_order,
        lines=[ReceiveLine(line.pk, quantity)],
        **options,
    )


def test_a_receipt_serves_held_orders_oldest_first_and_skips_those_still_short(
    gas, purchase_order, make_order, make_staff, people
):
    shipping = make_staff("shipping")
    too_big = _held(make_order, gas, 20, "2026-11-24 09:00")
    first = _held(make_order, gas, 4, "2026-11-24 10:00")
    second = _held(make_order, gas, 5, "2026-11-25 09:00")
    third = _held(make_order, gas, 3, "2026-11-25 10:00")

    receipt = _receive(purchase_order, people.logistics.user, 10)

    # 10 units: the 20-unit order stays short; the next two (4 + 5) fit, the third not.
    assert receipt.served_orders == [first.order_no, second.order_no]
    receipt.refresh_from_db()
    assert receipt.served_orders == [first.order_no, second.order_no]
    for order, units in ((first, 4), (second, 5)):
        assert _reserved_units(order) == units
        hold = _out_of_stock_hold(order)
        assert hold.released_at is not None
        assert hold.released_by == people.logistics.user
        order.refresh_from_db()
        assert order.flag is None
    for order in (too_big, third):
        assert _reserved_units(order) == 0
        assert _out_of_stock_hold(order).released_at is None
    assert set(orders_waiting_to_pack()) == {first, second}
    told = Notification.objects.get(recipient=shipping.user)
    assert receipt.number in told.title
    assert "2" in told.title


def test_orders_settled_by_refund_or_exchange_or_after_sale_are_left_alone(
    gas, purchase_order, make_order, people, make_staff
):
    evening = make_staff("customer_service", shift="evening")
    refund = _held(make_order, gas, 1, "2026-11-24 09:00")
    hold_outcome_record(
        actor=evening.user, hold=_out_of_stock_hold(refund), outcome="refund"
    )
    pending = _held(make_order, gas, 1, "2026-11-24 10:00")
    after_sale_raise(
        actor=evening.user,
        order=pending,
        kind=AfterSale.Kind.REFUND_ONLY,
        amount=Decimal("50.00"),
        reason="买家要求部分退款",
    )
    waiting = _held(make_order, gas, 1, "2026-11-24 11:00")
    hold_outcome_record(
        actor=evening.user,
        hold=_out_of_stock_hold(waiting),
        outcome=Hold.Outcome.AGREED_TO_WAIT,
    )

    receipt = _receive(purchase_order, people.logistics.user, 10)

    assert receipt.served_orders == [waiting.order_no]
    assert _reserved_units(refund) == _reserved_units(pending) == 0
    # the evening shift, who told that buyer to wait, hears that it ships
    told = Notification.objects.get(recipient=evening.user, title__contains="已到货")
    assert waiting.order_no in told.title
    assert told.url == f"/orders/{waiting.pk}/"


def test_an_order_held_for_another_reason_too_is_reserved_but_stays_held(
    gas, purchase_order, make_order, people
):
    from shopops.orders.services import order_hold

    order = _held(make_order, gas, 2, "2026-11-24 09:00")
    order_hold(actor=None, order=order, reason=HoldReason.OTHER, note="买家改地址")

    receipt = _receive(purchase_order, people.logistics.user, 10)

    assert receipt.served_orders == [order.order_no]
    assert _reserved_units(order) == 2
    assert order.holds.filter(released_at__isnull=True).get().reason == "other"
    assert order not in orders_waiting_to_pack()


def test_without_serving_the_held_orders_stay_held(
    gas, purchase_order, make_order, people
):
    order = _held(make_order, gas, 2, "2026-11-24 09:00")
    receipt = _receive(purchase_order, people.logistics.user, 10, serve_held=False)
    assert receipt.served_orders == []
    assert _reserved_units(order) == 0


def test_the_reserve_step_releases_held_orders_that_stock_now_serves(
    gas, make_order, make_staff
):
    clerk = make_staff("shipping").user
    held = _held(make_order, gas, 2, "2026-11-24 09:00")
    fresh = make_order((gas, 1), paid_at="2026-11-25 09:00")
    stock_receive(
        actor=None, sku=gas, quantity=3, reason="买家退货", kind=Movement.Kind.RETURN
    )

    summary = orders_reserve_waiting(actor=clerk)

    assert summary.released == [held.order_no]
    assert summary.reserved == [held.order_no, fresh.order_no]
    assert _out_of_stock_hold(held).released_by == clerk
    assert _reserved_units(held) == 2
    assert _reserved_units(fresh) == 1


def test_the_receive_page_and_api_say_which_orders_were_served(
    gas, purchase_order, make_order, people
):
    order = _held(make_order, gas, 2, "2026-11-24 09:00")
    client = Client()
    client.force_login(people.logistics.user)
    line = purchase_order.lines.get()

    page = client.post(
        f"/purchasing/orders/{purchase_order.pk}/receive/",
        {f"qty_{line.pk}": "4"},
        follow=True,
    )
    text = page.content.decode()
    assert "1 个缺货订单已预留库存并解除扣留" in text
    assert order.order_no in text

    later = _held(make_order, gas, 5, "2026-11-25 09:00")
    api = client.post(
        f"/api/v1/purchasing/orders/{purchase_order.pk}/receive",
        {"lines": [{"order_line_id": line.pk, "quantity": 6}]},
        content_type="application/json",
    )
    assert api.status_code == 201, api.content
    assert api.json()["served_orders"] == [later.order_no]
