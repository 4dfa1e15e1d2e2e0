"""Factories for the orders tests (the shared ones live in tests/conftest.py).

- `make_order(shop=None, **fields)`: an order, paid and unshipped unless told otherwise;
  `created_at` may be a shop-local "YYYY-MM-DD HH:MM" string; counted in the daily
  rollups as a service would count it.
- `assert_rollups_clean()`: fail unless the daily rollups agree with the orders.
- `make_sku(code=None)`: an active SKU of a product of its own.
- `people`: one login per role these tests need (evening customer service included).
- `login(client, staff)`: sign `client` in as `staff` and return it.
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
from django.db import transaction
from django.utils import timezone

SHANGHAI = ZoneInfo("Asia/Shanghai")
_numbers = itertools.count(1)


def at_local(text: str) -> dt.datetime:
    """Return the aware instant of a shop-local "YYYY-MM-DD HH:MM[:SS]"."""
    return dt.datetime.fromisoformat(text).replace(tzinfo=SHANGHAI)


@pytest.fixture
def make_order(shop: Any) -> Callable[..., Any]:
    from shopops.orders.models import Order
    from shopops.orders.rollups import rollups_tracking

    def factory(shop_: Any = None, **fields: Any) -> Order:
        n = next(_numbers)
        created = fields.pop("created_at", None) or timezone.now()
        if isinstance(created, str):
            created = at_local(created)
        status = fields.pop("status", Order.Status.PAID)
        paid = fields.pop("paid_amount", Decimal("199.00"))
        values: dict[str, Any] = {
            "shop": shop_ or shop,
            "order_no": f"{4_000_000_000_000_000 + n}",
            "buyer_member_name": f"buyer{n}",
            "receiver_name": f"收货人{n}",
            "receiver_phone": f"138{n:08d}",
            "address": "浙江省 杭州市 西湖区 文三路 1 号",
            "province": "浙江省",
            "city": "杭州市",
            "district": "西湖区",
            "goods_amount": paid,
            "postage": Decimal("0.00"),
            "total_amount": paid,
            "paid_amount": paid,
            "status": status,
            "created_at": created,
            "paid_at": None if status == Order.Status.AWAITING_PAYMENT else created,
            "courier": "中通快递",
        }
        values.update(fields)
        with transaction.atomic(), rollups_tracking() as rollup:
            order = Order.objects.create(**values)
            rollup.include([order.pk])
        return order

    return factory


@pytest.fixture
def assert_rollups_clean(db: None) -> Callable[[], None]:
    """Return `assert_rollups_clean()` (tests/orders/rollup_checks.py)."""
    from .rollup_checks import assert_rollups_clean

    return assert_rollups_clean


@pytest.fixture
def make_sku(db: None) -> Callable[..., Any]:
    from shopops.catalog.models import Category, Product, Sku

    def factory(code: str | None = None) -> Sku:
        code = code or f"SKU-{next(_numbers)}"
        category, _ = Category.objects.get_or_create(name="帐篷")
        product = Product.objects.create(
            code=f"P-{code}",
            title=f"户外帐篷 {code}",
            category=category,
            cost_price=Decimal("100.00"),
            list_price=Decimal("299.00"),
        )
        return Sku.objects.create(product=product, outer_code=code, attributes="蓝色")

    return factory


@dataclass
class People:
    ops: Any
    logistics: Any
    cs: Any
    evening: Any
    evening2: Any
    designer: Any
    shipping: Any


@pytest.fixture
def people(make_staff: Callable[..., Any]) -> People:
    return People(
        ops=make_staff("ops_manager"),
        logistics=make_staff("logistics"),
        cs=make_staff("customer_service", shift="after_sale"),
        evening=make_staff("customer_service", shift="evening"),
        evening2=make_staff("customer_service", shift="evening"),
        designer=make_staff("designer"),
        shipping=make_staff("shipping"),
    )


@pytest.fixture
def login() -> Callable[[Any, Any], Any]:
    def sign_in(client: Any, staff: Any) -> Any:
        client.force_login(staff.user)
        return client

    return sign_in
