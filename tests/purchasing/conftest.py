"""Factories for the purchasing tests (the shared ones live in tests/conftest.py).

- `make_supplier(code=None, lead_time_days=3, **fields)`: an active supplier.
- `make_sku(code=None, supplier=None, shelf_life_days=None, cost="80.00")`: an active
  SKU of a product of its own, whose default supplier is `supplier`.
- `make_order(*lines, status="paid", paid_at=None)`: an order with (sku, quantity)
  lines; `paid_at` may be a shop-local "YYYY-MM-DD HH:MM" string.
- `people`: logins of the roles these tests need; `login(client, staff)`.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

SHANGHAI = ZoneInfo("Asia/Shanghai")
_numbers = itertools.count(1)


def at_local(text: str) -> dt.datetime:
    """Return the aware instant of a shop-local "YYYY-MM-DD HH:MM[:SS]"."""
    return dt.datetime.fromisoformat(text).replace(tzinfo=SHANGHAI)


@pytest.fixture
def make_supplier(db: None) -> Callable[..., Any]:
    from shopops.catalog.models import Supplier

    def factory(code: str | None = None, lead_time_days: int = 3, **fields: Any) -> Any:
        code = code or f"sup{next(_numbers)}"
        return Supplier.objects.create(
            code=code,
            name=fields.pop("name", f"供应商 {code}"),
            lead_time_days=lead_time_days,
            contact=fields.pop("contact", "张经理"),
            phone=fields.pop("phone", "13800000000"),
            **fields,
        )

    return factory


@pytest.fixture
def make_sku(db: None) -> Callable[..., Any]:
    from shopops.catalog.models import Category, Product, Sku

    def factory(
        code: str | None = None,
        supplier: Any = None,
        shelf_life_days: int | None = None,
        cost: str = "80.00",
    ) -> Any:
        code = code or f"SKU-{next(_numbers)}"
        category, _ = Category.objects.get_or_create(name="户外")
        product = Product.objects.create(
            code=f"P-{code}",
            title=f"登山杖 {code}",
            category=category,
            cost_price=Decimal(cost),
            list_price=Decimal("199.00"),
            shelf_life_days=shelf_life_days,
            default_supplier=supplier,
        )
        return Sku.objects.create(product=product, outer_code=code, attributes="黑色")

    return factory


@pytest.fixture
def make_order(shop: Any) -> Callable[..., Any]:
    from shopops.orders.models import Order, OrderLine

    def factory(
        *lines: tuple[Any, int],
        status: str = Order.Status.PAID,
        paid_at: str | dt.datetime | None = None,
    ) -> Any:
        paid = paid_at or timezone.now()
        if isinstance(paid, str):
            paid = at_local(paid)
        order = Order.objects.create(
            shop=shop,
            order_no=f"{5_000_000_000_000_000 + next(_numbers)}",
            created_at=paid - dt.timedelta(minutes=5),
            paid_at=paid,
            status=status,
            paid_amount=Decimal("199.00"),
        )
        OrderLine.objects.bulk_create(
            OrderLine(
                order=order,
                sku=sku,
                outer_code=sku.outer_code,
                title=sku.product.title,
                price=Decimal("199.00"),
                quantity=quantity,
            )
            for sku, quantity in lines
        )
        return order

    return factory


@dataclass
class People:
    ops: Any
    logistics: Any
    designer: Any
    general_manager: Any
    finance: Any


@pytest.fixture
def people(make_staff: Callable[..., Any]) -> People:
    return People(
        ops=make_staff("ops_manager"),
        logistics=make_staff("logistics"),
        designer=make_staff("designer"),
        general_manager=make_staff("general_manager"),
        finance=make_staff("finance"),
    )


@pytest.fixture
def login() -> Callable[[Any, Any], Any]:
    def sign_in(client: Any, staff: Any) -> Any:
        client.force_login(staff.user)
        return client

    return sign_in
