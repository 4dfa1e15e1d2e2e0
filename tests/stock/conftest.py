"""Stock fixtures: a SKU with stock on hand and paid orders that want it."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

_numbers = itertools.count(1)


@pytest.fixture
def make_sku(db: None) -> Callable[..., Any]:
    from shopops.catalog.models import Category, Product, Sku

    def factory(code: str = "", shelf_life_days: int | None = None) -> Any:
        n = next(_numbers)
        category, _ = Category.objects.get_or_create(name="帐篷")
        product = Product.objects.create(
            code=f"P{n}",
            title=f"双人帐篷 {n}",
            category=category,
            cost_price=Decimal("100.00"),
            list_price=Decimal("199.00"),
            shelf_life_days=shelf_life_days,
        )
        return Sku.objects.create(product=product, outer_code=code or f"SKU-{n}")

    return factory


@pytest.fixture
def make_paid_order(shop: Any) -> Callable[..., Any]:
    from shopops.orders.models import Order, OrderLine

    def factory(*lines: tuple[Any, int]) -> Any:
        order = Order.objects.create(
            shop=shop,
            order_no=f"9{next(_numbers):015d}",
            created_at=timezone.now() - dt.timedelta(hours=1),
            paid_at=timezone.now(),
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
