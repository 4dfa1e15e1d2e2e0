"""The shipping API: the same refusals as the service and the page (422), the same
permissions (403), and every capability of the pages."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from shopops.orders.models import HoldReason, Order
from shopops.orders.services import hold_release, order_hold
from shopops.shipping import services
from shopops.shipping.models import QualityCheck, Shipment
from shopops.stock.models import Reservation
from tests.exports_check import body

from .conftest import PNG

pytestmark = pytest.mark.django_db

ZTO_NO = "781234567890123"


@pytest.fixture
def api(api_client, clerk):
    api_client.force_login(clerk)
    return api_client


def ship(client, order: Order, courier: str = "ZTO", number: str = ZTO_NO):
    return client.post(
        f"/api/v1/shipping/orders/{order.pk}/shipment",
        {"courier": courier, "tracking_no": number},
        content_type="application/json",
    )


def assert_refused(response, order: Order, match: str) -> None:
    assert response.status_code == 422, response.content
    assert match in response.json()["detail"]
    order.refresh_from_db()
    assert order.status == Order.Status.PAID
    assert not Shipment.objects.filter(order=order).exists()


def test_the_api_refuses_an_order_without_a_quality_check(api, ready_order):
    order = ready_order()
    assert_refused(ship(api, order), order, "未质检")


def test_the_api_refuses_an_order_whose_check_failed(api, ready_order, people):
    order = ready_order(stock=3)
    line = order.lines.get()
    response = api.post(
        f"/api/v1/shipping/orders/{order.pk}/qc",
        {"line_id": line.pk, "result": "fail", "defect_reason": "defective"},
        content_type="application/json",
    )
    assert response.status_code == 201
    assert response.json()["result"] == "fail"
    assert_refused(ship(api, order), order, "扣留")
    hold_release(actor=people.logistics.user, hold=order.holds.get())
    assert_refused(ship(api, order), order, "不合格")


def test_the_api_refuses_a_held_order(api, passed_order, clerk):
    order = passed_order()
    order_hold(actor=clerk, order=order, reason=HoldReason.QUALITY)
    assert_refused(ship(api, order), order, "扣留")


def test_the_api_refuses_a_number_of_another_courier(api, passed_order):
    order = passed_order()
    assert_refused(ship(api, order, courier="YTO"), order, "格式")


def test_check_and_ship_through_the_api(api, ready_order):
    order = ready_order(quantity=2, stock=5)
    found = api.get("/api/v1/shipping/pack", {"order_no": order.order_no}).json()
    assert [o["order_id"] for o in found] == [order.pk]
    assert found[0]["lines"][0]["state"] == "pending"
    assert found[0]["qc_passed"] is False

    line_id = found[0]["lines"][0]["line_id"]
    one = api.post(
        f"/api/v1/shipping/orders/{order.pk}/qc",
        {"line_id": line_id, "result": "pass", "quantity": 1},
        content_type="application/json",
    )
    assert one.status_code == 201
    rest = api.post(f"/api/v1/shipping/orders/{order.pk}/qc/pass-all")
    assert [c["quantity"] for c in rest.json()] == [1]
    status = api.get(f"/api/v1/shipping/orders/{order.pk}/qc").json()
    assert status["qc_passed"] is True

    response = ship(api, order)
    assert response.status_code == 201
    body = response.json()
    assert (body["order_no"], body["courier"], body["courier_name"]) == (
        order.order_no,
        "ZTO",
        "中通快递",
    )
    order.refresh_from_db()
    assert order.status == Order.Status.SHIPPED
    assert not Reservation.objects.filter(state=Reservation.State.ACTIVE).exists()
    again = ship(api, order, number="781234567890124")
    assert again.status_code == 422


def test_a_photo_is_attached_through_the_api(
    api, ready_order, clerk, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    order = ready_order()
    check = services.qc_record(
        actor=clerk,
        order=order,
        line=order.lines.get(),
        result="fail",
        defect_reason="damaged",
    )
    bad = api.post(
        f"/api/v1/shipping/qc/{check.pk}/photo",
        {"photo": SimpleUploadedFile("a.png", b"GIF8", content_type="image/png")},
    )
    assert bad.status_code == 422
    good = api.post(
        f"/api/v1/shipping/qc/{check.pk}/photo",
        {"photo": SimpleUploadedFile("a.png", PNG, content_type="image/png")},
    )
    assert good.status_code == 200
    assert good.json()["photo_url"] == f"/shipping/qc/{check.pk}/photo/"
    assert QualityCheck.objects.get().photo.name.endswith(".png")


def test_a_reservation_wave_takes_up_to_2000_orders(api):
    too_many = api.post(
        "/api/v1/shipping/reservations",
        {"limit": 2001},
        content_type="application/json",
    )
    assert too_many.status_code == 422
    assert "limit" in too_many.content.decode()
    whole = api.post(
        "/api/v1/shipping/reservations",
        {"limit": 2000},
        content_type="application/json",
    )
    assert whole.status_code == 200
    assert whole.json() == {"reserved": [], "short": {}, "released": []}


def test_reserve_and_pick_through_the_api(api, make_sku, put_away, make_paid_order):
    sku = make_sku("API-PEG")
    put_away(sku, 3, location="D-09")
    served, short = make_paid_order((sku, 3)), make_paid_order((sku, 1))
    summary = api.post(
        "/api/v1/shipping/reservations", {}, content_type="application/json"
    ).json()
    assert summary == {
        "reserved": [served.order_no],
        "short": {short.order_no: {"API-PEG": 1}},
        "released": [],
    }
    created = api.post(
        "/api/v1/shipping/pick-lists", {"limit": 5}, content_type="application/json"
    )
    assert created.status_code == 201
    body = created.json()
    assert body["order_nos"] == [served.order_no]
    assert [
        (x["location_code"], x["outer_code"], x["quantity"]) for x in body["lines"]
    ] == [("D-09", "API-PEG", 3)]
    listed = api.get("/api/v1/shipping/pick-lists", {"state": "open"}).json()
    assert [p["order_count"] for p in listed] == [1]
    closed = api.post(f"/api/v1/shipping/pick-lists/{body['id']}/close").json()
    assert closed["state"] == "done"
    empty = api.post(
        "/api/v1/shipping/pick-lists", {"shop": "nope"}, content_type="application/json"
    )
    assert empty.status_code == 404


def test_delays_through_the_api(api_client, people, make_sku, make_paid_order):
    api_client.force_login(people.logistics.user)
    order = make_paid_order((make_sku(), 1), courier="圆通速递", province="西藏自治区")
    created = api_client.post(
        "/api/v1/shipping/delays",
        {"courier": "YTO", "province": "西藏自治区", "note": "大雪封山"},
        content_type="application/json",
    )
    assert created.status_code == 201
    assert created.json()["held_order_nos"] == [order.order_no]
    twice = api_client.post(
        "/api/v1/shipping/delays",
        {"courier": "YTO", "province": "西藏自治区"},
        content_type="application/json",
    )
    assert twice.status_code == 422
    active = api_client.get("/api/v1/shipping/delays", {"active": "true"}).json()
    assert [d["courier"] for d in active] == ["YTO"]
    delay_id = created.json()["id"]
    lifted = api_client.post(
        f"/api/v1/shipping/delays/{delay_id}/lift",
        {"release_holds": True},
        content_type="application/json",
    )
    assert lifted.json()["active"] is False
    assert order.holds.get().released_at is not None


def test_problems_analysis_and_csv_through_the_api(
    api_client, people, passed_order, clerk, frozen_clock
):
    frozen_clock("2025-06-12 16:00")
    order = passed_order()
    services.shipment_create(
        actor=clerk, order=order, courier="ZTO", tracking_no=ZTO_NO
    )
    api_client.force_login(people.shipping.user)
    logged = api_client.post(
        "/api/v1/shipping/handoff-problems",
        {"courier": "ZTO", "kind": "late_pickup", "order_id": order.pk},
        content_type="application/json",
    )
    assert logged.status_code == 201
    assert logged.json()["order_no"] == order.order_no
    week = api_client.get("/api/v1/shipping/handoff-problems", {"week": "2025-W24"})
    assert len(week.json()) == 1
    # the clerk logs problems; the analysis is logistics' and the managers'
    assert api_client.get("/api/v1/shipping/analysis").status_code == 403

    api_client.force_login(people.logistics.user)
    analysis = api_client.get("/api/v1/shipping/analysis", {"week": "2025-W24"}).json()
    assert analysis["week"] == "2025-W24"
    assert (analysis["qc_checked"], analysis["qc_rate"], analysis["shipped"]) == (
        1,
        "0.0",
        1,
    )
    assert analysis["problems"] == [
        {
            "courier": "ZTO",
            "label": "中通快递",
            "total": 1,
            "by_kind": {"late_pickup": 1},
        }
    ]
    bad = api_client.get("/api/v1/shipping/analysis", {"week": "W99"})
    assert bad.status_code == 422

    response = api_client.get(
        "/api/v1/shipping/shipments/bulk-shipping.csv",
        {"date_from": "2025-06-12", "date_to": "2025-06-12"},
    )
    rows = list(csv.reader(io.StringIO(body(response).decode("gbk"))))
    assert rows == [
        ["订单编号", "物流公司", "运单号"],
        [f'="{order.order_no}"', "中通快递", f'="{ZTO_NO}"'],
    ]
    shipments = api_client.get(
        "/api/v1/shipping/shipments", {"date_from": "2025-06-12"}
    ).json()
    assert [s["tracking_no"] for s in shipments] == [ZTO_NO]


def test_couriers_are_listed_with_their_formats(api):
    couriers = api.get("/api/v1/shipping/couriers").json()
    assert [c["code"] for c in couriers] == [
        "SF", "ZTO", "YTO", "YUNDA", "STO", "EMS", "JT", "JD",
    ]  # fmt: skip
    assert couriers[0]["pattern"] == r"^SF\d{12,13}$"


@pytest.mark.parametrize(
    ("role", "status"),
    [("designer", 403), ("customer_service", 403), ("finance", 403), ("shipping", 201)],
)
def test_who_may_ship_through_the_api(
    api_client, make_staff, passed_order, role, status
):
    order = passed_order()
    api_client.force_login(make_staff(role).user)
    assert ship(api_client, order).status_code == status


def test_designers_see_no_shipping_data(api_client, make_staff, passed_order):
    order = passed_order()
    api_client.force_login(make_staff("designer").user)
    for url in (
        "/api/v1/shipping/pick-lists",
        f"/api/v1/shipping/orders/{order.pk}/qc",
        "/api/v1/shipping/shipments",
        "/api/v1/shipping/delays",
        "/api/v1/shipping/handoff-problems",
        "/api/v1/shipping/analysis",
        "/api/v1/shipping/couriers",
    ):
        assert api_client.get(url).status_code == 403, url
    assert (
        api_client.post(
            f"/api/v1/shipping/orders/{order.pk}/qc",
            {"line_id": order.lines.get().pk, "result": "pass"},
            content_type="application/json",
        ).status_code
        == 403
    )


def test_anonymous_calls_are_401(api_client, passed_order):
    order = passed_order()
    assert ship(api_client, order).status_code == 401
    assert api_client.get("/api/v1/shipping/analysis").status_code == 401
