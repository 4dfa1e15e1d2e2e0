"""Shipping fixtures: SKUs with stock on shelf places, paid orders that want it, and
one login per role these tests need.

- `make_sku(code="", supplier=None)`: a SKU of a product of its own.
- `put_away(sku, quantity, location="A-01-01", lot_no="")`: receive stock on a place.
- `make_paid_order(*(sku, quantity), courier="中通快递", province="浙江省", shop=None)`.
- `ready_order(...)`: a paid order of one SKU with stock, reserved (ready to pack).
- `passed_order(...)`: a ready order whose every unit passed the quality check.
- `people`: shipping clerk, logistics, operations manager, general manager, evening and
  day customer service, designer.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

_numbers = itertools.count(1)

# A minimal valid JPEG and PNG (magic bytes are what the photo check reads).
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\xff\xd9"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


@dataclass
class People:
    shipping: Any
    logistics: Any
    ops: Any
    gm: Any
    evening: Any
    cs: Any
    designer: Any


@pytest.fixture
def people(make_staff: Callable[..., Any]) -> People:
    return People(
        shipping=make_staff("shipping"),
        logistics=make_staff("logistics"),
        ops=make_staff("ops_manager"),
        gm=make_staff("general_manager"),
        evening=make_staff("customer_service", shift="evening"),
        cs=make_staff("customer_service", shift="after_sale"),
        designer=make_staff("designer"),
    )


@pytest.fixture
def clerk(people: People) -> Any:
    """The shipping clerk's user."""
    return people.shipping.user


@pytest.fixture
def make_sku(db: None) -> Callable[..., Any]:
    from shopops.catalog.models import Category, Product, Sku

    def factory(code: str = "", supplier: Any = None) -> Any:
        n = next(_numbers)
        category, _ = Category.objects.get_or_create(name="帐篷")
        product = Product.objects.create(
            code=f"SP{n}",
            title=f"双人帐篷 {n}",
            category=category,
            cost_price=Decimal("100.00"),
            list_price=Decimal("199.00"),
            default_supplier=supplier,
        )
        return Sku.objects.create(product=product, outer_code=code or f"SKU-{n:03d}")

    return factory


@pytest.fixture
def put_away(db: None) -> Callable[..., Any]:
    from shopops.stock.models import Location
    from shopops.stock.services import default_location, stock_receive

    def receive(
        sku: Any, quantity: int, location: str = "A-01-01", lot_no: str = ""
    ) -> Any:
        warehouse = default_location().warehouse
        place, _ = Location.objects.get_or_create(warehouse=warehouse, code=location)
        return stock_receive(
            actor=None, sku=sku, quantity=quantity, location=place, lot_no=lot_no
        ).level

    return receive


@pytest.fixture
def make_paid_order(shop: Any) -> Callable[..., Any]:
    from shopops.orders.models import Order, OrderLine

    def factory(
        *lines: tuple[Any, int],
        courier: str = "中通快递",
        province: str = "浙江省",
        shop_: Any = None,
        paid_at: dt.datetime | None = None,
    ) -> Any:
        n = next(_numbers)
        paid = paid_at or timezone.now()
        order = Order.objects.create(
            shop=shop_ or shop,
            order_no=f"8{n:015d}",
            receiver_name=f"收货人{n}",
            province=province,
            courier=courier,
            created_at=paid - dt.timedelta(minutes=5),
            paid_at=paid,
            status=Order.Status.PAID,
            paid_amount=Decimal("199.00"),
        )
        for sku, quantity in lines:
            OrderLine.objects.create(
                order=order,
                sku=sku,
                outer_code=sku.outer_code,
                title=sku.product.title,
                price=Decimal("199.00"),
                quantity=quantity,
            )
        return order

    return factory


@pytest.fixture
def ready_order(
    make_sku: Callable[..., Any],
    put_away: Callable[..., Any],
    make_paid_order: Callable[..., Any],
) -> Callable[..., Any]:
    """Return a factory: a reserved paid order of `quantity` units of a fresh SKU that
    has `stock` units on hand."""
    from shopops.stock.services import stock_reserve_order

    def factory(quantity: int = 1, stock: int = 5, **order_fields: Any) -> Any:
        sku = make_sku()
        put_away(sku, stock)
        order = make_paid_order((sku, quantity), **order_fields)
        assert stock_reserve_order(actor=None, order=order).reserved
        return order

    return factory


@pytest.fixture
def passed_order(ready_order: Callable[..., Any], clerk: Any) -> Callable[..., Any]:
    from shopops.shipping.services import qc_pass_all

    def factory(**fields: Any) -> Any:
        order = ready_order(**fields)
        qc_pass_all(actor=clerk, order=order)
        return order

    return factory
