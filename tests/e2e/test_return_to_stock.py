"""A return in a real browser, from the buyer's complaint to the shelf: customer service
raises a return and refund on the shipped order; logistics confirms it with one unit
fit to sell and one damaged; the stock page lists the damaged unit as quarantined, and
logistics scraps it after inspection."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from playwright.sync_api import expect

from tests import factories

pytestmark = pytest.mark.e2e


@pytest.fixture
def shipped_order(live_server: Any) -> Any:
    """An order of 2 stoves, shipped from shelf A-01."""
    from django.utils import timezone

    from shopops.orders.models import Order
    from shopops.stock.models import Location
    from shopops.stock.services import (
        default_location,
        stock_receive,
        stock_reserve_order,
        stock_ship_order,
    )

    shop = factories.shop("e2e-ret", "野径户外")
    sku = factories.sku(
        "E2E-STOVE", cost="60.00", title="便携卡式炉", category="炉具", price="129.00"
    )
    shelf = Location.objects.create(warehouse=default_location().warehouse, code="A-01")
    stock_receive(actor=None, sku=sku, quantity=5, location=shelf)
    order = factories.order(
        shop,
        (sku, 2, "129.00"),
        order_no="500000000000000088",
        receiver_name="周二",
        paid_at=timezone.now() - dt.timedelta(days=3),
        paid_amount=Decimal("258.00"),
    )
    assert stock_reserve_order(actor=None, order=order).reserved
    stock_ship_order(actor=None, order=order)
    Order.objects.filter(pk=order.pk).update(status=Order.Status.SHIPPED)
    return order


def test_a_return_comes_back_to_the_shelf(
    shipped_order: Any,
    staff: dict[str, Any],
    new_page: Any,
    login: Any,
    screenshot: Any,
    assert_layout_intact: Any,
) -> None:
    order = shipped_order

    # Given customer service raising a return and refund on the shipped order
    service = new_page()
    login(service, staff["customer_service"])
    service.goto(f"/orders/{order.pk}/")
    service.get_by_label("类型").first.select_option(label="退货退款")
    service.get_by_label("退款金额").fill("258.00")
    service.get_by_label("售后原因").fill("七天无理由退货")
    service.get_by_role("button", name="提交").click()
    expect(service.locator(".alert-success")).to_be_visible()

    # When logistics finds it in the after-sales queue, the goods prefilled as fit to sell
    desk = new_page()
    login(desk, staff["logistics"])
    desk.goto("/orders/after-sales/")
    row = desk.locator(f'[data-after-sale]:has-text("{order.order_no}")')
    goods = row.get_by_test_id("returned-goods")
    expect(goods).to_have_attribute("open", "")
    expect(goods.get_by_label("完好 E2E-STOVE")).to_have_value("2")
    # and one stove came back with a cracked igniter
    goods.get_by_label("完好 E2E-STOVE").fill("1")
    goods.get_by_label("破损 E2E-STOVE").fill("1")
    row.get_by_label("说明").fill("退货已签收，一台点火器裂")
    assert_layout_intact(desk)
    screenshot(desk, "returns-1-after-sales")
    row.get_by_role("button", name="确认").click()
    expect(desk.locator(".alert-success")).to_contain_text("已处理")

    # Then the stock shows both back on the shelf (3 left + 2), 1 of them set aside
    desk.goto("/stock/?quarantined=1")
    stove = desk.get_by_test_id("sku-E2E-STOVE")
    expect(stove.locator("td").nth(3)).to_have_text("5")  # on hand
    expect(stove.locator("td").nth(5)).to_have_text("4")  # available
    expect(stove.locator("td").nth(6)).to_have_text("1")  # quarantined
    screenshot(desk, "returns-2-quarantined")

    # When logistics inspects it and scraps it
    desk.get_by_role("link", name="调整/移库").first.click()
    form = desk.get_by_test_id("resolve-form")
    expect(form).to_contain_text("处理隔离品（1 件）")
    form.get_by_label("处理数量").fill("1")
    form.get_by_label("处理方式").select_option("scrap")
    form.get_by_label("原因").fill("点火器裂，无法维修")
    form.get_by_role("button", name="处理").click()
    expect(desk.locator(".alert-success")).to_contain_text("报废 E2E-STOVE × 1")
    expect(desk.get_by_test_id("resolve-form")).to_have_count(0)
    expect(desk.locator(".card").first).to_contain_text("在库 4")
    screenshot(desk, "returns-3-scrapped")

    # Then the order shows its refund
    desk.goto(f"/orders/{order.pk}/")
    expect(desk.locator("body")).to_contain_text("258.00")
    expect(desk.locator("body")).to_contain_text("已确认")
