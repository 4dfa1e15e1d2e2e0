"""The purchasing API under /api/v1/purchasing: the pages' capabilities with the pages'
permissions; a service's refusal is 422."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client

from shopops.purchasing.models import PurchaseOrder, PurchaseSuggestion, SupplierPrice
from shopops.stock.models import StockLevel
from tests import factories

pytestmark = pytest.mark.django_db

API = "/api/v1/purchasing"
DAY = dt.date(2026, 11, 26)


@pytest.fixture
def as_role(people):
    """Return `as_role(name)`: a new JSON client signed in as one of `people`."""
    return lambda name: factories.json_client(getattr(people, name))


def send(
    client: Any, method: str, path: str, data: dict[str, Any] | None = None
) -> Any:
    return getattr(client, method)(
        f"{API}{path}", data or {}, content_type="application/json"
    )


@pytest.fixture
def wanted(frozen_clock, make_supplier, make_sku, make_order):
    frozen_clock(f"{DAY} 10:00")
    supplier = make_supplier("gear", lead_time_days=4)
    gas = make_sku("GAS", supplier=supplier, shelf_life_days=730)
    pole = make_sku("POLE", supplier=supplier)
    make_order((gas, 5), (pole, 2))
    return supplier, gas, pole


def test_the_whole_day_through_the_api(as_role, wanted, frozen_clock):
    supplier, gas, pole = wanted
    client = as_role("logistics")

    built = send(client, "post", "/suggestions/build", {})
    assert built.status_code == 200, built.content
    assert built.json()["needs"] == 2

    page = client.get(f"{API}/suggestions").json()
    assert page["day"] == page["purchasing_day"] == str(DAY)
    assert page["count"] == 2
    rows = {i["outer_code"]: i for i in page["items"]}
    assert rows["GAS"]["open_order_shortage"] == 5
    assert rows["GAS"]["supplier"] == "gear"
    assert rows["GAS"]["unit_price"] == "80.00"

    edited = send(
        client, "patch", f"/suggestions/{rows['GAS']['id']}", {"quantity": 12}
    )
    assert edited.status_code == 200
    assert edited.json()["quantity"] == 12
    accepted = send(
        client, "post", f"/suggestions/{rows['GAS']['id']}/accept", {"accepted": True}
    )
    assert accepted.json()["accepted"] is True
    changed = send(
        client,
        "post",
        "/suggestions/accept",
        {"supplier_id": supplier.pk, "day": str(DAY)},
    )
    assert changed.json() == {"changed": 1}  # the pole; the gas was accepted already

    cut = send(as_role("ops"), "post", "/cutoff", {})
    assert cut.status_code == 200, cut.content
    body = cut.json()
    assert [o["number"] for o in body["created"]] == ["PO20261126-gear"]
    assert body["created"][0]["expected_date"] == str(DAY + dt.timedelta(days=4))
    again = send(as_role("ops"), "post", "/cutoff", {}).json()
    assert again["created"] == again["extended"] == []

    orders = client.get(f"{API}/orders").json()
    assert [o["state"] for o in orders] == ["ordered"]
    detail = client.get(f"{API}/orders/{orders[0]['id']}").json()
    lines = {line["outer_code"]: line for line in detail["lines"]}
    assert lines["GAS"]["quantity"] == 12

    missing_expiry = send(
        client,
        "post",
        f"/orders/{detail['id']}/receive",
        {"lines": [{"order_line_id": lines["GAS"]["id"], "quantity": 12}]},
    )
    assert missing_expiry.status_code == 422
    assert "有效期" in missing_expiry.json()["detail"]

    received = send(
        client,
        "post",
        f"/orders/{detail['id']}/receive",
        {
            "lines": [
                {
                    "order_line_id": lines["GAS"]["id"],
                    "quantity": 12,
                    "lot_no": "G-01",
                    "expiry_date": "2028-11-01",
                }
            ]
        },
    )
    assert received.status_code == 201, received.content
    assert received.json()["lines"][0]["lot_no"] == "G-01"
    assert received.json()["lines"][0]["location"] == "main/DEFAULT"
    nowhere = send(
        client,
        "post",
        f"/orders/{detail['id']}/receive",
        {
            "lines": [
                {"order_line_id": lines["POLE"]["id"], "quantity": 1, "location_id": 0}
            ]
        },
    )
    assert nowhere.status_code == 422
    assert "库位 0 不存在" in nowhere.json()["detail"]
    assert StockLevel.objects.get(sku=gas).on_hand == 12
    after = client.get(f"{API}/orders/{detail['id']}").json()
    assert after["state"] == "partially_received"
    assert len(after["receipts"]) == 1


def test_after_18_00_the_api_works_on_tomorrow(as_role, wanted, frozen_clock):
    frozen_clock(f"{DAY} 18:05")
    client = as_role("logistics")
    assert send(client, "post", "/suggestions/build", {}).json()["day"] == str(
        DAY + dt.timedelta(days=1)
    )
    refused = send(client, "post", "/suggestions/build", {"day": str(DAY)})
    assert refused.status_code == 422
    assert client.get(f"{API}/suggestions").json()["day"] == str(
        DAY + dt.timedelta(days=1)
    )


def test_permissions_and_errors(as_role, wanted):
    supplier, gas, _pole = wanted
    designer = as_role("designer")
    for path in ("/suggestions", "/orders", "/settings", "/supplier-prices"):
        assert designer.get(f"{API}{path}").status_code == 403, path
    assert send(designer, "post", "/cutoff", {}).status_code == 403
    finance = as_role("finance")
    assert finance.get(f"{API}/suggestions").status_code == 200
    assert send(finance, "post", "/suggestions/build", {}).status_code == 403
    logistics = as_role("logistics")
    assert logistics.get(f"{API}/orders/999999").status_code == 404
    assert (
        send(logistics, "patch", "/suggestions/999999", {"quantity": 1}).status_code
        == 404
    )
    assert logistics.get(f"{API}/orders", {"state": "nope"}).status_code == 422
    assert logistics.get(f"{API}/suggestions", {"limit": 0}).status_code == 422
    assert (
        send(
            logistics,
            "post",
            f"/orders/{PurchaseOrder.objects.count() + 1}/receive",
            {"lines": []},
        ).status_code
        == 422
    )
    assert Client().get(f"{API}/suggestions").status_code == 401


def test_settings_and_prices_through_the_api(as_role, wanted):
    supplier, gas, _pole = wanted
    ops = as_role("ops")
    changed = send(ops, "put", "/settings", {"review_days": 2})
    assert changed.status_code == 200
    assert changed.json()["review_days"] == 2
    assert changed.json()["sales_window_days"] == 28
    assert send(ops, "put", "/settings", {"sales_window_days": 0}).status_code == 422
    price = send(
        ops,
        "put",
        "/supplier-prices",
        {
            "supplier_id": supplier.pk,
            "sku_id": gas.pk,
            "price": "7.25",
            "min_order_quantity": 24,
        },
    )
    assert price.status_code == 200, price.content
    assert price.json()["price"] == "7.25"
    assert SupplierPrice.objects.get().min_order_quantity == 24
    listed = ops.get(f"{API}/supplier-prices", {"supplier_id": supplier.pk}).json()
    assert [p["outer_code"] for p in listed] == ["GAS"]
    assert (
        send(
            ops,
            "put",
            "/supplier-prices",
            {"supplier_id": supplier.pk, "sku_id": gas.pk, "price": "-1"},
        ).status_code
        == 422
    )
    send(ops, "post", "/suggestions/build", {})
    assert PurchaseSuggestion.objects.get(sku=gas).suggested_quantity == 24


def test_supplier_terms_through_the_api(as_role, wanted):
    supplier, _gas, _pole = wanted
    ops = as_role("ops")
    saved = send(
        ops,
        "put",
        f"/supplier-terms/{supplier.pk}",
        {"payment_terms": "月结 30 天", "review_days": 3},
    )
    assert saved.status_code == 200, saved.content
    assert saved.json()["review_days"] == 3
    assert [t["supplier"] for t in ops.get(f"{API}/supplier-terms").json()] == ["gear"]
    assert send(ops, "put", "/supplier-terms/999999", {}).status_code == 404
    assert (
        send(
            as_role("finance"), "put", f"/supplier-terms/{supplier.pk}", {}
        ).status_code
        == 403
    )
    send(ops, "post", "/suggestions/build", {})
    assert {s.review_days for s in PurchaseSuggestion.objects.all()} == {3}
