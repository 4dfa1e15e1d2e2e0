"""The sales summary: figures checked against sums this test makes itself from the rows
it created, never through the summary code."""

from __future__ import annotations

import datetime as dt
import json
import random
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal
from io import StringIO
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.urls import reverse

from shopops.orders.models import Order
from shopops.orders.summary import sales_summary

pytestmark = pytest.mark.django_db

UTC = dt.UTC
SHANGHAI = ZoneInfo("Asia/Shanghai")
FROM, TO = dt.date(2025, 5, 1), dt.date(2025, 5, 7)
PROVINCES = ["浙江省", "广东省", "北京市", "新疆维吾尔自治区", ""]


@pytest.fixture
def period_orders(make_order, make_shop) -> list[dict[str, Any]]:
    """Orders of the main shop around and inside 1–7 May 2025 (Shanghai), and of
    another shop; return what was created, as plain rows."""
    rng = random.Random(20250501)
    rows: list[dict[str, Any]] = []

    def add(created: dt.datetime, **fields: Any) -> None:
        order = make_order(created_at=created, **fields)
        rows.append(
            {
                "shop": order.shop.code,
                "created_at": created,
                "paid": order.paid_at is not None,
                "total": order.total_amount,
                "paid_amount": order.paid_amount,
                "refunded": order.refunded_amount,
                "province": order.province,
            }
        )

    start = dt.datetime(2025, 4, 29, tzinfo=UTC)
    for _ in range(60):
        created = start + dt.timedelta(minutes=rng.randrange(0, 60 * 24 * 11))
        amount = Decimal(rng.randrange(990, 99_900)) / 100
        kind = rng.random()
        if kind < 0.15:  # never paid
            add(
                created,
                status=Order.Status.AWAITING_PAYMENT,
                paid_amount=None,
                total_amount=amount,
                province=rng.choice(PROVINCES),
            )
        elif kind < 0.3:  # paid, partly refunded
            add(
                created,
                paid_amount=amount,
                total_amount=amount + Decimal("10.00"),
                refunded_amount=(amount / 3).quantize(Decimal("0.01")),
                province=rng.choice(PROVINCES),
            )
        else:
            add(created, paid_amount=amount, province=rng.choice(PROVINCES))
    # the edges of the period in Shanghai time
    add(dt.datetime(2025, 4, 30, 15, 59, 59, tzinfo=UTC), paid_amount=Decimal("1.01"))
    add(dt.datetime(2025, 4, 30, 16, 0, tzinfo=UTC), paid_amount=Decimal("2.02"))
    add(dt.datetime(2025, 5, 7, 15, 59, 59, tzinfo=UTC), paid_amount=Decimal("3.03"))
    add(dt.datetime(2025, 5, 7, 16, 0, tzinfo=UTC), paid_amount=Decimal("4.04"))
    # 23:30 UTC on 2 May is 07:30 on 3 May in Shanghai
    add(
        dt.datetime(2025, 5, 2, 23, 30, tzinfo=UTC),
        paid_amount=Decimal("500.00"),
        province="西藏自治区",
    )
    # another shop's order in the period does not count
    other = make_shop(code="outlet")
    make_order(
        shop_=other, created_at="2025-05-03 12:00", paid_amount=Decimal("777.77")
    )
    return rows


