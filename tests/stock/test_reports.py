"""The monthly stock and shelf-life report (LOG-1.4): its figures, computed here again
from the rows the test creates; the job on the 1st at 09:00; the page, the XLSX and
the API; and the worklists of LOG-1.2 and LOG-1.4."""

from __future__ import annotations

import datetime as dt
import io
from collections import defaultdict
from decimal import Decimal
from typing import Any

import pytest
from django.contrib.contenttypes.models import ContentType
from openpyxl import load_workbook

from shopops.catalog.models import Category, Product, Sku
from shopops.core.duties import registry
from shopops.core.models import Notification
from shopops.core.services import duties_tick
from shopops.orders.models import Order
from shopops.stock import reports, services
from shopops.stock.models import Location, StockReport, Warehouse
from tests.exports_check import body as file_body

pytestmark = pytest.mark.django_db

AS_OF = dt.date(2026, 11, 30)
NOVEMBER = dt.date(2026, 11, 1)
CENT = Decimal("0.01")

# The SKUs: code → (category, cost price, shelf life, active)
SKUS = {
    "TENT": ("帐篷", "100.00", None, True),
    "TARP": ("帐篷", "35.50", None, True),
    "LAMP": ("帐篷", "20.00", None, True),
    "OLD": ("帐篷", "50.00", None, False),
    "GAS": ("燃料", "12.50", 1095, True),
    "STOVE": ("燃料", "150.00", None, True),
    "BAR": ("食品", "8.88", 365, True),
    "MUG": ("食品", "5.00", None, True),
}
# Receipts on 2 November: (code, location, lot, expiry, units)
RECEIPTS = [
    ("TENT", "DEFAULT", "", None, 10),
    ("TARP", "DEFAULT", "", None, 4),
    ("LAMP", "B-01", "", None, 2),
    ("GAS", "DEFAULT", "L-EXP", dt.date(2026, 11, 15), 6),
    ("GAS", "DEFAULT", "L-EDGE", dt.date(2026, 11, 30), 2),
    ("GAS", "DEFAULT", "L30", dt.date(2026, 12, 20), 3),
    ("GAS", "B-01", "L30", dt.date(2026, 12, 20), 2),
    ("GAS", "DEFAULT", "L60", dt.date(2027, 1, 29), 7),
    ("GAS", "DEFAULT", "L90", dt.date(2027, 2, 28), 3),
    ("GAS", "DEFAULT", "LFAR", dt.date(2027, 6, 1), 9),
    ("BAR", "DEFAULT", "B1", dt.date(2027, 3, 1), 12),
    ("BAR", "B-01", "B1", dt.date(2027, 3, 1), 8),
    ("MUG", "DEFAULT", "", None, 3),
]
# Sales (orders paid): (shop-local time, lines, status after)
SALES = [
    ("2026-09-01 10:00", [("TARP", 1)], "paid"),
    ("2026-10-20 10:00", [("TENT", 1)], "paid"),
    ("2026-11-10 10:00", [("BAR", 1)], "closed"),  # refunded: not a sale
    ("2026-11-25 10:00", [("GAS", 1)], "paid"),
]


@pytest.fixture
def ops(make_staff) -> Any:
    return make_staff("ops_manager").user


@pytest.fixture
def logistics(make_staff) -> Any:
    return make_staff("logistics").user


@pytest.fixture
def shop_data(shop, frozen_clock, make_paid_order) -> dict[str, Any]:
    """The store as the test describes it above, plus what happens after November."""
    skus: dict[str, Sku] = {}
    for code, (category, cost, shelf_life, active) in SKUS.items():
        product = Product.objects.create(
            code=f"P-{code}",
            title=f"商品 {code}",
            category=Category.objects.get_or_create(name=category)[0],
            cost_price=Decimal(cost),
            list_price=Decimal("99.00"),
            shelf_life_days=shelf_life,
        )
        skus[code] = Sku.objects.create(product=product, outer_code=code, active=active)
    main = Warehouse.objects.create(code="main", name="主仓库", is_default=True)
    places = {
        code: Location.objects.create(warehouse=main, code=code)
        for code in ("DEFAULT", "B-01")
    }

    for when, lines, status in SALES:
        frozen_clock(when)
        order = make_paid_order(*[(skus[c], n) for c, n in lines])
        Order.objects.filter(pk=order.pk).update(status=status)

    frozen_clock("2026-11-02 09:00")
    for code, place, lot, expiry, units in RECEIPTS:
        services.stock_receive(
            actor=None,
            sku=skus[code],
            quantity=units,
            location=places[place],
            lot_no=lot,
            expiry_date=expiry,
        )
    # 20 November: an order reserves 3 tents and both lamps (a sale of each)
    frozen_clock("2026-11-20 10:00")
    reserved = make_paid_order((skus["TENT"], 3), (skus["LAMP"], 2))
    assert services.stock_reserve_order(actor=None, order=reserved).reserved
    # 27–28 November: the three mugs sell and ship
    frozen_clock("2026-11-27 10:00")
    mugs = make_paid_order((skus["MUG"], 3))
    services.stock_reserve_order(actor=None, order=mugs)
    frozen_clock("2026-11-28 10:00")
    services.stock_ship_order(actor=None, order=mugs)
    # 1 December, 08:00: stoves arrive — after the month, so not in its report
    frozen_clock("2026-12-01 08:00")
    services.stock_receive(
        actor=None, sku=skus["STOVE"], quantity=100, location=places["DEFAULT"]
    )
    return skus


