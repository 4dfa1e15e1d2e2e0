"""Order search (`orders.selectors.order_text_search`): every field, the seller center's
masked phones, short queries, the same results on SQLite and PostgreSQL (the whole
module runs on both), and the index kept in step with imports, updates and deletes."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.test import Client

from shopops.orders import search_index, selectors, services
from shopops.orders.imports import orders_import
from shopops.orders.models import Order

from .test_import_files import (
    ITEM_HEADER,
    ORDER_HEADER,
    export_bytes,
    item_row,
    order_row,
)

pytestmark = pytest.mark.django_db

API = "/api/v1"


def found(text: str) -> set[str]:
    return set(
        selectors.order_text_search(Order.objects.all(), text).values_list(
            "order_no", flat=True
        )
    )


def reference(text: str) -> set[str]:
    """Return what the documented rule finds, by brute force over every order."""
    terms = search_index.query_terms(search_index.clean_query(text))
    if not terms:
        return set(Order.objects.values_list("order_no", flat=True))
    hits = set()
    for order in Order.objects.all():
        values = [
            search_index.ascii_upper(getattr(order, f)) for f in search_index.FIELDS
        ]
        for term in terms:
            t = search_index.ascii_upper(term)
            if any(
                (v == t) if search_index.is_exact(term) else (t in v) for v in values
            ):
                hits.add(order.order_no)
    return hits


@pytest.fixture
def orders(make_order: Any) -> dict[str, Order]:
    """Orders as the seller center exports them: masked phones, tracking numbers."""
    specs = {
        "hiker": {
            "order_no": "4012345678901234567",
            "buyer_member_name": "TB_Hiker2024",
            "receiver_name": "张三丰",
            "receiver_phone": "138****5678",
            "tracking_no": "YT7712345678",
        },
        "zhang": {
            "order_no": "4012345600000000001",
            "buyer_member_name": "山野爱好者",
            "receiver_name": "张三",
            "receiver_phone": "139****0012",
            "tracking_no": "SF1400023456",
        },
        "plain": {
            "order_no": "3987654321098765432",
            "buyer_member_name": "ab",
            "receiver_name": "Li Si",
            "receiver_phone": "13900139000",
            "tracking_no": "",
        },
        "odd": {
            "order_no": "3000000000000000042",
            "buyer_member_name": 'tb_50%_off"quote',
            "receiver_name": "王_五",
            "receiver_phone": "186****5678",
            "tracking_no": "ZTO-000-1",
        },
        "accent": {
            "order_no": "3000000000000000777",
            "buyer_member_name": "Ärger_émile",
            "receiver_name": "Zoë",
            "receiver_phone": "",
            "tracking_no": "",
        },
    }
    return {key: make_order(**values) for key, values in specs.items()}


@pytest.mark.parametrize(
    ("query", "keys"),
    [
        # every field, as a substring, ignoring case
        ("901234", {"hiker"}),  # order number
        ("40123456", {"hiker", "zhang"}),
        ("tb_hiker", {"hiker"}),  # member name
        ("HIKER20", {"hiker"}),
        ("山野爱", {"zhang"}),
        ("张三丰", {"hiker"}),  # receiver
        ("li si", {"plain"}),
        ("0139000", {"plain"}),  # phone
        ("yt77123", {"hiker"}),  # tracking number
        ("sf1400", {"zhang"}),
        # masked phones: the last four digits, the visible part, the full mobile
        ("5678", {"hiker", "odd"}),
        ("0012", {"zhang"}),
        ("138****5678", {"hiker"}),
        ("8****56", {"hiker"}),
        ("13812345678", {"hiker"}),
        ("13900139000", {"plain"}),  # a full phone is also found as itself
        ("18600005678", {"odd"}),
        # short queries match a whole field
        ("张三", {"zhang"}),
        ("AB", {"plain"}),
        ("张", set()),
        ("78", set()),
        # no wildcards, quotes are characters
        ("50%_", {"odd"}),
        ("%_o", {"odd"}),
        ('f"quote', {"odd"}),
        ("王_五", {"odd"}),
        ("王%五", set()),
        ("%", set()),
        ('"', set()),
        ("ZTO-000", {"odd"}),
        ("nothing here", set()),
        # only A–Z ignore case
        ("ärger_ÉMILE", set()),
        ("Ärger_émile", {"accent"}),
        ("ÄRGER", {"accent"}),
        ("ÄrGeR", {"accent"}),
        ("zoë", {"accent"}),
        ("ZOË", set()),
        ("zoË", set()),
        # control characters are dropped, the ends stripped
        ("  tb_hik\x01er  ", {"hiker"}),
        ("\t", {"hiker", "zhang", "plain", "odd", "accent"}),
    ],
)
def test_search_finds_each_field(
    orders: dict[str, Order], query: str, keys: set[str]
) -> None:
    assert found(query) == {orders[k].order_no for k in keys}
    assert found(query) == reference(query)


def test_every_substring_finds_what_the_rule_says(orders: dict[str, Order]) -> None:
    """Every 1–5 character piece of every field finds what the brute force finds."""
    pieces = {
        value[i : i + n]
        for order in orders.values()
        for value in (getattr(order, f) for f in search_index.FIELDS)
        for n in range(1, 6)
        for i in range(len(value) - n + 1)
    }
    assert len(pieces) > 300
    wrong = {p: (found(p), reference(p)) for p in pieces if found(p) != reference(p)}
    assert wrong == {}


def test_a_long_query_is_cut_not_refused(orders: dict[str, Order]) -> None:
    assert found("9" * 500) == set()
    assert len(search_index.clean_query("9" * 500)) == search_index.LONGEST_QUERY


def test_search_combines_with_the_other_filters(
    orders: dict[str, Order], make_order: Any, make_shop: Any
) -> None:
    other = make_order(shop_=make_shop(code="other"), receiver_phone="138****5678")
    filters = selectors.OrderFilters(search="5678", shop_id=other.shop_id)
    assert {o.order_no for o in selectors.order_search(filters)} == {other.order_no}


def test_the_list_page_and_the_api_search(
    orders: dict[str, Order], client: Any, login: Any, people: Any
) -> None:
    page = login(client, people.ops).get("/orders/", {"q": "5678"})
    assert page.status_code == 200
    assert {o.order_no for o in page.context["page"]} == {
        orders["hiker"].order_no,
        orders["odd"].order_no,
    }
    api = Client(HTTP_ACCEPT="application/json")
    api.force_login(people.ops.user)
    response = api.get(f"{API}/orders", {"q": "张三"})
    assert response.status_code == 200
    assert [i["order_no"] for i in response.json()["items"]] == [
        orders["zhang"].order_no
    ]
    assert response.json()["count"] == 1


# --- the index follows every write --------------------------------------------------


def _export(tmp_path: Path, rows: list[dict[str, str]]) -> tuple[Path, Path]:
    orders_file = tmp_path / "ExportOrderList.csv"
    items_file = tmp_path / "ExportOrderDetailList.csv"
    orders_file.write_bytes(export_bytes(ORDER_HEADER, rows))
    items_file.write_bytes(
        export_bytes(ITEM_HEADER, [item_row(r["订单编号"][2:-1]) for r in rows])
    )
    return orders_file, items_file


def test_the_index_follows_imports_updates_and_deletes(
    tmp_path: Path, shop: Any
) -> None:
    rows = [
        order_row(
            "4099999999990000001",
            买家会员名="tb_river",
            收货人姓名="赵六",
            联系手机="'137****4321",
        ),
        order_row("4099999999990000002", 买家会员名="tb_lake", 收货人姓名="钱七"),
    ]
    report = orders_import(
        actor=None, shop=shop, orders_file=_export(tmp_path, rows)[0]
    )
    assert report.ok, report.as_dict()
    river = Order.objects.get(order_no="4099999999990000001")
    assert found("4321") == {river.order_no}
    assert found("赵六") == {river.order_no}
    assert found("tb_lake") == {"4099999999990000002"}

    # a newer export changes the receiver: the old name is gone, the new one found
    rows[0] = order_row(
        "4099999999990000001",
        买家会员名="tb_river",
        收货人姓名="赵六六",
        联系手机="'137****8765",
    )
    report = orders_import(
        actor=None, shop=shop, orders_file=_export(tmp_path, rows)[0]
    )
    assert report.ok, report.as_dict()
    assert found("4321") == set()
    assert found("8765") == {river.order_no}
    assert found("赵六") == set()
    assert found("赵六六") == {river.order_no}

    # shipping writes the tracking number through the service
    river.refresh_from_db()
    services.order_mark_shipped(
        actor=None,
        order=river,
        courier="顺丰速运",
        tracking_no="SF9988776655",
        at=dt.datetime.now(dt.UTC),
    )
    assert found("sf998877") == {river.order_no}

    # a set-based update and a save()
    Order.objects.filter(pk=river.pk).update(tracking_no="YT0001112223")
    assert found("sf998877") == set()
    assert found("0001112") == {river.order_no}
    river.refresh_from_db()
    river.buyer_member_name = "TB_Sea"
    river.save()
    assert found("tb_river") == set()
    assert found("tb_sea") == {river.order_no}

    # deleted orders leave the index
    Order.objects.filter(order_no="4099999999990000002").delete()
    assert found("tb_lake") == set()
    river.delete()
    assert found("tb_sea") == set()
    assert found("0001112") == set()
    assert found("4099999999") == set()


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's triggers")
def test_a_lost_trigger_is_put_back_after_migrate(orders: dict[str, Order]) -> None:
    """A table rebuild by a later migration drops triggers; post_migrate repairs."""
    assert search_index.repair(connection) is False
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TRIGGER {search_index.TABLE}_update")
        cursor.execute(f"DROP TRIGGER {search_index.TABLE}_insert")
    Order.objects.filter(pk=orders["plain"].pk).update(receiver_name="周八")
    assert found("周八") == set()  # the index missed the change

    assert search_index.repair(connection) is True
    assert found("周八") == {orders["plain"].order_no}
    assert found("li si") == set()
    Order.objects.filter(pk=orders["plain"].pk).update(receiver_name="吴九")
    assert found("吴九") == {orders["plain"].order_no}


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's planner")
def test_postgresql_answers_from_the_trigram_index(orders: dict[str, Order]) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        for query in ("5678", "张三"):
            qs = selectors.order_text_search(Order.objects.all(), query)
            sql, params = qs.order_by().values("pk").query.sql_with_params()
            cursor.execute(f"EXPLAIN {sql}", params)
            plan = "\n".join(r for (r,) in cursor.fetchall())
            assert search_index.PG_INDEX in plan, plan
