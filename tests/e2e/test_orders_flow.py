"""An order's day, in a real browser: logistics imports the seller center's export,
watches the import's progress turn into its report, finds the order and holds it (out
of stock); the evening customer service calls the buyer and records that they agreed
to wait; the order's page shows it."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from shopops.orders.importers.sellercenter_files import (
    ORDER_HEADER,
    PAID,
    export_bytes,
    item_row,
    order_row,
)

pytestmark = pytest.mark.e2e

ORDER_NO = "4012345678901234567"
OTHER_NO = "4012345678901234568"
PHONE = "13812345678"
BUYER_MESSAGE = "请周末送达，谢谢"


def gbk_reports() -> tuple[bytes, bytes]:
    """Return a small order report and item report as the seller center writes them:
    GBK, CRLF, `="…"` numbers, `'` phones, headers with trailing spaces."""
    # The order report's columns up to the payment time, without goods and postage.
    orders = export_bytes(
        ORDER_HEADER[:2] + ORDER_HEADER[4:13],
        [
            order_row(
                ORDER_NO,
                买家会员名="tb_山野迷",
                总金额="459.00元",
                买家实际支付金额="459.00元",
                订单状态=PAID,
                买家留言=BUYER_MESSAGE,
                收货人姓名="王小明",
                联系手机=f"'{PHONE}",
                订单付款时间="2024-05-01 10:01:30",
            ),
            order_row(
                OTHER_NO,
                买家会员名="tb_路人",
                总金额="59.90",
                买家实际支付金额="0.00",
                订单状态="等待买家付款",
                收货人姓名="赵六",
                收货地址="上海 上海市 浦东新区 世纪大道 1 号",
                联系手机="'13900000000",
                订单创建时间="2024-05-01 11:00:00",
                订单付款时间="",
            ),
        ],
    )
    items = export_bytes(
        ["订单编号", "标题", "价格", "购买数量", "商品属性", "商家编码"],
        [
            item_row(
                ORDER_NO,
                标题="山野 羽绒睡袋 -10℃",
                价格="459.00",
                商品属性="尺码：L",
                商家编码="BAG-1-L",
            ),
            item_row(
                OTHER_NO,
                标题="山野 防潮垫",
                价格="59.90",
                商品属性="单人",
                商家编码="MAT-1-S",
            ),
        ],
    )
    return orders, items


@pytest.fixture
def tmall_shop(live_server: Any, hold_reasons: None) -> Any:
    """A shop, and the hold reasons' defaults (the live server's database is emptied
    between tests, data migrations included)."""
    from shopops.org.services import shop_create

    return shop_create(
        actor=None, code="tmall", name="山野户外天猫旗舰店", platform="tmall"
    )


@pytest.fixture
def queued_jobs(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Keep the import job queued (instead of run at once) until the test runs it, so
    that the page can be seen while the import has not finished."""
    from shopops.orders import tasks

    queued: list[int] = []
    monkeypatch.setattr(tasks, "import_batch_job", queued.append)
    return queued


