"""Receiving against a purchase order: lots and expiry into the stock ledger, partial
receipts, over- and under-deliveries, and cancelling."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from shopops.core.models import Notification
from shopops.purchasing import selectors, services
from shopops.purchasing.models import PurchaseOrder, PurchaseOrderLine
from shopops.purchasing.services import ReceiveLine
from shopops.stock.models import Movement, StockLevel

pytestmark = pytest.mark.django_db


@pytest.fixture
def order(frozen_clock, make_supplier, make_sku):
    """An ordered PO: 10 gas canisters (shelf life 3 years) and 6 poles."""
    now = frozen_clock("2026-11-26 18:00:30")
    supplier = make_supplier("gear")
    gas = make_sku("GAS", supplier=supplier, shelf_life_days=1095)
    pole = make_sku("POLE", supplier=supplier)
    po = PurchaseOrder.objects.create(
        number="PO20261126-gear",
        supplier=supplier,
        state=PurchaseOrder.State.ORDERED,
        cutoff_day=dt.date(2026, 11, 26),
        created_at=now,
        ordered_at=now,
    )
    PurchaseOrderLine.objects.create(
        order=po, sku=gas, quantity=10, unit_price=Decimal("9.90")
    )
    PurchaseOrderLine.objects.create(
        order=po, sku=pole, quantity=6, unit_price=Decimal("30.00")
    )
    return po


def _line(order, code) -> PurchaseOrderLine:
    return order.lines.get(sku__outer_code=code)


def test_a_receipt_with_lots_puts_stock_in_through_the_ledger(order, people):
    gas, pole = _line(order, "GAS"), _line(order, "POLE")
    receipt = services.purchase_order_receive(
        actor=people.logistics.user,
        purchase_order=order,
        lines=[
            ReceiveLine(
                gas.pk,
                6,
                lot_no="L2611A",
                production_date=dt.date(2026, 11, 1),
                expiry_date=dt.date(2029, 11, 1),
            ),
            ReceiveLine(gas.pk, 4, lot_no="L2611B", expiry_date=dt.date(2029, 12, 1)),
            ReceiveLine(pole.pk, 6),
        ],
    )
    order.refresh_from_db()
    assert order.state == PurchaseOrder.State.RECEIVED
    assert receipt.number == "PO20261126-gear-R1"
    levels = {
        (lv.sku.outer_code, lv.lot.lot_no): (lv.on_hand, lv.lot.expiry_date)
        for lv in StockLevel.objects.select_related("sku", "lot")
    }
    assert levels == {
        ("GAS", "L2611A"): (6, dt.date(2029, 11, 1)),
        ("GAS", "L2611B"): (4, dt.date(2029, 12, 1)),
        ("POLE", ""): (6, None),
    }
    movements = Movement.objects.filter(kind=Movement.Kind.RECEIPT)
    assert movements.count() == 3
    assert set(movements.values_list("reference", flat=True)) == {order.number}
    assert sum(movements.values_list("on_hand_delta", flat=True)) == 16
    assert {(rl.lot_no, rl.difference) for rl in receipt.lines.all()} == {
        ("L2611A", -4),  # 6 of the 10 expected …
        ("L2611B", 0),  # … then the other 4
        ("", 0),
    }


def test_a_partial_receipt_keeps_the_order_partially_received(order, people):
    pole = _line(order, "POLE")
    services.purchase_order_receive(
        actor=people.logistics.user,
        purchase_order=order,
        lines=[ReceiveLine(pole.pk, 2)],
    )
    order.refresh_from_db()
    assert order.state == PurchaseOrder.State.PARTIALLY_RECEIVED
    assert _line(order, "POLE").outstanding == 4
    # still counted as on order for tomorrow's suggestions
    assert selectors.on_order_by_sku() == {
        pole.sku_id: 4,
        _line(order, "GAS").sku_id: 10,
    }
    services.purchase_order_receive(
        actor=people.logistics.user,
        purchase_order=order,
        lines=[ReceiveLine(pole.pk, 4)],
    )
    order.refresh_from_db()
    assert order.state == PurchaseOrder.State.PARTIALLY_RECEIVED  # the gas is missing
    assert order.receipts.count() == 2


def test_an_over_delivery_is_recorded_and_reported(order, people):
    pole = _line(order, "POLE")
    receipt = services.purchase_order_receive(
        actor=people.logistics.user,
        purchase_order=order,
        lines=[ReceiveLine(pole.pk, 8)],
    )
    line = receipt.lines.get()
    assert (line.expected_quantity, line.quantity, line.difference) == (6, 8, 2)
    pole_line = _line(order, "POLE")
    assert pole_line.received_quantity == 8
    assert pole_line.over_delivered == 2
    assert StockLevel.objects.get(sku=pole.sku).on_hand == 8  # all 8 are in stock
    notice = Notification.objects.get(recipient=people.ops.user)
    assert "POLE +2" in notice.title


def test_closing_short_records_the_under_delivery(order, people):
    gas, pole = _line(order, "GAS"), _line(order, "POLE")
    services.purchase_order_receive(
        actor=people.logistics.user,
        purchase_order=order,
        lines=[
            ReceiveLine(gas.pk, 7, lot_no="L1", expiry_date=dt.date(2029, 1, 1)),
            ReceiveLine(pole.pk, 6),
        ],
        close=True,
        note="供应商缺货，不再补发",
    )
    order.refresh_from_db()
    assert order.state == PurchaseOrder.State.RECEIVED
    assert _line(order, "GAS").outstanding == 3
    assert "GAS -3" in Notification.objects.get(recipient=people.ops.user).title
    assert selectors.on_order_by_sku() == {}
    with pytest.raises(ValidationError):  # a received order takes nothing more
        services.purchase_order_receive(
            actor=None, purchase_order=order, lines=[ReceiveLine(pole.pk, 1)]
        )


def test_expiry_and_lot_are_required_for_shelf_life_products(order, people):
    gas = _line(order, "GAS")
    with pytest.raises(ValidationError) as caught:
        services.purchase_order_receive(
            actor=people.logistics.user,
            purchase_order=order,
            lines=[ReceiveLine(gas.pk, 5)],
        )
    assert any("有效期" in m for m in caught.value.messages)
    assert any("批号" in m for m in caught.value.messages)
    assert not StockLevel.objects.exists()
    order.refresh_from_db()
    assert order.state == PurchaseOrder.State.ORDERED
    assert not order.receipts.exists()


@pytest.mark.parametrize(
    "bad",
    [
        {"quantity": 0},
        {"order_line_id": 999_999},
        {"production_date": dt.date(2030, 1, 1)},  # after the expiry date
    ],
)
def test_bad_receipt_lines_are_refused_whole(order, people, bad):
    pole = _line(order, "POLE")
    fields = {
        "order_line_id": pole.pk,
        "quantity": 1,
        "expiry_date": dt.date(2029, 1, 1),
        **bad,
    }
    with pytest.raises(ValidationError):
        services.purchase_order_receive(
            actor=None, purchase_order=order, lines=[ReceiveLine(**fields)]
        )
    assert not StockLevel.objects.exists()


def test_cancel_only_before_anything_arrived(order, people):
    with pytest.raises(ValidationError):
        services.purchase_order_cancel(actor=None, purchase_order=order, reason=" ")
    cancelled = services.purchase_order_cancel(
        actor=people.ops.user, purchase_order=order, reason="供应商停产"
    )
    assert cancelled.state == PurchaseOrder.State.CANCELLED
    assert selectors.on_order_by_sku() == {}
    with pytest.raises(ValidationError):
        services.purchase_order_receive(
            actor=None,
            purchase_order=order,
            lines=[ReceiveLine(_line(order, "POLE").pk, 1)],
        )


# --- put-away -----------------------------------------------------------------------


def _place(code: str):
    from shopops.stock.models import Location
    from shopops.stock.services import default_location

    warehouse = default_location().warehouse
    return Location.objects.get_or_create(warehouse=warehouse, code=code)[0]


def test_a_delivery_goes_to_the_skus_usual_shelf_or_the_one_named(order, people):
    from shopops.stock.services import DEFAULT_LOCATION, stock_adjust, stock_receive

    gas, pole = _line(order, "GAS"), _line(order, "POLE")
    # the poles lived on C-03 until they ran out; 2 more sit on DEFAULT
    emptied = stock_receive(
        actor=None, sku=pole.sku, quantity=1, location=_place("C-03")
    )
    stock_adjust(actor=None, level=emptied.level, delta=-1, reason="破损报废")
    stock_receive(actor=None, sku=pole.sku, quantity=2)

    receipt = services.purchase_order_receive(
        actor=people.logistics.user,
        purchase_order=order,
        lines=[
            ReceiveLine(gas.pk, 4, lot_no="L1", expiry_date=dt.date(2029, 1, 1)),
            ReceiveLine(
                gas.pk,
                6,
                lot_no="L2",
                expiry_date=dt.date(2029, 2, 1),
                location_id=_place("A-07").pk,
            ),
            ReceiveLine(pole.pk, 6),
        ],
    )

    placed = {
        (rl.order_line.sku.outer_code, rl.lot_no): rl.location.code
        for rl in receipt.lines.select_related("location", "order_line__sku")
    }
    assert placed == {
        ("GAS", "L1"): DEFAULT_LOCATION,  # never stocked: the default location
        ("GAS", "L2"): "A-07",  # named
        ("POLE", ""): "C-03",  # its own shelf, though empty, over DEFAULT
    }
    on_hand = {
        (lv.sku.outer_code, lv.location.code, lv.lot.lot_no): lv.on_hand
        for lv in StockLevel.objects.select_related("sku", "location", "lot")
    }
    assert on_hand[("POLE", "C-03", "")] == 6
    assert on_hand[("GAS", "A-07", "L2")] == 6


def test_an_unknown_location_refuses_the_whole_receipt(order, people):
    pole = _line(order, "POLE")
    with pytest.raises(ValidationError) as caught:
        services.purchase_order_receive(
            actor=None,
            purchase_order=order,
            lines=[ReceiveLine(pole.pk, 1, location_id=987_654)],
        )
    assert "POLE：库位 987654 不存在" in caught.value.messages
    assert not StockLevel.objects.exists()
    assert not order.receipts.exists()
