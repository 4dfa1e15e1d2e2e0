"""After-sales pages, at the addresses they had under /orders/: the evening outcome,
raising from the order's page, logistics' confirmation, and who may do what."""

from __future__ import annotations

from decimal import Decimal

import pytest

from shopops.aftersales.models import AfterSale
from shopops.orders import services
from shopops.orders.models import HoldReason

pytestmark = pytest.mark.django_db


def test_customer_service_records_an_outcome_but_cannot_release(
    client, login, make_order, people
):
    hold = services.order_hold(
        actor=people.logistics.user, order=make_order(), reason=HoldReason.QUALITY
    )
    login(client, people.cs)
    response = client.post(
        f"/orders/holds/{hold.pk}/outcome/", {"outcome": "informed", "note": "已电话"}
    )
    assert response.status_code == 302
    hold.refresh_from_db()
    assert hold.outcome == "informed"
    assert client.post(f"/orders/holds/{hold.pk}/release/").status_code == 403
    hold.refresh_from_db()
    assert hold.active


def test_an_outcome_with_a_bad_amount_is_a_message_not_an_error(
    client, login, make_order, people
):
    hold = services.order_hold(
        actor=people.logistics.user, order=make_order(), reason=HoldReason.QUALITY
    )
    login(client, people.evening)
    response = client.post(
        f"/orders/holds/{hold.pk}/outcome/",
        {"outcome": "refund", "refund_amount": "十元"},
        follow=True,
    )
    assert "退款金额不是数字" in response.content.decode()
    assert not AfterSale.objects.exists()


def test_logistics_confirms_after_sales_and_customer_service_cannot(
    client, login, make_order, people
):
    order = make_order(paid_amount=Decimal("60.00"))
    login(client, people.cs)
    client.post(
        f"/orders/{order.pk}/after-sales/new/",
        {"kind": "refund_only", "amount": "20.00", "reason": "少发赠品"},
    )
    after_sale = AfterSale.objects.get()
    assert client.post(f"/orders/after-sales/{after_sale.pk}/confirm/").status_code == (
        403
    )

    login(client, people.logistics)
    page = client.get("/orders/after-sales/")
    assert f'data-after-sale="{after_sale.pk}"' in page.content.decode()
    client.post(f"/orders/after-sales/{after_sale.pk}/confirm/", {"note": "ok"})
    after_sale.refresh_from_db()
    order.refresh_from_db()
    assert after_sale.state == AfterSale.State.CONFIRMED
    assert order.refunded_amount == Decimal("20.00")