def test_import_hold_and_evening_outcome(
    tmall_shop: Any,
    staff: dict[str, Any],
    queued_jobs: list[int],
    new_page: Any,
    login: Any,
    screenshot: Any,
    assert_assets_loaded: Any,
) -> None:
    from shopops.orders.imports import import_batch_run

    orders_csv, items_csv = gbk_reports()

    # Given logistics on the order import page
    page = new_page()
    login(page, staff["logistics"])
    page.goto("/orders/")
    page.get_by_role("link", name="导入订单").click()
    expect(page.locator("h2.page-title")).to_contain_text("导入订单")
    assert_assets_loaded(page)

    # When they upload the GBK order and item reports
    form = page.get_by_test_id("order-import-form")
    form.get_by_label("店铺").select_option(label=tmall_shop.name)
    form.locator('input[name="orders_file"]').set_input_files(
        files=[
            {
                "name": "ExportOrderList20240501.csv",
                "mimeType": "text/csv",
                "buffer": orders_csv,
            }
        ]
    )
    form.locator('input[name="items_file"]').set_input_files(
        files=[
            {
                "name": "ExportOrderDetailList20240501.csv",
                "mimeType": "text/csv",
                "buffer": items_csv,
            }
        ]
    )
    screenshot(page, "orders-flow-1-upload")
    page.get_by_test_id("order-import-submit").click()

    # Then the batch page shows the queued import's progress bar, polling
    page.wait_for_url("**/orders/import/*/")
    progress = page.get_by_test_id("import-progress")
    expect(progress).to_have_attribute("data-state", "pending")
    expect(progress.locator(".progress-bar")).to_be_attached()
    expect(progress).to_contain_text("排队中")
    expect(page.get_by_test_id("import-orders-file")).to_have_text(
        "ExportOrderList20240501.csv"
    )
    screenshot(page, "orders-flow-2-progress")

    # and when the job runs, the bar turns into the report without a reload
    assert len(queued_jobs) == 1
    import_batch_run(batch_id=queued_jobs[0])
    expect(page.get_by_test_id("import-ok")).to_be_visible(timeout=15_000)
    expect(page.get_by_test_id("import-created")).to_have_text("2")
    expect(page.get_by_test_id("import-item-rows")).to_have_text("2")
    expect(page.get_by_test_id("import-error-count")).to_have_text("0")
    screenshot(page, "orders-flow-3-report")

    # When they open the order list, they find the order with its 19 digits
    page.get_by_test_id("import-see-orders").click()
    row = page.locator(f'tr[data-order="{ORDER_NO}"]')
    expect(row).to_be_visible()
    expect(row).to_contain_text("浙江省")
    expect(row).to_contain_text("459.00")
    expect(row).to_contain_text("买家已付款，等待卖家发货")
    screenshot(page, "orders-flow-4-list")

    # and open it and hold it: out of stock
    row.get_by_role("link", name=ORDER_NO).click()
    expect(page.locator("body")).to_contain_text(BUYER_MESSAGE)
    expect(page.locator("body")).to_contain_text("山野 羽绒睡袋 -10℃")
    holds = page.get_by_test_id("holds")
    holds.get_by_label("原因").select_option(label="缺货")
    holds.get_by_label("备注").fill("睡袋 L 码缺货，预计 3 天到货")
    holds.get_by_test_id("hold-submit").click()
    expect(page.locator(".alert-success")).to_contain_text("已扣留订单")
    expect(page.get_by_test_id("holds")).to_contain_text("待晚班客服处理")
    screenshot(page, "orders-flow-5-held")

    # When the evening customer service opens the evening queue
    evening = new_page()
    login(evening, staff["customer_service-evening"])
    evening.goto("/orders/evening/")
    item = evening.locator(f'[data-testid="queue-item"][data-order="{ORDER_NO}"]')
    expect(item).to_be_visible()

    # Then they see whom to call and what to tell them
    expect(item).to_contain_text(PHONE)
    expect(item).to_contain_text("王小明")
    expect(item).to_contain_text("tb_山野迷")
    expect(item.get_by_test_id("message")).to_contain_text(ORDER_NO)
    expect(item.get_by_test_id("message")).to_contain_text("缺货")
    expect(item).to_contain_text("睡袋 L 码缺货")
    screenshot(evening, "orders-flow-6-evening-queue")

    # and when the buyer agrees to wait, they record it
    item.get_by_test_id("outcome").select_option(label="同意等待")
    item.get_by_label("说明").fill("买家同意等 3 天")
    item.get_by_test_id("outcome-submit").click()
    expect(evening.locator(".alert-success")).to_contain_text(ORDER_NO)
    expect(evening.locator(f'[data-order="{ORDER_NO}"]')).to_have_count(0)

    # Then the order's page shows the outcome
    evening.goto(page.url)
    holds = evening.get_by_test_id("holds")
    expect(holds).to_contain_text("晚班结果：同意等待")
    expect(holds).to_contain_text("买家同意等 3 天")
    screenshot(evening, "orders-flow-7-outcome")
