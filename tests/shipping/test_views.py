"""Shipping pages: who may do what, the pack station refuses what may not ship, the
photo of a defect, the printable pick list, the bulk-shipping CSV, delays, the
analysis page."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from shopops.orders.models import HoldReason, Order
from shopops.orders.services import order_hold
from shopops.shipping import services
from shopops.shipping.models import QualityCheck, Shipment
from shopops.stock.models import StockLevel
from tests.exports_check import body

from .conftest import JPEG

pytestmark = pytest.mark.django_db

ZTO_NO = "781234567890123"

PAGES = [
    "/shipping/pick-lists/",
    "/shipping/pack/",
    "/shipping/shipments/",
    "/shipping/delays/",
    "/shipping/problems/",
    "/shipping/analysis/",
]
# role -> the pages it may open (every other one is 403)
ALLOWED = {
    "shipping": set(PAGES) - {"/shipping/analysis/"},
    "logistics": set(PAGES),
    "ops_manager": set(PAGES) - {"/shipping/pack/"},
    "general_manager": set(PAGES) - {"/shipping/pack/"},
    "customer_service": set(),
    "designer": set(),
    "marketing": set(),
    "finance": set(),
}


@pytest.fixture
def as_clerk(client, clerk):
    client.force_login(clerk)
    return client


def ship_url(order: Order) -> str:
    return f"/shipping/pack/{order.pk}/ship/"


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


@pytest.mark.parametrize("role", list(ALLOWED))
def test_each_role_opens_the_shipping_pages_its_duties_need(client, make_staff, role):
    client.force_login(make_staff(role).user)
    wrong = {}
    for url in PAGES:
        expected = 200 if url in ALLOWED[role] else 403
        status = client.get(url).status_code
        if status != expected:
            wrong[url] = (status, expected)
    assert wrong == {}


def test_the_clerks_navigation_leads_to_the_pack_station(as_clerk):
    page = as_clerk.get("/today/").content.decode()
    assert "打包台" in page
    assert "/shipping/pack/" in page


def test_customer_service_and_designers_cannot_check_or_ship(
    client, passed_order, people
):
    order = passed_order()
    for person in (people.cs, people.evening, people.designer):
        client.force_login(person.user)
        ship = client.post(ship_url(order), {"courier": "ZTO", "tracking_no": ZTO_NO})
        check = client.post(
            f"/shipping/pack/{order.pk}/qc/",
            {"line": order.lines.get().pk, "result": "pass"},
        )
        assert (ship.status_code, check.status_code) == (403, 403)
    order.refresh_from_db()
    assert order.status == Order.Status.PAID


# --- the page refuses what may not ship ---------------------------------------------


def refused(client, order: Order, match: str) -> None:
    response = client.post(
        ship_url(order), {"courier": "ZTO", "tracking_no": ZTO_NO}, follow=True
    )
    assert response.status_code == 200
    assert any(match in m for m in messages_of(response)), messages_of(response)
    order.refresh_from_db()
    assert order.status == Order.Status.PAID
    assert not Shipment.objects.filter(order=order).exists()


def test_the_page_refuses_an_order_without_a_quality_check(as_clerk, ready_order):
    refused(as_clerk, ready_order(), "未质检")


def test_the_page_refuses_an_order_whose_check_failed(
    as_clerk, ready_order, clerk, people
):
    from shopops.orders.services import hold_release

    order = ready_order(stock=3)
    services.qc_record(
        actor=clerk,
        order=order,
        line=order.lines.get(),
        result="fail",
        defect_reason="wrong_item",
    )
    refused(as_clerk, order, "扣留")
    hold_release(actor=people.logistics.user, hold=order.holds.get())
    refused(as_clerk, order, "不合格")


def test_the_page_refuses_a_held_order(as_clerk, passed_order, clerk):
    order = passed_order()
    order_hold(actor=clerk, order=order, reason=HoldReason.CANNOT_BUY)
    refused(as_clerk, order, "扣留")


# --- the pack station walk ---------------------------------------------------------


def test_scan_check_and_ship_at_the_pack_station(
    as_clerk, ready_order, django_assert_max_num_queries
):
    order = ready_order(quantity=2, stock=4)
    with django_assert_max_num_queries(25):
        page = as_clerk.get("/shipping/pack/", {"q": f" {order.order_no} "})
    assert page.context["order"] == order
    assert [s.state for s in page.context["statuses"]] == ["pending"]
    assert 'data-testid="ship-submit" disabled' not in page.content.decode()

    response = as_clerk.post(f"/shipping/pack/{order.pk}/qc/pass-all/", follow=True)
    assert [s.state for s in response.context["statuses"]] == ["passed"]

    response = as_clerk.post(
        ship_url(order), {"courier": "ZTO", "tracking_no": ZTO_NO}, follow=True
    )
    assert any("已发货" in m for m in messages_of(response))
    order.refresh_from_db()
    assert (order.status, order.tracking_no) == (Order.Status.SHIPPED, ZTO_NO)
    assert StockLevel.objects.get(sku=order.lines.get().sku).on_hand == 2


def test_an_unknown_order_number_is_said_so(as_clerk):
    response = as_clerk.get("/shipping/pack/", {"q": "404404"})
    assert any("没有找到订单" in m for m in messages_of(response))


def test_a_failed_unit_with_its_photo(as_clerk, ready_order, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    order = ready_order(quantity=1, stock=2)
    photo = SimpleUploadedFile("IMG_0001.JPG", JPEG, content_type="image/jpeg")
    response = as_clerk.post(
        f"/shipping/pack/{order.pk}/qc/",
        {
            "line": order.lines.get().pk,
            "result": "fail",
            "quantity": "1",
            "defect_reason": "damaged",
            "note": "拉链断了",
            "photo": photo,
        },
        follow=True,
    )
    assert any("已扣留" in m for m in messages_of(response))
    check = QualityCheck.objects.get()
    assert check.photo.name.endswith(".jpg")
    assert (tmp_path / check.photo.name).read_bytes() == JPEG
    assert order.holds.get().reason == HoldReason.QUALITY
    assert StockLevel.objects.get(sku=order.lines.get().sku).quarantined == 1
    served = as_clerk.get(f"/shipping/qc/{check.pk}/photo/")
    assert served.status_code == 200
    assert served["Content-Type"] == "image/jpeg"
    assert b"".join(served.streaming_content) == JPEG


def test_a_photo_that_is_not_an_image_is_refused(
    as_clerk, ready_order, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    order = ready_order()
    fake = SimpleUploadedFile(
        "photo.jpg", b"<script>x</script>", content_type="image/jpeg"
    )
    response = as_clerk.post(
        f"/shipping/pack/{order.pk}/qc/",
        {
            "line": order.lines.get().pk,
            "result": "fail",
            "defect_reason": "damaged",
            "photo": fake,
        },
        follow=True,
    )
    assert any("图片" in m for m in messages_of(response))
    assert not QualityCheck.objects.exists()
    assert not order.holds.exists()
    assert not list(tmp_path.rglob("*.*"))


# --- pick lists -----------------------------------------------------------------------


def test_a_wave_from_the_page_prints_in_walking_order(
    as_clerk, make_sku, put_away, make_paid_order, django_assert_max_num_queries
):
    stove, tent = make_sku("PV-STOVE"), make_sku("PV-TENT")
    put_away(stove, 5, location="C-03")
    put_away(tent, 5, location="A-01")
    orders = [make_paid_order((stove, 1), (tent, 1)) for _ in range(3)]
    response = as_clerk.post("/shipping/pick-lists/reserve/", follow=True)
    assert any("已预留 3 个订单" in m for m in messages_of(response))

    response = as_clerk.post("/shipping/pick-lists/new/", {"limit": "10"}, follow=True)
    pick_list = response.context["pick_list"]
    assert [o.pk for o in response.context["orders"]] == [o.pk for o in orders]
    with django_assert_max_num_queries(15):
        page = as_clerk.get(f"/shipping/pick-lists/{pick_list.pk}/")
    html = page.content.decode()
    assert "@media print" in html
    assert html.index("PV-TENT") < html.index("PV-STOVE")
    assert [(line.location_code, line.quantity) for line in page.context["lines"]] == [
        ("A-01", 3),
        ("C-03", 3),
    ]


# --- shipments and the bulk-shipping CSV ------------------------------------------


def test_the_bulk_shipping_csv_is_gbk_with_the_seller_centers_columns(
    as_clerk, passed_order, clerk, frozen_clock
):
    frozen_clock("2025-06-09 17:00")
    monday = passed_order()
    services.shipment_create(
        actor=clerk, order=monday, courier="ZTO", tracking_no=ZTO_NO
    )
    frozen_clock("2025-06-10 16:00")
    tuesday = passed_order()
    services.shipment_create(
        actor=clerk, order=tuesday, courier="JT", tracking_no="JT1234567890123"
    )
    frozen_clock("2025-06-11 09:00")
    passed_order()  # packed, not shipped

    response = as_clerk.get(
        "/shipping/shipments/",
        {"from": "2025-06-10", "to": "2025-06-11", "export": "csv"},
    )
    assert response["Content-Type"] == "text/csv; charset=gbk"
    assert "bulk-shipping-20250610-20250611.csv" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(body(response).decode("gbk"))))
    assert rows == [
        ["订单编号", "物流公司", "运单号"],
        # order numbers as the seller center's own exports write them: every digit
        [f'="{tuesday.order_no}"', "极兔速递", "JT1234567890123"],
    ]
    both = as_clerk.get(
        "/shipping/shipments/",
        {"from": "2025-06-09", "to": "2025-06-10", "export": "csv"},
    )
    content = body(both)
    rows = list(csv.reader(io.StringIO(content.decode("gbk"))))
    assert [r[1] for r in rows[1:]] == ["中通快递", "极兔速递"]
    with pytest.raises(UnicodeDecodeError):
        content.decode("utf-8")

    page = as_clerk.get(
        "/shipping/shipments/", {"from": "2025-06-09", "to": "2025-06-11"}
    )
    assert {s.order for s in page.context["page"]} == {monday, tuesday}


# --- delays, problems, analysis -------------------------------------------------------


def test_logistics_declares_and_lifts_a_delay_on_the_page(
    client, people, make_sku, make_paid_order
):
    client.force_login(people.logistics.user)
    order = make_paid_order((make_sku(), 1), courier="京东快递", province="四川省")
    response = client.post(
        "/shipping/delays/new/",
        {"courier": "JD", "province": "四川省", "note": "地震停运"},
        follow=True,
    )
    assert any("扣留 1 个" in m for m in messages_of(response))
    assert order.holds.get().reason == HoldReason.COURIER_DELAY
    delay = response.context["active"].get()
    client.post(f"/shipping/delays/{delay.pk}/lift/", {"release_holds": "1"})
    assert order.holds.get().released_at is not None


def test_the_clerk_cannot_declare_a_delay_but_logs_hand_off_problems(
    as_clerk, passed_order
):
    assert as_clerk.post("/shipping/delays/new/", {"courier": "SF"}).status_code == 403
    order = passed_order()
    response = as_clerk.post(
        "/shipping/problems/new/",
        {"courier": "ZTO", "kind": "wrong_label", "order_no": order.order_no},
        follow=True,
    )
    assert [p.order for p in response.context["problems"]] == [order]


def test_the_analysis_page_draws_its_charts(
    client, people, passed_order, clerk, frozen_clock, django_assert_max_num_queries
):
    frozen_clock("2025-06-11 10:00")
    services.handoff_problem_record(actor=clerk, courier="SF", kind="lost_parcel")
    client.force_login(people.ops.user)
    with django_assert_max_num_queries(20):
        page = client.get("/shipping/analysis/", {"week": "2025-W24"})
    html = page.content.decode()
    assert "vendor/echarts/echarts.min.js" in html
    assert 'id="shipping-analysis-data"' in html
    assert "shipping/analysis.js" in html
    assert page.context["a"].problems_total == 1
    assert page.context["chart_json"]["problems"]["couriers"] == ["顺丰速运"]
    bad = client.get("/shipping/analysis/", {"week": "soon"})
    assert bad.status_code == 200
    assert bad.context["week"].week == dt.date(2025, 6, 11).isocalendar()[1]


# --- no N+1 -------------------------------------------------------------------------


@pytest.fixture
def busy_week(passed_order, clerk, people, frozen_clock, make_sku, make_paid_order):
    frozen_clock("2025-06-11 10:00")
    for n in range(4):
        order = passed_order()
        services.shipment_create(
            actor=clerk, order=order, courier="ZTO", tracking_no=f"78123456789012{n}"
        )
        services.handoff_problem_record(
            actor=clerk, courier="ZTO", kind="late_pickup", order=order
        )
    for _ in range(3):
        passed_order()
        services.pick_list_create(actor=clerk, limit=1)
    for courier in ("SF", "YTO", "JD"):
        make_paid_order((make_sku(), 1), courier=courier)
        services.courier_delay_declare(actor=people.logistics.user, courier=courier)


@pytest.mark.parametrize(
    ("url", "most"),
    [
        ("/shipping/pick-lists/", 12),
        ("/shipping/pack/", 11),
        ("/shipping/shipments/?from=2025-06-11&to=2025-06-11", 10),
        ("/shipping/delays/", 10),
        ("/shipping/problems/?week=2025-W24", 8),
        ("/shipping/analysis/?week=2025-W24", 16),
    ],
)
def test_the_pages_query_a_fixed_number_of_times(
    client, people, busy_week, url, most, django_assert_max_num_queries
):
    client.force_login(people.logistics.user)
    with django_assert_max_num_queries(most):
        assert client.get(url).status_code == 200
