"""Shipping fixtures: SKUs with stock on shelf places, paid orders that want it, and
one login per role these tests need.

- `put_away(sku, quantity, location="A-01-01", lot_no="")`: receive stock on a place.
- `make_sku`, `make_paid_order`: the shared factories (tests/conftest.py).
- `ready_order(...)`: a paid order of one SKU with stock, reserved (ready to pack).
- `passed_order(...)`: a ready order whose every unit passed the quality check.
- `people`: shipping clerk, logistics, operations manager, general manager, evening and
  day customer service, designer.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

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
