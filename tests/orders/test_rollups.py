"""The daily rollups: what they count, how every write keeps them, `rollups check` and
`rollups rebuild`. Expected figures are computed here from the rows the test made."""

from __future__ import annotations

import datetime as dt
import io
from collections import defaultdict
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction

from shopops.aftersales import services as aftersales_services
from shopops.core.models import AuditEntry
from shopops.customers.models import Customer
from shopops.orders.models import (
    DailyProvinceSales,
    DailySales,
    DailySkuSales,
    Order,
    OrderLine,
)
from shopops.orders.rollups import (
    refund_shares,
    rollups_check,
    rollups_for_orders,
    rollups_rebuild,
    rollups_tracking,
)
from shopops.orders.selectors import orders_per_day
from shopops.orders.summary import sales_summary

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
D1, D2, D3 = dt.date(2025, 5, 1), dt.date(2025, 5, 2), dt.date(2025, 5, 3)


def day_row(shop: Any, day: dt.date) -> dict[str, Any]:
    return (
        DailySales.objects.filter(shop=shop, day=day)
        .values(
            "orders",
            "paid_orders",
            "total_amount",
            "paid_amount",
            "refunded_amount",
            "items",
            "new_buyers",
            "returning_buyers",
        )
        .get()
    )


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("rollups", *args, stdout=out)
    return out.getvalue()


def customer(shop: Any, name: str) -> Customer:
    return Customer.objects.create(shop=shop, member_name=name)


def add_lines(order: Order, *lines: tuple[Any, Decimal, int]) -> None:
    """Give `order` lines (sku, price, quantity), keeping the rollups."""
    with transaction.atomic(), rollups_tracking([order.pk]):
        for sku, price, quantity in lines:
            OrderLine.objects.create(
                order=order,
                sku=sku,
                outer_code=sku.outer_code if sku else "",
                title="帐篷",
                price=price,
                quantity=quantity,
            )


# --- what they count ----------------------------------------------------------------


def test_a_day_counts_the_orders_created_on_it_in_shop_time(
    shop, make_order, make_sku, assert_rollups_clean
):
    tent = make_sku("TENT")
    # 23:30 UTC on 1 May is 07:30 on 2 May in Shanghai
    paid = make_order(
        created_at=dt.datetime(2025, 5, 1, 23, 30, tzinfo=dt.UTC),
        paid_amount=Decimal("398.00"),
        total_amount=Decimal("408.00"),
        province="广东省",
    )
    add_lines(paid, (tent, Decimal("199.00"), 2), (None, Decimal("10.00"), 1))
    unpaid = make_order(
        created_at="2025-05-02 20:00",
        status=Order.Status.AWAITING_PAYMENT,
        paid_amount=None,
        total_amount=Decimal("59.90"),
        province="广东省",
    )
    add_lines(unpaid, (tent, Decimal("59.90"), 1))

    assert not DailySales.objects.filter(day=D1).exists()
    assert day_row(shop, D2) == {
        "orders": 2,
        "paid_orders": 1,
        "total_amount": Decimal("467.90"),
        "paid_amount": Decimal("398.00"),
        "refunded_amount": Decimal("0.00"),
        "items": 3,  # the paid order's units, with the line of no known SKU
        "new_buyers": 0,  # the factory's orders have no customer
        "returning_buyers": 0,
    }
    province = DailyProvinceSales.objects.get(shop=shop, day=D2)
    assert (province.province, province.orders, province.items) == ("广东省", 2, 3)
    # only the paid order's line of a known SKU has a SKU row
    sku_row = DailySkuSales.objects.get(shop=shop, day=D2)
    assert (sku_row.sku, sku_row.units, sku_row.revenue, sku_row.refunds) == (
        tent,
        2,
        Decimal("398.00"),
        Decimal("0.00"),
    )
    assert_rollups_clean()


