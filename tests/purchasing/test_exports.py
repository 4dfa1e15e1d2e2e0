"""The purchase order's XLSX holds what suppliers and colleagues typed as text, whole
(issue 18): planted formulas and codes in the supplier, the SKUs and the terms."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from shopops.catalog.models import Product, Sku
from shopops.purchasing import services
from shopops.purchasing.models import PurchaseOrder
from tests.exports_check import (
    HOSTILE,
    LEADING_ZERO,
    PLANTED,
    assert_xlsx_contains,
    assert_xlsx_holds,
    xlsx_book,
    xlsx_value,
)

pytestmark = pytest.mark.django_db

DAY = dt.date(2026, 11, 26)


@pytest.fixture
def planted_order(frozen_clock, make_supplier, make_sku, make_order, people):
    """A purchase order of a supplier named like a formula, one line per planted text
    (as the SKU's outer code, title and attributes), its terms a formula too."""
    frozen_clock(f"{DAY} 10:00")
    supplier = make_supplier(
        "evil", name=HOSTILE[0], contact="=1+1", phone=LEADING_ZERO
    )
    for text in PLANTED:
        sku = make_sku(supplier=supplier)
        Sku.objects.filter(pk=sku.pk).update(outer_code=text, attributes=text)
        Product.objects.filter(pk=sku.product_id).update(title=text)
        make_order((Sku.objects.get(pk=sku.pk), 3))
    services.purchase_suggestions_build(day=DAY)
    services.purchase_suggestions_accept_supplier(
        actor=people.logistics.user, day=DAY, supplier=supplier
    )
    order = services.purchase_cutoff(day=DAY).created[0]
    PurchaseOrder.objects.filter(pk=order.pk).update(payment_terms="@SUM(A1)")
    return order


def test_the_purchase_order_xlsx_holds_the_planted_texts(
    client, login, people, planted_order
):
    login(client, people.logistics)
    response = client.get(f"/purchasing/orders/{planted_order.pk}/export.xlsx")
    assert response.status_code == 200
    assert f'filename="{planted_order.number}.xlsx"' in response["Content-Disposition"]
    book = xlsx_book(response)
    assert_xlsx_holds(book)  # outer codes, titles and attributes: whole cells
    assert_xlsx_holds(book, ["@SUM(A1)"])
    # the supplier's name and contact are written with its code and phone
    assert_xlsx_contains(book, [HOSTILE[0] + "（evil）", f"=1+1 {LEADING_ZERO}"])
    rows = list(book.active.iter_rows())
    written = {xlsx_value(text) for text in PLANTED}
    lines = [r for r in rows if r[0].value in written]
    assert len(lines) == len(PLANTED)
    for row in lines:
        assert [c.value for c in row[:3]] == [row[0].value] * 3
        assert all(c.data_type == "s" for c in row[:3])
        assert (row[3].data_type, row[3].value) == ("n", 3)
        assert row[4].data_type == "n"
        assert row[4].number_format == "0.00"
    total = rows[-1]
    assert total[2].value == "合计"
    assert Decimal(str(total[5].value)) == sum(
        (line.unit_price * line.quantity for line in planted_order.lines.all()),
        start=Decimal("0.00"),
    )