def expected(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Compute the figures of `rows` in the main shop's 1–7 May, by hand."""
    zero = Decimal("0.00")

    def figures(group: list[dict[str, Any]]) -> dict[str, Any]:
        paid_orders = sum(1 for r in group if r["paid"])
        paid = sum((r["paid_amount"] or zero for r in group), zero)
        return {
            "orders": len(group),
            "paid_orders": paid_orders,
            "total_amount": sum((r["total"] or zero for r in group), zero),
            "paid_amount": paid,
            "refunded_amount": sum((r["refunded"] or zero for r in group), zero),
            "average_order_value": (paid / paid_orders).quantize(
                Decimal("0.01"), rounding=ROUND_HALF_UP
            )
            if paid_orders
            else None,
        }

    inside = [
        r
        for r in rows
        if r["shop"] == "main"
        and FROM <= r["created_at"].astimezone(SHANGHAI).date() <= TO
    ]
    by_day: dict[dt.date, list[dict[str, Any]]] = defaultdict(list)
    by_province: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for r in inside:
        by_day[r["created_at"].astimezone(SHANGHAI).date()].append(r)
        by_province[r["province"]].append(r)
    return {
        "totals": figures(inside),
        "days": {
            FROM + dt.timedelta(days=i): figures(by_day[FROM + dt.timedelta(days=i)])
            for i in range((TO - FROM).days + 1)
        },
        "provinces": {p: figures(group) for p, group in by_province.items()},
    }


def as_dict(figures: Any) -> dict[str, Any]:
    return {
        "orders": figures.orders,
        "paid_orders": figures.paid_orders,
        "total_amount": figures.total_amount,
        "paid_amount": figures.paid_amount,
        "refunded_amount": figures.refunded_amount,
        "average_order_value": figures.average_order_value,
    }


def test_the_summary_matches_sums_made_from_the_rows(shop, period_orders):
    want = expected(period_orders)

    summary = sales_summary(shop_id=shop.pk, date_from=FROM, date_to=TO)

    assert as_dict(summary.totals) == want["totals"]
    assert summary.totals.orders > 40  # the fixture really fills the period
    assert [d.day for d in summary.days] == list(want["days"])
    assert {d.day: as_dict(d.figures) for d in summary.days} == want["days"]
    assert {p.province: as_dict(p.figures) for p in summary.provinces} == want[
        "provinces"
    ]
    paid = [p.figures.paid_amount for p in summary.provinces]
    assert paid == sorted(paid, reverse=True)
    # every amount is a Decimal with two places
    for value in (summary.totals.paid_amount, summary.days[0].figures.total_amount):
        assert isinstance(value, Decimal)
        assert value.as_tuple().exponent == -2


def test_days_are_shop_local(shop, make_order):
    # 23:30 UTC on 1 May is 07:30 on 2 May in Shanghai
    make_order(
        created_at=dt.datetime(2025, 5, 1, 23, 30, tzinfo=UTC),
        paid_amount=Decimal("10.00"),
    )
    summary = sales_summary(
        shop_id=shop.pk, date_from=dt.date(2025, 5, 1), date_to=dt.date(2025, 5, 2)
    )
    assert [(d.day, d.figures.orders) for d in summary.days] == [
        (dt.date(2025, 5, 1), 0),
        (dt.date(2025, 5, 2), 1),
    ]
    assert summary.days[1].figures.paid_amount == Decimal("10.00")


def test_an_empty_period_has_zeros_and_no_average(shop):
    summary = sales_summary(shop_id=shop.pk, date_from=FROM, date_to=FROM)
    assert as_dict(summary.totals) == {
        "orders": 0,
        "paid_orders": 0,
        "total_amount": Decimal("0.00"),
        "paid_amount": Decimal("0.00"),
        "refunded_amount": Decimal("0.00"),
        "average_order_value": None,
    }
    assert [d.figures.orders for d in summary.days] == [0]
    assert summary.provinces == []


def test_the_average_is_rounded_to_the_cent(shop, make_order):
    for amount in ("10.00", "10.00", "10.01"):
        make_order(created_at="2025-05-01 12:00", paid_amount=Decimal(amount))
    summary = sales_summary(shop_id=shop.pk, date_from=FROM, date_to=FROM)
    assert summary.totals.average_order_value == Decimal("10.00")  # 30.01 / 3


def test_a_reversed_period_is_refused(shop):
    with pytest.raises(ValidationError, match="晚于"):
        sales_summary(shop_id=shop.pk, date_from=TO, date_to=FROM)
    with pytest.raises(ValidationError):
        sales_summary(shop_id=shop.pk, date_from=FROM, date_to=dt.date.max)


# --- the command --------------------------------------------------------------


def run(*args: str) -> str:
    out = StringIO()
    call_command("sales_summary", *args, stdout=out)
    return out.getvalue()


def test_the_command_prints_json_with_decimal_strings(shop, period_orders):
    want = expected(period_orders)

    data = json.loads(
        run("--shop", "main", "--from", "2025-05-01", "--to", "2025-05-07", "--json")
    )

    assert data["shop"] == "main"
    assert (data["date_from"], data["date_to"]) == ("2025-05-01", "2025-05-07")
    assert data["orders"] == want["totals"]["orders"]
    assert data["paid_amount"] == str(want["totals"]["paid_amount"])
    assert data["total_amount"] == str(want["totals"]["total_amount"])
    assert data["refunded_amount"] == str(want["totals"]["refunded_amount"])
    assert data["average_order_value"] == str(want["totals"]["average_order_value"])
    assert isinstance(data["days"], list)
    assert len(data["days"]) == 7
    day3 = next(d for d in data["days"] if d["day"] == "2025-05-03")
    assert day3["paid_amount"] == str(want["days"][dt.date(2025, 5, 3)]["paid_amount"])
    assert isinstance(data["provinces"], list)
    tibet = next(p for p in data["provinces"] if p["province"] == "西藏自治区")
    assert tibet == {
        "province": "西藏自治区",
        "orders": 1,
        "paid_orders": 1,
        "total_amount": "500.00",
        "paid_amount": "500.00",
        "refunded_amount": "0.00",
        "average_order_value": "500.00",
    }


def test_the_command_prints_a_table(shop, make_order):
    make_order(created_at="2025-05-02 10:00", paid_amount=Decimal("123.45"))
    text = run("--shop", "main", "--from", "2025-05-01", "--to", "2025-05-03")
    lines = text.splitlines()
    assert "main" in lines[0]
    assert "2025-05-01" in lines[0]
    total = next(line for line in lines if line.startswith("total"))
    assert total.split()[1:] == ["1", "1", "123.45", "123.45", "0.00", "123.45"]
    assert any(line.startswith("2025-05-03") for line in lines)
    assert any(line.startswith("浙江省") for line in lines)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--shop", "nope", "--from", "2025-05-01", "--to", "2025-05-02"], "no shop"),
        (["--shop", "main", "--from", "2025-13-01", "--to", "2025-05-02"], "--from"),
        (["--shop", "main", "--from", "2025-05-01", "--to", "May 2"], "--to"),
        (["--shop", "main", "--from", "2025-05-03", "--to", "2025-05-02"], "晚于"),
    ],
)
def test_the_command_refuses_bad_input_clearly(shop, args, message):
    with pytest.raises(CommandError, match=message):
        run(*args)


