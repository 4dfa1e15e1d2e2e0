"""Order pages: the list, its filters and exports, the detail, holds, the evening queue,
after-sales, and who may do what."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest
from django.utils import translation
from openpyxl import load_workbook

from shopops.aftersales import services as aftersales_services
from shopops.orders import services
from shopops.orders.models import Hold, HoldReason, Order
from tests.exports_check import shown

pytestmark = pytest.mark.django_db


@pytest.fixture
def ops_client(client, login, people):
    return login(client, people.ops)


def listed(response) -> set[str]:
    """Return the order numbers a list page shows."""
    assert response.status_code == 200
    return {o.order_no for o in response.context["page"]}


def test_list_filters_by_status_province_hold_and_search(
    ops_client, make_order, people
):
    paid = make_order(province="浙江省")
    shipped = make_order(status=Order.Status.SHIPPED, province="广东省")
    unpaid = make_order(status=Order.Status.AWAITING_PAYMENT, province="广东省")
    held = make_order(province="浙江省", receiver_phone="13900001111")
    services.order_hold(
        actor=people.logistics.user, order=held, reason=HoldReason.QUALITY
    )
    held.refresh_from_db()
    assert held.flag is not None

    assert listed(ops_client.get("/orders/")) == {
        o.order_no for o in (paid, shipped, unpaid, held)
    }
    assert listed(ops_client.get("/orders/?status=shipped")) == {shipped.order_no}
    assert listed(ops_client.get("/orders/?province=广东省")) == {
        shipped.order_no,
        unpaid.order_no,
    }
    assert listed(ops_client.get("/orders/?held=1")) == {held.order_no}
    assert held.order_no not in listed(ops_client.get("/orders/?held=0"))
    assert listed(ops_client.get(f"/orders/?q={paid.order_no}")) == {paid.order_no}
    assert listed(ops_client.get("/orders/?q=13900001111")) == {held.order_no}
    assert listed(ops_client.get("/orders/?q=buyer")) == {
        o.order_no for o in (paid, shipped, unpaid, held)
    }
    assert listed(ops_client.get(f"/orders/?status=paid&flag={held.flag}")) == {
        held.order_no
    }


def test_list_filters_by_shop_local_dates(ops_client, make_order):
    late = make_order(created_at="2025-03-01 23:30")
    early = make_order(created_at="2025-03-02 00:10")
    assert listed(ops_client.get("/orders/?from=2025-03-02&to=2025-03-02")) == {
        early.order_no
    }
    assert listed(ops_client.get("/orders/?to=2025-03-01")) == {late.order_no}
    # dates at the calendar's edges are no server error
    assert ops_client.get("/orders/?from=0001-01-01&to=9999-12-31").status_code == 200


def test_csv_export_contains_exactly_the_filtered_orders(ops_client, make_order):
    wanted = [
        make_order(province="四川省", paid_amount=Decimal("88.80")) for _ in range(3)
    ]
    make_order(province="云南省")

    response = ops_client.get("/orders/?province=四川省&export=csv")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert sorted(shown(r["订单编号"]) for r in rows) == sorted(
        o.order_no for o in wanted
    )
    assert {r["省份"] for r in rows} == {"四川省"}
    assert {r["买家实际支付金额"] for r in rows} == {"88.80"}
    assert {r["订单状态"] for r in rows} == {"买家已付款，等待卖家发货"}


def test_the_csv_export_speaks_the_language_chosen(ops_client, make_order):
    make_order()
    ops_client.cookies["django_language"] = "en"
    response = ops_client.get("/orders/?export=csv")
    # the body streams after the request's language was put back: still English
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [r["Order status"] for r in rows] == ["Paid, awaiting shipment"]
    assert translation.get_language() != "en"  # nothing leaked into the thread


def test_xlsx_export_opens_with_openpyxl(ops_client, make_order):
    orders = [make_order() for _ in range(2)]
    response = ops_client.get("/orders/?export=xlsx")
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    rows = list(workbook.active.iter_rows(values_only=True))
    header, body = rows[0], rows[1:]
    assert "订单编号" in header
    column = header.index("订单编号")
    assert sorted(r[column] for r in body) == sorted(o.order_no for o in orders)


def test_detail_shows_lines_holds_after_sales_and_history(
    ops_client, make_order, people
):
    order = make_order(receiver_name="李四", paid_amount=Decimal("256.00"))
    order.lines.create(
        title="双人帐篷", outer_code="TENT-2P", price=Decimal("256.00"), quantity=1
    )
    hold = services.order_hold(
        actor=people.logistics.user, order=order, reason=HoldReason.OUT_OF_STOCK
    )
    aftersales_services.hold_outcome_record(
        actor=people.evening.user, hold=hold, outcome="refund", note="买家同意退款"
    )

    response = ops_client.get(f"/orders/{order.pk}/")

    assert response.status_code == 200
    html = response.content.decode()
    for text in (
        "李四",
        "双人帐篷",
        "TENT-2P",
        "缺货",
        "买家同意退款",
        "仅退款",
        "256.00",
    ):
        assert text in html, text
    assert "扣留：缺货" in html  # the history
    assert ops_client.get("/orders/999999/").status_code == 404


def test_hold_and_release_through_the_pages(client, login, make_order, people):
    order = make_order()
    login(client, people.logistics)
    response = client.post(
        f"/orders/{order.pk}/hold/", {"reason": "quality", "note": "线头"}
    )
    assert response.status_code == 302
    hold = Hold.objects.get(order=order)
    assert hold.note == "线头"
    response = client.post(
        f"/orders/holds/{hold.pk}/release/", {"next": f"/orders/{order.pk}/"}
    )
    assert response["Location"] == f"/orders/{order.pk}/"
    hold.refresh_from_db()
    assert not hold.active


def test_bulk_hold_through_the_page(client, login, make_order, people):
    orders = [make_order(courier="韵达快递") for _ in range(2)]
    login(client, people.logistics)
    client.post(
        "/orders/holds/bulk/",
        {"reason": "courier_delay", "courier": "韵达快递", "note": "停发"},
    )
    assert set(Hold.objects.values_list("order_id", flat=True)) == {
        o.pk for o in orders
    }
    page = client.get("/orders/holds/")
    assert page.status_code == 200
    assert orders[0].order_no in page.content.decode()


def test_evening_queue_shows_the_buyers_phone_and_the_message(
    client, login, make_order, people
):
    order = make_order(receiver_name="王五", receiver_phone="13712345678")
    services.order_hold(
        actor=people.logistics.user,
        order=order,
        reason=HoldReason.COURIER_DELAY,
        note="预计后天恢复",
    )
    login(client, people.evening)

    html = client.get("/orders/evening/").content.decode()

    assert "13712345678" in html
    assert "王五" in html
    # the rendered template, not its placeholders
    assert f"您的订单 {order.order_no} 今天未能发出" in html
    assert "预计后天恢复" in html
    assert "{order_no}" not in html


def test_complaints_through_the_pages(client, login, make_order, people):
    order = make_order()
    login(client, people.cs)
    client.post(
        f"/orders/{order.pk}/complaints/new/",
        {"kind": "complaint", "description": "客服态度差"},
    )
    page = client.get("/orders/complaints/")
    assert "客服态度差" in page.content.decode()


@pytest.mark.parametrize(
    "path",
    [
        "/orders/",
        "/orders/summary/",
        "/orders/holds/",
        "/orders/evening/",
        "/orders/after-sales/",
    ],
)
def test_a_designer_may_not_see_orders(client, login, people, path):
    login(client, people.designer)
    assert client.get(path).status_code == 403


def test_hold_reasons_page_is_edited_by_the_ops_manager_only(client, login, people):
    login(client, people.logistics)
    assert client.get("/orders/hold-reasons/").status_code == 200
    assert (
        client.post(
            "/orders/hold-reasons/",
            {"reason": "other", "flag": "3", "message_template": "x"},
        ).status_code
        == 403
    )
    login(client, people.ops)
    client.post(
        "/orders/hold-reasons/",
        {"reason": "other", "flag": "3", "message_template": "您好 {order_no}"},
    )
    assert client.get("/orders/hold-reasons/").content.decode().count("您好") >= 1


def test_the_list_page_makes_a_bounded_number_of_queries(
    ops_client, make_order, people, django_assert_max_num_queries
):
    for i in range(30):
        order = make_order(flag=i % 6)
        if i % 3 == 0:
            services.order_hold(
                actor=people.logistics.user, order=order, reason=HoldReason.QUALITY
            )
    # session, user, permissions, count, page, shops, nav: none per order
    with django_assert_max_num_queries(10):
        response = ops_client.get("/orders/")
    assert len(response.context["page"]) == 30


def test_the_evening_queue_makes_a_bounded_number_of_queries(
    client, login, make_order, make_sku, people, django_assert_max_num_queries
):
    for _ in range(30):
        services.order_hold(
            actor=people.logistics.user, order=make_order(), reason=HoldReason.QUALITY
        )
    handled = Hold.objects.order_by("pk")[:5]
    for hold in handled:
        aftersales_services.hold_outcome_record(
            actor=people.evening.user, hold=hold, outcome="informed"
        )
    make_sku()
    login(client, people.evening)
    with django_assert_max_num_queries(12):
        response = client.get("/orders/evening/")
    assert len(response.context["rows"]) == 25
    assert response.content.decode().count('data-testid="queue-item"') == 25
