"""The Taobao/Tmall seller center's order exports, read as the seller center writes them.

Two files: the order report 订单报表 (`ExportOrderList*.csv`, one row per order) and the
item report 宝贝报表 (`ExportOrderDetailList*.csv`, one row per order line), as CSV in
GBK/GB18030 or UTF-8 (with or without BOM), or saved as XLSX. Columns are found by
header name after trimming (the export writes `收货地址 `), in any order; export
versions add and drop columns, and a partial report (only some columns) reads too: what
it lacks stays unknown. Cells as the export writes them: `="123…"` order numbers, a
leading `'` before phones, amounts with 元, an empty payment time for an unpaid order.

This module only reads (no database). `shopops.orders.imports` checks the rows against
each other and the database, then writes.
"""

from __future__ import annotations

import hashlib
import pickle
import re
from collections.abc import Iterable
from decimal import Decimal
from functools import lru_cache
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from shopops.core.importers import (
    Binding,
    Cell,
    CellError,
    Column,
    ParsedRow,
    Spec,
    clean_text,
    code_cell,
    datetime_cell,
    int_cell,
    money_cell,
    phone_cell,
    text_cell,
)
from shopops.core.money import ZERO
from shopops.orders.models import Order, OrderLine

# Part of every row fingerprint: bump it whenever a row would read differently (a new
# column, another parser), so that the next import parses every row again.
SPEC_VERSION = 1


def _max_length(model: Any, name: str) -> int:
    length = getattr(model._meta.get_field(name), "max_length", None)
    if not isinstance(length, int):
        raise TypeError(f"{model.__name__}.{name} has no max_length")
    return length


# --- status ----------------------------------------------------------------------

# The seller center's status texts (ASCII or full-width comma; both are exported).
_STATUS_TEXTS: dict[str, str] = {
    "等待买家付款": Order.Status.AWAITING_PAYMENT,
    "买家已付款,等待卖家发货": Order.Status.PAID,
    "卖家已发货,等待买家确认": Order.Status.SHIPPED,
    "交易成功": Order.Status.COMPLETED,
    "交易关闭": Order.Status.CLOSED,
    # Closed before payment, as some export versions write it.
    "付款以前,卖家或买家主动关闭交易": Order.Status.CLOSED,
}
_STATUS_LOOKUP: dict[str, str] = {
    **{value: value for value in Order.Status.values},
    **_STATUS_TEXTS,
}
_STATUS_SPACES = re.compile(r"\s+")


def clean_status(value: Cell) -> str | None:
    """Return the order status of a seller-center status text, None when empty."""
    text = clean_text(value)
    if text is None:
        return None
    key = _STATUS_SPACES.sub("", text.replace("，", ","))
    status = _STATUS_LOOKUP.get(key) or _STATUS_LOOKUP.get(key.lower())
    if status is None:
        raise CellError(
            _("未知的订单状态（可选：%(choices)s）")
            % {"choices": "、".join(str(label) for label in Order.Status.labels)}
        )
    return status


# --- address ---------------------------------------------------------------------

_PROVINCES_FULL = [
    "北京市",
    "天津市",
    "上海市",
    "重庆市",
    "河北省",
    "山西省",
    "辽宁省",
    "吉林省",
    "黑龙江省",
    "江苏省",
    "浙江省",
    "安徽省",
    "福建省",
    "江西省",
    "山东省",
    "河南省",
    "湖北省",
    "湖南省",
    "广东省",
    "海南省",
    "四川省",
    "贵州省",
    "云南省",
    "陕西省",
    "甘肃省",
    "青海省",
    "台湾省",
    "内蒙古自治区",
    "广西壮族自治区",
    "西藏自治区",
    "宁夏回族自治区",
    "新疆维吾尔自治区",
    "香港特别行政区",
    "澳门特别行政区",
]
_PROVINCES_SHORT = [
    "北京",
    "天津",
    "上海",
    "重庆",
    "河北",
    "山西",
    "辽宁",
    "吉林",
    "黑龙江",
    "江苏",
    "浙江",
    "安徽",
    "福建",
    "江西",
    "山东",
    "河南",
    "湖北",
    "湖南",
    "广东",
    "海南",
    "四川",
    "贵州",
    "云南",
    "陕西",
    "甘肃",
    "青海",
    "台湾",
    "内蒙古",
    "广西",
    "西藏",
    "宁夏",
    "新疆",
    "香港",
    "澳门",
]
# Longest first, so that "内蒙古自治区" wins over "内蒙古".
PROVINCES = tuple(sorted({*_PROVINCES_FULL, *_PROVINCES_SHORT}, key=len, reverse=True))
_CITY_SUFFIXES = ("市", "州", "盟", "地区", "区划", "县", "区")
_DISTRICT_SUFFIXES = ("区", "县", "市", "旗")
_CITY_MAX = _max_length(Order, "city")
_DISTRICT_MAX = _max_length(Order, "district")


