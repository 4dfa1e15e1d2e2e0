"""The demo shop: `shopops demo` builds a whole company, the same way from one seed."""

from __future__ import annotations

import datetime as dt
import random
import re
from collections import Counter
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.core.management.base import CommandError
from django.db.models import Count, Exists, Min, OuterRef

from shopops.catalog.models import Category, Listing, Product
from shopops.catalog.selectors import listings_needing_attention
from shopops.core import clock
from shopops.core.models import AuditEntry
from shopops.core.roles import Role, Shift
from shopops.customers.models import Customer
from shopops.demo import seasons
from shopops.demo.generator import (
    DEMO_PASSWORD,
    SCALES,
    orders_per_day,
    period_days,
)
from shopops.orders.models import DailySales, DailySkuSales, Hold, Order
from shopops.orders.rollups import rollups_check
from shopops.org.models import Shop, Staff
from tests.demo.conftest import NOW, build
from tests.demo.digest import demo_digest

MOBILE = re.compile(r"^1[3-9]\d{9}$")


def test_small_demo_has_a_company_with_every_role(demo: str) -> None:
    assert Shop.objects.count() == 2
    assert set(Shop.objects.values_list("platform", flat=True)) == {"tmall", "taobao"}
    staff = {
        s.user.username: s for s in Staff.objects.select_related("user", "manager")
    }
    assert {s.role for s in staff.values()} == set(Role.values)
    for person in staff.values():
        assert person.user.check_password(DEMO_PASSWORD), person.user.username
        assert person.user.groups.filter(name=person.role).exists()
        assert MOBILE.match(person.phone)
    assert {
        staff[u].shift for u in ("customer_service", "cs_after_sale", "cs_evening")
    } == {Shift.PRE_SALE, Shift.AFTER_SALE, Shift.EVENING}
    managers = {
        u: s.manager.user.username if s.manager else None for u, s in staff.items()
    }
    assert managers["general_manager"] is None
    assert managers["ops_manager"] == "general_manager"
    assert managers["finance"] == "general_manager"
    assert managers["shipping"] == "logistics"
    assert managers["designer"] == "design_lead"
    assert managers["cs_evening"] == "ops_manager"
    assert AuditEntry.objects.filter(verb="demo.build").count() == 1


def test_small_demo_catalog(demo: str) -> None:
    names = set(Category.objects.values_list("name", flat=True))
    assert {
        "帐篷",
        "睡袋",
        "背包",
        "登山杖",
        "冲锋衣",
        "炉具",
        "气罐",
        "户外食品",
    } <= names
    products = list(Product.objects.select_related("category").prefetch_related("skus"))
    assert len(products) >= 30
    for product in products:
        skus = list(product.skus.all())
        assert 1 <= len(skus) <= 4
        for sku in skus:
            assert sku.outer_code.startswith(product.code + "-")
            assert re.fullmatch(r"[^:;]+:[^:;]+(;[^:;]+:[^:;]+)*", sku.attributes)
        assert product.cost_price < product.list_price
        if product.category.name == "户外食品":
            assert product.shelf_life_days is not None
            assert 180 <= product.shelf_life_days <= 365
        elif product.category.name != "气罐":
            assert product.shelf_life_days is None
    gas = [p.shelf_life_days for p in products if p.category.name == "气罐"]
    assert 1095 in gas
    assert Listing.objects.count() == 2 * len(products)
    states = Counter(Listing.objects.values_list("state", flat=True))
    assert states[Listing.State.ON_SALE] > states[Listing.State.IN_WAREHOUSE]
    assert states[Listing.State.VIOLATION] >= 1
    assert listings_needing_attention().count() >= 2