def test_new_and_returning_buyers_against_a_count_made_here(
    shop, make_shop, make_order, assert_rollups_clean
):
    # given buyers who order on various days, some twice a day, one of another shop
    other_shop = make_shop(code="outlet")
    ann, bo, cy = customer(shop, "ann"), customer(shop, "bo"), customer(shop, "cy")
    dee = customer(other_shop, "dee")
    placed = [
        (ann, "2025-05-01 09:00"),
        (ann, "2025-05-01 18:00"),  # twice on her first day: one new buyer
        (ann, "2025-05-03 10:00"),  # returning
        (bo, "2025-05-02 10:00"),
        (bo, "2025-05-03 11:00"),
        (cy, "2025-05-03 12:00"),
        (None, "2025-05-03 13:00"),  # no customer: no buyer
    ]
    for who, when in placed:
        make_order(customer=who, created_at=when)
    make_order(shop_=other_shop, customer=dee, created_at="2025-05-03 09:00")
    # and an older order of bo's turns up later (a history import): his first day moves
    make_order(customer=bo, created_at="2025-04-30 08:00")
    placed.append((bo, "2025-04-30 08:00"))

    # then the rollups count as this independent computation does
    first: dict[int, dt.date] = {}
    buyers: dict[dt.date, set[int]] = defaultdict(set)
    for who, when in placed:
        if who is None:
            continue
        day = dt.date.fromisoformat(when[:10])
        first[who.pk] = min(first.get(who.pk, day), day)
        buyers[day].add(who.pk)
    for day, who in buyers.items():
        new = sum(1 for pk in who if first[pk] == day)
        row = day_row(shop, day)
        assert (row["new_buyers"], row["returning_buyers"]) == (new, len(who) - new)
    assert (day_row(shop, D2)["new_buyers"], day_row(shop, D2)["returning_buyers"]) == (
        0,
        1,
    )  # bo came back on 2 May after the order found later
    assert day_row(other_shop, D3)["new_buyers"] == 1
    assert_rollups_clean()


def test_refund_shares_are_exact_and_proportional():
    shares = refund_shares(
        Decimal("100.00"), [Decimal("199.00"), Decimal("99.50"), Decimal("0.50")]
    )
    assert sum(shares) == Decimal("100.00")
    # 10000 cents × 19900/29900 = 6655.52, × 9950/29900 = 3327.76, × 50/29900 = 16.72:
    # rounded down 9998, the 2 cents left to the two largest remainders
    assert shares == [Decimal("66.55"), Decimal("33.28"), Decimal("0.17")]
    # leftover cents go to the largest remainders, the earlier line on a tie
    assert refund_shares(Decimal("0.02"), [Decimal("1.00")] * 3) == [
        Decimal("0.01"),
        Decimal("0.01"),
        Decimal("0.00"),
    ]
    # lines of no value share by count
    assert refund_shares(Decimal("5.00"), [Decimal("0.00"), Decimal("0.00")]) == [
        Decimal("2.50"),
        Decimal("2.50"),
    ]
    assert refund_shares(Decimal("5.00"), []) == []


# --- how the writes keep them ------------------------------------------------------


def test_a_confirmed_refund_moves_the_day_and_the_skus(
    shop, make_order, make_sku, people, assert_rollups_clean
):
    tent, mat = make_sku("TENT"), make_sku("MAT")
    order = make_order(created_at="2025-05-02 10:00", paid_amount=Decimal("300.00"))
    add_lines(order, (tent, Decimal("200.00"), 1), (mat, Decimal("50.00"), 2))
    after_sale = aftersales_services.after_sale_raise(
        actor=people.cs.user,
        order=order,
        kind="refund_only",
        reason="少发一个垫子",
        amount=Decimal("50.00"),
    )
    assert day_row(shop, D2)["refunded_amount"] == Decimal("0.00")  # only raised

    aftersales_services.after_sale_confirm(
        actor=people.logistics.user, after_sale=after_sale
    )

    assert day_row(shop, D2)["refunded_amount"] == Decimal("50.00")
    assert DailyProvinceSales.objects.get(day=D2).refunded_amount == Decimal("50.00")
    refunds = dict(DailySkuSales.objects.values_list("sku__outer_code", "refunds"))
    # shared 200 : 100 by the lines' values; the odd cent to the larger remainder
    assert refunds == {"TENT": Decimal("33.33"), "MAT": Decimal("16.67")}
    assert_rollups_clean()


