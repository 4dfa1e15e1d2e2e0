"""The bulk-shipping CSV holds whatever reached an order number or a tracking number as
text, whole (issue 18), on the page's download and the API's, and stays what the
seller center's upload reads: GBK, its three columns, every digit of every number."""

from __future__ import annotations

import pytest

from shopops.core.importers.cells import clean_text
from shopops.orders.models import Order
from shopops.shipping import services
from shopops.shipping.models import Shipment
from tests.exports_check import (
    ORDER_NO,
    assert_csv_holds,
    csv_rows,
    fitting,
    shown,
)

pytestmark = pytest.mark.django_db

ZTO_NO = "781234567890123"
# What fits in a tracking number (32 characters: not the HYPERLINK formula).
TRACKING = fitting(Shipment, "tracking_no")


@pytest.fixture
def planted(passed_order, clerk, frozen_clock):
    """One shipment per planted text that fits, shipped on 10 June; the text is its
    tracking number and its order's number. The real ones first: a 19-digit
    order number with a 15-digit ZTO number, as the service takes them."""
    frozen_clock("2025-06-10 16:00")
    real = passed_order()
    Order.objects.filter(pk=real.pk).update(order_no=ORDER_NO)
    real.refresh_from_db()
    services.shipment_create(actor=clerk, order=real, courier="ZTO", tracking_no=ZTO_NO)
    numbers = fitting(Order, "order_no")
    for index, text in enumerate(TRACKING):
        order = passed_order()
        shipment = services.shipment_create(
            actor=clerk, order=order, courier="ZTO", tracking_no=f"7{index:011d}"
        )
        # a row the services would refuse, as an edit in the admin could leave it
        Shipment.objects.filter(pk=shipment.pk).update(tracking_no=text)
        if text in numbers and text != ORDER_NO:
            Order.objects.filter(pk=order.pk).update(order_no=text)
    return real


def check(response) -> None:
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=gbk"
    assert (
        'filename="bulk-shipping-20250610-20250610.csv"'
        in response["Content-Disposition"]
    )
    rows = csv_rows(response)
    assert rows[0] == ["订单编号", "物流公司", "运单号"]
    assert_csv_holds(rows, TRACKING)
    tracking = [r[2] for r in rows[1:]]
    assert sorted(shown(t) for t in tracking) == sorted([ZTO_NO, *TRACKING])
    assert rows[1] == [f'="{ORDER_NO}"', "中通快递", f'="{ZTO_NO}"']
    # what the seller center's upload and our importers read: the digits inside
    assert [clean_text(c) for c in rows[1]] == [ORDER_NO, "中通快递", ZTO_NO]


def test_the_page_download_holds_the_planted_texts(client, clerk, planted):
    client.force_login(clerk)
    check(
        client.get(
            "/shipping/shipments/",
            {"from": "2025-06-10", "to": "2025-06-10", "export": "csv"},
        )
    )


def test_the_api_download_holds_them_too(api_client, clerk, planted):
    api_client.force_login(clerk)
    check(
        api_client.get(
            "/api/v1/shipping/shipments/bulk-shipping.csv",
            {"date_from": "2025-06-10", "date_to": "2025-06-10"},
        )
    )
