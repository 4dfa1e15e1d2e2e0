"""Purchasing pages: who may open them, editing and accepting rows (htmx and plain),
the cut-off button, settings, supplier prices, orders with print, XLSX and receiving."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from shopops.purchasing import services
from shopops.purchasing.models import (
    PurchaseOrder,
    PurchaseSettings,
    PurchaseSuggestion,
    SupplierPrice,
)
from shopops.stock.models import Location, StockLevel

pytestmark = pytest.mark.django_db

DAY = dt.date(2026, 11, 26)


@pytest.fixture
def wanted(frozen_clock, make_supplier, make_sku, make_order):
    """At 10:00, three SKUs of one supplier on paid orders, suggestions built."""
    frozen_clock(f"{DAY} 10:00")
    supplier = make_supplier("gear", name="户外装备厂")
    skus = [make_sku(f"G{i}", supplier=supplier) for i in range(3)]
    for sku in skus:
        make_order((sku, 3))
    services.purchase_suggestions_build(day=DAY)
    return supplier, skus


@pytest.fixture
def ordered(wanted, people):
    supplier, _skus = wanted
    services.purchase_suggestions_accept_supplier(
        actor=people.logistics.user, day=DAY, supplier=supplier
    )
    return services.purchase_cutoff(day=DAY).created[0]


PAGES = [
    "/purchasing/",
    "/purchasing/orders/",
    "/purchasing/settings/",
    "/purchasing/suppliers/",
]


@pytest.mark.parametrize("url", PAGES)
def test_logistics_opens_the_pages_and_a_designer_gets_403(
    client, login, people, wanted, url
):
    assert login(client, people.designer).get(url).status_code == 403
    assert login(client, people.logistics).get(url).status_code == 200


def test_the_order_pages_answer_logistics_and_finance_but_not_a_designer(
    client, login, people, ordered
):
    urls = [
        f"/purchasing/orders/{ordered.pk}/",
        f"/purchasing/orders/{ordered.pk}/print/",
        f"/purchasing/orders/{ordered.pk}/export.xlsx",
        f"/purchasing/suppliers/{ordered.supplier_id}/",
    ]
    for url in urls:
        assert login(client, people.designer).get(url).status_code == 403, url
        assert login(client, people.finance).get(url).status_code == 200, url
        assert login(client, people.logistics).get(url).status_code == 200, url
    assert client.get("/purchasing/orders/999999/").status_code == 404


def test_finance_sees_but_cannot_change(client, login, people, wanted):
    login(client, people.finance)
    row = PurchaseSuggestion.objects.first()
    assert client.get("/purchasing/").status_code == 200
    assert client.post(f"/purchasing/suggestions/{row.pk}/accept/").status_code == 403
    assert client.post("/purchasing/build/").status_code == 403
    assert client.post("/purchasing/cutoff/").status_code == 403
    assert (
        client.post("/purchasing/settings/", {"sales_window_days": 7}).status_code
        == 403
    )


def test_the_suggestions_page_shows_rows_by_supplier_with_their_reasoning(
    client, login, people, wanted, django_assert_max_num_queries
):
    login(client, people.logistics)
    client.get("/purchasing/")  # warm the session and permission caches
    with django_assert_max_num_queries(12):
        response = client.get(f"/purchasing/?day={DAY}")
    html = response.content.decode()
    for text in (
        "户外装备厂",
        "G0",
        "G1",
        "G2",
        "计算过程",
        "再订货点",
        "待发订单缺口 3",
    ):
        assert text in html, text
    assert response.context["page"].paginator.count == 3


def test_editing_a_quantity_through_htmx_returns_the_row(client, login, people, wanted):
    login(client, people.logistics)
    row = PurchaseSuggestion.objects.get(sku__outer_code="G1")
    response = client.post(
        f"/purchasing/suggestions/{row.pk}/quantity/",
        {"quantity": "12"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith(f'<tr id="suggestion-{row.pk}"')
    assert 'value="12"' in html
    row.refresh_from_db()
    assert row.edited_quantity == 12
    bad = client.post(
        f"/purchasing/suggestions/{row.pk}/quantity/",
        {"quantity": "-3"},
        HTTP_HX_REQUEST="true",
    )
    assert bad.status_code == 422
    # an empty quantity goes back to the suggested one
    client.post(f"/purchasing/suggestions/{row.pk}/quantity/", {"quantity": ""})
    row.refresh_from_db()
    assert row.edited_quantity is None


def test_accepting_rows_and_a_whole_supplier_then_cutting_off(
    client, login, people, wanted
):
    supplier, _skus = wanted
    login(client, people.logistics)
    row = PurchaseSuggestion.objects.get(sku__outer_code="G0")
    response = client.post(
        f"/purchasing/suggestions/{row.pk}/accept/",
        {"accepted": "1"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert "table-success" in response.content.decode()
    response = client.post(
        "/purchasing/suggestions/accept-supplier/",
        {"day": str(DAY), "supplier": supplier.pk, "accepted": "1"},
    )
    assert response.status_code == 302
    assert PurchaseSuggestion.objects.filter(accepted=True).count() == 3
    response = client.post("/purchasing/cutoff/")
    assert response.status_code == 302
    order = PurchaseOrder.objects.get()
    assert order.lines.count() == 3
    page = client.get(response["Location"]).content.decode()
    assert order.number in page


def test_accepting_on_the_page_after_18_00_moves_the_row_to_tomorrow(
    client, login, people, wanted, frozen_clock
):
    frozen_clock(f"{DAY} 18:20")
    login(client, people.logistics)
    row = PurchaseSuggestion.objects.get(day=DAY, sku__outer_code="G2")
    response = client.post(f"/purchasing/suggestions/{row.pk}/accept/", follow=True)
    assert PurchaseSuggestion.objects.get(
        day=DAY + dt.timedelta(days=1), sku__outer_code="G2"
    ).accepted
    assert "已转入" in response.content.decode()


def test_build_button_computes_the_current_purchasing_day(
    client, login, people, wanted, frozen_clock
):
    frozen_clock(f"{DAY} 19:00")
    login(client, people.logistics)
    response = client.post("/purchasing/build/")
    assert response["Location"].endswith(f"?day={DAY + dt.timedelta(days=1)}")
    assert (
        PurchaseSuggestion.objects.filter(day=DAY + dt.timedelta(days=1)).count() == 3
    )


def test_settings_page_saves_the_formula(client, login, people):
    login(client, people.ops)
    response = client.post(
        "/purchasing/settings/",
        {
            "sales_window_days": "14",
            "review_days": "2",
            "safety_stock_days": "5",
            "default_lead_time_days": "4",
        },
    )
    assert response.status_code == 302
    row = PurchaseSettings.objects.get()
    assert (row.sales_window_days, row.review_days, row.safety_stock_days) == (14, 2, 5)
    bad = client.post("/purchasing/settings/", {"sales_window_days": "0"})
    assert bad.status_code == 200
    assert "is-invalid" in bad.content.decode()


def test_supplier_page_records_a_price_and_terms(client, login, people, wanted):
    supplier, skus = wanted
    login(client, people.logistics)
    url = f"/purchasing/suppliers/{supplier.pk}/"
    client.post(
        url,
        {
            "form": "price",
            "sku": "G1",
            "price": "18.80",
            "min_order_quantity": "50",
            "order_multiple": "10",
        },
    )
    price = SupplierPrice.objects.get(supplier=supplier, sku=skus[1])
    assert (price.price, price.min_order_quantity, price.order_multiple) == (
        Decimal("18.80"),
        50,
        10,
    )
    client.post(url, {"form": "terms", "payment_terms": "款到发货", "review_days": "2"})
    supplier.purchase_terms.refresh_from_db()
    assert supplier.purchase_terms.payment_terms == "款到发货"
    html = client.get(url).content.decode()
    assert "18.80" in html
    unknown = client.post(url, {"form": "price", "sku": "NOPE", "price": "1"})
    assert "没有这个商家编码" in unknown.content.decode()


def test_print_view_is_a_clean_printable_page(client, login, people, ordered):
    login(client, people.logistics)
    html = client.get(f"/purchasing/orders/{ordered.pk}/print/").content.decode()
    assert '<meta charset="utf-8">' in html
    assert "@media print" in html
    assert ordered.number in html
    assert "navbar" not in html  # no application chrome
    assert "户外装备厂" in html


def test_xlsx_export_lists_the_lines_and_the_total(client, login, people, ordered):
    login(client, people.logistics)
    response = client.get(f"/purchasing/orders/{ordered.pk}/export.xlsx")
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    rows = [
        tuple(c for c in row if c not in (None, ""))
        for row in workbook.active.iter_rows(values_only=True)
    ]
    assert rows[0] == ("采购单号", ordered.number)
    header = rows.index(
        ("商家编码", "商品", "销售属性", "数量", "单价", "金额", "已到货")
    )
    lines = rows[header + 1 : header + 4]
    assert sorted(r[0] for r in lines) == ["G0", "G1", "G2"]
    assert rows[-1][-2] == "合计"
    assert Decimal(str(rows[-1][-1])) == Decimal("80.00") * 9


def test_receiving_on_the_page(client, login, people, ordered):
    login(client, people.logistics)
    lines = {line.sku.outer_code: line for line in ordered.lines.all()}
    response = client.post(
        f"/purchasing/orders/{ordered.pk}/receive/",
        {
            f"qty_{lines['G0'].pk}": "3",
            f"lot_{lines['G0'].pk}": "B1",
            f"qty_{lines['G1'].pk}": "5",
            f"exp_{lines['G1'].pk}": "not-a-date",
        },
    )
    assert response.status_code == 302
    assert not StockLevel.objects.exists()  # the bad date refused the whole receipt
    client.post(
        f"/purchasing/orders/{ordered.pk}/receive/",
        {f"qty_{lines['G0'].pk}": "3", f"lot_{lines['G0'].pk}": "B1"},
    )
    ordered.refresh_from_db()
    assert ordered.state == PurchaseOrder.State.PARTIALLY_RECEIVED
    html = client.get(f"/purchasing/orders/{ordered.pk}/").content.decode()
    assert "部分到货" in html
    assert "B1" in html
    # G0 now lives on DEFAULT, which the form proposes; G1 goes where it is told
    g0_level = StockLevel.objects.get(sku=lines["G0"].sku)
    assert (
        f'<option value="{g0_level.location_id}" selected>'
        in html.split(f'name="loc_{lines["G0"].pk}"')[1].split("</select>")[0]
    )
    shelf = Location.objects.create(warehouse=g0_level.location.warehouse, code="K-01")
    client.post(
        f"/purchasing/orders/{ordered.pk}/receive/",
        {f"qty_{lines['G1'].pk}": "2", f"loc_{lines['G1'].pk}": str(shelf.pk)},
    )
    assert StockLevel.objects.get(sku=lines["G1"].sku).location == shelf
    html = client.get(f"/purchasing/orders/{ordered.pk}/").content.decode()
    assert "G1 × 2 → K-01" in html
    # the designer may not receive
    login(client, people.designer)
    assert (
        client.post(f"/purchasing/orders/{ordered.pk}/receive/", {}).status_code == 403
    )


def test_navigation_shows_purchasing_to_logistics_only(client, login, people):
    html = login(client, people.logistics).get("/today/").content.decode()
    assert 'href="/purchasing/"' in html
    html = login(client, people.designer).get("/today/").content.decode()
    assert 'href="/purchasing/"' not in html