def split_address(address: str | None) -> tuple[str, str, str]:
    """Return (province, city, district) of a 收货地址; "" for what it does not say.

    The seller center separates the parts with spaces ("浙江省 杭州市 西湖区 文三路 100
    号", "上海 上海市 浦东新区 …"); an anonymised report keeps only the province
    ("上海", "内蒙古自治区"). The province is kept as the file writes it ("上海" stays
    "上海"), so one shop's exports always group the same way. Nothing is guessed: an
    address without spaces gives its province only, and a part that does not look like a
    city or district is left blank.
    """
    if not address:
        return "", "", ""
    tokens = address.split()
    first = tokens[0]
    province = ""
    if first in PROVINCES:
        province = first
    elif len(tokens) == 1:
        for name in PROVINCES:
            if first.startswith(name):
                province = name
                break
    if not province:
        return "", "", ""
    city = district = ""
    if len(tokens) >= 2:
        token = tokens[1]
        if len(token) <= _CITY_MAX and token.endswith(_CITY_SUFFIXES):
            city = token
            if len(tokens) >= 3:
                token = tokens[2]
                if len(token) <= _DISTRICT_MAX and token.endswith(_DISTRICT_SUFFIXES):
                    district = token
    return province, city, district


# --- the order report -----------------------------------------------------------


def _order_columns(time_zone: str) -> list[Column]:
    when = datetime_cell(time_zone=time_zone)
    amount = money_cell(minimum=ZERO)
    return [
        Column(
            "order_no",
            "订单编号",
            ("订单号", "主订单编号"),
            required=True,
            parse=code_cell(max_length=_max_length(Order, "order_no")),
            help=gettext_lazy("订单的编号；按店铺 + 订单编号识别订单"),
        ),
        Column(
            "buyer_member_name",
            "买家会员名",
            ("买家昵称",),
            parse=text_cell(max_length=_max_length(Order, "buyer_member_name")),
        ),
        Column("goods_amount", "买家应付货款", parse=amount),
        Column("postage", "买家应付邮费", parse=amount),
        Column("total_amount", "总金额", parse=amount),
        Column("paid_amount", "买家实际支付金额", parse=amount),
        Column("status", "订单状态", ("交易状态",), parse=clean_status),
        Column("buyer_message", "买家留言", parse=text_cell()),
        Column(
            "receiver_name",
            "收货人姓名",
            ("收货人",),
            parse=text_cell(max_length=_max_length(Order, "receiver_name")),
        ),
        Column(
            "address",
            "收货地址",
            ("详细收货地址",),
            parse=text_cell(max_length=_max_length(Order, "address")),
        ),
        Column("receiver_phone", "联系手机", ("手机",), parse=_phone),
        Column("created_at", "订单创建时间", ("创建时间", "下单时间"), parse=when),
        Column("paid_at", "订单付款时间", ("付款时间",), parse=when),
        Column(
            "tracking_no",
            "物流单号",
            ("运单号",),
            parse=code_cell(max_length=_max_length(Order, "tracking_no")),
        ),
        Column(
            "courier",
            "物流公司",
            ("快递公司",),
            parse=text_cell(max_length=_max_length(Order, "courier")),
        ),
        Column("order_memo", "订单备注", parse=text_cell()),
        Column("item_count", "宝贝总数量", parse=int_cell(minimum=0)),
        Column("shop_name", "店铺名称", parse=text_cell()),
        Column(
            "close_reason",
            "订单关闭原因",
            ("关闭原因",),
            parse=text_cell(max_length=_max_length(Order, "close_reason")),
        ),
        Column("refunded_amount", "退款金额", parse=amount),
        Column("shipped_at", "发货时间", ("卖家发货时间",), parse=when),
        Column("seller_memo", "商家备忘", ("卖家备忘",), parse=text_cell()),
        Column("service_fee", "卖家服务费", ("服务费",), parse=amount),
        Column("confirmed_at", "确认收货时间", parse=when),
    ]


_PHONE_MAX = _max_length(Order, "receiver_phone")
_clean_phone = phone_cell()


def _phone(value: Cell) -> str | None:
    phone = _clean_phone(value)
    if phone is not None and len(phone) > _PHONE_MAX:
        raise CellError(_("超过 %(max)d 个字符") % {"max": _PHONE_MAX})
    return phone


@lru_cache(maxsize=8)
def order_spec(time_zone: str) -> Spec:
    """Return the order report's columns; times without a zone are in `time_zone`."""
    return Spec(_order_columns(time_zone))