def test_small_demo_orders_are_consistent(demo: str) -> None:
    assert Customer.objects.count() >= 150
    orders = list(Order.objects.select_related("shop").prefetch_related("lines"))
    assert len(orders) >= 800
    now = clock.now()
    first_day = clock.day_bounds(period_days(clock.today())[0])[0]
    for order in orders:
        lines = list(order.lines.all())
        assert lines, order.order_no
        assert order.goods_amount == sum(line.price * line.quantity for line in lines)
        assert order.item_count == sum(line.quantity for line in lines)
        assert order.goods_amount is not None
        assert order.postage is not None
        assert order.total_amount == order.goods_amount + order.postage
        assert order.order_no.isdigit()
        assert 16 <= len(order.order_no) <= 19
        assert MOBILE.match(order.receiver_phone)
        assert order.address.startswith(
            f"{order.province} {order.city} {order.district} "
        )
        assert first_day <= order.created_at <= now
        assert (order.paid_amount is None) == (order.paid_at is None)
        if order.paid_amount is not None:
            assert order.paid_at is not None
            assert order.paid_amount <= order.total_amount
            assert order.created_at <= order.paid_at <= now
        if order.refunded_amount is not None:
            assert order.paid_amount is not None
            assert Decimal(0) < order.refunded_amount <= order.paid_amount
        if order.shipped_at is not None:
            assert order.paid_at is not None
            assert order.paid_at <= order.shipped_at <= now
            assert order.courier
            assert order.tracking_no
        if order.confirmed_at is not None:
            assert order.shipped_at is not None
            assert order.shipped_at <= order.confirmed_at <= now
        match order.status:
            case Order.Status.AWAITING_PAYMENT:
                assert order.paid_at is None
                assert now - order.created_at < dt.timedelta(hours=24)
            case Order.Status.PAID:
                assert order.paid_at
                assert not order.shipped_at
            case Order.Status.SHIPPED:
                assert order.shipped_at
                assert not order.confirmed_at
            case Order.Status.COMPLETED:
                assert order.confirmed_at
            case Order.Status.CLOSED:
                assert (
                    order.paid_at is None or order.refunded_amount == order.paid_amount
                )
    # A flag is the mark of a hold: an order is flagged while a hold is active, with
    # the colour of its latest active hold.
    active = Hold.objects.filter(order=OuterRef("pk"), released_at__isnull=True)
    held = set(Order.objects.filter(Exists(active)).values_list("pk", flat=True))
    for order in orders:
        assert (order.flag is not None) == (order.pk in held), order.order_no
        if order.pk in held:
            assert order.status == Order.Status.PAID
            latest = order.holds.filter(released_at__isnull=True).latest("created_at")
            assert order.flag == latest.flag
    statuses = Counter(o.status for o in orders)
    assert statuses[Order.Status.COMPLETED] > len(orders) * 0.8
    assert statuses[Order.Status.CLOSED] >= 10
    assert statuses[Order.Status.PAID] >= 1
    assert any(o.flag is not None for o in orders)
    assert any(o.refunded_amount for o in orders)
    # Buyers come back, and a customer first appears with their first order.
    per_customer = Counter(o.customer_id for o in orders)
    assert max(per_customer.values()) >= 4
    assert sum(1 for n in per_customer.values() if n > 1) >= 30
    firsts = Customer.objects.annotate(first=Min("orders__created_at"))
    assert all(c.created_at == c.first for c in firsts)


def test_small_demo_leaves_the_rollups_clean(demo: str) -> None:
    """What `shopops rollups check` says after the demo: every figure agrees."""
    assert DailySales.objects.filter(new_buyers__gt=0, returning_buyers__gt=0).exists()
    assert DailySkuSales.objects.filter(refunds__gt=0).exists()
    assert rollups_check() == []


def test_small_demo_follows_the_seasons(demo: str) -> None:
    """Double 11 brings far more orders a day than usual, the Spring Festival far fewer."""
    zone = clock.shop_zone()
    per_day = Counter(o.created_at.astimezone(zone).date() for o in Order.objects.all())
    days = period_days(clock.today())
    average = sum(per_day.values()) / len(days)
    double11 = [d for d in days if seasons.promotion(d).name == "双11"]
    festival = seasons.spring_festival(2026)
    lull = [festival + dt.timedelta(days=i) for i in range(-5, 7)]
    assert sum(per_day[d] for d in double11) / len(double11) > 2 * average
    assert sum(per_day[d] for d in lull) / len(lull) < 0.5 * average
    # Nothing ships while the couriers stop for the festival.
    shipped = {
        at.astimezone(zone).date()
        for at in Order.objects.values_list("shipped_at", flat=True)
        if at is not None
    }
    assert not any(festival + dt.timedelta(days=i) in shipped for i in range(-4, 7))