def test_a_change_that_moves_an_order_to_another_day_empties_the_old_one(
    shop, make_order, assert_rollups_clean
):
    order = make_order(created_at="2025-05-01 10:00")
    assert DailySales.objects.filter(day=D1).exists()
    with transaction.atomic(), rollups_tracking([order.pk]):
        Order.objects.filter(pk=order.pk).update(
            created_at=dt.datetime(2025, 5, 3, 10, tzinfo=SHANGHAI),
            province="四川省",
        )
    assert not DailySales.objects.filter(day=D1).exists()
    assert not DailyProvinceSales.objects.filter(day=D1).exists()
    assert day_row(shop, D3)["orders"] == 1
    assert DailyProvinceSales.objects.get(day=D3).province == "四川省"
    assert_rollups_clean()


def test_rollups_for_orders_counts_orders_written_without_a_tracker(
    shop, make_order, assert_rollups_clean
):
    order = make_order(created_at="2025-05-01 10:00", paid_amount=Decimal("10.00"))
    Order.objects.filter(pk=order.pk).update(paid_amount=Decimal("12.00"))
    assert rollups_check()  # written behind the rollups' back
    with transaction.atomic():
        rollups_for_orders([order.pk])
    assert day_row(shop, D1)["paid_amount"] == Decimal("12.00")
    assert_rollups_clean()


# --- the readers read the rollups ---------------------------------------------------


def test_the_summary_and_the_chart_read_the_rollups_not_the_orders(
    shop, make_shop, make_order
):
    make_order(created_at="2025-05-02 10:00", paid_amount=Decimal("10.00"))
    make_order(
        shop_=make_shop(code="outlet"),
        created_at="2025-05-02 11:00",
        paid_amount=Decimal("20.00"),
    )
    DailySales.objects.filter(shop=shop, day=D2).update(orders=7)
    summary = sales_summary(shop_id=shop.pk, date_from=D1, date_to=D3)
    assert summary.totals.orders == 7
    assert orders_per_day(date_from=D1, date_to=D3) == [(D1, 0), (D2, 8), (D3, 0)]


# --- check and rebuild --------------------------------------------------------------


@pytest.fixture
def counted(shop: Any, make_order: Any, make_sku: Any) -> Any:
    tent = make_sku("TENT")
    for when in ("2025-05-01 10:00", "2025-05-02 10:00", "2025-05-03 10:00"):
        order = make_order(created_at=when, customer=customer(shop, when))
        add_lines(order, (tent, Decimal("199.00"), 1))
    return tent


def test_check_finds_a_tampered_row_and_rebuild_restores_it(shop, counted):
    assert run("check").startswith("rollups agree with the orders")
    DailySales.objects.filter(day=D1).update(paid_amount=Decimal("1.00"), new_buyers=3)
    DailyProvinceSales.objects.filter(day=D2).delete()
    DailySkuSales.objects.filter(day=D3).update(units=5)

    out = io.StringIO()
    with pytest.raises(CommandError) as failed:
        call_command("rollups", "check", stdout=out)
    assert failed.value.returncode == 1
    assert "8 rollup figures differ" in str(failed.value)
    printed = out.getvalue().splitlines()
    assert "day main 2025-05-01: paid_amount is 1.00, the orders say 199.00" in printed
    assert "day main 2025-05-01: new_buyers is 3, the orders say 1" in printed
    assert "province main 2025-05-02 浙江省: orders is 0, the orders say 1" in printed
    assert f"sku main 2025-05-03 {counted.pk}: units is 5, the orders say 1" in printed

    assert "rebuilt 3 day rows, 3 province rows, 3 SKU rows" in run("rebuild")
    assert rollups_check() == []
    assert AuditEntry.objects.filter(verb="rollups.rebuild").count() == 1


