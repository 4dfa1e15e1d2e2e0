"""When the goods of the orders held as out of stock arrive: the shelf first, then the
open purchase orders by expected date, shared out oldest paid first and all or nothing
per order — what the evening shift tells buyers and what logistics still has to buy."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.test import Client

from shopops.orders.models import HoldReason
from shopops.orders.services import order_hold
from shopops.purchasing import selectors
from shopops.purchasing.models import PurchaseOrder, PurchaseOrderLine
from shopops.stock.services import stock_receive

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 11, 26)


@pytest.fixture
def world(frozen_clock, make_supplier, make_sku, make_order):
    """GAS: 2 on the shelf, 5 due on the 28th (PO-A), 10 on the 30th (PO-B).
    MUG: 5 on the shelf. TENT: nothing, nothing ordered. Held, oldest first:
    mug ×1, gas ×3, gas ×20, gas ×6, tent ×1."""
    frozen_clock(f"{TODAY} 20:05")
    supplier = make_supplier("gear")
    gas, mug, tent = (
        make_sku(code, supplier=supplier) for code in ("GAS", "MUG", "TENT")
    )
    stock_receive(actor=None, sku=gas, quantity=2)
    stock_receive(actor=None, sku=mug, quantity=5)
    for number, due, units in (("PO-A", 28, 5), ("PO-B", 30, 10)):
        po = PurchaseOrder.objects.create(
            number=number,
            supplier=supplier,
            state=PurchaseOrder.State.ORDERED,
            created_at=dt.datetime(2026, 11, 20, tzinfo=dt.UTC),
            ordered_at=dt.datetime(2026, 11, 20, tzinfo=dt.UTC),
            expected_date=dt.date(2026, 11, due),
        )
        PurchaseOrderLine.objects.create(
            order=po, sku=gas, quantity=units, unit_price=Decimal("9.90")
        )
    held = {}
    for hour, (key, sku, units) in enumerate(
        [
            ("mug", mug, 1),
            ("gas3", gas, 3),
            ("gas20", gas, 20),
            ("gas6", gas, 6),
            ("tent", tent, 1),
        ]
    ):
        order = make_order((sku, units), paid_at=f"2026-11-25 0{hour}:00")
        order_hold(actor=None, order=order, reason=HoldReason.OUT_OF_STOCK)
        held[key] = order
    return held


def test_goods_are_shared_out_oldest_first_and_all_or_nothing(world):
    rows = {row.order.pk: row for row in selectors.held_order_arrivals()}
    assert [r.order.pk for r in rows.values()] == [o.pk for o in world.values()]

    mug = rows[world["mug"].pk]
    assert mug.lines[0].on_hand
    assert mug.ready == TODAY

    gas3 = rows[world["gas3"].pk]  # 2 from the shelf, 1 from PO-A
    assert gas3.lines[0].purchase_orders == ("PO-A",)
    assert gas3.ready == dt.date(2026, 11, 28)

    gas20 = rows[world["gas20"].pk]  # 14 left to come: not covered, takes nothing
    assert gas20.uncovered
    assert gas20.ready is None

    gas6 = rows[world["gas6"].pk]  # the 4 left on PO-A, then 2 of PO-B
    assert gas6.lines[0].purchase_orders == ("PO-A", "PO-B")
    assert gas6.ready == dt.date(2026, 11, 30)

    tent = rows[world["tent"].pk]
    assert tent.lines[0].uncovered
    assert tent.ready is None


def test_a_late_purchase_order_shows_its_past_date(world, frozen_clock):
    frozen_clock("2026-11-29 10:00")  # PO-A is due since yesterday
    rows = {row.order.pk: row for row in selectors.held_order_arrivals()}
    assert rows[world["gas3"].pk].ready == dt.date(2026, 11, 28)
    client = _as("customer_service")
    html = client.get("/purchasing/arrivals/").content.decode()
    assert "已逾期" in html


def _as(role: str) -> Client:
    from shopops.org.services import department_ensure, staff_create

    department = department_ensure(actor=None, code=f"d-{role}", name=role)
    staff = staff_create(
        actor=None,
        username=f"arrivals-{role}",
        password="x-Passw0rd-1",
        name=role,
        role=role,
        department=department,
    )
    client = Client()
    client.force_login(staff.user)
    return client


def test_customer_service_reads_it_on_a_page_and_the_api(world):
    client = _as("customer_service")
    html = client.get("/purchasing/arrivals/").content.decode()
    assert 'href="/purchasing/arrivals/"' in html  # in the menu
    assert 'data-testid="held-count">5<' in html
    assert "2 个订单还有商品没有在途的采购单" in html
    row = html.split(f'data-testid="arrival-{world["gas6"].order_no}"')[1]
    row = row.split("</tr>")[0]
    assert "预计 11-30 到货" in row
    assert "PO-A、PO-B" in row
    assert "2026-11-30" in row
    assert "9.90" not in html  # prices stay with purchasing

    api = client.get("/api/v1/purchasing/arrivals", HTTP_ACCEPT="application/json")
    assert api.status_code == 200
    body = {row["order_no"]: row for row in api.json()}
    assert body[world["gas6"].order_no]["ready"] == "2026-11-30"
    assert body[world["tent"].order_no]["lines"][0]["uncovered"] is True
    assert body[world["mug"].order_no]["lines"][0]["on_hand"] is True


@pytest.mark.parametrize("role", ["designer", "marketing", "shipping"])
def test_other_roles_may_not(world, role):
    client = _as(role)
    assert client.get("/purchasing/arrivals/").status_code == 403
    assert (
        client.get(
            "/api/v1/purchasing/arrivals", HTTP_ACCEPT="application/json"
        ).status_code
        == 403
    )