def expected_figures() -> dict[str, Any]:
    """Compute the report from the description above, independently of the code."""
    cost = {code: Decimal(c) for code, (_cat, c, _s, _a) in SKUS.items()}
    units: dict[str, int] = defaultdict(int)
    reserved: dict[str, int] = defaultdict(int)
    lots: dict[tuple[str, str], dict[str, Any]] = {}
    for code, place, lot, expiry, n in RECEIPTS:
        units[code] += n
        if expiry:
            entry = lots.setdefault(
                (code, lot), {"units": 0, "expiry": expiry, "places": set()}
            )
            entry["units"] += n
            entry["places"].add(f"main/{place}")
    reserved["TENT"], reserved["LAMP"] = 3, 2
    units["MUG"] -= 3  # shipped
    # GAS sold on the 25th, but nothing reserved or shipped for it: stock unchanged

    by_category: dict[str, dict[str, Any]] = {}
    for code, n in units.items():
        if n <= 0:
            continue
        category = SKUS[code][0]
        row = by_category.setdefault(
            category, {"skus": 0, "units": 0, "value": Decimal("0.00")}
        )
        row["skus"] += 1
        row["units"] += n
        row["value"] += cost[code] * n

    buckets: dict[int, list[str]] = {30: [], 60: [], 90: []}
    expired = []
    for (_code, lot), entry in lots.items():
        days = (entry["expiry"] - AS_OF).days
        if days <= 0:
            expired.append((lot, entry["units"]))
        elif days <= 30:
            buckets[30].append(lot)
        elif days <= 60:
            buckets[60].append(lot)
        elif days <= 90:
            buckets[90].append(lot)

    sold_since = dt.date(2026, 12, 1) - dt.timedelta(days=60)
    last_sale: dict[str, dt.date] = {}
    for when, lines, status in [
        *SALES,
        ("2026-11-20 10:00", [("TENT", 3), ("LAMP", 2)], "paid"),
        ("2026-11-27 10:00", [("MUG", 3)], "paid"),
    ]:
        if status == "closed":
            continue
        for code, _n in lines:
            last_sale[code] = max(
                last_sale.get(code, dt.date.min), dt.date.fromisoformat(when[:10])
            )
    slow = sorted(
        code
        for code, n in units.items()
        if n > 0 and (code not in last_sale or last_sale[code] < sold_since)
    )
    stockouts = sorted(
        code
        for code, (_c, _cost, _s, active) in SKUS.items()
        if active and units.get(code, 0) - reserved.get(code, 0) <= 0
    )
    return {
        "by_category": by_category,
        "total": sum((r["value"] for r in by_category.values()), Decimal("0.00")),
        "buckets": buckets,
        "expired": sorted(expired),
        "slow": slow,
        "stockouts": stockouts,
        "lots": lots,
        "cost": cost,
        "last_sale": last_sale,
    }


# --- the figures -----------------------------------------------------------------------