def test_check_and_rebuild_of_one_shop_and_period(shop, make_shop, counted):
    outlet = make_shop(code="outlet")
    DailySales.objects.filter(day__in=[D1, D3]).update(orders=9)
    DailySales.objects.create(shop=outlet, day=D1, orders=1)

    assert len(rollups_check(shop_id=shop.pk, date_from=D2, date_to=D3)) == 1
    assert len(rollups_check(shop_id=outlet.pk)) == 1
    run("rebuild", "--shop", "main", "--from", "2025-05-03", "--to", "2025-05-03")
    assert [(d.shop, d.day) for d in rollups_check()] == [
        ("main", D1),
        ("outlet", D1),
    ]
    rollups_rebuild(actor=None, shop_id=outlet.pk)
    assert [(d.shop, d.day) for d in rollups_check()] == [("main", D1)]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["check", "--shop", "nope"], "no shop with code 'nope'"),
        (["rebuild", "--from", "2025-13-01"], "--from '2025-13-01' is not a date"),
        (["check", "--from", "2025-05-03", "--to", "2025-05-01"], "is after --to"),
        (["check", "--to", "0001-01-01"], "is not between"),
    ],
)
def test_the_command_refuses_bad_input_clearly(shop, args, message):
    with pytest.raises(CommandError, match=message):
        run(*args)
    assert not AuditEntry.objects.filter(verb="rollups.rebuild").exists()


# --- concurrency (PostgreSQL: SQLite's IMMEDIATE transactions serialise writers) ----


def _place_and_refund(args: tuple[int, int, int | None]) -> str:
    """In a transaction of its own: place an order of the racing customer, or
    confirm a refund of an existing order, keeping the rollups."""
    from django.db import connection

    shop_id, index, refund_of = args
    try:
        with transaction.atomic():
            if refund_of is not None:
                order = Order.objects.select_for_update().get(pk=refund_of)
                request = aftersales_services.after_sale_raise(
                    actor=None,
                    order=order,
                    kind="refund_only",
                    reason="赛跑",
                    amount=Decimal("1.00"),
                )
                aftersales_services.after_sale_confirm(actor=None, after_sale=request)
                return "ok"
            buyer = Customer.objects.get(shop_id=shop_id, member_name="racer")
            with rollups_tracking() as rollup:
                order = Order.objects.create(
                    shop_id=shop_id,
                    order_no=f"RACE{index}",
                    customer=buyer,
                    province="四川省",
                    total_amount=Decimal("10.00"),
                    paid_amount=Decimal("10.00"),
                    status=Order.Status.PAID,
                    # every other one a day earlier: the racer's first day moves
                    created_at=dt.datetime(2025, 5, 2 + index % 2, 9, tzinfo=SHANGHAI),
                    paid_at=dt.datetime(2025, 5, 2 + index % 2, 9, tzinfo=SHANGHAI),
                )
                rollup.include([order.pk])
        return "ok"
    except Exception as exc:  # noqa: BLE001 - reported to the test
        return repr(exc)
    finally:
        connection.close()


@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_keep_the_rollups_exact(shop, make_order):
    from concurrent.futures import ThreadPoolExecutor

    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers; the race needs PostgreSQL")
    # given a customer and paid orders of 2 and 3 May
    Customer.objects.create(shop=shop, member_name="racer")
    targets = [
        make_order(created_at=f"2025-05-0{2 + i % 2} 08:00").pk for i in range(8)
    ]
    # when 16 new orders of the customer and 8 refunds race each other
    jobs = [(shop.pk, i, None) for i in range(16)]
    jobs += [(shop.pk, 100 + i, pk) for i, pk in enumerate(targets)]
    with ThreadPoolExecutor(max_workers=8) as pool:
        outcomes = list(pool.map(_place_and_refund, jobs))
    # then every writer got through and the rollups are what the orders say
    assert outcomes == ["ok"] * len(jobs)
    assert rollups_check() == []
    assert day_row(shop, D2)["new_buyers"] == 1  # the racer's first day
    assert day_row(shop, D3)["returning_buyers"] == 1
    assert day_row(shop, D2)["refunded_amount"] + day_row(shop, D3)[
        "refunded_amount"
    ] == Decimal("8.00")
