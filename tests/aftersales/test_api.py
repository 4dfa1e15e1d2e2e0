"""The after-sales API under /api/v1/, at the paths the orders API had."""

from __future__ import annotations

from decimal import Decimal

import pytest

from shopops.aftersales.models import AfterSale
from tests.orders.test_api import API, hold_of, post

pytestmark = pytest.mark.django_db


def test_record_outcomes(as_role, make_order, make_sku, people):
    order = make_order(paid_amount=Decimal("80.00"))
    hold = hold_of(order, people)
    client = as_role("evening")

    # an amount with three places, a missing SKU, an unknown SKU: refused
    bad = post(
        client,
        f"/holds/{hold.pk}/outcome",
        {"outcome": "refund", "refund_amount": "1.005"},
    )
    assert bad.status_code == 422
    assert post(
        client, f"/holds/{hold.pk}/outcome", {"outcome": "exchange"}
    ).status_code == (422)
    assert (
        post(
            client,
            f"/holds/{hold.pk}/outcome",
            {"outcome": "exchange", "exchange_sku_id": 999999},
        ).status_code
        == 422
    )
    assert (
        post(client, f"/holds/{hold.pk}/outcome", {"outcome": "nap"}).status_code == 422
    )
    assert not AfterSale.objects.exists()

    response = post(
        client,
        f"/holds/{hold.pk}/outcome",
        {"outcome": "refund", "note": "同意退款", "refund_amount": "30.50"},
    )
    assert response.status_code == 200, response.content
    assert response.json()["outcome"] == "refund"
    assert AfterSale.objects.get().amount == Decimal("30.50")

    other = hold_of(make_order(), people)
    sku = make_sku()
    response = post(
        client,
        f"/holds/{other.pk}/outcome",
        {"outcome": "exchange", "exchange_sku_id": sku.pk, "exchange_quantity": 2},
    )
    assert response.status_code == 200
    assert AfterSale.objects.get(kind="exchange").exchange_quantity == 2
    missing = post(client, "/holds/999999/outcome", {"outcome": "informed"})
    assert missing.status_code == 404
    # logistics does not talk to buyers
    logistics = as_role("logistics")
    refused = post(logistics, f"/holds/{other.pk}/outcome", {"outcome": "informed"})
    assert refused.status_code == 403


def test_raise_confirm_and_reject_after_sales(as_role, make_order, people):
    order = make_order(paid_amount=Decimal("100.00"))
    cs = as_role("cs")

    raised = post(
        cs,
        f"/orders/{order.pk}/after-sales",
        {"kind": "refund_only", "reason": "少发", "amount": "40"},
    )
    assert raised.status_code == 201, raised.content
    first = raised.json()
    assert (first["amount"], first["state"], first["raised_by"]) == (
        "40.00",
        "requested",
        people.cs.user.username,
    )
    too_much = post(
        cs,
        f"/orders/{order.pk}/after-sales",
        {"kind": "refund_only", "reason": "全退", "amount": "100.01"},
    )
    assert too_much.status_code == 422
    assert "超过可退金额" in too_much.json()["detail"]
    second = post(
        cs,
        f"/orders/{order.pk}/after-sales",
        {"kind": "refund_only", "reason": "破损", "amount": "10.00"},
    ).json()
    # customer service cannot confirm
    assert post(cs, f"/after-sales/{first['id']}/confirm").status_code == 403

    logistics = as_role("logistics")
    queue = logistics.get(f"{API}/after-sales").json()
    assert [a["id"] for a in queue] == [first["id"], second["id"]]
    confirmed = post(logistics, f"/after-sales/{first['id']}/confirm", {"note": "ok"})
    assert confirmed.status_code == 200
    assert confirmed.json()["state"] == "confirmed"
    order.refresh_from_db()
    assert order.refunded_amount == Decimal("40.00")
    assert post(logistics, f"/after-sales/{first['id']}/confirm").status_code == 422

    assert post(logistics, f"/after-sales/{second['id']}/reject").status_code == 422
    rejected = post(
        logistics, f"/after-sales/{second['id']}/reject", {"note": "已补发"}
    )
    assert rejected.json()["state"] == "rejected"
    assert (
        post(logistics, "/after-sales/999999/reject", {"note": "x"}).status_code == 404
    )

    assert [
        a["id"]
        for a in logistics.get(f"{API}/after-sales", {"state": "rejected"}).json()
    ] == [second["id"]]
    assert len(logistics.get(f"{API}/after-sales", {"state": "all"}).json()) == 2
    assert logistics.get(f"{API}/after-sales", {"state": "odd"}).status_code == 422
    assert as_role("designer").get(f"{API}/after-sales").status_code == 403
    assert (
        post(
            as_role("logistics"),
            f"/orders/{order.pk}/after-sales",
            {"kind": "x", "reason": "y"},
        )
    ).status_code == 403


# --- complaints ---------------------------------------------------------------------
