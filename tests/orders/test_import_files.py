"""Seller-center export files for the order import tests (helpers; no tests here).

`order_row(no, **cells)` / `item_row(no, **cells)` give one row as the seller center
writes it (`="…"` order numbers, `'` before phones, full-width commas in statuses,
space-separated addresses); `export_bytes(header, rows, encoding=...)` writes them as
a CSV with CRLF line ends; `export_xlsx(header, rows)` as a workbook.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping, Sequence
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


def _cells(header: Sequence[str], row: Mapping[str, Any]) -> list[Any]:
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
        writer.writerow(_cells(header, row))
    return out.getvalue().encode(encoding)


def export_xlsx(header: Sequence[str], rows: Iterable[Mapping[str, Any]]) -> bytes:
    """Return the rows as an XLSX "save as" of the export (cells keep their types)."""
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(list(header))
    for row in rows:
        sheet.append(_cells(header, row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
