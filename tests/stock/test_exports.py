"""The monthly stock report's XLSX holds what colleagues typed as text, whole (issue
18): planted formulas and codes as SKU codes, titles, categories, lot numbers, shelf
places and scrap reasons, on the page's download and the API's."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from shopops.catalog.models import Category, Product, Sku
from shopops.stock import services
from shopops.stock.models import Location, StockReport
from tests.exports_check import (
    PLANTED,
    assert_xlsx_holds,
    fitting,
    xlsx_book,
    xlsx_value,
)

pytestmark = pytest.mark.django_db

NOVEMBER = dt.date(2026, 11, 1)


@pytest.fixture
def planted_report(frozen_clock, make_staff):
    """November's report over one SKU per planted text: the text is its outer code,
    title, category, lot number, shelf place (where it fits) and scrap reason."""
    frozen_clock("2026-10-10 10:00")
    warehouse = services.default_location().warehouse
    places = fitting(Location, "code")
    for index, text in enumerate(PLANTED):
        product = Product.objects.create(
            code=f"EVIL{index}",
            title=text,
            category=Category.objects.create(name=text),
            cost_price=Decimal("10.00"),
            list_price=Decimal("20.00"),
            shelf_life_days=365,
        )
        sku = Sku.objects.create(product=product, outer_code=text)
        place = Location.objects.create(
            warehouse=warehouse, code=text if text in places else f"P{index}"
        )
        level = services.stock_receive(
            actor=None,
            sku=sku,
            quantity=5,
            location=place,
            lot_no=text,
            expiry_date=dt.date(2026, 12, 20),
        ).level
        frozen_clock("2026-11-05 10:00")
        services.stock_quarantine(actor=None, level=level, quantity=2, reason=text)
        services.stock_quarantine_resolve(
            actor=None, level=level, quantity=1, outcome="scrap", reason=text
        )
        frozen_clock("2026-10-10 10:00")
    frozen_clock("2026-12-02 10:00")
    return make_staff("ops_manager")


def check(book) -> None:
    assert_xlsx_holds(book)
    for title in ("临期批次", "滞销库存", "隔离品", "本月报废"):
        codes = [
            row[0] if title != "临期批次" else row[1]
            for row in book[title].iter_rows(min_row=2)
        ]
        assert sorted(c.value for c in codes) == sorted(xlsx_value(t) for t in PLANTED)
        assert all(c.data_type == "s" for c in codes)
    places = {c.value for row in book["隔离品"].iter_rows(min_row=2) for c in row[4:5]}
    # a shelf place is written with its warehouse: "main/=1+1", text that runs nothing
    assert {f"main/{xlsx_value(t)}" for t in fitting(Location, "code")} <= places
    reasons = [row[5].value for row in book["本月报废"].iter_rows(min_row=2)]
    # (the service trims a reason's spaces: "\tx" is kept as "x")
    assert sorted(reasons) == sorted(t.strip() for t in PLANTED)
    values = [row[3] for row in book["分类库值"].iter_rows(min_row=2)]
    # 4 on hand (the one set aside still counts) × 10.00, a number cell
    assert {(c.data_type, c.value) for c in values} == {("n", 40)}


def test_the_report_xlsx_holds_the_planted_texts(client, planted_report):
    client.force_login(planted_report.user)
    client.post("/stock/reports/build/", {"month": "2026-11"})
    report = StockReport.objects.get(month=NOVEMBER)
    response = client.get(f"/stock/reports/{report.pk}/xlsx/")
    assert response.status_code == 200
    assert 'filename="stock-report-2026-11.xlsx"' in response["Content-Disposition"]
    check(xlsx_book(response))


def test_the_report_xlsx_through_the_api_holds_them_too(api_client, planted_report):
    api_client.force_login(planted_report.user)
    built = api_client.post(
        "/api/v1/stock/reports", {"month": "2026-11"}, content_type="application/json"
    )
    assert built.status_code == 201, built.content
    response = api_client.get(f"/api/v1/stock/reports/{built.json()['id']}/xlsx")
    assert response.status_code == 200
    check(xlsx_book(response))