# --- the page -------------------------------------------------------------------


def test_the_page_shows_the_figures_and_the_charts_data(
    client, login, people, shop, period_orders
):
    want = expected(period_orders)
    login(client, people.ops)

    response = client.get(
        "/orders/summary/",
        {"shop": shop.pk, "date_from": "2025-05-01", "date_to": "2025-05-07"},
    )

    assert response.status_code == 200
    html = response.content.decode()
    totals = want["totals"]
    assert f'data-figure="paid_amount">{totals["paid_amount"]}<' in html
    assert f'data-figure="orders">{totals["orders"]}<' in html
    assert f'data-figure="average_order_value">{totals["average_order_value"]}<' in (
        html
    )
    assert "vendor/echarts/echarts.min.js" in html
    assert "orders/summary_chart.js" in html
    chart = response.context["chart_json"]
    assert chart["days"][0] == "2025-05-01"
    assert len(chart["days"]) == 7
    assert chart["paid"][2] == str(want["days"][dt.date(2025, 5, 3)]["paid_amount"])
    assert 'id="summary-chart-data"' in html
    assert "西藏自治区" in html


def test_without_shops_the_page_says_so(client, login, people):
    login(client, people.ops)
    response = client.get("/orders/summary/")
    assert response.status_code == 200
    assert "还没有店铺" in response.content.decode()


def test_the_page_defaults_to_the_last_30_days(
    client, login, people, shop, frozen_clock
):
    frozen_clock("2025-06-30 09:00")
    login(client, people.ops)
    response = client.get("/orders/summary/")
    summary = response.context["summary"]
    assert (summary.date_from, summary.date_to) == (
        dt.date(2025, 6, 1),
        dt.date(2025, 6, 30),
    )
    assert len(summary.days) == 30


def test_the_page_explains_a_bad_period(client, login, people, shop):
    login(client, people.ops)
    response = client.get(
        "/orders/summary/",
        {"shop": shop.pk, "date_from": "2025-05-07", "date_to": "2025-05-01"},
    )
    assert response.status_code == 200
    assert response.context["summary"] is None
    assert "晚于" in response.content.decode()


def test_the_navigation_offers_the_summary_to_who_may_see_orders(
    client, login, make_staff, people
):
    login(client, make_staff("marketing"))
    assert 'href="/orders/summary/"' in client.get("/orders/summary/").content.decode()
    login(client, people.designer)
    assert (
        'href="/orders/summary/"' not in client.get(reverse("today")).content.decode()
    )
