"""Pick, check, pack and ship in a real browser: the shipping clerk reserves the paid
orders, prints the pick list (walking order), checks each item at the pack station on a
phone, ships one with a tracking number and holds the other for a damaged unit with a
photo; logistics sees the order shipped and the week's analysis charts."""

# The browser fixtures are imported from the e2e folder; test arguments shadow them.
# ruff: noqa: F811

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from playwright.sync_api import expect

from tests import factories
from tests.e2e.conftest import (  # noqa: F401 - fixtures shared with the e2e folder
    allow_sync_orm_beside_playwright,
    assert_assets_loaded,
    assert_layout_intact,
    browser,
    hold_reasons,
    login,
    new_page,
    screenshot,
    staff,
)

from .conftest import JPEG

pytestmark = pytest.mark.e2e

PHONE = {"width": 390, "height": 844}
TRACKING = "781234567890123"


@pytest.fixture
def two_paid_orders(live_server: Any, hold_reasons: None) -> list[Any]:
    """Two paid orders of a tent (shelf B-02) and a stove (shelf A-01), and the hold
    reasons' defaults (an earlier live-server test may have emptied the database)."""
    from django.utils import timezone

    from shopops.stock.models import Location
    from shopops.stock.services import default_location, stock_receive

    shop = factories.shop("e2e-pack", "野径户外")
    warehouse = default_location().warehouse
    skus = []
    for code, title, place in (
        ("E2E-TENT", "双人帐篷", "B-02"),
        ("E2E-STOVE", "卡式炉", "A-01"),
    ):
        sku = factories.sku(
            code, cost="100.00", title=title, category="露营", price="299.00"
        )
        location, _ = Location.objects.get_or_create(warehouse=warehouse, code=place)
        stock_receive(actor=None, sku=sku, quantity=5, location=location)
        skus.append(sku)
    orders = []
    for n in range(2):
        orders.append(
            factories.order(
                shop,
                *((sku, 1, "299.00") for sku in skus),
                order_no=f"40000000000000000{n}",
                receiver_name=f"王{n}",
                paid_at=timezone.now() - dt.timedelta(hours=2 - n),
                paid_amount=Decimal("598.00"),
            )
        )
    return orders


def test_pick_check_pack_and_ship(
    two_paid_orders: list[Any],
    staff: dict[str, Any],
    new_page: Any,
    login: Any,
    screenshot: Any,
    assert_assets_loaded: Any,
    assert_layout_intact: Any,
) -> None:
    shipped, damaged = two_paid_orders

    # Given the shipping clerk on a phone, on the pick lists page
    page = new_page(viewport=PHONE)
    login(page, staff["shipping"])
    page.goto("/shipping/pick-lists/")
    assert_assets_loaded(page)
    expect(page.get_by_test_id("unreserved-count")).to_have_text("2")

    # When they reserve the paid orders and print a wave
    page.get_by_test_id("reserve-submit").click()
    expect(page.locator(".alert-success")).to_contain_text("已预留 2 个订单")
    page.get_by_test_id("wave-submit").click()
    expect(page.locator("h2.page-title")).to_contain_text("拣货单")
    # then the list walks A-01 (stove) before B-02 (tent)
    rows = page.get_by_test_id("pick-lines").locator("tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.nth(0)).to_contain_text("A-01")
    expect(rows.nth(0)).to_contain_text("E2E-STOVE")
    expect(rows.nth(1)).to_contain_text("B-02")
    page.emulate_media(media="print")
    expect(page.locator(".navbar")).to_be_hidden()
    screenshot(page, "shipping-pick-list-print")
    page.emulate_media(media="screen")

    # When they scan the first order at the pack station, pass both items and ship
    page.goto("/shipping/pack/")
    page.get_by_test_id("scan").fill(shipped.order_no)
    page.get_by_test_id("scan").press("Enter")
    expect(page.get_by_test_id("order-card")).to_contain_text(shipped.order_no)
    expect(page.get_by_test_id("ship-submit")).to_be_disabled()
    assert_layout_intact(page)
    screenshot(page, "shipping-pack-station-phone")
    page.get_by_test_id("qc-pass-all").click()
    expect(page.get_by_test_id("qc-state")).to_have_text(["合格", "合格"])
    page.locator("#ship-courier").select_option("ZTO")
    expect(page.locator("#tracking-hint")).to_contain_text("12–15")
    page.get_by_test_id("tracking").fill(TRACKING)
    page.get_by_test_id("ship-submit").click()
    expect(page.locator(".alert-success")).to_contain_text("已发货")

    # And they find the second order's tent damaged: photo, reason, fail
    page.get_by_test_id("scan").fill(damaged.order_no)
    page.get_by_test_id("scan").press("Enter")
    tent_line = damaged.lines.get(outer_code="E2E-TENT")
    card = page.get_by_test_id(f"line-{tent_line.pk}")
    card.locator("summary").click()
    card.locator('select[name="defect_reason"]').select_option("damaged")
    card.locator('input[name="note"]').fill("帐篷杆断裂")
    card.locator('input[name="photo"]').set_input_files(
        files=[{"name": "IMG_0001.jpg", "mimeType": "image/jpeg", "buffer": JPEG}]
    )
    card.get_by_test_id("qc-fail").click()
    expect(page.locator(".alert-warning").first).to_contain_text("已扣留")
    expect(page.get_by_test_id("held")).to_contain_text("质量问题")

    # Then logistics sees the first order shipped, and the week's analysis drawn
    desk = new_page()
    login(desk, staff["logistics"])
    desk.goto(f"/orders/{shipped.pk}/")
    expect(desk.locator("h2.page-title")).to_contain_text("卖家已发货")
    expect(desk.get_by_text(f"中通快递 {TRACKING}", exact=True)).to_be_visible()
    desk.goto("/shipping/analysis/")
    for chart in ("chart-qc-sku", "chart-holds", "chart-qc-supplier", "chart-problems"):
        expect(desk.locator(f"#{chart}")).to_have_attribute("data-ready", "1")
    expect(desk.get_by_test_id("qc-rate")).to_have_text("33.3%")  # 1 of 3 units
    screenshot(desk, "shipping-analysis")
