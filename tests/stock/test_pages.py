"""Stock pages and their API: who may see and change what, levels by SKU with lots,
the movements ledger, manual receipts and adjustments, warehouses and locations."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db.models import Sum

from shopops.catalog.models import Category, Product, Sku
from shopops.core.models import AuditEntry
from shopops.stock import services
from shopops.stock.models import Location, Movement, StockLevel, Warehouse

from .ledger import assert_ledger_matches_levels

pytestmark = pytest.mark.django_db

PAGES = [
    "/stock/",
    "/stock/movements/",
    "/stock/receive/",
    "/stock/warehouses/",
    "/stock/counts/",
    "/stock/reports/",
]


# --- who may do what ----------------------------------------------------------


@pytest.mark.parametrize("url", PAGES)
def test_a_designer_may_not_open_the_stock_pages(as_role, url):
    assert as_role("designer").get(url).status_code == 403


@pytest.mark.parametrize("url", PAGES)
def test_logistics_and_the_ops_manager_open_every_stock_page(as_role, url):
    assert as_role("logistics").get(url).status_code == 200
    assert as_role("ops_manager").get(url).status_code == 200


@pytest.mark.parametrize("role", ["shipping", "finance", "general_manager"])
def test_viewers_see_stock_but_cannot_change_it(as_role, role, stocked):
    client = as_role(role)
    assert client.get("/stock/").status_code == 200
    assert client.get("/stock/movements/").status_code == 200
    assert client.get("/stock/receive/").status_code == 403
    level = StockLevel.objects.first()
    assert client.get(f"/stock/levels/{level.pk}/adjust/").status_code == 403
    response = client.post(
        "/stock/receive/", {"sku": "TENT-2P", "quantity": 1}, follow=False
    )
    assert response.status_code == 403
    assert client.post("/stock/counts/new/", {"scope": "warehouse"}).status_code == 403


def _user(client: Any) -> Any:
    from django.contrib.auth import get_user

    return get_user(client)


def _nav_urls(user: Any) -> set[str]:
    from shopops.web.navigation import nav_for

    entries = nav_for(user, "/")
    return {link["url"] for e in entries for link in (e["children"] or [e])}


def test_the_navigation_shows_stock_only_to_those_who_may_see_it(as_role):
    logistics = as_role("logistics")
    assert 'href="/stock/"' in logistics.get("/stock/").content.decode()
    assert "/stock/" in _nav_urls(_user(logistics))
    designer = as_role("designer")
    assert "/stock/" not in _nav_urls(_user(designer))


# --- levels ---------------------------------------------------------------------


def listed(response) -> list[str]:
    assert response.status_code == 200
    return [row["sku"].outer_code for row in response.context["rows"]]


def test_levels_by_sku_with_lots_and_expiry(as_role, stocked):
    client = as_role("logistics")
    response = client.get("/stock/")
    rows = {row["sku"].outer_code: row for row in response.context["rows"]}
    tent = rows["TENT-2P"]["sku"]
    assert (tent.qty_on_hand, tent.qty_reserved, tent.qty_available) == (10, 0, 10)
    assert [lv.location.code for lv in rows["TENT-2P"]["levels"]] == ["A-01", "B-01"]
    gas = rows["GAS-230"]
    assert [lv.lot.lot_no for lv in gas["levels"]] == ["G0", "G1"]  # expiry order
    assert [lv.days_left for lv in gas["levels"]] == [-1, 10]
    assert rows["STOVE-1"]["sku"].qty_available == 0
    page = response.content.decode()
    assert "已过期" in page
    assert "G1" in page


def test_levels_filter_by_category_place_search_and_stockout(as_role, stocked):
    client = as_role("logistics")
    fuel = Category.objects.get(name="燃料")
    assert listed(client.get(f"/stock/?category={fuel.pk}")) == ["GAS-230"]
    a1, b1 = stocked["a1"], stocked["b1"]
    assert listed(client.get(f"/stock/?location={a1.pk}")) == ["TENT-2P"]
    response = client.get(f"/stock/?location={b1.pk}")
    assert listed(response) == ["GAS-230", "TENT-2P"]
    tent_row = next(
        r for r in response.context["rows"] if r["sku"].outer_code == "TENT-2P"
    )
    assert tent_row["sku"].qty_on_hand == 3  # only what lies at B-01
    warehouse = Warehouse.objects.get(code="main")
    assert listed(client.get(f"/stock/?warehouse={warehouse.pk}")) == [
        "GAS-230",
        "TENT-2P",
    ]
    assert listed(client.get("/stock/?q=tent")) == ["TENT-2P"]
    assert listed(client.get("/stock/?stockout=1")) == ["STOVE-1"]
    # nonsense filters are no server error
    assert client.get("/stock/?category=x&warehouse=&page=99").status_code == 200


def test_levels_page_query_count_does_not_grow_with_skus(
    as_role, make_sku, django_assert_max_num_queries
):
    client = as_role("logistics")
    for n in range(30):
        sku = make_sku(f"BULK-{n:02d}")
        services.stock_receive(actor=None, sku=sku, quantity=n + 1)
        services.stock_receive(actor=None, sku=sku, quantity=1, lot_no="X")
    with django_assert_max_num_queries(14):
        response = client.get("/stock/")
    assert len(response.context["rows"]) == 30


# --- the ledger --------------------------------------------------------------------


def test_movements_filter_by_kind_sku_and_day(as_role, stocked, frozen_clock):
    level = StockLevel.objects.get(sku=stocked["tent"], location=stocked["a1"])
    frozen_clock("2030-03-05 23:30")
    services.stock_adjust(actor=None, level=level, delta=-2, reason="破损报废")
    frozen_clock("2030-03-06 00:30")
    services.stock_adjust(actor=None, level=level, delta=1, reason="找到")
    client = as_role("logistics")  # signed in on the frozen clock

    response = client.get("/stock/movements/?kind=adjustment")
    assert [m.on_hand_delta for m in response.context["page"]] == [1, -2]
    response = client.get("/stock/movements/?sku=GAS-230")
    assert {m.level.sku.outer_code for m in response.context["page"]} == {"GAS-230"}
    response = client.get("/stock/movements/?from=2030-03-05&to=2030-03-05")
    assert [m.reason for m in response.context["page"]] == ["破损报废"]
    response = client.get(f"/stock/movements/?level={level.pk}")
    assert len(response.context["page"]) == 3
    assert "破损报废" in response.content.decode()


# --- receive and adjust through the pages ----------------------------------------------


def test_receive_through_the_page(as_role, stocked):
    client = as_role("logistics")
    response = client.post(
        "/stock/receive/",
        {
            "sku": "GAS-230",
            "quantity": "24",
            "location": stocked["a1"].pk,
            "lot_no": "G2",
            "production_date": "2030-01-01",
            "expiry_date": "2033-01-01",
            "reference": "样品-01",
            "reason": "供应商送样",
        },
    )
    assert response.status_code == 302
    level = StockLevel.objects.get(sku=stocked["gas"], lot__lot_no="G2")
    assert (level.on_hand, level.location.code) == (24, "A-01")
    assert level.lot.expiry_date == dt.date(2033, 1, 1)
    movement = level.movements.get()
    assert (movement.kind, movement.reference, movement.reason) == (
        Movement.Kind.RECEIPT,
        "样品-01",
        "供应商送样",
    )
    assert movement.actor == _user(client)
    assert AuditEntry.objects.filter(verb="stock.receipt").exists()
    assert_ledger_matches_levels()


def test_receive_refuses_a_shelf_life_product_without_expiry(as_role, stocked):
    client = as_role("logistics")
    response = client.post("/stock/receive/", {"sku": "GAS-230", "quantity": "5"})
    assert response.status_code == 200
    assert "有效期" in response.content.decode()
    response = client.post("/stock/receive/", {"sku": "NOPE", "quantity": "5"})
    assert "NOPE" in response.content.decode()
    response = client.post("/stock/receive/", {"sku": "TENT-2P", "quantity": "0"})
    assert response.status_code == 200
    assert StockLevel.objects.aggregate(n=Sum("on_hand"))["n"] == 26


def test_adjust_through_the_page(as_role, stocked):
    client = as_role("ops_manager")
    level = StockLevel.objects.get(sku=stocked["tent"], location=stocked["a1"])
    assert client.get(f"/stock/levels/{level.pk}/adjust/").status_code == 200

    response = client.post(
        f"/stock/levels/{level.pk}/adjust/", {"delta": "-3", "reason": "雨淋报损"}
    )
    assert response.status_code == 302
    level.refresh_from_db()
    assert level.on_hand == 4
    movement = level.movements.filter(kind=Movement.Kind.ADJUSTMENT).get()
    assert (movement.on_hand_delta, movement.reason) == (-3, "雨淋报损")

    # a reason is required, and available stock never goes below zero
    response = client.post(f"/stock/levels/{level.pk}/adjust/", {"delta": "-1"})
    assert response.status_code == 200
    response = client.post(
        f"/stock/levels/{level.pk}/adjust/", {"delta": "-5", "reason": "丢失"}
    )
    assert response.status_code == 200
    assert "可用库存只有 4" in response.content.decode()
    level.refresh_from_db()
    assert level.on_hand == 4
    assert_ledger_matches_levels()


# --- warehouses and locations --------------------------------------------------------


def test_locations_and_warehouses_are_created_through_the_page(as_role, stocked):
    client = as_role("logistics")
    warehouse = Warehouse.objects.get(code="main")
    response = client.post(
        "/stock/locations/new/", {"warehouse": warehouse.pk, "code": "c-02-03"}
    )
    assert response.status_code == 302
    assert Location.objects.filter(warehouse=warehouse, code="C-02-03").exists()
    # the same code twice is refused with a message
    response = client.post(
        "/stock/locations/new/",
        {"warehouse": warehouse.pk, "code": "C-02-03"},
        follow=True,
    )
    assert "已有库位 C-02-03" in response.content.decode()
    assert Location.objects.filter(code="C-02-03").count() == 1

    client.post("/stock/warehouses/new/", {"code": "south", "name": "华南仓"})
    south = Warehouse.objects.get(code="south")
    assert not south.is_default
    assert list(south.locations.values_list("code", flat=True)) == ["DEFAULT"]
    page = client.get("/stock/warehouses/").content.decode()
    assert "华南仓" in page
    assert "C-02-03" in page
    assert AuditEntry.objects.filter(verb="stock.location_create").count() == 1


# --- the API ----------------------------------------------------------------------------


def test_api_levels_and_movements(api_client, people, stocked):
    api_client.force_login(people["shipping"].user)
    response = api_client.get("/api/v1/stock/levels?q=GAS")
    assert response.status_code == 200
    [item] = response.json()["items"]
    assert (item["outer_code"], item["on_hand"], item["available"]) == (
        "GAS-230",
        16,
        16,
    )
    assert [lv["lot_no"] for lv in item["levels"]] == ["G0", "G1"]
    response = api_client.get("/api/v1/stock/levels?stockout=true")
    assert [i["outer_code"] for i in response.json()["items"]] == ["STOVE-1"]
    response = api_client.get("/api/v1/stock/movements?sku=TENT-2P")
    assert response.json()["count"] == 2
    assert api_client.get("/api/v1/stock/movements?kind=bogus").status_code == 422
    # shipping may look but not change
    response = api_client.post(
        "/api/v1/stock/receive",
        {"sku": "TENT-2P", "quantity": 1},
        content_type="application/json",
    )
    assert response.status_code == 403


def test_api_receive_adjust_and_locations(api_client, people, stocked):
    api_client.force_login(people["logistics"].user)
    response = api_client.post(
        "/api/v1/stock/receive",
        {"sku": "TENT-2P", "quantity": 5, "location_id": stocked["b1"].pk},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["kind"], body["on_hand_delta"], body["sku"]) == (
        "receipt",
        5,
        "TENT-2P",
    )
    level_id = body["level_id"]

    response = api_client.post(
        f"/api/v1/stock/levels/{level_id}/adjust",
        {"delta": -2, "reason": "报损"},
        content_type="application/json",
    )
    assert response.status_code == 200
    assert StockLevel.objects.get(pk=level_id).on_hand == 6
    response = api_client.post(
        f"/api/v1/stock/levels/{level_id}/adjust",
        {"delta": -100, "reason": "报损"},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert "可用库存" in response.json()["detail"]
    assert (
        api_client.post(
            "/api/v1/stock/levels/999999/adjust",
            {"delta": 1, "reason": "x"},
            content_type="application/json",
        ).status_code
        == 404
    )
    response = api_client.post(
        "/api/v1/stock/receive",
        {"sku": "GAS-230", "quantity": 5},
        content_type="application/json",
    )
    assert response.status_code == 422

    warehouse = Warehouse.objects.get(code="main")
    response = api_client.post(
        "/api/v1/stock/locations",
        {"warehouse_id": warehouse.pk, "code": "D-09"},
        content_type="application/json",
    )
    assert response.status_code == 201
    response = api_client.get("/api/v1/stock/warehouses")
    assert "D-09" in {loc["code"] for loc in response.json()[0]["locations"]}
    assert_ledger_matches_levels()


def test_api_refuses_a_designer(api_client, people):
    api_client.force_login(people["designer"].user)
    for url in (
        "/api/v1/stock/levels",
        "/api/v1/stock/movements",
        "/api/v1/stock/counts",
        "/api/v1/stock/reports",
    ):
        assert api_client.get(url).status_code == 403


def test_a_product_without_sku_listing_is_not_a_stockout(make_sku):
    """Discontinued products and disabled SKUs are not on sale: not stock-outs."""
    from shopops.stock.selectors import stockouts

    on_sale = make_sku("ON-SALE")
    disabled = make_sku("DISABLED")
    Sku.objects.filter(pk=disabled.pk).update(active=False)
    gone = make_sku("GONE")
    Product.objects.filter(pk=gone.product_id).update(
        status=Product.Status.DISCONTINUED
    )
    assert [s.outer_code for s in stockouts()] == ["ON-SALE"]
    services.stock_receive(actor=None, sku=on_sale, quantity=1)
    assert list(stockouts()) == []


def test_bad_input_is_refused_not_a_server_error(as_role, api_client, people, stocked):
    client = as_role("logistics")
    response = client.post(
        "/stock/receive/",
        {
            "sku": "GAS-230",
            "quantity": "1",
            "lot_no": "BAD",
            "production_date": "2030-05-01",
            "expiry_date": "2030-04-01",
        },
    )
    assert response.status_code == 200
    assert "有效期不能早于生产日期" in response.content.decode()
    assert client.get("/stock/?q=%00tent").status_code == 200
    assert client.get("/stock/movements/?sku=%00&kind=%00").status_code == 200

    api_client.force_login(people["logistics"].user)
    response = api_client.post(
        "/api/v1/stock/receive",
        {
            "sku": "GAS-230",
            "quantity": 1,
            "lot_no": "BAD",
            "production_date": "2030-05-01",
            "expiry_date": "2030-04-01",
        },
        content_type="application/json",
    )
    assert response.status_code == 422
    assert api_client.get("/api/v1/stock/levels?q=%00").status_code == 422


def test_counts_and_reports_are_read_only_in_the_admin(client, django_user_model):
    from shopops.stock import counts

    counts.count_sheet_create(
        actor=None,
        scope="warehouse",
        warehouse=Warehouse.objects.create(code="w", name="仓"),
    )
    client.force_login(
        django_user_model.objects.create_superuser("root", "root@example.com", "x")
    )
    for model in ("countsheet", "stockreport"):
        assert client.get(f"/admin/stock/{model}/").status_code == 200
        assert client.get(f"/admin/stock/{model}/add/").status_code == 403
