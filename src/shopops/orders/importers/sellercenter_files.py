"""The seller center's order exports, written as the seller center writes them: the
one generator of these files for the tests and the benchmarks (nothing in the
application imports it).

- `ORDER_HEADER` / `ITEM_HEADER`: the order report's (订单报表) and the item report's
  (宝贝报表) headers, in the seller center's order, two with a trailing space.
- `order_row(no, **cells)` / `item_row(no, **cells)`: one row (a paid, unshipped order
  of one tent) as a dict keyed by header without its trailing space, with `cells`
  changed: `="…"` order numbers, `'` before phones, full-width commas in statuses,
  space-separated addresses.
- `export_bytes(header, rows, encoding="gbk")`: the rows as the seller center's CSV
  (CRLF line ends); `export_xlsx(header, rows)`: as an XLSX "save as" of it.
- `write_reports(orders, seed, folder)`: a deterministic pair of large reports
  (ExportOrderList202401.csv, ExportOrderDetailList202401.csv) in GBK, as
  `bench/import_orders.py` imports them: amounts with 元, unpaid orders without a
  payment time, about 2 item rows per order.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import random
from collections.abc import Iterable, Iterator, Mapping, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

# The order report's header as the seller center writes it: two headers carry a
# trailing space.
ORDER_HEADER = [
    "订单编号",
    "买家会员名",
    "买家应付货款",
    "买家应付邮费",
    "总金额",
    "买家实际支付金额",
    "订单状态",
    "买家留言",
    "收货人姓名",
    "收货地址 ",
    "联系手机",
    "订单创建时间",
    "订单付款时间 ",
    "物流单号",
    "物流公司",
    "订单备注",
    "宝贝总数量",
    "店铺名称",
    "订单关闭原因",
    "退款金额",
    "发货时间",
    "商家备忘",
]
ITEM_HEADER = [
    "订单编号",
    "标题",
    "价格",
    "购买数量",
    "外部系统编号",
    "商品属性",
    "套餐信息",
    "备注",
    "订单状态",
    "商家编码",
]

PAID = "买家已付款，等待卖家发货"
SHIPPED = "卖家已发货，等待买家确认"


def order_row(no: str, **cells: str) -> dict[str, str]:
    """Return an order report row (a paid, unshipped order) with `cells` changed.

    Keys are headers without their trailing space (`收货地址`, `订单付款时间`).
    """
    row = {
        "订单编号": f'="{no}"',
        "买家会员名": f"tb_{no[-6:]}",
        "买家应付货款": "199.00",
        "买家应付邮费": "0.00",
        "总金额": "199.00",
        "买家实际支付金额": "199.00",
        "订单状态": PAID,
        "买家留言": "",
        "收货人姓名": "张三",
        "收货地址": "浙江省 杭州市 西湖区 文三路 100 号",
        "联系手机": "'13800138000",
        "订单创建时间": "2024-05-01 10:00:00",
        "订单付款时间": "2024-05-01 10:01:00",
        "物流单号": "",
        "物流公司": "",
        "订单备注": "",
        "宝贝总数量": "1",
        "店铺名称": "山野户外旗舰店",
        "订单关闭原因": "",
        "退款金额": "0.00",
        "发货时间": "",
        "商家备忘": "",
    }
    row.update(cells)
    return row


def item_row(no: str, **cells: str) -> dict[str, str]:
    """Return an item report row (one tent) with `cells` changed."""
    row = {
        "订单编号": f'="{no}"',
        "标题": "山野 双人帐篷 防暴雨",
        "价格": "199.00",
        "购买数量": "1",
        "外部系统编号": "",
        "商品属性": "颜色分类：军绿色",
        "套餐信息": "",
        "备注": "",
        "订单状态": PAID,
        "商家编码": "TENT-2P-GR",
    }
    row.update(cells)
    return row


def cells(header: Sequence[str], row: Mapping[str, Any]) -> list[Any]:
    """Return the row's cells in the header's order ("" for a header it lacks)."""
    return [row.get(h.strip(), "") for h in header]


def export_bytes(
    header: Sequence[str],
    rows: Iterable[Mapping[str, Any]],
    *,
    encoding: str = "gbk",
) -> bytes:
    """Return the rows as the seller center's CSV: `encoding`, CRLF line ends."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow(cells(header, row))
    return out.getvalue().encode(encoding)