# Order fields a column fills directly (the spec key is the field's name).
_DIRECT_FIELDS = (
    "buyer_member_name",
    "receiver_name",
    "receiver_phone",
    "goods_amount",
    "postage",
    "total_amount",
    "paid_amount",
    "refunded_amount",
    "service_fee",
    "status",
    "close_reason",
    "courier",
    "tracking_no",
    "created_at",
    "paid_at",
    "shipped_at",
    "confirmed_at",
    "buyer_message",
    "item_count",
)
# Text fields: an empty cell is "" in the database, never NULL.
TEXT_FIELDS = frozenset(
    f.name
    for f in Order._meta.concrete_fields
    if f.get_internal_type() in ("CharField", "TextField") and not f.null
)


def order_fields(present: Iterable[str]) -> tuple[str, ...]:
    """Return the Order fields a file with the columns `present` speaks for.

    A field the file does not speak for is left alone on update and unknown (blank or
    NULL) on create. 收货地址 fills address, province, city and district; 商家备忘
    (or, without it, 订单备注) fills the seller memo.
    """
    keys = set(present)
    fields = [name for name in _DIRECT_FIELDS if name in keys]
    if "address" in keys:
        fields += ["address", "province", "city", "district"]
    if "seller_memo" in keys or "order_memo" in keys:
        fields.append("seller_memo")
    return tuple(fields)


def order_values(row: ParsedRow, fields: tuple[str, ...]) -> tuple[Any, ...]:
    """Return the row's values for `fields` (see `order_fields`), as the model holds
    them: "" for an empty text, None for an unknown amount, time or count."""
    values = row.values
    out: dict[str, Any] = {}
    for name in fields:
        if name == "seller_memo":
            memo = values.get("seller_memo")
            if memo is None and "seller_memo" not in row.headers:
                memo = values.get("order_memo")
            out[name] = memo or ""
        elif name == "address":
            address = values["address"] or ""
            out["address"] = address
            out["province"], out["city"], out["district"] = split_address(address)
        elif name in ("province", "city", "district"):
            continue
        else:
            value = values[name]
            out[name] = "" if value is None and name in TEXT_FIELDS else value
    return tuple(out[name] for name in fields)


def order_header_error(binding: Binding) -> str | None:
    """Return why the order report's header cannot be imported, or None."""
    if not order_fields(binding.present):
        return _(
            "订单报表里除订单编号外没有可导入的列（如订单状态、总金额、订单创建时间）"
        )
    return None


# --- the item report ------------------------------------------------------------

ITEM_SPEC = Spec(
    [
        Column(
            "order_no",
            "订单编号",
            ("订单号", "主订单编号"),
            required=True,
            parse=code_cell(max_length=_max_length(Order, "order_no")),
        ),
        Column(
            "title",
            "标题",
            ("宝贝标题", "商品标题"),
            required=True,
            parse=text_cell(max_length=_max_length(OrderLine, "title")),
        ),
        Column(
            "price", "价格", ("单价",), required=True, parse=money_cell(minimum=ZERO)
        ),
        Column(
            "quantity",
            "购买数量",
            ("数量",),
            required=True,
            parse=int_cell(minimum=1),
        ),
        Column(
            "external_code",
            "外部系统编号",
            parse=code_cell(max_length=_max_length(OrderLine, "outer_code")),
        ),
        Column(
            "attributes",
            "商品属性",
            ("销售属性",),
            parse=text_cell(max_length=_max_length(OrderLine, "attributes")),
        ),
        Column("package", "套餐信息", parse=text_cell()),
        Column("remark", "备注", parse=text_cell()),
        Column("status", "订单状态", parse=clean_status),
        Column(
            "outer_code",
            "商家编码",
            ("SKU商家编码",),
            parse=code_cell(max_length=_max_length(OrderLine, "outer_code")),
        ),
    ]
)


def line_values(row: ParsedRow) -> tuple[str, str, str, Decimal, int]:
    """Return (outer_code, title, attributes, price, quantity) of an item row.

    The SKU's 商家编码 names the SKU; without it, the item's 外部系统编号.
    """
    values = row.values
    outer_code = values["outer_code"] or values["external_code"] or ""
    return (
        outer_code,
        values["title"],
        values["attributes"] or "",
        values["price"],
        values["quantity"],
    )


# --- fingerprints ---------------------------------------------------------------


def fingerprint(parts: object) -> int:
    """Return a stable signed 64-bit fingerprint of `parts` (cells as read)."""
    data = pickle.dumps(parts, protocol=5)
    return int.from_bytes(
        hashlib.blake2b(data, digest_size=8).digest(), "big", signed=True
    )


def compact_binding(binding: Binding) -> Binding:
    """Return `binding` re-indexed to read the tuple of its own columns' cells.

    The importer keeps only the cells of the known columns (in spec order); this
    binding parses that tuple as the original parses a whole file row.
    """
    return Binding(
        filename=binding.filename,
        columns=tuple(
            (column, index) for index, (column, _i) in enumerate(binding.columns)
        ),
        headers=binding.headers,
        absent=binding.absent,
        unknown=binding.unknown,
        errors=[],
    )