def test_if_empty_keeps_the_data_and_prints_the_logins(demo: str) -> None:
    before = (Order.objects.count(), Customer.objects.count(), Staff.objects.count())
    out = build("--if-empty", "--print-logins")
    assert "kept" in out
    assert (
        Order.objects.count(),
        Customer.objects.count(),
        Staff.objects.count(),
    ) == before
    for username in ("general_manager", "ops_manager", "logistics", "cs_evening"):
        line = next(x for x in out.splitlines() if f" {username} " in x)
        assert DEMO_PASSWORD in line
        assert "http://127.0.0.1:8000/" in line
    assert (
        len([x for x in out.splitlines() if DEMO_PASSWORD in x])
        == Staff.objects.count()
    )
    with pytest.raises(CommandError, match="--reset"):
        build()


def test_same_seed_builds_the_same_shop(
    db: None, frozen_clock: Callable[[str], Any]
) -> None:
    """Orders, stock, purchasing, holds, after-sales and shipping: all the same."""
    frozen_clock(NOW)
    state = random.getstate()
    build("--seed", "7", "--reset")
    first = demo_digest()
    out = build("--seed", "7", "--reset")
    assert re.search(r"reset: deleted .*[\d,]+ stock movements", out)
    assert re.search(r"[\d,]+ order lines, [\d,]+ orders", out)
    assert demo_digest() == first
    assert Shop.objects.count() == 2
    assert (
        Order.objects.values("shop", "order_no")
        .annotate(n=Count("pk"))
        .filter(n__gt=1)
        .count()
        == 0
    )
    # The generator draws from its own Random, never the global one.
    assert random.getstate() == state


def test_day_weights_at_full_scale() -> None:
    """The weighting and the full demo's orders per day: festivals up, the lull down."""
    year = [dt.date(2025, 9, 1) + dt.timedelta(days=i) for i in range(365)]
    average = sum(seasons.day_weight(d) for d in year) / len(year)
    assert seasons.day_weight(dt.date(2025, 11, 11)) > 3 * average
    assert seasons.day_weight(dt.date(2026, 6, 18)) > 2 * average
    assert seasons.day_weight(dt.date(2025, 12, 12)) > 2 * average
    festival = seasons.spring_festival(2026)
    weeks = [festival + dt.timedelta(days=i) for i in range(-7, 7)]
    assert sum(seasons.day_weight(d) for d in weeks) / len(weeks) < 0.5 * average

    now = dt.datetime(2026, 11, 20, 10, 30, tzinfo=clock.shop_zone())
    days = period_days(now.date())
    counts = orders_per_day(
        rng=random.Random(42), total=SCALES["full"].orders, days=days, now=now
    )
    per_day = dict(zip(days, counts, strict=True))
    assert sum(counts) == SCALES["full"].orders >= 30_000
    mean = sum(counts) / len(counts)
    assert per_day[dt.date(2025, 11, 11)] > 3 * mean
    assert per_day[dt.date(2026, 6, 18)] > 2 * mean
    assert max(per_day[d] for d in weeks) < mean
    # April and May (camping) outsell January.
    spring = [n for d, n in per_day.items() if d.month in (4, 5)]
    january = [n for d, n in per_day.items() if d.month == 1]
    assert sum(spring) / len(spring) > 1.3 * sum(january) / len(january)


def test_spring_festival_dates() -> None:
    assert seasons.spring_festival(2025) == dt.date(2025, 1, 29)
    assert seasons.spring_festival(2026) == dt.date(2026, 2, 17)
    assert not seasons.is_shipping_day(dt.date(2026, 2, 17))
    assert seasons.is_shipping_day(dt.date(2026, 2, 24))
