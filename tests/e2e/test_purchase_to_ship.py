"""A day of logistics in a real browser, from an order the warehouse cannot serve to its
shipment: the shipping clerk's reserve step holds it as out of stock; logistics builds
the day's purchase suggestions, edits and accepts them and cuts off the purchase order;
the delivery is received with a lot and its expiry date, which reserves the held order
and releases it; the clerk prints the pick list, checks every item at the pack station
and ships with a tracking number; the order shows as shipped."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any

import pytest
from playwright.sync_api import expect

from tests import factories

pytestmark = pytest.mark.e2e

TRACKING = "SF1234567890123"


@pytest.fixture
def unserved_order(live_server: Any, hold_reasons: None) -> Any:
    """A paid order for 2 gas canisters (3-year shelf life) and a trekking pole, with
    nothing in stock; their supplier sells gas by 12 at least."""
    from django.utils import timezone

    from shopops.purchasing.services import supplier_price_set
    from shopops.stock.models import Location
    from shopops.stock.services import default_location

    shop = factories.shop("e2e-buy", "野径户外")
    supplier = factories.supplier("gear", name="杭州山野装备", phone="")
    warehouse = default_location().warehouse
    Location.objects.create(warehouse=warehouse, code="A-03")
    skus = {}
    for code, title, shelf_life, moq in (
        ("E2E-GAS", "高山气罐 230g", 1095, 12),
        ("E2E-POLE", "碳素登山杖", None, 1),
    ):
        skus[code] = factories.sku(
            code,
            supplier,
            shelf_life,
            cost="20.00",
            title=title,
            category="露营",
            price="59.00",
        )
        supplier_price_set(
            actor=None,
            supplier=supplier,
            sku=skus[code],
            price=Decimal("18.50"),
            min_order_quantity=moq,
        )
    return factories.order(
        shop,
        (skus["E2E-GAS"], 2, "59.00"),
        (skus["E2E-POLE"], 1, "59.00"),
        order_no="500000000000000077",
        receiver_name="林一",
        courier="顺丰速运",
        paid_at=timezone.now() - dt.timedelta(hours=1),
        paid_amount=Decimal("177.00"),
    )


def _row(page: Any, code: str) -> Any:
    return page.locator(f'[data-testid="suggestion-row"][data-sku="{code}"]')


def test_from_suggestion_to_shipped(
    unserved_order: Any,
    staff: dict[str, Any],
    new_page: Any,
    login: Any,
    screenshot: Any,
    assert_assets_loaded: Any,
    assert_layout_intact: Any,
) -> None:
    order = unserved_order

    # Given the shipping clerk, whose reserve step finds nothing on the shelf
    clerk = new_page()
    login(clerk, staff["shipping"])
    clerk.goto("/shipping/pick-lists/")
    clerk.get_by_test_id("reserve-submit").click()
    expect(clerk.locator(".alert-success")).to_contain_text(
        "已预留 0 个订单；1 个缺货已扣留"
    )

    # and the evening shift sees that nobody has ordered its goods yet
    evening = new_page()
    login(evening, staff["customer_service-evening"])
    evening.goto("/purchasing/arrivals/")
    held_row = evening.get_by_test_id(f"arrival-{order.order_no}")
    expect(held_row).to_contain_text("未采购")
    expect(evening.get_by_test_id("uncovered")).to_be_visible()

    # When logistics builds the day's purchase suggestions
    buyer = new_page()
    login(buyer, staff["logistics"])
    buyer.goto("/purchasing/")
    assert_assets_loaded(buyer)
    buyer.get_by_test_id("build").click()
    expect(buyer.locator(".alert-success")).to_contain_text("2 个需要采购")
    gas, pole = _row(buyer, "E2E-GAS"), _row(buyer, "E2E-POLE")
    # then each row shows the open order's shortage, and the supplier's minimum
    # order lifts the gas to 12; the reasoning says so
    expect(gas.locator("td").nth(3)).to_have_text("2")
    expect(pole.locator("td").nth(3)).to_have_text("1")
    expect(gas.get_by_test_id("quantity")).to_have_value("12")
    gas.get_by_test_id("reasoning").locator("summary").click()
    expect(gas.get_by_test_id("reasoning")).to_contain_text("起订量 12")
    # When they raise the pole to 5 (saved as they leave the field) and accept both
    pole.get_by_test_id("quantity").fill("5")
    pole.get_by_test_id("quantity").press("Tab")
    expect(pole.get_by_test_id("quantity")).to_have_class(re.compile("border-warning"))
    buyer.get_by_test_id("accept-supplier").click()
    expect(gas).to_have_class(re.compile("table-success"))
    expect(pole).to_have_class(re.compile("table-success"))
    assert_layout_intact(buyer)
    screenshot(buyer, "purchasing-1-suggestions")

    # And cut off now rather than wait for 18:00
    buyer.once("dialog", lambda dialog: dialog.accept())
    buyer.get_by_test_id("cutoff").click()
    expect(buyer.locator(".alert-success")).to_contain_text("已生成 1 张采购单")
    gas.locator("a.badge").click()
    expect(buyer.get_by_test_id("po-state")).to_have_text("已下单")
    lines = buyer.get_by_test_id("po-line")
    expect(lines).to_have_count(2)
    expect(lines.filter(has_text="E2E-GAS").locator("td").nth(1)).to_have_text("12")
    expect(lines.filter(has_text="E2E-POLE").locator("td").nth(1)).to_have_text("5")
    detail_url = buyer.url
    # then the evening shift has a date to tell the buyer
    evening.reload()
    expect(held_row).to_contain_text("到货")
    expect(held_row).not_to_contain_text("未采购")
    expect(held_row.get_by_test_id("ready")).to_have_text(
        re.compile(r"\d{4}-\d{2}-\d{2}")
    )
    screenshot(evening, "purchasing-1b-arrivals")

    # Then the purchase order prints for the supplier
    with buyer.expect_popup() as popup:
        buyer.get_by_test_id("print").click()
    printed = popup.value
    expect(printed.locator("body")).to_contain_text("杭州山野装备")
    expect(printed.locator("body")).to_contain_text("E2E-GAS")
    screenshot(printed, "purchasing-2-order-print")
    printed.close()

    # When the delivery comes: all 12 gas in one lot, put on shelf A-03, and 4 of the
    # 5 poles, to the default location
    buyer.goto(detail_url)
    buyer.get_by_label("本次到货 E2E-GAS").fill("12")
    buyer.get_by_label("批号 E2E-GAS").fill("L2611A")
    buyer.get_by_label("生产日期 E2E-GAS").fill("2026-11-01")
    buyer.get_by_label("有效期至 E2E-GAS").fill("2029-11-01")
    buyer.get_by_label("入库库位 E2E-GAS").select_option(label="A-03")
    buyer.get_by_label("本次到货 E2E-POLE").fill("4")
    buyer.get_by_test_id("receive").click()
    # then the stock goes in with its lot, the held order is reserved and released
    expect(buyer.locator(".alert-success").first).to_contain_text("已入库")
    expect(buyer.locator(".alert-success").nth(1)).to_contain_text(
        f"1 个缺货订单已预留库存并解除扣留：{order.order_no}"
    )
    expect(buyer.get_by_test_id("po-state")).to_have_text("部分到货")
    expect(
        buyer.get_by_text("E2E-GAS × 12 → A-03 [L2611A 至 2029-11-01]")
    ).to_be_visible()
    expect(buyer.get_by_test_id("served-orders")).to_contain_text(order.order_no)
    evening.reload()
    expect(evening.get_by_test_id(f"arrival-{order.order_no}")).to_have_count(0)
    screenshot(buyer, "purchasing-3-received")

    # When the clerk prints a wave's pick list
    clerk.goto("/shipping/pick-lists/")
    expect(clerk.get_by_test_id("unreserved-count")).to_have_text("0")
    clerk.get_by_test_id("wave-submit").click()
    expect(clerk.locator("h2.page-title")).to_contain_text("拣货单")
    picks = clerk.get_by_test_id("pick-lines").locator("tbody tr")
    expect(picks).to_have_count(2)
    expect(picks.nth(0)).to_contain_text("A-03")  # the walk starts at A-03
    expect(picks.nth(0)).to_contain_text("L2611A")
    expect(picks.nth(1)).to_contain_text("DEFAULT")

    # And checks every item at the pack station, then ships with SF
    clerk.goto("/shipping/pack/")
    clerk.get_by_test_id("scan").fill(order.order_no)
    clerk.get_by_test_id("scan").press("Enter")
    expect(clerk.get_by_test_id("order-card")).to_contain_text(order.order_no)
    expect(clerk.get_by_test_id("ship-submit")).to_be_disabled()  # not checked yet
    clerk.get_by_test_id("qc-pass-all").click()
    expect(clerk.get_by_test_id("qc-state")).to_have_text(["合格", "合格"])
    clerk.locator("#ship-courier").select_option("SF")
    clerk.get_by_test_id("tracking").fill("SF123")
    clerk.get_by_test_id("ship-submit").click()
    expect(clerk.locator(".alert-danger")).to_contain_text("运单号")  # wrong format
    clerk.get_by_test_id("tracking").fill(TRACKING)
    clerk.get_by_test_id("ship-submit").click()
    expect(clerk.locator(".alert-success")).to_contain_text("已发货")
    screenshot(clerk, "purchasing-4-shipped")

    # Then logistics sees the order shipped, with the hold's release in its history
    buyer.goto(f"/orders/{order.pk}/")
    expect(buyer.locator("h2.page-title")).to_contain_text("卖家已发货")
    expect(buyer.get_by_text(f"顺丰速运 {TRACKING}", exact=True)).to_be_visible()
    expect(buyer.locator("body")).to_contain_text("解除扣留：缺货")
    expect(buyer.locator("body")).not_to_contain_text("待晚班客服处理")  # released
    expect(buyer.locator("body")).not_to_contain_text("paid → shipped")  # labels
    screenshot(buyer, "purchasing-5-order-shipped")
