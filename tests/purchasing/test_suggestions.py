"""Purchase suggestions: the formula on a hand-made example, MOQ rounding, grouping by
supplier, the open-order shortage, rebuilding, and a query count independent of the
number of SKUs."""

from __future__ import annotations

import datetime as dt
import math
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from shopops.orders.models import Order
from shopops.purchasing import selectors, services
from shopops.purchasing.models import (
    PurchaseOrder,
    PurchaseOrderLine,
    PurchaseSuggestion,
    SupplierPrice,
)
from shopops.stock import services as stock

pytestmark = pytest.mark.django_db

DAY = dt.date(2026, 11, 26)  # a Thursday


@pytest.fixture
def morning(frozen_clock):
    return frozen_clock(f"{DAY} 10:00")


def _row(sku, day=DAY) -> PurchaseSuggestion:
    return PurchaseSuggestion.objects.get(day=day, sku=sku)


def test_the_formula_on_a_hand_made_example(
    morning, make_supplier, make_sku, make_order, people
):
    # given a pole bought from a supplier with 3 days' lead time and an MOQ of 10
    supplier = make_supplier(lead_time_days=3)
    pole = make_sku("POLE", supplier=supplier)
    SupplierPrice.objects.create(
        supplier=supplier, sku=pole, price=Decimal("12.50"), min_order_quantity=10
    )
    # 56 units sold in the 28 days before DAY (four shipped orders of 14) …
    for days_ago in (1, 7, 14, 28):
        make_order(
            (pole, 14),
            status=Order.Status.SHIPPED,
            paid_at=f"{DAY - dt.timedelta(days=days_ago)} 12:00",
        )
    # … but neither a closed order in the window nor a sale before it counts
    make_order((pole, 100), status=Order.Status.CLOSED, paid_at=f"{DAY} 00:00")
    make_order((pole, 100), status=Order.Status.CLOSED, paid_at="2026-11-20 12:00")
    make_order((pole, 100), status=Order.Status.COMPLETED, paid_at="2026-10-28 23:59")
    # 7 on hand; two paid orders of 2 this morning, one of them reserved
    stock.stock_receive(actor=None, sku=pole, quantity=7)
    reserved = make_order((pole, 2), paid_at=f"{DAY} 09:00")
    make_order((pole, 2), paid_at=f"{DAY} 09:30")
    assert stock.stock_reserve_order(actor=None, order=reserved).reserved
    # 5 on an open purchase order, 2 of them already received
    order = PurchaseOrder.objects.create(
        number="PO-OLD",
        supplier=supplier,
        state=PurchaseOrder.State.PARTIALLY_RECEIVED,
        created_at=morning,
    )
    PurchaseOrderLine.objects.create(
        order=order, sku=pole, quantity=5, unit_price="12.50", received_quantity=2
    )

    # when the day's suggestions are built with the defaults (28 / 1 / 3 days)
    services.purchase_suggestions_build(day=DAY, actor=people.logistics.user)

    # then each figure follows the formula, computed here by hand
    sold, window, lead, review, safety_days = 56, 28, 3, 1, 3
    avg = sold / window  # 2 a day
    safety = math.ceil(avg * safety_days)  # 6
    reorder_point = math.ceil(avg * (lead + review)) + safety  # 8 + 6 = 14
    shortage = (2 + 2) - 2  # paid, unshipped units not covered by a reservation
    available = 7 - 2
    on_order = 5 - 2
    net = max(0, shortage + reorder_point - (available + on_order))  # 8
    suggested = max(net, 10)  # the MOQ
    row = _row(pole)
    assert row.supplier == supplier
    assert row.sold_in_window == sold
    assert row.avg_daily_sales == Decimal("2.000")
    assert (row.lead_time_days, row.review_days) == (lead, review)
    assert row.safety_stock == safety == 6
    assert row.reorder_point == reorder_point == 14
    assert row.open_order_shortage == shortage == 2
    assert (row.available, row.on_order) == (available, on_order) == (5, 3)
    assert row.net_need == net == 8
    assert row.suggested_quantity == suggested == 10
    assert row.quantity == 10
    assert row.unit_price == Decimal("12.50")
    assert row.reasoning["source"] == "price"


@pytest.mark.parametrize(
    ("need", "moq", "multiple", "expected"),
    [
        (0, 10, 1, 0),  # nothing needed: nothing ordered, whatever the MOQ
        (3, 10, 1, 10),  # up to the minimum
        (13, 10, 1, 13),  # above it: as needed
        (13, 10, 6, 18),  # then up to whole cartons of 6
        (3, 1, 6, 6),
        (12, 1, 6, 12),
    ],
)
def test_order_quantity_rounds_up_to_the_moq_and_the_multiple(
    need, moq, multiple, expected
):
    assert services.order_quantity(need, moq, multiple) == expected


def test_suggestions_round_up_to_the_suppliers_carton(
    morning, make_supplier, make_sku, make_order
):
    supplier = make_supplier()
    gas = make_sku("GAS", supplier=supplier)
    SupplierPrice.objects.create(
        supplier=supplier,
        sku=gas,
        price=Decimal("9.90"),
        min_order_quantity=20,
        order_multiple=24,
    )
    make_order((gas, 3))  # paid now: a shortage of 3, no sales history
    services.purchase_suggestions_build(day=DAY)
    row = _row(gas)
    assert row.net_need == 3
    assert row.suggested_quantity == 24  # 3 → MOQ 20 → a carton of 24


