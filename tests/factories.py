"""The test data factories, one set for every test folder (plain functions).

Each makes one row the way the tests need it, through the owning app's services where
the row has one (staff, shops), with defaults a test may override:

- `staff(role, username=None, shift="", **fields)`: a login of `role` with its Staff
  record, in the role's department; its password is `PASSWORD`.
- `shop(code="main", name="", platform="tmall", **fields)`: a storefront.
- `supplier(code=None, lead_time_days=3, **fields)`: an active supplier.
- `sku(code=None, supplier=None, shelf_life_days=None, cost="80.00", title=...,
  category="帐篷", price="199.00")`: an active SKU of a product of its own.
- `order(shop, *lines, **fields)`: a paid, unshipped order with `(sku, quantity)`
  lines at 199.00 (or `(sku, quantity, price)`); `created_at` / `paid_at` may be
  shop-local "YYYY-MM-DD HH:MM" strings.
- `at_local(text)`: the aware instant of a shop-local time; `json_client(staff)`: a
  new test client signed in as `staff` that asks for JSON.

tests/conftest.py turns them into the fixtures the tests use (`make_staff`,
`make_shop`, `shop`, `make_supplier`, `make_sku`, `make_order`, `make_paid_order`,
`login`); a new test folder uses those fixtures, or these functions directly.
"""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

PASSWORD = "s3cret-Passw0rd"
SHANGHAI = ZoneInfo("Asia/Shanghai")

# Department each role belongs to (seed/duties.md, "Organisation").
ROLE_DEPARTMENTS = {
    "general_manager": ("company", "公司"),
    "ops_manager": ("ecommerce", "电商部"),
    "marketing": ("marketing", "营销部"),
    "logistics": ("logistics", "物流部"),
    "shipping": ("shipping", "发货部"),
    "design_lead": ("design", "美工部"),
    "designer": ("design", "美工部"),
    "customer_service": ("service", "客服部"),
    "finance": ("finance", "财务部"),
    "planning": ("planning", "策划部"),
}

_usernames = itertools.count(1)
_numbers = itertools.count(1)


def at_local(text: str) -> dt.datetime:
    """Return the aware instant of a shop-local "YYYY-MM-DD HH:MM[:SS]"."""
    return dt.datetime.fromisoformat(text).replace(tzinfo=SHANGHAI)


def staff(
    role: str, username: str | None = None, shift: str = "", **fields: Any
) -> Any:
    """Return a new Staff of `role` (its login's password is `PASSWORD`)."""
    from shopops.org.services import department_ensure, staff_create

    code, name = ROLE_DEPARTMENTS[str(role)]
    department = department_ensure(actor=None, code=code, name=name)
    username = username or f"{role}-{next(_usernames)}"
    return staff_create(
        actor=None,
        username=username,
        password=PASSWORD,
        name=fields.pop("name", username),
        role=str(role),
        department=department,
        shift=shift,
        **fields,
    )


def shop(
    code: str = "main", name: str = "", platform: str = "tmall", **fields: Any
) -> Any:
    """Return a new Shop."""
    from shopops.org.services import shop_create

    return shop_create(
        actor=None,
        code=code,
        name=name or f"户外旗舰店 {code}",
        platform=platform,
        **fields,
    )


def supplier(code: str | None = None, lead_time_days: int = 3, **fields: Any) -> Any:
    """Return a new active Supplier."""
    from shopops.catalog.models import Supplier

    code = code or f"sup{next(_numbers)}"
    return Supplier.objects.create(
        code=code,
        name=fields.pop("name", f"供应商 {code}"),
        lead_time_days=lead_time_days,
        contact=fields.pop("contact", "张经理"),
        phone=fields.pop("phone", "13800000000"),
        **fields,
    )


def sku(
    code: str | None = None,
    supplier: Any = None,
    shelf_life_days: int | None = None,
    cost: str = "80.00",
    *,
    title: str = "",
    category: str = "帐篷",
    price: str = "199.00",
) -> Any:
    """Return a new active SKU of a product of its own (`title`, in `category`, at
    `price`), whose default supplier is `supplier`."""
    from shopops.catalog.models import Category, Product, Sku

    code = code or f"SKU-{next(_numbers):04d}"
    product = Product.objects.create(
        code=f"P-{code}",
        title=title or f"双人帐篷 {code}",
        category=Category.objects.get_or_create(name=category)[0],
        cost_price=Decimal(cost),
        list_price=Decimal(price),
        shelf_life_days=shelf_life_days,
        default_supplier=supplier,
    )
    return Sku.objects.create(product=product, outer_code=code)


def order(shop: Any, *lines: tuple[Any, ...], **fields: Any) -> Any:
    """Return a new order of `shop`, paid and unshipped unless `fields` say otherwise,
    with `(sku, quantity)` lines at 199.00 each, or `(sku, quantity, price)` lines.

    Without `created_at` it was created when it was paid (or now); without `paid_at`
    it was paid when it was created (unpaid if its status awaits payment).
    """
    from django.db import transaction
    from django.utils import timezone

    from shopops.orders.models import Order, OrderLine
    from shopops.orders.rollups import rollups_tracking

    n = next(_numbers)
    created = fields.pop("created_at", None)
    paid = fields.pop("paid_at", None)
    if isinstance(created, str):
        created = at_local(created)
    if isinstance(paid, str):
        paid = at_local(paid)
    status = fields.pop("status", Order.Status.PAID)
    created = created or paid or timezone.now()
    if paid is None and status != Order.Status.AWAITING_PAYMENT:
        paid = created
    amount = fields.pop("paid_amount", Decimal("199.00"))
    values: dict[str, Any] = {
        "shop": shop,
        "order_no": f"{4_000_000_000_000_000 + n}",
        "buyer_member_name": f"buyer{n}",
        "receiver_name": f"收货人{n}",
        "receiver_phone": f"138{n:08d}",
        "address": "浙江省 杭州市 西湖区 文三路 1 号",
        "province": "浙江省",
        "city": "杭州市",
        "district": "西湖区",
        "goods_amount": amount,
        "postage": Decimal("0.00"),
        "total_amount": amount,
        "paid_amount": amount,
        "status": status,
        "created_at": created,
        "paid_at": paid,
        "courier": "中通快递",
    }
    values.update(fields)
    # Counted in the daily rollups as a service would count it.
    with transaction.atomic(), rollups_tracking() as rollup:
        made = Order.objects.create(**values)
        for line_sku, quantity, *price in lines:
            OrderLine.objects.create(
                order=made,
                sku=line_sku,
                outer_code=line_sku.outer_code,
                title=line_sku.product.title,
                price=Decimal(price[0] if price else "199.00"),
                quantity=quantity,
            )
        rollup.include([made.pk])
    return made


def json_client(staff: Any) -> Any:
    """Return a new test client signed in as `staff`, asking for JSON."""
    from django.test import Client

    client = Client(HTTP_ACCEPT="application/json")
    client.force_login(staff.user)
    return client
