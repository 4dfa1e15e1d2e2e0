"""Order import from the seller center's exports: the service (`orders.imports`).

Every quirk of the exports, the whole-file-or-nothing rule, idempotence, newer
exports, partial reports, lines and customers.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from shopops.core.models import AuditEntry
from shopops.customers.models import Customer
from shopops.orders.importers.sellercenter_files import (
    ITEM_HEADER,
    ORDER_HEADER,
    SHIPPED,
    export_bytes,
    export_xlsx,
    item_row,
    order_row,
)
from shopops.orders.importers.taobao import split_address
from shopops.orders.imports import orders_import
from shopops.orders.models import Order, OrderLine, OrderStatusChange
from tests.orders.rollup_checks import assert_rollups_clean

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
NO_19 = "4012345678901234567"  # 19 digits: a float would lose the last ones
NO_18 = "401234567890123456"
NO_3 = "3987654321098765432"


def local(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=SHANGHAI)


@pytest.fixture
def write(tmp_path: Path) -> Callable[..., Path]:
    """Return `write(name, header, rows, encoding="gbk") -> Path`."""

    def factory(
        name: str, header: list[str], rows: list[dict[str, Any]], **options: Any
    ) -> Path:
        path = tmp_path / name
        if name.endswith(".xlsx"):
            path.write_bytes(export_xlsx(header, rows))
        else:
            path.write_bytes(export_bytes(header, rows, **options))
        return path

    return factory


def three_orders() -> list[dict[str, str]]:
    return [
        order_row(
            NO_19,
            买家会员名="tb_hiker",
            买家应付货款="398.00元",
            买家应付邮费="10.00元",
            总金额="408.00元",
            买家实际支付金额="408.00元",
            买家留言="请发顺丰，谢谢",
            收货人姓名="李四",
            联系手机="'13900139000",
            宝贝总数量="2",
        ),
        order_row(
            NO_18,
            订单状态="等待买家付款",
            订单付款时间="",
            买家实际支付金额="0.00",
            收货地址="上海 上海市 浦东新区 世纪大道 1 号",
            订单创建时间="2024-05-01 23:30:00",
        ),
        order_row(
            NO_3,
            订单状态="卖家已发货,等待买家确认",  # the ASCII comma some versions write
            收货地址="内蒙古自治区",
            物流单号="'YT1234567890",
            物流公司="圆通速递",
            发货时间="2024-05-02 09:00:00",
            商家备忘="已催仓库",
        ),
    ]


def three_orders_items() -> list[dict[str, str]]:
    return [
        item_row(NO_19, 价格="199.00元", 商家编码="TENT-2P-GR"),
        item_row(
            NO_19,
            标题="山野 防潮垫",
            价格="0.00",
            商家编码="",
            外部系统编号="MAT-1",
            商品属性="",
        ),
        item_row(NO_18, 购买数量="1"),
        item_row(NO_3, 标题="山野 户外炉头", 商家编码="STOVE-1", 价格="199"),
    ]


def import_files(
    shop: Any,
    orders: Path,
    items: Path | None = None,
    actor: Any = None,
    **options: Any,
) -> Any:
    report = orders_import(
        actor=actor, shop=shop, orders_file=orders, items_file=items, **options
    )
    assert_rollups_clean()  # what the import wrote, the daily rollups counted
    return report


# --- a full export --------------------------------------------------------------------


def test_gbk_order_and_item_reports_import_as_exported(
    shop: Any, write: Callable[..., Path], make_sku: Callable[..., Any], people: Any
) -> None:
    # given the seller center's GBK order and item reports, and a SKU we sell
    tent = make_sku("TENT-2P-GR")
    orders = write("ExportOrderList202405.csv", ORDER_HEADER, three_orders())
    items = write("ExportOrderDetailList202405.csv", ITEM_HEADER, three_orders_items())

    # when they are imported
    report = import_files(shop, orders, items, actor=people.logistics.user)

    # then every order exists, as the files say
    assert report.ok, report.errors
    assert (report.created, report.updated, report.unchanged) == (3, 0, 0)
    assert report.rows == 3
    assert report.extra["item_rows"] == 4
    assert report.extra["lines_created"] == 4
    big = Order.objects.get(shop=shop, order_no=NO_19)  # all 19 digits, as text
    assert big.buyer_member_name == "tb_hiker"
    assert big.receiver_name == "李四"
    assert big.receiver_phone == "13900139000"  # the leading ' dropped
    assert big.goods_amount == Decimal("398.00")  # "398.00元"
    assert big.postage == Decimal("10.00")
    assert big.total_amount == Decimal("408.00")
    assert big.paid_amount == Decimal("408.00")
    assert big.refunded_amount == Decimal("0.00")
    assert big.status == Order.Status.PAID
    assert big.buyer_message == "请发顺丰，谢谢"
    assert big.address == "浙江省 杭州市 西湖区 文三路 100 号"
    assert (big.province, big.city, big.district) == ("浙江省", "杭州市", "西湖区")
    assert big.created_at == local("2024-05-01 10:00:00")
    assert big.paid_at == local("2024-05-01 10:01:00")
    assert big.item_count == 2
    assert big.shipped_at is None
    # an unpaid order: empty payment time
    unpaid = Order.objects.get(shop=shop, order_no=NO_18)
    assert unpaid.status == Order.Status.AWAITING_PAYMENT
    assert unpaid.paid_at is None
    assert (unpaid.province, unpaid.city, unpaid.district) == (
        "上海",
        "上海市",
        "浦东新区",
    )
    # a shipped order, the province alone
    shipped = Order.objects.get(shop=shop, order_no=NO_3)
    assert shipped.status == Order.Status.SHIPPED
    assert (shipped.province, shipped.city) == ("内蒙古自治区", "")
    assert shipped.tracking_no == "YT1234567890"
    assert shipped.courier == "圆通速递"
    assert shipped.shipped_at == local("2024-05-02 09:00:00")
    assert shipped.seller_memo == "已催仓库"
    # lines: price with 元, the SKU found by 商家编码, else 外部系统编号
    lines = list(big.lines.order_by("pk"))
    assert [(li.title, li.price, li.quantity) for li in lines] == [
        ("山野 双人帐篷 防暴雨", Decimal("199.00"), 1),
        ("山野 防潮垫", Decimal("0.00"), 1),
    ]
    assert lines[0].sku == tent
    assert lines[0].attributes == "颜色分类：军绿色"
    assert lines[1].outer_code == "MAT-1"
    assert lines[1].sku is None
    assert shipped.lines.get().outer_code == "STOVE-1"
    # buyers became customers
    assert report.extra["customers_created"] == 3
    assert big.customer is not None
    assert big.customer.member_name == "tb_hiker"
    assert big.customer.phone == "13900139000"
    assert big.customer.province == "浙江省"
    # no history for new orders; one audit entry sums the import up
    assert not OrderStatusChange.objects.exists()
    entry = AuditEntry.objects.get(verb="orders.import")
    assert entry.action == AuditEntry.Action.IMPORT
    assert entry.actor == people.logistics.user
    assert entry.changes["created"] == 3
    assert entry.changes["orders_file"] == "ExportOrderList202405.csv"


@pytest.mark.parametrize(
    ("encoding", "message"),
    [
        ("gbk", "请发顺丰"),
        ("gb18030", "𠮷日快乐"),  # 𠮷 is in GB18030, not in GBK
        ("utf-8-sig", "𠮷日快乐"),
        ("utf-8", "请发顺丰"),
    ],
)
def test_every_encoding_the_seller_center_writes(
    shop: Any, write: Callable[..., Path], encoding: str, message: str
) -> None:
    rows = [order_row(NO_19, 买家留言=message)]
    path = write("ExportOrderList.csv", ORDER_HEADER, rows, encoding=encoding)

    report = import_files(shop, path)

    assert report.ok, report.errors
    assert Order.objects.get(order_no=NO_19).buyer_message == message


def test_reordered_extra_and_missing_columns(
    shop: Any, write: Callable[..., Path]
) -> None:
    # given another export version: columns reordered, some dropped, unknown ones added
    header = [
        "宝贝种类",
        "联系手机 ",
        " 订单编号",
        "订单状态",
        "总金额",
        "是否手机订单",
        "订单创建时间 ",
    ]
    rows = [
        {**order_row(NO_19), "宝贝种类": "1", "是否手机订单": "手机订单"},
    ]
    path = write("ExportOrderList.csv", header, rows)

    report = import_files(shop, path)

    assert report.ok, report.errors
    order = Order.objects.get(order_no=NO_19)
    assert order.receiver_phone == "13800138000"
    assert order.total_amount == Decimal("199.00")
    assert order.created_at == local("2024-05-01 10:00:00")
    # what the file lacks stays unknown, never invented
    assert order.paid_amount is None
    assert order.paid_at is None
    assert order.province == ""
    assert order.buyer_member_name == ""
    assert order.customer is not None  # known by phone
    assert order.customer.member_name == ""


def test_partial_report_without_status_leaves_it_unknown(
    shop: Any, write: Callable[..., Path]
) -> None:
    header = ["订单编号", "总金额", "买家实际支付金额", "收货地址 ", "订单创建时间"]
    path = write("report.csv", header, [order_row("1", 收货地址="上海")])

    report = import_files(shop, path)

    assert report.ok, report.errors
    order = Order.objects.get(order_no="1")
    assert order.status == ""
    assert order.province == "上海"
    assert order.customer is None  # neither member name nor phone: no customer
    assert Customer.objects.count() == 0


def test_partial_report_updates_only_its_columns(
    shop: Any, write: Callable[..., Path]
) -> None:
    # given an order imported from the full report
    import_files(shop, write("full.csv", ORDER_HEADER, [order_row(NO_19)]))
    # when a report with only the number and the status comes later
    path = write(
        "status.csv", ["订单编号", "订单状态"], [order_row(NO_19, 订单状态=SHIPPED)]
    )
    report = import_files(shop, path)

    # then the status changes and nothing the report does not have
    assert report.ok, report.errors
    assert (report.created, report.updated, report.unchanged) == (0, 1, 0)
    order = Order.objects.get(order_no=NO_19)
    assert order.status == Order.Status.SHIPPED
    assert order.receiver_name == "张三"
    assert order.total_amount == Decimal("199.00")
    assert order.paid_at == local("2024-05-01 10:01:00")
    assert order.province == "浙江省"
    change = order.history.get()
    assert (change.status_from, change.status_to) == ("paid", "shipped")
    assert change.changes == {"status": ["paid", "shipped"]}


def test_xlsx_saves_of_both_reports(
    shop: Any, write: Callable[..., Path], make_sku: Callable[..., Any]
) -> None:
    # given the reports saved as XLSX: numbers and times as Excel cells
    make_sku("TENT-2P-GR")
    order = {
        **order_row(NO_19),
        "订单编号": NO_19,  # kept as text when saved
        "总金额": 19.9,
        "买家实际支付金额": 19.9,
        "买家应付货款": 19.9,
        "买家应付邮费": 0,
        "退款金额": 0,
        "宝贝总数量": 2,
        "订单创建时间": dt.datetime(2024, 5, 1, 10, 0),
        "订单付款时间": None,
        "订单状态": "等待买家付款",
    }
    item = {**item_row(NO_19), "订单编号": NO_19, "价格": 9.95, "购买数量": 2}
    orders = write("ExportOrderList.xlsx", ORDER_HEADER, [order])
    items = write("ExportOrderDetailList.xlsx", ITEM_HEADER, [item])

    report = import_files(shop, orders, items)

    assert report.ok, report.errors
    saved = Order.objects.get(order_no=NO_19)
    assert saved.total_amount == Decimal("19.90")
    assert saved.item_count == 2
    assert saved.created_at == local("2024-05-01 10:00:00")
    assert saved.paid_at is None
    line = saved.lines.get()
    assert (line.price, line.quantity) == (Decimal("9.95"), 2)
    assert line.sku is not None


def test_a_rounded_order_number_in_xlsx_is_refused(
    shop: Any, write: Callable[..., Path]
) -> None:
    # given an XLSX where Excel turned the order number into a float
    order = {**order_row(NO_19), "订单编号": float(NO_19)}
    path = write("ExportOrderList.xlsx", ORDER_HEADER, [order])

    report = import_files(shop, path)

    assert not report.ok
    assert [(e.row, e.column) for e in report.errors] == [(2, "订单编号")]
    assert not Order.objects.exists()


@pytest.mark.parametrize(
    ("address", "expected"),
    [
        ("浙江省 杭州市 西湖区 文三路 100 号", ("浙江省", "杭州市", "西湖区")),
        ("上海 上海市 浦东新区 世纪大道 1 号", ("上海", "上海市", "浦东新区")),
        ("上海", ("上海", "", "")),
        ("内蒙古自治区", ("内蒙古自治区", "", "")),
        ("广东省 深圳市", ("广东省", "深圳市", "")),
        ("广东省 深圳市 科技园路 1 号", ("广东省", "深圳市", "")),
        ("浙江省杭州市西湖区文三路", ("浙江省", "", "")),
        ("海外 美国 纽约", ("", "", "")),
        ("", ("", "", "")),
        (
            "新疆维吾尔自治区\u3000乌鲁木齐市\u3000天山区",
            ("新疆维吾尔自治区", "乌鲁木齐市", "天山区"),
        ),
    ],
)
def test_address_split(address: str, expected: tuple[str, str, str]) -> None:
    assert split_address(address) == expected


# --- idempotence and newer exports -----------------------------------------------------


def test_the_same_files_twice_change_nothing(
    shop: Any, write: Callable[..., Path]
) -> None:
    orders = write("ExportOrderList.csv", ORDER_HEADER, three_orders())
    items = write("ExportOrderDetailList.csv", ITEM_HEADER, three_orders_items())
    import_files(shop, orders, items)
    before = {
        "orders": list(Order.objects.order_by("pk").values()),
        "lines": list(OrderLine.objects.order_by("pk").values()),
        "customers": Customer.objects.count(),
    }

    report = import_files(shop, orders, items)

    assert report.ok, report.errors
    assert (report.created, report.updated, report.unchanged) == (0, 0, 3)
    assert report.extra["lines_created"] == 0
    assert report.extra["customers_created"] == 0
    assert report.extra["history_rows"] == 0
    assert not OrderStatusChange.objects.exists()
    assert list(Order.objects.order_by("pk").values()) == before["orders"]
    assert list(OrderLine.objects.order_by("pk").values()) == before["lines"]
    assert Customer.objects.count() == before["customers"]
    assert AuditEntry.objects.filter(verb="orders.import").count() == 2


def test_rows_equal_to_the_database_are_unchanged_without_a_fingerprint(
    shop: Any, make_order: Callable[..., Any], write: Callable[..., Path]
) -> None:
    # given an order entered some other way, which the export describes as it is
    order = make_order(order_no=NO_19, created_at="2024-05-01 10:00")
    row = {
        "订单编号": f'="{NO_19}"',
        "总金额": "199.00",
        "订单状态": "买家已付款，等待卖家发货",
        "订单创建时间": "2024-05-01 10:00:00",
    }
    path = write("x.csv", list(row), [row])

    report = import_files(shop, path)

    # then it is compared field by field, found unchanged, and left alone
    assert report.ok, report.errors
    assert (report.created, report.updated, report.unchanged) == (0, 0, 1)
    assert not OrderStatusChange.objects.exists()
    order.refresh_from_db()
    assert order.import_digest is not None  # known for next time


def test_a_newer_export_updates_status_and_amounts_with_history(
    shop: Any, write: Callable[..., Path], people: Any
) -> None:
    # given the morning's export imported
    import_files(shop, write("morning.csv", ORDER_HEADER, three_orders()))
    # when the evening's export says one order shipped and another was partly refunded
    rows = three_orders()
    rows[0].update(
        订单状态=SHIPPED,
        物流单号="SF1234567890",
        物流公司="顺丰速运",
        发货时间="2024-05-02 16:00:00",
    )
    rows[2].update(退款金额="50.00", 订单状态="交易成功")
    report = import_files(
        shop, write("evening.csv", ORDER_HEADER, rows), actor=people.logistics.user
    )

    # then those two are updated, each with a history row of what changed
    assert report.ok, report.errors
    assert (report.created, report.updated, report.unchanged) == (0, 2, 1)
    assert report.extra["history_rows"] == 2
    shipped = Order.objects.get(order_no=NO_19)
    assert shipped.status == Order.Status.SHIPPED
    assert shipped.tracking_no == "SF1234567890"
    assert shipped.shipped_at == local("2024-05-02 16:00:00")
    change = shipped.history.get()
    assert change.source == OrderStatusChange.Source.IMPORT
    assert (change.status_from, change.status_to) == ("paid", "shipped")
    assert change.actor == people.logistics.user
    assert change.changes["status"] == ["paid", "shipped"]
    assert change.changes["tracking_no"] == ["", "SF1234567890"]
    assert change.changes["shipped_at"] == [
        None,
        local("2024-05-02 16:00:00").astimezone(dt.UTC).isoformat(),
    ]
    done = Order.objects.get(order_no=NO_3)
    assert done.refunded_amount == Decimal("50.00")
    assert done.history.get().changes["refunded_amount"] == ["0.00", "50.00"]
    # and importing it again changes nothing more
    again = import_files(shop, write("evening2.csv", ORDER_HEADER, rows))
    assert (again.created, again.updated, again.unchanged) == (0, 0, 3)
    assert OrderStatusChange.objects.count() == 2


def test_changed_item_rows_update_lines_in_place(
    shop: Any, write: Callable[..., Path]
) -> None:
    orders = write("o.csv", ORDER_HEADER, three_orders())
    import_files(shop, orders, write("i1.csv", ITEM_HEADER, three_orders_items()))
    tent = OrderLine.objects.get(order__order_no=NO_19, outer_code="TENT-2P-GR")
    # when the newer item report has two tents, no mat, and a new lamp
    items = [
        item_row(NO_19, 购买数量="2"),
        item_row(NO_19, 标题="山野 头灯", 商家编码="LAMP-1", 价格="59.00"),
        *three_orders_items()[2:],
    ]
    report = import_files(shop, orders, write("i2.csv", ITEM_HEADER, items))

    # then the tent keeps its row, the mat goes, the lamp comes
    assert report.ok, report.errors
    assert (report.created, report.updated, report.unchanged) == (0, 1, 2)
    assert report.extra["lines_updated"] == 1
    assert report.extra["lines_deleted"] == 1
    assert report.extra["lines_created"] == 1
    lines = list(
        OrderLine.objects.filter(order__order_no=NO_19)
        .order_by("pk")
        .values_list("pk", "outer_code", "quantity")
    )
    assert lines[0] == (tent.pk, "TENT-2P-GR", 2)
    assert [line[1:] for line in lines[1:]] == [("LAMP-1", 1)]
    change = Order.objects.get(order_no=NO_19).history.get()
    assert change.changes == {"lines": [2, 2]}


def test_an_order_whose_item_rows_are_scattered(
    shop: Any, write: Callable[..., Path]
) -> None:
    # given orders imported with their items
    orders = write("o.csv", ORDER_HEADER, three_orders())
    first = [item_row(NO_19), item_row(NO_18)]
    import_files(shop, orders, write("i1.csv", ITEM_HEADER, first))
    # when a newer item report adds a row to the first order, further down the file
    items = [*first, item_row(NO_19, 标题="山野 头灯", 商家编码="LAMP-1")]
    report = import_files(shop, orders, write("i2.csv", ITEM_HEADER, items))

    # then that order has both lines, the other is unchanged
    assert report.ok, report.errors
    assert (report.created, report.updated, report.unchanged) == (0, 1, 2)
    assert list(
        Order.objects.get(order_no=NO_19)
        .lines.order_by("pk")
        .values_list("outer_code", flat=True)
    ) == ["TENT-2P-GR", "LAMP-1"]
    assert Order.objects.get(order_no=NO_18).lines.count() == 1
    again = import_files(shop, orders, write("i3.csv", ITEM_HEADER, items))
    assert (again.updated, again.unchanged) == (0, 3)


def test_item_rows_of_an_order_already_in_the_database(
    shop: Any, write: Callable[..., Path]
) -> None:
    # given orders imported without their item report
    import_files(shop, write("o.csv", ORDER_HEADER, three_orders()))
    # when an item report comes with an order report that only has one of them
    orders = write("o2.csv", ORDER_HEADER, three_orders()[:1])
    items = write("i.csv", ITEM_HEADER, three_orders_items())

    report = import_files(shop, orders, items)

    # then every order's lines are there
    assert report.ok, report.errors
    assert (report.created, report.updated, report.unchanged) == (0, 3, 0)
    assert OrderLine.objects.count() == 4
    assert Order.objects.get(order_no=NO_18).lines.count() == 1


def test_many_batches(shop: Any, write: Callable[..., Path]) -> None:
    # given more orders than a batch holds, items in another order than the orders
    rows = [order_row(f"{5000000000000000000 + n}") for n in range(7)]
    items = [item_row(f"{5000000000000000000 + n}") for n in reversed(range(7))]
    orders_path = write("o.csv", ORDER_HEADER, rows)
    items_path = write("i.csv", ITEM_HEADER, items)

    report = import_files(shop, orders_path, items_path, batch_size=2)
    again = import_files(shop, orders_path, items_path, batch_size=3)

    assert report.ok, report.errors
    assert (report.created, report.extra["lines_created"]) == (7, 7)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 7)
    assert all(o.lines.count() == 1 for o in Order.objects.all())


def test_progress_is_reported_while_reading_and_writing(
    shop: Any, write: Callable[..., Path]
) -> None:
    rows = [order_row(f"{5000000000000000000 + n}") for n in range(5)]
    calls: list[tuple[str, int, int]] = []

    report = import_files(
        shop,
        write("o.csv", ORDER_HEADER, rows),
        progress=lambda *args: calls.append(args),
        batch_size=2,
    )

    assert report.ok
    phases = [phase for phase, _done, _total in calls]
    assert phases[0] == "reading"
    assert phases[-1] == "writing"
    assert phases.index("writing") > 0
    assert all(done <= total for _phase, done, total in calls)
    assert calls[-1][1:] == (10, 10)  # five rows, each read and written


# --- customers ------------------------------------------------------------------------


def test_buyers_are_customers_once_by_member_name_then_phone(
    shop: Any, write: Callable[..., Path]
) -> None:
    # given a customer known by member name, and one known only by phone
    known = Customer.objects.create(shop=shop, member_name="tb_old", phone="1")
    nameless = Customer.objects.create(shop=shop, phone="13700000000")
    rows = [
        order_row("1", 买家会员名="tb_old", 联系手机="'13511111111"),
        order_row("2", 买家会员名="tb_new", 联系手机="'13522222222"),
        order_row("3", 买家会员名="tb_new", 联系手机="'13533333333"),
        order_row("4", 买家会员名="tb_phone", 联系手机="'13700000000"),
        order_row("5", 买家会员名="", 联系手机="'13900000000"),
        order_row("6", 买家会员名="", 联系手机="'13900000000"),
    ]

    report = import_files(shop, write("o.csv", ORDER_HEADER, rows))

    assert report.ok, report.errors
    customer = dict(Order.objects.values_list("order_no", "customer_id"))
    assert customer["1"] == known.pk
    assert customer["2"] == customer["3"] != known.pk
    assert customer["4"] == nameless.pk  # the phone's customer gets the name
    nameless.refresh_from_db()
    assert nameless.member_name == "tb_phone"
    assert customer["5"] == customer["6"]
    assert report.extra["customers_created"] == 2
    assert Customer.objects.count() == 4


# --- bad files: nothing written, every bad row named ----------------------------------


def test_a_bad_file_writes_nothing_and_names_every_bad_row(
    shop: Any, write: Callable[..., Path], make_order: Callable[..., Any]
) -> None:
    existing = make_order(order_no="777")
    rows = [
        order_row("101"),
        order_row("102", 总金额="abc"),  # row 3: bad amount
        order_row("103", 订单创建时间="2024-13-45 10:00"),  # row 4: bad date
        order_row("104", 订单状态="已经发货啦"),  # row 5: unknown status
        order_row("101"),  # row 6: the number again
        order_row("106", 订单创建时间=""),  # row 7: a new order needs its time
        order_row("107", 买家实际支付金额="-5"),  # row 8: negative
        order_row("", 总金额="1"),  # row 9: no number
        order_row("109"),
    ]
    items = [
        item_row("101"),
        item_row("999"),  # row 3: in neither the report nor the database
        item_row("777"),  # fine: the database has it
        item_row("109", 购买数量="0"),  # row 5
        item_row("109", 价格="12.3.4"),  # row 6
        item_row("109", 标题=""),  # row 7
    ]
    orders_path = write("ExportOrderList.csv", ORDER_HEADER, rows)
    items_path = write("ExportOrderDetailList.csv", ITEM_HEADER, items)

    report = import_files(shop, orders_path, items_path)

    assert not report.ok
    assert (report.created, report.updated, report.unchanged) == (0, 0, 0)
    assert [(e.file, e.row, e.column) for e in report.errors] == [
        ("ExportOrderList.csv", 3, "总金额"),
        ("ExportOrderList.csv", 4, "订单创建时间"),
        ("ExportOrderList.csv", 5, "订单状态"),
        ("ExportOrderList.csv", 6, "订单编号"),
        ("ExportOrderList.csv", 7, "订单创建时间"),
        ("ExportOrderList.csv", 8, "买家实际支付金额"),
        ("ExportOrderList.csv", 9, "订单编号"),
        ("ExportOrderDetailList.csv", 3, "订单编号"),
        ("ExportOrderDetailList.csv", 5, "购买数量"),
        ("ExportOrderDetailList.csv", 6, "价格"),
        ("ExportOrderDetailList.csv", 7, "标题"),
    ]
    errors = {(e.file, e.row): e for e in report.errors}
    assert errors["ExportOrderList.csv", 3].value == "abc"
    assert "第 2 行" in errors["ExportOrderList.csv", 6].reason
    assert errors["ExportOrderDetailList.csv", 3].value == "999"
    # nothing at all was written
    assert list(Order.objects.all()) == [existing]
    assert not OrderLine.objects.exists()
    assert not Customer.objects.exists()
    assert not AuditEntry.objects.filter(verb="orders.import").exists()


def test_a_bad_row_in_a_newer_export_leaves_every_order_as_it_was(
    shop: Any, write: Callable[..., Path]
) -> None:
    import_files(shop, write("a.csv", ORDER_HEADER, three_orders()))
    rows = three_orders()
    rows[0]["订单状态"] = SHIPPED
    rows[2]["退款金额"] = "五十"

    report = import_files(shop, write("b.csv", ORDER_HEADER, rows))

    assert [(e.row, e.column) for e in report.errors] == [(4, "退款金额")]
    assert Order.objects.get(order_no=NO_19).status == Order.Status.PAID
    assert not OrderStatusChange.objects.exists()


@pytest.mark.parametrize(
    ("header", "reason"),
    [
        (["订单号码", "总金额"], "订单编号"),
        (["订单编号", "店铺名称"], "没有可导入的列"),
        (["订单编号", "总金额", "总金额 "], "只能出现一次"),
    ],
)
def test_a_header_that_cannot_be_imported_is_one_clear_error(
    shop: Any, write: Callable[..., Path], header: list[str], reason: str
) -> None:
    path = write("o.csv", header, [order_row("1")])

    report = import_files(shop, path)

    assert not report.ok
    assert len(report.errors) == 1
    assert report.errors[0].row == 1
    assert reason in str(report.errors[0])
    assert not Order.objects.exists()


def test_an_item_report_without_title_or_price_is_refused(
    shop: Any, write: Callable[..., Path]
) -> None:
    orders = write("o.csv", ORDER_HEADER, [order_row("1")])
    items = write("i.csv", ["订单编号", "购买数量"], [item_row("1")])

    report = import_files(shop, orders, items)

    assert {e.column for e in report.errors} == {"标题", "价格"}
    assert not Order.objects.exists()


def test_not_a_spreadsheet(shop: Any, tmp_path: Path) -> None:
    path = tmp_path / "ExportOrderList.csv"
    path.write_bytes(b"<html><body>login expired</body></html>")

    report = import_files(shop, path)

    assert not report.ok
    assert "HTML" in report.errors[0].reason
    assert not Order.objects.exists()


def test_errors_past_the_limit_are_counted(
    shop: Any, write: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    from shopops.orders.imports import service

    monkeypatch.setattr(service, "ERROR_LIMIT", 3)
    rows = [order_row(str(n), 总金额="x") for n in range(10)]

    report = import_files(shop, write("o.csv", ORDER_HEADER, rows))

    assert len(report.errors) == 3
    assert report.error_count == 10
    assert report.as_dict()["errors_omitted"] == 7