def test_suggestions_are_grouped_by_the_supplier_that_sells_the_sku(
    morning, make_supplier, make_sku, make_order
):
    home, other, cheap = (
        make_supplier("home"),
        make_supplier("other"),
        make_supplier("cheap"),
    )
    make_supplier("idle", active=False)
    by_price = make_sku("BY-PRICE", supplier=home)
    SupplierPrice.objects.create(supplier=other, sku=by_price, price=Decimal("5"))
    by_default = make_sku("BY-DEFAULT", supplier=home)
    own_quote = make_sku("OWN-QUOTE", supplier=home)
    SupplierPrice.objects.create(supplier=home, sku=own_quote, price=Decimal("9"))
    SupplierPrice.objects.create(supplier=cheap, sku=own_quote, price=Decimal("1"))
    cheapest = make_sku("CHEAPEST")
    SupplierPrice.objects.create(supplier=other, sku=cheapest, price=Decimal("7"))
    SupplierPrice.objects.create(supplier=cheap, sku=cheapest, price=Decimal("6"))
    orphan = make_sku("ORPHAN")
    for sku in (by_price, by_default, own_quote, cheapest, orphan):
        make_order((sku, 1))

    services.purchase_suggestions_build(day=DAY)

    assert dict(
        PurchaseSuggestion.objects.values_list("sku__outer_code", "supplier__code")
    ) == {
        "BY-PRICE": "other",  # its price list, not the product's default
        "BY-DEFAULT": "home",  # no price: the product's default supplier
        "OWN-QUOTE": "home",  # the default supplier quotes it: kept, though dearer
        "CHEAPEST": "cheap",
        "ORPHAN": None,
    }
    assert _row(by_default).unit_price == Decimal("80.00")  # the cost price
    summary = {s.name or None: s.rows for s in selectors.suggestion_summary(day=DAY)}
    assert summary == {
        "供应商 home": 2,
        "供应商 other": 1,
        "供应商 cheap": 1,
        None: 1,
    }


def test_open_orders_alone_make_a_suggestion(
    morning, make_supplier, make_sku, make_order
):
    # no sales history, no stock: five units on paid orders, none reserved
    tent = make_sku("TENT", supplier=make_supplier())
    make_order((tent, 2))
    make_order((tent, 3))
    make_order((tent, 4), status=Order.Status.SHIPPED)  # gone: not open
    make_order((tent, 9), status=Order.Status.AWAITING_PAYMENT)  # not paid
    services.purchase_suggestions_build(day=DAY)
    row = _row(tent)
    assert row.reorder_point == 0  # the shipped order was paid today: no history yet
    assert row.open_order_shortage == 5
    assert row.suggested_quantity == 5


def test_sku_needing_nothing_gets_no_row_and_inactive_skus_are_skipped(
    morning, make_supplier, make_sku
):
    supplier = make_supplier()
    stocked = make_sku(supplier=supplier)
    stock.stock_receive(actor=None, sku=stocked, quantity=10)
    idle = make_sku(supplier=supplier)
    idle.active = False
    idle.save()
    result = services.purchase_suggestions_build(day=DAY)
    assert result.rows == 0
    assert result.skus == 1
    assert not PurchaseSuggestion.objects.exists()


def test_rebuilding_keeps_accepted_rows_and_edited_quantities(
    morning, make_supplier, make_sku, make_order, people
):
    supplier = make_supplier()
    accepted_sku, edited_sku, plain_sku = (
        make_sku(supplier=supplier) for _ in range(3)
    )
    for sku in (accepted_sku, edited_sku, plain_sku):
        make_order((sku, 2))
    services.purchase_suggestions_build(day=DAY)
    user = people.logistics.user
    services.purchase_suggestion_accept(actor=user, suggestion=_row(accepted_sku))
    services.purchase_suggestion_set_quantity(
        actor=user, suggestion=_row(edited_sku), quantity=7
    )
    # when more orders come in and the suggestions are rebuilt
    for sku in (accepted_sku, edited_sku, plain_sku):
        make_order((sku, 3))
    result = services.purchase_suggestions_build(day=DAY)
    # then the accepted row stays as accepted, the edit survives, the rest follows
    assert result.kept == 1
    assert _row(accepted_sku).accepted
    assert _row(accepted_sku).suggested_quantity == 2
    assert _row(edited_sku).edited_quantity == 7
    assert _row(edited_sku).suggested_quantity == 5
    assert _row(plain_sku).suggested_quantity == 5


def test_build_uses_the_same_queries_for_ten_or_forty_skus(
    morning, make_supplier, make_sku, make_order, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    supplier = make_supplier()
    skus = [make_sku(supplier=supplier) for _ in range(10)]
    for sku in skus:
        make_order((sku, 1))
    with CaptureQueriesContext(connection) as few:
        services.purchase_suggestions_build(day=DAY)
    more = [make_sku(supplier=supplier) for _ in range(30)]
    for sku in more:
        make_order((sku, 1))
    with django_assert_max_num_queries(len(few.captured_queries)):
        result = services.purchase_suggestions_build(day=DAY)
    assert result.rows == 40


def test_settings_change_the_formula(
    morning, make_supplier, make_sku, make_order, people
):
    pole = make_sku(supplier=make_supplier(lead_time_days=2))
    make_order((pole, 10), status=Order.Status.SHIPPED, paid_at=f"{DAY} 00:00")
    make_order((pole, 10), status=Order.Status.SHIPPED, paid_at="2026-11-25 12:00")
    services.purchase_settings_update(
        actor=people.ops.user, sales_window_days=5, review_days=2, safety_stock_days=0
    )
    services.purchase_suggestions_build(day=DAY)
    row = _row(pole)
    assert row.window_days == 5
    assert row.avg_daily_sales == Decimal("2.000")  # 10 units in 5 days
    assert row.reorder_point == 2 * (2 + 2)
    with pytest.raises(ValidationError):
        services.purchase_settings_update(actor=people.ops.user, sales_window_days=0)
