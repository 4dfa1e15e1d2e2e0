"""The orders API under /api/v1/: the pages' capabilities with the pages' permissions."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from shopops.aftersales import services as aftersales_services
from shopops.orders import services
from shopops.orders.models import Complaint, Hold, HoldReason, Order
from tests import factories

pytestmark = pytest.mark.django_db

API = "/api/v1"


@pytest.fixture
def as_role(people):
    """Return `as_role(name)`: a new JSON client signed in as one of `people`."""
    return lambda name: factories.json_client(getattr(people, name))


def post(client: Any, path: str, data: dict[str, Any] | None = None) -> Any:
    return client.post(f"{API}{path}", data or {}, content_type="application/json")


def hold_of(order: Order, people: Any, reason: str = HoldReason.QUALITY) -> Hold:
    return services.order_hold(
        actor=people.logistics.user, order=order, reason=reason, note="线头"
    )


# --- orders -------------------------------------------------------------------


def test_order_list_filters_and_pages(as_role, make_order, people):
    orders = [make_order(province="浙江省") for _ in range(5)]
    shipped = make_order(status=Order.Status.SHIPPED, province="广东省")
    hold_of(orders[0], people)
    client = as_role("ops")

    page = client.get(f"{API}/orders", {"limit": 2, "offset": 1}).json()
    assert page["count"] == 6
    assert (page["limit"], page["offset"]) == (2, 1)
    newest_first = sorted([*orders, shipped], key=lambda o: (o.created_at, o.pk))[::-1]
    assert [i["order_no"] for i in page["items"]] == [
        o.order_no for o in newest_first[1:3]
    ]

    def numbers(**query: Any) -> set[str]:
        response = client.get(f"{API}/orders", query)
        assert response.status_code == 200, response.content
        return {i["order_no"] for i in response.json()["items"]}

    assert numbers(status="shipped") == {shipped.order_no}
    assert numbers(province="广东省") == {shipped.order_no}
    assert numbers(held=True) == {orders[0].order_no}
    assert len(numbers(held=False)) == 5
    assert numbers(q=orders[2].receiver_phone) == {orders[2].order_no}
    assert numbers(shop="main", q=orders[3].order_no) == {orders[3].order_no}
    assert len(numbers(date_from="2000-01-01", date_to="2999-01-01")) == 6
    assert numbers(date_to="2000-01-01") == set()

    [item] = client.get(f"{API}/orders", {"q": orders[0].order_no}).json()["items"]
    assert item["held"] is True
    assert item["paid_amount"] == "199.00"  # money is a decimal string
    assert item["shop"] == "main"
    assert item["flag"] is not None


def test_order_list_refuses_bad_queries(as_role, shop):
    client = as_role("ops")
    assert client.get(f"{API}/orders", {"limit": 0}).status_code == 422
    assert client.get(f"{API}/orders", {"limit": 501}).status_code == 422
    assert client.get(f"{API}/orders", {"date_from": "yesterday"}).status_code == 422
    assert client.get(f"{API}/orders", {"shop": "nope"}).status_code == 404
    assert client.get(f"{API}/orders", {"q": "a\x00b"}).status_code == 422
    response = client.get(
        f"{API}/orders", {"date_from": "2025-05-02", "date_to": "2025-05-01"}
    )
    assert response.status_code == 422


def test_order_list_needs_the_view_permission(as_role, shop):
    assert as_role("designer").get(f"{API}/orders").status_code == 403
    assert as_role("cs").get(f"{API}/orders").status_code == 200


def test_order_detail_has_lines_history_holds_and_after_sales(
    as_role, make_order, people
):
    order = make_order(paid_amount=Decimal("300.00"))
    order.lines.create(
        title="登山杖", outer_code="POLE-1", price=Decimal("150.00"), quantity=2
    )
    hold = hold_of(order, people, HoldReason.OUT_OF_STOCK)
    aftersales_services.hold_outcome_record(
        actor=people.evening.user,
        hold=hold,
        outcome="refund",
        refund_amount=Decimal("150"),
    )
    services.complaint_create(
        actor=people.cs.user, order=order, kind="complaint", description="发货慢"
    )

    response = as_role("logistics").get(f"{API}/orders/{order.pk}")

    assert response.status_code == 200
    data = response.json()
    assert data["order_no"] == order.order_no
    assert data["held"] is True
    assert data["lines"] == [
        {
            "id": order.lines.get().pk,
            "title": "登山杖",
            "outer_code": "POLE-1",
            "sku_id": None,
            "attributes": "",
            "price": "150.00",
            "quantity": 2,
        }
    ]
    [h] = data["holds"]
    assert (h["reason"], h["outcome"], h["created_by"]) == (
        "out_of_stock",
        "refund",
        people.logistics.user.username,
    )
    assert h["handled_by"] == people.evening.user.username
    [a] = data["after_sales"]
    assert (a["kind"], a["amount"], a["state"], a["hold_id"]) == (
        "refund_only",
        "150.00",
        "requested",
        hold.pk,
    )
    assert [c["description"] for c in data["complaints"]] == ["发货慢"]
    assert [x["note"] for x in data["history"]] == ["扣留：缺货"]
    assert as_role("logistics").get(f"{API}/orders/987654").status_code == 404


# --- holds ----------------------------------------------------------------------


def test_hold_an_order(as_role, make_order, people):
    order = make_order()
    client = as_role("logistics")

    response = post(client, f"/orders/{order.pk}/holds", {"reason": "quality"})

    assert response.status_code == 201
    data = response.json()
    assert data["order_no"] == order.order_no
    assert data["active"] is True
    assert data["reason"] == "quality"
    assert Hold.objects.get().pk == data["id"]
    # the same reason again: the service's refusal, as 422 with its message
    again = post(client, f"/orders/{order.pk}/holds", {"reason": "quality"})
    assert again.status_code == 422
    assert "已因" in again.json()["detail"]


def test_hold_refusals(as_role, make_order, people):
    unpaid = make_order(status=Order.Status.AWAITING_PAYMENT)
    client = as_role("logistics")
    assert post(
        client, f"/orders/{unpaid.pk}/holds", {"reason": "quality"}
    ).status_code == (422)
    paid = make_order()
    assert (
        post(client, f"/orders/{paid.pk}/holds", {"reason": "rain"}).status_code == 422
    )
    assert post(client, f"/orders/{paid.pk}/holds", {}).status_code == 422
    assert (
        post(
            client, f"/orders/{paid.pk}/holds", {"reason": "other", "note": "长" * 301}
        )
    ).status_code == 422
    assert (
        post(client, "/orders/999999/holds", {"reason": "quality"}).status_code == 404
    )
    # customer service may not hold orders
    assert (
        post(as_role("cs"), f"/orders/{paid.pk}/holds", {"reason": "quality"})
    ).status_code == 403
    assert not Hold.objects.exists()


def test_bulk_hold_and_active_holds(as_role, make_order, people):
    zto = [make_order(courier="中通快递") for _ in range(3)]
    make_order(courier="顺丰速运")
    hold_of(zto[0], people, HoldReason.COURIER_DELAY)
    client = as_role("logistics")

    response = post(
        client,
        "/holds/bulk",
        {"reason": "courier_delay", "courier": "中通快递", "shop": "main"},
    )

    assert response.status_code == 201
    assert sorted(h["order_id"] for h in response.json()) == sorted(
        o.pk for o in zto[1:]
    )
    active = client.get(f"{API}/holds").json()
    assert len(active) == 3
    assert len(client.get(f"{API}/holds", {"reason": "quality"}).json()) == 0
    assert client.get(f"{API}/holds", {"reason": "rain\x00"}).status_code == 422
    assert post(client, "/holds/bulk", {"reason": "courier_delay"}).status_code == 422
    assert (
        post(
            client,
            "/holds/bulk",
            {"reason": "courier_delay", "shop": "x", "courier": "a"},
        )
    ).status_code == 404
    assert as_role("designer").get(f"{API}/holds").status_code == 403


def test_release_a_hold(as_role, make_order, people):
    hold = hold_of(make_order(), people)
    assert post(as_role("cs"), f"/holds/{hold.pk}/release").status_code == 403

    client = as_role("logistics")
    response = post(client, f"/holds/{hold.pk}/release", {"note": "补到货"})

    assert response.status_code == 200
    assert response.json()["active"] is False
    assert response.json()["released_by"] == people.logistics.user.username
    assert post(client, f"/holds/{hold.pk}/release").status_code == 422
    assert post(client, "/holds/999999/release").status_code == 404
    assert client.get(f"{API}/holds").json() == []


def test_the_evening_queue_carries_the_message(as_role, make_order, people):
    order = make_order(receiver_name="赵六", receiver_phone="13600000000")
    hold = hold_of(order, people, HoldReason.OUT_OF_STOCK)
    handled = hold_of(make_order(), people)
    aftersales_services.hold_outcome_record(
        actor=people.evening.user, hold=handled, outcome="unreachable"
    )

    response = as_role("evening").get(f"{API}/evening-queue")

    assert response.status_code == 200
    [item] = response.json()
    assert item["hold"]["id"] == hold.pk
    assert (item["receiver_name"], item["receiver_phone"]) == ("赵六", "13600000000")
    assert f"您的订单 {order.order_no} 中的商品暂时缺货" in item["message"]
    assert as_role("logistics").get(f"{API}/evening-queue").status_code == 403


def test_hold_reasons(as_role, people):
    data = as_role("logistics").get(f"{API}/hold-reasons").json()
    assert {r["reason"] for r in data} == set(HoldReason.values)
    body = {"flag": 3, "message_template": "{receiver}您好"}
    path = f"{API}/hold-reasons/other"
    logistics = as_role("logistics")
    put = logistics.put(path, body, content_type="application/json")
    assert put.status_code == 403
    ops = as_role("ops")
    response = ops.put(path, body, content_type="application/json")
    assert response.status_code == 200
    assert response.json() == {"reason": "other", **body}
    bad = ops.put(
        path, {"flag": 8, "message_template": "x"}, content_type="application/json"
    )
    assert bad.status_code == 422
    missing = ops.put(f"{API}/hold-reasons/rain", body, content_type="application/json")
    assert missing.status_code == 404


# --- after-sales ------------------------------------------------------------------


def test_complaints(as_role, make_order, people):
    order = make_order()
    cs = as_role("cs")
    created = post(
        cs,
        "/complaints",
        {"order_id": order.pk, "kind": "dispute", "description": "买家申请介入"},
    )
    assert created.status_code == 201
    complaint = created.json()
    assert complaint["state"] == "open"
    assert complaint["order_no"] == order.order_no
    assert (
        post(
            cs,
            "/complaints",
            {"order_id": 999999, "kind": "dispute", "description": "x"},
        )
    ).status_code == 404
    assert (
        post(cs, "/complaints", {"order_id": order.pk, "kind": "x", "description": "x"})
    ).status_code == 422
    assert [c["id"] for c in cs.get(f"{API}/complaints").json()] == [complaint["id"]]

    closing = post(cs, f"/complaints/{complaint['id']}", {"state": "resolved"})
    assert closing.status_code == 422
    resolved = post(
        cs,
        f"/complaints/{complaint['id']}",
        {"state": "resolved", "outcome": "平台判退款"},
    )
    assert resolved.json()["state"] == "resolved"
    assert cs.get(f"{API}/complaints").json() == []
    assert len(cs.get(f"{API}/complaints", {"all": "true"}).json()) == 1
    assert Complaint.objects.get().outcome == "平台判退款"
    # logistics neither sees nor records complaints
    assert as_role("logistics").get(f"{API}/complaints").status_code == 403


# --- figures ---------------------------------------------------------------------------


def test_sales_summary(as_role, make_order):
    make_order(created_at="2025-05-01 10:00", paid_amount=Decimal("100.10"))
    make_order(
        created_at="2025-05-02 07:30",
        paid_amount=Decimal("50.00"),
        refunded_amount=Decimal("5.00"),
        province="广东省",
    )
    make_order(
        created_at="2025-05-02 08:00",
        status=Order.Status.AWAITING_PAYMENT,
        paid_amount=None,
        total_amount=Decimal("20.00"),
    )
    client = as_role("ops")

    response = client.get(
        f"{API}/sales-summary",
        {"shop": "main", "date_from": "2025-05-01", "date_to": "2025-05-03"},
    )

    assert response.status_code == 200
    data = response.json()
    assert (data["orders"], data["paid_orders"]) == (3, 2)
    assert data["total_amount"] == "170.10"
    assert data["paid_amount"] == "150.10"
    assert data["refunded_amount"] == "5.00"
    assert data["average_order_value"] == "75.05"
    assert [(d["day"], d["orders"], d["paid_amount"]) for d in data["days"]] == [
        ("2025-05-01", 1, "100.10"),
        ("2025-05-02", 2, "50.00"),
        ("2025-05-03", 0, "0.00"),
    ]
    assert [p["province"] for p in data["provinces"]] == ["浙江省", "广东省"]

    def status(**query: str) -> int:
        return client.get(f"{API}/sales-summary", query).status_code

    assert status(shop="nope") == 404
    assert status(shop="ma\x00in") == 422
    assert status(shop="main", date_from="2025-05-03", date_to="2025-05-01") == 422
    assert status(shop="main", date_from="0001-01-01", date_to="2025-05-01") == 422
    assert status(shop="main", date_to="9999-12-31") == 422
    assert status(date_from="2025-05-01") == 422  # the shop is required
    assert status(shop="main") == 200  # the last 30 days
    assert (
        as_role("designer").get(f"{API}/sales-summary", {"shop": "main"}).status_code
        == 403
    )


def test_orders_per_day_is_kept(as_role, make_order):
    make_order(created_at="2025-05-02 23:30")
    response = as_role("ops").get(
        f"{API}/orders/per-day", {"date_from": "2025-05-01", "date_to": "2025-05-03"}
    )
    assert response.json() == [
        {"day": "2025-05-01", "orders": 0},
        {"day": "2025-05-02", "orders": 1},
        {"day": "2025-05-03", "orders": 0},
    ]
    assert (
        as_role("ops")
        .get(f"{API}/orders/per-day", {"date_to": "9999-12-31"})
        .status_code
        == 422
    )


def test_the_openapi_schema_lists_the_endpoints(as_role):
    schema = as_role("ops").get(f"{API}/openapi.json").json()
    for path in (
        "/api/v1/orders",
        "/api/v1/orders/{order_id}",
        "/api/v1/orders/{order_id}/holds",
        "/api/v1/holds/bulk",
        "/api/v1/holds",
        "/api/v1/holds/{hold_id}/release",
        "/api/v1/holds/{hold_id}/outcome",
        "/api/v1/evening-queue",
        "/api/v1/after-sales",
        "/api/v1/orders/{order_id}/after-sales",
        "/api/v1/after-sales/{after_sale_id}/confirm",
        "/api/v1/after-sales/{after_sale_id}/reject",
        "/api/v1/complaints",
        "/api/v1/sales-summary",
    ):
        assert path in schema["paths"], path
    # the list's schema is this app's order (other apps' "orders" do not replace it)
    page = schema["paths"]["/api/v1/orders"]["get"]["responses"]["200"]
    ref = page["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[1]
    components = schema["components"]["schemas"]
    item_ref = components[ref]["properties"]["items"]["items"]["$ref"]
    order = components[item_ref.rsplit("/", 1)[1]]["properties"]
    assert {"order_no", "receiver_phone", "held"} <= set(order)
    assert {"type": "string"} in order["paid_amount"]["anyOf"]  # money as a string