def test_the_report_figures(shop_data, frozen_clock):
    frozen_clock("2026-12-01 09:00")
    data = reports.stock_report_figures(month=NOVEMBER)
    want = expected_figures()

    assert (data["month"], data["as_of"]) == ("2026-11", "2026-11-30")
    # stock value by category: units on hand × cost price, in Decimal strings
    got = {r["category"]: r for r in data["value_by_category"]}
    assert set(got) == set(want["by_category"])
    for category, row in want["by_category"].items():
        assert got[category]["skus"] == row["skus"]
        assert got[category]["units"] == row["units"]
        assert got[category]["value"] == str(row["value"].quantize(CENT))
    assert data["summary"]["value"] == str(want["total"].quantize(CENT))
    assert want["total"] == Decimal("1759.60")  # the description, summed by hand

    # lots expiring within 30 / 60 / 90 days, each lot once whatever its places
    for bucket, lots in want["buckets"].items():
        assert [r["lot_no"] for r in data["expiring"] if r["bucket"] == bucket] == lots
        assert data["summary"]["expiring"][str(bucket)] == len(lots)
    l30 = next(r for r in data["expiring"] if r["lot_no"] == "L30")
    assert (l30["units"], l30["days_left"], l30["value"]) == (5, 20, "62.50")
    assert l30["locations"] == "main/B-01、main/DEFAULT"
    # expired: on or before the month's last day
    assert sorted((r["lot_no"], r["units"]) for r in data["expired"]) == want["expired"]
    assert data["summary"]["expired_value"] == str(
        sum(want["cost"]["GAS"] * n for _lot, n in want["expired"]).quantize(CENT)
    )
    # slow stock: nothing sold in 60 days (a refunded order is no sale)
    assert (
        sorted(r["outer_code"] for r in data["slow"])
        == want["slow"]
        == [
            "BAR",
            "TARP",
        ]
    )
    tarp = next(r for r in data["slow"] if r["outer_code"] == "TARP")
    assert (tarp["last_sale"], tarp["days_since_sale"]) == ("2026-09-01", 90)
    bar = next(r for r in data["slow"] if r["outer_code"] == "BAR")
    assert bar["last_sale"] is None
    # stock-outs: on sale and nothing available (reserved or shipped), as of the 30th
    assert (
        [r["outer_code"] for r in data["stockouts"]]
        == want["stockouts"]
        == [
            "LAMP",
            "MUG",
            "STOVE",
        ]
    )
    lamp = next(r for r in data["stockouts"] if r["outer_code"] == "LAMP")
    assert (lamp["on_hand"], lamp["reserved"], lamp["available"]) == (2, 2, 0)


def test_only_ended_months_are_built(shop_data, frozen_clock, ops):
    frozen_clock("2026-12-01 09:00")
    with pytest.raises(Exception, match="已经结束"):
        reports.stock_report_build(actor=ops, month=dt.date(2026, 12, 1))


# --- the job on the 1st at 09:00 -----------------------------------------------------------


def report_notes(user: Any) -> list[Notification]:
    return list(
        Notification.objects.filter(
            recipient=user,
            content_type=ContentType.objects.get_for_model(StockReport),
        )
    )


def test_the_job_builds_last_months_report_once_and_tells_the_ops_manager(
    shop_data, frozen_clock, ops, logistics
):
    handled = duties_tick(at=frozen_clock("2026-12-01 09:00:30"))

    assert "LOG-1.4@2026-12:deadline" in handled
    report = StockReport.objects.get()
    assert (report.month, report.as_of) == (NOVEMBER, AS_OF)
    assert report.built_by is None
    assert report.data["summary"]["value"] == "1759.60"
    [note] = report_notes(ops)
    assert "2026-11" in note.title
    assert note.url == f"/stock/reports/{report.pk}/"
    assert note.object_id == str(report.pk)
    assert report_notes(logistics) == []

    # ticking again, or later, builds and tells nothing twice
    for minute in ("09:00:30", "09:01:30", "10:30"):
        duties_tick(at=frozen_clock(f"2026-12-01 {minute}"))
    assert StockReport.objects.count() == 1
    assert len(report_notes(ops)) == 1

    # a report is kept as built, whatever happens to the stock afterwards
    services.stock_receive(actor=None, sku=shop_data["TENT"], quantity=50)
    report.refresh_from_db()
    assert report.data["summary"]["value"] == "1759.60"


def test_rebuilding_updates_the_report_without_a_second_notice(
    shop_data, frozen_clock, ops
):
    frozen_clock("2026-12-02 10:00")
    report, created = reports.stock_report_build(actor=ops, month=NOVEMBER)
    again, created_again = reports.stock_report_build(actor=ops, month=NOVEMBER)
    assert created
    assert not created_again
    assert again.pk == report.pk
    rebuilt, _ = reports.stock_report_build(actor=ops, month=NOVEMBER, rebuild=True)
    assert rebuilt.pk == report.pk
    assert len(report_notes(ops)) == 1


