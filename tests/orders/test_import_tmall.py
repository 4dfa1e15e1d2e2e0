"""The real Tmall order report imports, and its sales summary matches the file.

Slow but needed (about 10 s on SQLite): 28,010 real orders through the same code path
as `shopops import-orders`. The expected figures are computed here from the raw file
with the csv module and Decimal, never typed in.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from shopops.orders.imports import orders_import
from shopops.orders.models import Order, OrderStatusChange
from shopops.orders.summary import sales_summary

pytestmark = pytest.mark.django_db

TMALL = Path("/work/shared/data/real/tmall_order_report.csv")


@dataclass
class RawFigures:
    orders: int = 0
    paid: int = 0
    total: Decimal = Decimal(0)
    paid_amount: Decimal = Decimal(0)
    refunded: Decimal = Decimal(0)
    provinces: Counter[str] = field(default_factory=Counter)
    days: Counter[dt.date] = field(default_factory=Counter)
    numbers: set[str] = field(default_factory=set)


def raw_figures(path: Path) -> RawFigures:
    """Read the file as plainly as possible: csv module, Decimal, stripped headers."""
    figures = RawFigures()
    with path.open(encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            row = {key.strip(): value.strip() for key, value in row.items()}
            figures.orders += 1
            figures.numbers.add(row["订单编号"])
            figures.paid += bool(row["订单付款时间"])
            figures.total += Decimal(row["总金额"])
            figures.paid_amount += Decimal(row["买家实际支付金额"])
            figures.refunded += Decimal(row["退款金额"])
            figures.provinces[row["收货地址"]] += 1
            figures.days[dt.date.fromisoformat(row["订单创建时间"][:10])] += 1
    return figures


@pytest.mark.skipif(not TMALL.exists(), reason="the shared real data is not here")
def test_the_real_tmall_report_imports_and_sums_up_as_the_file(
    make_shop: Any, assert_rollups_clean: Any
) -> None:
    # given a Tmall shop and the real report (7 columns, no status column)
    shop = make_shop(code="tmall-real")
    raw = raw_figures(TMALL)

    # when it is imported
    report = orders_import(actor=None, shop=shop, orders_file=TMALL)

    # then every order is there, and nothing the file lacks was invented
    assert report.ok, report.errors[:10]
    assert (report.created, report.updated, report.unchanged) == (raw.orders, 0, 0)
    assert report.rows == raw.orders
    orders = Order.objects.filter(shop=shop)
    assert set(orders.values_list("order_no", flat=True)) == raw.numbers
    assert not orders.exclude(status="").exists()  # no 订单状态 column: unknown
    assert not orders.filter(customer__isnull=False).exists()
    assert not orders.exclude(receiver_name="").exists()
    assert not orders.filter(goods_amount__isnull=False).exists()

    # and the sales summary over the file's days matches the file
    first, last = min(raw.days), max(raw.days)
    summary = sales_summary(shop_id=shop.pk, date_from=first, date_to=last)
    assert summary.totals.orders == raw.orders
    assert summary.totals.paid_orders == raw.paid
    assert summary.totals.total_amount == raw.total
    assert summary.totals.paid_amount == raw.paid_amount
    assert summary.totals.refunded_amount == raw.refunded
    by_day = {d.day: d.figures.orders for d in summary.days}
    assert {day: n for day, n in by_day.items() if n} == dict(raw.days)
    by_province = {p.province: p.figures.orders for p in summary.provinces}
    for province, count in raw.provinces.most_common(5):
        assert by_province[province] == count
    for province in ("上海", "内蒙古自治区", "西藏自治区"):
        assert by_province[province] == raw.provinces[province]
    assert by_province == dict(raw.provinces)
    # and the daily rollups it was read from agree with the orders
    assert_rollups_clean()

    # and importing it again changes nothing
    again = orders_import(actor=None, shop=shop, orders_file=TMALL)
    assert (again.created, again.updated, again.unchanged) == (0, 0, raw.orders)
    assert not OrderStatusChange.objects.filter(order__shop=shop).exists()
    assert_rollups_clean()