def export_xlsx(header: Sequence[str], rows: Iterable[Mapping[str, Any]]) -> bytes:
    """Return the rows as an XLSX "save as" of the export (cells keep their types)."""
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    if sheet is None:  # a new workbook always has its sheet
        raise RuntimeError("openpyxl made a workbook without a sheet")
    sheet.append(list(header))
    for row in rows:
        sheet.append(cells(header, row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# --- a large, deterministic export (the benchmarks) -------------------------------

PLACES = [
    ("浙江省", "杭州市", "西湖区"),
    ("浙江省", "宁波市", "鄞州区"),
    ("江苏省", "南京市", "玄武区"),
    ("广东省", "深圳市", "南山区"),
    ("广东省", "广州市", "天河区"),
    ("上海", "上海市", "浦东新区"),
    ("北京", "北京市", "朝阳区"),
    ("四川省", "成都市", "武侯区"),
    ("内蒙古自治区", "呼和浩特市", "新城区"),
    ("新疆维吾尔自治区", "乌鲁木齐市", "天山区"),
]
STREETS = ["文三路", "人民路", "解放大道", "中山路", "建设路", "科技园路"]
SURNAMES = "张王李赵刘陈杨黄吴周徐孙马朱胡郭何高林罗"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚"
PRODUCTS = [
    ("山野 双人帐篷 防暴雨", "TENT-2P", ["军绿色", "橙色"], Decimal("399.00")),
    ("山野 户外炉头 分体式", "STOVE-1", ["标准款"], Decimal("129.00")),
    ("山野 防潮垫 加厚", "MAT-1", ["单人", "双人"], Decimal("59.90")),
    ("山野 头灯 USB 充电", "LAMP-1", ["黑色"], Decimal("79.00")),
    ("山野 登山杖 碳素", "POLE-1", ["一对装"], Decimal("168.00")),
    ("山野 睡袋 羽绒 -10℃", "BAG-1", ["M", "L"], Decimal("459.00")),
]
STATUSES = [
    ("交易成功", 50),
    ("卖家已发货，等待买家确认", 15),
    ("买家已付款，等待卖家发货", 15),
    ("买家已付款,等待卖家发货", 5),
    ("等待买家付款", 8),
    ("交易关闭", 7),
]
COURIERS = ["中通快递", "圆通速递", "顺丰速运", "韵达快递"]


def synthetic_orders(
    orders: int, seed: int
) -> Iterator[tuple[dict[str, str], list[dict[str, str]]]]:
    """Yield `orders` orders of a busy shop over 300 days from 2024-01-01, each as its
    order report row and its item report rows; the same for the same `seed`."""
    rng = random.Random(seed)  # noqa: S311 - test data, not secrets
    statuses = [s for s, _w in STATUSES]
    weights = [w for _s, w in STATUSES]
    start = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)  # written as shop-local text
    for n in range(orders):
        no = str(4_000_000_000_000_000_000 + n * 7919 % 999_999_937 * 1000 + n % 1000)
        status = rng.choices(statuses, weights)[0]
        created = start + dt.timedelta(seconds=n * 86400 * 300 // max(orders, 1))
        created += dt.timedelta(seconds=rng.randrange(60))
        paid = status not in ("等待买家付款",) and not (
            status == "交易关闭" and rng.random() < 0.7
        )
        province, city, district = rng.choice(PLACES)
        buyer = rng.randrange(max(1, orders * 7 // 10))
        lines = []
        goods = Decimal(0)
        for _ in range(rng.choice((1, 2, 3))):
            title, code, options, price = rng.choice(PRODUCTS)
            option = rng.choice(options)
            quantity = rng.choice((1, 1, 1, 2))
            goods += price * quantity
            lines.append((title, price, quantity, code, option))
        postage = Decimal("0.00") if goods >= 99 else Decimal("10.00")
        total = goods + postage
        refunded = Decimal("0.00")
        if status == "交易成功" and rng.random() < 0.05:
            refunded = lines[0][1]
        shipped = status in ("交易成功", "卖家已发货，等待买家确认")
        name = rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN)
        order = {
            "订单编号": f'="{no}"',
            "买家会员名": f"tb_buyer{buyer:07d}",
            "买家应付货款": f"{goods:.2f}",
            "买家应付邮费": f"{postage:.2f}",
            "总金额": f"{total:.2f}元" if n % 10 == 0 else f"{total:.2f}",
            "买家实际支付金额": f"{total:.2f}" if paid else "0.00",
            "订单状态": status,
            "买家留言": "请尽快发货" if n % 17 == 0 else "",
            "收货人姓名": name,
            "收货地址": f"{province} {city} {district} {rng.choice(STREETS)} "
            f"{rng.randrange(1, 999)} 号",
            "联系手机": f"'1{rng.randrange(3, 9)}{rng.randrange(10**9):09d}",
            "订单创建时间": f"{created:%Y-%m-%d %H:%M:%S}",
            "订单付款时间": f"{created + dt.timedelta(minutes=2):%Y-%m-%d %H:%M:%S}"
            if paid
            else "",
            "物流单号": f"'YT{rng.randrange(10**12):012d}" if shipped else "",
            "物流公司": rng.choice(COURIERS) if shipped else "",
            "订单备注": "",
            "宝贝总数量": str(sum(q for _t, _p, q, _c, _o in lines)),
            "店铺名称": "山野户外旗舰店",
            "订单关闭原因": "买家不想买了" if status == "交易关闭" else "",
            "退款金额": f"{refunded:.2f}",
            "发货时间": f"{created + dt.timedelta(days=1):%Y-%m-%d %H:%M:%S}"
            if shipped
            else "",
            "商家备忘": "",
        }
        items = [
            {
                "订单编号": f'="{no}"',
                "标题": title,
                "价格": f"{price:.2f}",
                "购买数量": str(quantity),
                "外部系统编号": code,
                "商品属性": f"颜色分类：{option}",
                "套餐信息": "",
                "备注": "",
                "订单状态": status,
                "商家编码": f"{code}-{option}",
            }
            for title, price, quantity, code, option in lines
        ]
        yield order, items


def write_reports(orders: int, seed: int, folder: Path) -> tuple[Path, Path, int]:
    """Write `synthetic_orders(orders, seed)` as the two GBK reports in `folder`, row by
    row; return their paths and the number of item rows."""
    order_path = folder / "ExportOrderList202401.csv"
    item_path = folder / "ExportOrderDetailList202401.csv"
    item_rows = 0
    with (
        order_path.open("w", encoding="gbk", newline="") as of,
        item_path.open("w", encoding="gbk", newline="") as itf,
    ):
        ow = csv.writer(of, lineterminator="\r\n")
        iw = csv.writer(itf, lineterminator="\r\n")
        ow.writerow(ORDER_HEADER)
        iw.writerow(ITEM_HEADER)
        for order, items in synthetic_orders(orders, seed):
            ow.writerow(cells(ORDER_HEADER, order))
            for item in items:
                iw.writerow(cells(ITEM_HEADER, item))
                item_rows += 1
    return order_path, item_path, item_rows