# --- the XLSX, the pages, the API --------------------------------------------------------------


def test_the_xlsx_has_one_sheet_per_section(shop_data, frozen_clock, ops):
    frozen_clock("2026-12-01 10:00")
    report, _ = reports.stock_report_build(actor=ops, month=NOVEMBER)
    book = load_workbook(io.BytesIO(reports.stock_report_xlsx(report)))
    assert book.sheetnames == [
        "概要",
        "分类库值",
        "临期批次",
        "过期库存",
        "滞销库存",
        "断货",
        "隔离品",
        "本月报废",
    ]
    rows = list(book["分类库值"].iter_rows(values_only=True))
    assert rows[0] == ("类目", "SKU 数", "在库件数", "金额")
    values = {r[0]: Decimal(str(r[3])) for r in rows[1:]}
    assert values == {
        c: r["value"] for c, r in expected_figures()["by_category"].items()
    }
    expiring = list(book["临期批次"].iter_rows(values_only=True))[1:]
    assert [(r[0], r[4]) for r in expiring] == [(30, "L30"), (60, "L60"), (90, "L90")]
    assert expiring[0][6] == dt.datetime(2026, 12, 20)  # a real date cell
    outs = [r[0] for r in list(book["断货"].iter_rows(values_only=True))[1:]]
    assert outs == ["LAMP", "MUG", "STOVE"]


def test_the_report_pages(client, shop_data, frozen_clock, make_staff):
    frozen_clock("2026-12-02 10:00")
    client.force_login(make_staff("logistics").user)
    response = client.post("/stock/reports/build/", {"month": "2026-11"})
    report = StockReport.objects.get(month=NOVEMBER)
    assert response.url == f"/stock/reports/{report.pk}/"
    page = client.get(response.url)
    assert page.status_code == 200
    html = page.content.decode()
    assert "1759.60" in html
    assert "L30" in html
    assert "TARP" in html
    listing = client.get("/stock/reports/").content.decode()
    assert 'data-testid="report-2026-11"' in listing
    download = client.get(f"/stock/reports/{report.pk}/xlsx/")
    assert download["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml"
    )
    load_workbook(io.BytesIO(file_body(download)))
    # a month not over yet is refused with a message
    response = client.post("/stock/reports/build/", {"month": "2026-12"}, follow=True)
    assert "已经结束" in response.content.decode()

    # a finance clerk reads it, but cannot build one
    client.force_login(make_staff("finance").user)
    assert client.get(f"/stock/reports/{report.pk}/").status_code == 200
    assert client.post("/stock/reports/build/", {"month": "2026-10"}).status_code == 403


def test_the_report_api(api_client, shop_data, frozen_clock, make_staff):
    frozen_clock("2026-12-02 10:00")
    api_client.force_login(make_staff("ops_manager").user)
    response = api_client.post(
        "/api/v1/stock/reports", {"month": "2026-11"}, content_type="application/json"
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["month"], body["summary"]["value"]) == ("2026-11", "1759.60")
    assert [r["outer_code"] for r in body["data"]["stockouts"]] == [
        "LAMP",
        "MUG",
        "STOVE",
    ]
    response = api_client.post(
        "/api/v1/stock/reports", {"month": "2026-11"}, content_type="application/json"
    )
    assert response.status_code == 200  # already built: kept, not built again
    for bad in ("2026-13", "2026-12", "11/2026"):
        response = api_client.post(
            "/api/v1/stock/reports", {"month": bad}, content_type="application/json"
        )
        assert response.status_code == 422, bad
    listing = api_client.get("/api/v1/stock/reports").json()
    assert [r["month"] for r in listing] == ["2026-11"]
    detail = api_client.get(f"/api/v1/stock/reports/{listing[0]['id']}")
    assert detail.json()["data"]["as_of"] == "2026-11-30"
    xlsx = api_client.get(f"/api/v1/stock/reports/{listing[0]['id']}/xlsx")
    assert xlsx.status_code == 200
    load_workbook(io.BytesIO(file_body(xlsx)))
    assert api_client.get("/api/v1/stock/reports/999999").status_code == 404


# --- the worklists ------------------------------------------------------------------------


