"""Counts (LOG-1.3): a sheet snapshots the levels in scope, the counter records what is
on the shelf and its quality, posting turns the differences into count corrections and
quarantines damaged or expired units; the ledger still sums to the levels."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from shopops.catalog.models import Category
from shopops.core.duties import registry
from shopops.core.models import AuditEntry
from shopops.stock import counts, services
from shopops.stock.models import (
    CountLine,
    CountSheet,
    Location,
    Movement,
    StockLevel,
    Warehouse,
)

from .ledger import assert_ledger_matches_levels

pytestmark = pytest.mark.django_db


@pytest.fixture
def logistics(make_staff) -> Any:
    return make_staff("logistics").user


@pytest.fixture
def store(make_sku) -> dict[str, Any]:
    """Two shelves of the main warehouse and one of a second warehouse:
    A-01: 10 tents, 6 sleeping bags; A-02: 8 gas canisters (lot G1) and 4 (lot G2);
    south/S-01: 5 tents. Lot G2 is past its expiry."""
    main = Warehouse.objects.create(code="main", name="主仓库", is_default=True)
    south = Warehouse.objects.create(code="south", name="华南仓")
    a1 = Location.objects.create(warehouse=main, code="A-01")
    a2 = Location.objects.create(warehouse=main, code="A-02")
    s1 = Location.objects.create(warehouse=south, code="S-01")
    tent, bag = make_sku("TENT"), make_sku("BAG")
    gas = make_sku("GAS", shelf_life_days=1095)
    fuel = Category.objects.create(name="燃料")
    gas.product.category = fuel
    gas.product.save()
    receive = services.stock_receive
    receive(actor=None, sku=tent, quantity=10, location=a1)
    receive(actor=None, sku=bag, quantity=6, location=a1)
    receive(
        actor=None,
        sku=gas,
        quantity=8,
        location=a2,
        lot_no="G1",
        expiry_date=dt.date(2031, 1, 1),
    )
    receive(
        actor=None,
        sku=gas,
        quantity=4,
        location=a2,
        lot_no="G2",
        expiry_date=dt.date(2020, 1, 1),
    )
    receive(actor=None, sku=tent, quantity=5, location=s1)
    return {
        "main": main,
        "south": south,
        "a1": a1,
        "a2": a2,
        "s1": s1,
        "tent": tent,
        "bag": bag,
        "gas": gas,
        "fuel": fuel,
    }


def level(sku: Any, location: Any, lot_no: str = "") -> StockLevel:
    return StockLevel.objects.get(sku=sku, location=location, lot__lot_no=lot_no)


def line_for(sheet: CountSheet, lvl: StockLevel) -> CountLine:
    return sheet.lines.get(level=lvl)


# --- opening a sheet ---------------------------------------------------------------


def test_a_sheet_snapshots_the_levels_in_its_scope(store, logistics):
    by_location = counts.count_sheet_create(
        actor=logistics, scope="location", location=store["a1"]
    )
    assert {
        (ln.level.sku.outer_code, ln.expected) for ln in by_location.lines.all()
    } == {("BAG", 6), ("TENT", 10)}

    by_warehouse = counts.count_sheet_create(
        actor=logistics, scope="warehouse", warehouse=store["main"]
    )
    assert by_warehouse.lines.count() == 4  # not the tents in the south warehouse
    # walking order: location, then SKU, then lot by expiry
    assert [
        (ln.level.location.code, ln.level.sku.outer_code, ln.level.lot.lot_no)
        for ln in by_warehouse.lines.order_by("pk")
    ] == [
        ("A-01", "BAG", ""),
        ("A-01", "TENT", ""),
        ("A-02", "GAS", "G2"),
        ("A-02", "GAS", "G1"),
    ]

    by_category = counts.count_sheet_create(
        actor=logistics, scope="category", category=store["fuel"]
    )
    assert {ln.expected for ln in by_category.lines.all()} == {8, 4}
    tents = counts.count_sheet_create(
        actor=logistics,
        scope="category",
        category=store["tent"].product.category,
        warehouse=store["south"],
    )
    assert [ln.expected for ln in tents.lines.all()] == [5]
    assert tents.scope_label == "帐篷 @ 华南仓"
    assert by_location.state == CountSheet.State.OPEN
    assert by_location.created_by == logistics
    assert AuditEntry.objects.filter(verb="stock.count_sheet_create").count() == 4


def test_a_sheet_needs_a_complete_scope(logistics):
    with pytest.raises(ValidationError):
        counts.count_sheet_create(actor=logistics, scope="warehouse")
    with pytest.raises(ValidationError):
        counts.count_sheet_create(actor=logistics, scope="location")
    with pytest.raises(ValidationError):
        counts.count_sheet_create(actor=logistics, scope="shelf")
    assert CountSheet.objects.count() == 0


# --- counting and posting ---------------------------------------------------------------


def test_count_end_to_end(store, logistics, make_staff, make_paid_order):
    ops = make_staff("ops_manager").user
    tent_a1 = level(store["tent"], store["a1"])
    bag_a1 = level(store["bag"], store["a1"])
    gas_g1 = level(store["gas"], store["a2"], "G1")
    gas_g2 = level(store["gas"], store["a2"], "G2")
    # an order has reserved 2 of the bags
    services.stock_reserve_order(actor=None, order=make_paid_order((store["bag"], 2)))
    sheet = counts.count_sheet_create(
        actor=logistics, scope="warehouse", warehouse=store["main"], note="周五盘点"
    )

    # the counter finds 9 tents (one lost), 7 bags (one found), 8 gas of lot G1 of
    # which 2 are dented, and the 4 expired canisters of lot G2
    record = counts.count_line_record
    record(actor=logistics, line=line_for(sheet, tent_a1), counted=9, note="少一顶")
    record(actor=logistics, line=line_for(sheet, bag_a1), counted=7)
    record(
        actor=logistics,
        line=line_for(sheet, gas_g1),
        counted=8,
        quality="damaged",
        problem_quantity=2,
    )
    record(actor=logistics, line=line_for(sheet, gas_g2), counted=4, quality="expired")
    assert line_for(sheet, gas_g2).problem_quantity == 4  # all of them, unless told

    sheet = counts.count_sheet_submit(actor=logistics, sheet=sheet)
    assert sheet.state == CountSheet.State.SUBMITTED
    with pytest.raises(ValidationError):  # no recording on a submitted sheet
        record(actor=logistics, line=line_for(sheet, tent_a1), counted=10)

    result = counts.count_sheet_post(actor=ops, sheet=sheet)

    # then the differences are count corrections with the sheet as their reason
    corrections = Movement.objects.filter(kind=Movement.Kind.COUNT_CORRECTION)
    assert sorted((m.level.sku.outer_code, m.on_hand_delta) for m in corrections) == [
        ("BAG", 1),
        ("TENT", -1),
    ]
    assert all(f"盘点单 #{sheet.pk}" in m.reason for m in corrections)
    assert "少一顶" in corrections.get(on_hand_delta=-1).reason
    assert all(m.actor == ops for m in corrections)
    assert (result.gained, result.lost, result.quarantined) == (1, 1, 6)
    # and the damaged and expired units are set aside
    quarantines = Movement.objects.filter(kind=Movement.Kind.QUARANTINE)
    assert sorted((m.level.lot.lot_no, m.quarantined_delta) for m in quarantines) == [
        ("G1", 2),
        ("G2", 4),
    ]
    for lvl in (tent_a1, bag_a1, gas_g1, gas_g2):
        lvl.refresh_from_db()
    assert (tent_a1.on_hand, bag_a1.on_hand, bag_a1.reserved) == (9, 7, 2)
    assert (gas_g1.on_hand, gas_g1.quarantined, gas_g1.available) == (8, 2, 6)
    assert (gas_g2.quarantined, gas_g2.available) == (4, 0)
    sheet.refresh_from_db()
    assert sheet.state == CountSheet.State.POSTED
    assert sheet.posted_by == ops
    assert sheet.posted_at is not None
    assert [
        (ln.posted_delta, ln.posted_quarantine) for ln in sheet.lines.order_by("pk")
    ] == [(1, 0), (-1, 0), (0, 4), (0, 2)]
    assert AuditEntry.objects.filter(verb="stock.count_sheet_post").count() == 1
    assert_ledger_matches_levels()

    # a posted sheet is posted once
    with pytest.raises(ValidationError):
        counts.count_sheet_post(actor=ops, sheet=sheet)
    assert Movement.objects.filter(kind=Movement.Kind.COUNT_CORRECTION).count() == 2


def test_goods_that_shipped_before_counting_are_not_counted_as_lost(
    store, logistics, make_paid_order
):
    tent = level(store["tent"], store["a1"])
    sheet = counts.count_sheet_create(
        actor=logistics, scope="location", location=store["a1"]
    )
    # two tents leave after the sheet was opened, before the shelf is counted
    order = make_paid_order((store["tent"], 2))
    services.stock_reserve_order(actor=None, order=order)
    tent.refresh_from_db()
    assert tent.reserved == 2  # A-01 comes before S-01
    services.stock_ship_order(actor=None, order=order)
    counts.count_line_record(actor=logistics, line=line_for(sheet, tent), counted=8)
    counts.count_line_record(
        actor=logistics,
        line=line_for(sheet, level(store["bag"], store["a1"])),
        counted=6,
    )
    result = counts.count_sheet_post(actor=logistics, sheet=sheet)
    assert result.corrections == []
    assert line_for(sheet, tent).expected == 8
    assert level(store["tent"], store["a1"]).on_hand == 8
    assert_ledger_matches_levels()


def test_posting_is_all_or_nothing(store, logistics, make_paid_order):
    # 6 bags, 4 reserved by an order: a count of 1 cannot be posted (4 are promised)
    order = make_paid_order((store["bag"], 4))
    services.stock_reserve_order(actor=None, order=order)
    sheet = counts.count_sheet_create(
        actor=logistics, scope="location", location=store["a1"]
    )
    counts.count_line_record(
        actor=logistics,
        line=line_for(sheet, level(store["tent"], store["a1"])),
        counted=12,
    )
    counts.count_line_record(
        actor=logistics,
        line=line_for(sheet, level(store["bag"], store["a1"])),
        counted=1,
    )
    with pytest.raises(ValidationError, match="BAG"):
        counts.count_sheet_post(actor=logistics, sheet=sheet)
    # the tents' +2 was rolled back with it
    assert level(store["tent"], store["a1"]).on_hand == 10
    assert not Movement.objects.filter(kind=Movement.Kind.COUNT_CORRECTION).exists()
    sheet.refresh_from_db()
    assert sheet.state == CountSheet.State.OPEN


def test_damaged_units_reserved_by_orders_are_reported_not_quarantined(
    store, logistics, make_paid_order
):
    services.stock_reserve_order(actor=None, order=make_paid_order((store["bag"], 5)))
    sheet = counts.count_sheet_create(
        actor=logistics, scope="location", location=store["a1"]
    )
    counts.count_line_record(
        actor=logistics,
        line=line_for(sheet, level(store["tent"], store["a1"])),
        counted=10,
    )
    counts.count_line_record(
        actor=logistics,
        line=line_for(sheet, level(store["bag"], store["a1"])),
        counted=6,
        quality="damaged",
        problem_quantity=3,
    )
    result = counts.count_sheet_post(actor=logistics, sheet=sheet)
    assert (result.quarantined, result.not_quarantined) == (1, 2)
    assert level(store["bag"], store["a1"]).available == 0
    assert_ledger_matches_levels()


def test_units_already_quarantined_are_not_quarantined_twice(store, logistics):
    gas = level(store["gas"], store["a2"], "G2")
    services.stock_quarantine(actor=None, level=gas, quantity=4, reason="过期")
    sheet = counts.count_sheet_create(
        actor=logistics, scope="category", category=store["fuel"]
    )
    for ln in sheet.lines.all():
        counts.count_line_record(
            actor=logistics, line=ln, counted=ln.expected, quality="expired"
        )
    result = counts.count_sheet_post(actor=logistics, sheet=sheet)
    assert result.quarantined == 8  # lot G1's eight, not G2's four again
    gas.refresh_from_db()
    assert gas.quarantined == 4


def test_recording_is_validated(store, logistics):
    sheet = counts.count_sheet_create(
        actor=logistics, scope="location", location=store["a1"]
    )
    ln = line_for(sheet, level(store["tent"], store["a1"]))
    with pytest.raises(ValidationError):
        counts.count_line_record(actor=logistics, line=ln, counted=-1)
    with pytest.raises(ValidationError):
        counts.count_line_record(actor=logistics, line=ln, counted=0, quality="damaged")
    with pytest.raises(ValidationError):
        counts.count_line_record(
            actor=logistics, line=ln, counted=3, quality="damaged", problem_quantity=4
        )
    with pytest.raises(ValidationError):
        counts.count_line_record(actor=logistics, line=ln, counted=3, quality="wet")
    # a sheet with uncounted lines can be neither submitted nor posted
    counts.count_line_record(actor=logistics, line=ln, counted=10)
    with pytest.raises(ValidationError, match="1 行"):
        counts.count_sheet_submit(actor=logistics, sheet=sheet)
    with pytest.raises(ValidationError, match="1 行"):
        counts.count_sheet_post(actor=logistics, sheet=sheet)


def test_found_goods_are_added_and_posted_as_a_gain(store, logistics, make_sku):
    lantern = make_sku("LANTERN")
    sheet = counts.count_sheet_create(
        actor=logistics, scope="location", location=store["a1"]
    )
    ln = counts.count_line_add(
        actor=logistics, sheet=sheet, sku=lantern, location=store["a1"]
    )
    assert ln.expected == 0
    with pytest.raises(ValidationError):  # another location than the sheet's
        counts.count_line_add(
            actor=logistics, sheet=sheet, sku=lantern, location=store["a2"]
        )
    with pytest.raises(ValidationError):  # a shelf-life product needs its lot
        counts.count_line_add(
            actor=logistics, sheet=sheet, sku=store["gas"], location=store["a1"]
        )
    for line in sheet.lines.all():
        counts.count_line_record(
            actor=logistics, line=line, counted=3 if line == ln else line.expected
        )
    result = counts.count_sheet_post(actor=logistics, sheet=sheet)
    assert result.gained == 3
    assert level(lantern, store["a1"]).on_hand == 3
    assert_ledger_matches_levels()


def test_reopen_sends_a_submitted_sheet_back(store, logistics):
    sheet = counts.count_sheet_create(
        actor=logistics, scope="location", location=store["s1"]
    )
    [ln] = sheet.lines.all()
    counts.count_line_record(actor=logistics, line=ln, counted=5)
    counts.count_sheet_submit(actor=logistics, sheet=sheet)
    sheet = counts.count_sheet_reopen(actor=logistics, sheet=sheet)
    assert sheet.state == CountSheet.State.OPEN
    counts.count_line_record(actor=logistics, line=ln, counted=4)
    counts.count_sheet_post(actor=logistics, sheet=sheet)
    assert level(store["tent"], store["s1"]).on_hand == 4


# --- the worklist (LOG-1.3) ----------------------------------------------------------


def test_the_counts_worklist(store, logistics, frozen_clock):
    duty = registry.get("LOG-1.3")
    assert duty.implemented
    frozen_clock("2026-03-02 10:00")
    work = duty.worklist(logistics, dt.date(2026, 3, 2))
    assert (work.count, work.url) == (1, "/stock/counts/")  # never counted: count
    assert "还没有" in work.label

    sheet = counts.count_sheet_create(
        actor=logistics, scope="location", location=store["s1"]
    )
    assert duty.worklist(logistics, dt.date(2026, 3, 2)).count == 1
    counts.count_line_record(actor=logistics, line=sheet.lines.get(), counted=5)
    counts.count_sheet_post(actor=logistics, sheet=sheet)
    work = duty.worklist(logistics, dt.date(2026, 3, 2))
    assert work.count == 0
    assert "0 天" in work.label

    frozen_clock("2026-03-13 10:00")
    work = duty.worklist(logistics, dt.date(2026, 3, 13))
    assert work.count == 1  # a week and more since the last count
    assert "11 天" in work.label


# --- the pages ---------------------------------------------------------------------------


def test_count_through_the_pages(client, store, make_staff):
    user = make_staff("logistics").user
    client.force_login(user)
    response = client.post(
        "/stock/counts/new/", {"scope": "location", "location": store["a1"].pk}
    )
    sheet = CountSheet.objects.get()
    assert response.url == f"/stock/counts/{sheet.pk}/"

    page = client.get(response.url)
    assert page.status_code == 200
    html = page.content.decode()
    # phone-sized: a viewport, big numeric inputs, one line per row
    assert 'name="viewport" content="width=device-width' in html
    assert 'inputmode="numeric"' in html
    assert "form-control-lg" in html
    assert len(re.findall(r'<div class="count-line[^"]*" id="line-\d+"', html)) == 2

    tent = line_for(sheet, level(store["tent"], store["a1"]))
    bag = line_for(sheet, level(store["bag"], store["a1"]))
    # the htmx way: the row comes back, saved
    response = client.post(
        f"/stock/counts/{sheet.pk}/lines/{tent.pk}/",
        {"counted": "8", "quality": "good"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert f'id="line-{tent.pk}"' in response.content.decode()
    assert "已保存" in response.content.decode()
    # and without JavaScript: back to the sheet
    response = client.post(
        f"/stock/counts/{sheet.pk}/lines/{bag.pk}/",
        {"counted": "6", "quality": "damaged", "problem_quantity": "1", "note": "受潮"},
    )
    assert response.status_code == 302
    # a bad number comes back as a message in the row
    response = client.post(
        f"/stock/counts/{sheet.pk}/lines/{bag.pk}/",
        {"counted": "-4"},
        HTTP_HX_REQUEST="true",
    )
    assert "alert-danger" in response.content.decode()

    assert client.get(f"/stock/counts/{sheet.pk}/?todo=1").context["lines"] == []
    response = client.post(f"/stock/counts/{sheet.pk}/post/", follow=True)
    assert "已过账" in response.content.decode()
    sheet.refresh_from_db()
    assert sheet.state == CountSheet.State.POSTED
    assert level(store["tent"], store["a1"]).on_hand == 8
    assert level(store["bag"], store["a1"]).quarantined == 1

    history = client.get("/stock/counts/?state=posted")
    assert [s.pk for s in history.context["page"]] == [sheet.pk]
    assert history.context["page"][0].difference_count == 1
    assert_ledger_matches_levels()


def test_a_shipping_clerk_sees_counts_but_cannot_record(client, store, make_staff):
    sheet = counts.count_sheet_create(
        actor=None, scope="location", location=store["s1"]
    )
    client.force_login(make_staff("shipping").user)
    assert client.get(f"/stock/counts/{sheet.pk}/").status_code == 200
    ln = sheet.lines.get()
    response = client.post(f"/stock/counts/{sheet.pk}/lines/{ln.pk}/", {"counted": "1"})
    assert response.status_code == 403
    assert client.post(f"/stock/counts/{sheet.pk}/post/").status_code == 403


# --- the API -----------------------------------------------------------------------------


def test_count_through_the_api(api_client, store, make_staff):
    api_client.force_login(make_staff("ops_manager").user)
    response = api_client.post(
        "/api/v1/stock/counts",
        {"scope": "location", "location_id": store["a2"].pk, "note": "月中抽盘"},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    sheet = response.json()
    assert (sheet["state"], sheet["line_count"]) == ("open", 2)
    recorded = {}
    for ln in sheet["lines"]:
        counted = ln["expected"] - 1 if ln["lot_no"] == "G1" else ln["expected"]
        quality = "expired" if ln["lot_no"] == "G2" else "good"
        response = api_client.post(
            f"/api/v1/stock/counts/{sheet['id']}/lines/{ln['id']}",
            {"counted": counted, "quality": quality},
            content_type="application/json",
        )
        assert response.status_code == 200, response.content
        recorded[ln["lot_no"]] = response.json()
    assert recorded["G2"]["problem_quantity"] == 4
    assert recorded["G1"]["difference"] == -1

    response = api_client.post(f"/api/v1/stock/counts/{sheet['id']}/post")
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["corrections"], body["lost"], body["quarantined"]) == (1, 1, 4)
    assert body["sheet"]["state"] == "posted"
    detail = api_client.get(f"/api/v1/stock/counts/{sheet['id']}").json()
    assert sorted(ln["posted_delta"] for ln in detail["lines"]) == [-1, 0]
    # posting again is refused with the reason
    response = api_client.post(f"/api/v1/stock/counts/{sheet['id']}/post")
    assert response.status_code == 422
    assert (
        api_client.get("/api/v1/stock/counts?state=posted").json()[0]["id"]
        == sheet["id"]
    )
    response = api_client.post(
        "/api/v1/stock/counts", {"scope": "location"}, content_type="application/json"
    )
    assert response.status_code == 422
    assert_ledger_matches_levels()