def test_the_monthly_report_worklist(shop_data, frozen_clock, logistics):
    duty = registry.get("LOG-1.4")
    assert duty.implemented
    day = dt.date(2026, 12, 1)
    frozen_clock("2026-12-01 08:30")
    work = duty.worklist(logistics, day)
    assert (work.count, work.url) == (1, "/stock/reports/")
    duties_tick(at=frozen_clock("2026-12-01 09:00:30"))
    work = duty.worklist(logistics, day)
    report = StockReport.objects.get()
    assert (work.count, work.url) == (0, f"/stock/reports/{report.pk}/")


def test_the_stockout_worklist_watches_the_whole_stock(shop_data, logistics):
    duty = registry.get("LOG-1.2")
    assert duty.implemented
    work = duty.worklist(logistics, dt.date(2026, 12, 1))
    # now (after the stoves arrived): the lamps are all reserved, the mugs sold out
    assert work.count == 2
    assert work.url == "/stock/?stockout=1"


def test_the_report_counts_what_waits_in_quarantine_and_what_was_scrapped(
    client, make_sku, frozen_clock, make_staff
):
    """12.50 a unit: 10 received in October, 1 scrapped then (not November's); in
    November 3 set aside, 2 of them scrapped, 1 more set aside; 1 scrapped in December
    (not November's either). At November's end 2 wait in quarantine."""
    sku = make_sku("STOVE")
    Product.objects.filter(pk=sku.product_id).update(cost_price=Decimal("12.50"))
    frozen_clock("2026-10-10 10:00")
    level = services.stock_receive(actor=None, sku=sku, quantity=10).level
    services.stock_quarantine(actor=None, level=level, quantity=1, reason="运输破损")
    services.stock_quarantine_resolve(
        actor=None, level=level, quantity=1, outcome="scrap", reason="十月报废"
    )
    steps = [
        ("2026-11-05 10:00", "quarantine", 3, "外壳开裂"),
        ("2026-11-10 10:00", "scrap", 2, "无法修复"),
        ("2026-11-12 10:00", "quarantine", 1, "点火器失灵"),
        ("2026-12-02 10:00", "scrap", 1, "十二月报废"),
    ]
    for when, step, units, why in steps:
        frozen_clock(when)
        if step == "quarantine":
            services.stock_quarantine(
                actor=None, level=level, quantity=units, reason=why
            )
        else:
            services.stock_quarantine_resolve(
                actor=None, level=level, quantity=units, outcome=step, reason=why
            )

    data = reports.stock_report_figures(month=NOVEMBER)

    unit = Decimal("12.50")
    assert [(r["outer_code"], r["units"]) for r in data["quarantined"]] == [
        ("STOVE", 2)
    ]
    assert data["summary"]["quarantined_value"] == str(2 * unit)
    assert [(r["outer_code"], r["units"], r["reasons"]) for r in data["scrapped"]] == [
        ("STOVE", 2, "无法修复")
    ]
    assert data["summary"]["scrapped_value"] == str(2 * unit)

    # on the page and in the workbook
    client.force_login(make_staff("ops_manager").user)
    client.post("/stock/reports/build/", {"month": "2026-11"})
    report = StockReport.objects.get(month=NOVEMBER)
    html = client.get(f"/stock/reports/{report.pk}/").content.decode()
    assert 'data-testid="report-scrapped"' in html
    assert "无法修复" in html
    workbook = load_workbook(
        io.BytesIO(file_body(client.get(f"/stock/reports/{report.pk}/xlsx/")))
    )
    scrapped = list(workbook["本月报废"].iter_rows(values_only=True))
    assert scrapped[1][:5] == ("STOVE", sku.product.title, "帐篷", 2, 2 * unit)
    assert list(workbook["隔离品"].iter_rows(values_only=True))[1][5] == 2


def test_a_report_kept_before_the_losses_section_still_shows(
    client, make_staff, frozen_clock
):
    frozen_clock("2026-12-02 10:00")
    data = reports.stock_report_figures(month=NOVEMBER)
    for key in ("quarantined", "scrapped"):
        data.pop(key)
    report = StockReport.objects.create(
        month=NOVEMBER, as_of=dt.date(2026, 11, 30), built_at=clock_now(), data=data
    )
    client.force_login(make_staff("ops_manager").user)
    page = client.get(f"/stock/reports/{report.pk}/")
    assert page.status_code == 200
    assert 'data-testid="report-scrapped"' not in page.content.decode()
    assert client.get(f"/stock/reports/{report.pk}/xlsx/").status_code == 200


def clock_now() -> dt.datetime:
    from shopops.core import clock

    return clock.now()
