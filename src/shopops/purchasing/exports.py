"""A purchase order as an XLSX file for the supplier, through `core.exports`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from django.http import FileResponse
from django.utils.translation import gettext as _

from shopops.core import clock, exports
from shopops.purchasing.models import PurchaseOrder

WIDTHS = (18, 36, 18, 8, 10, 12, 8)
MONEY_FORMAT = "0.00"


def purchase_order_xlsx(order: PurchaseOrder) -> FileResponse:
    """Return the order (header, then one row per line, then the total) as XLSX."""
    columns = [
        exports.Column(
            "", width=width, number_format=MONEY_FORMAT if i in (4, 5) else None
        )
        for i, width in enumerate(WIDTHS)
    ]
    sheet = exports.Sheet(_("采购单"), columns, _rows(order), header=False)
    return exports.xlsx_response(f"{order.number}.xlsx", [sheet])


def _rows(order: PurchaseOrder) -> Iterator[list[Any]]:
    supplier = order.supplier
    header = [
        (_("采购单号"), order.number),
        (_("供应商"), f"{supplier.name}（{supplier.code}）"),
        (_("联系人"), f"{supplier.contact} {supplier.phone}".strip()),
        (_("下单时间"), _local(order.ordered_at or order.created_at)),
        (_("预计到货"), order.expected_date.isoformat() if order.expected_date else ""),
        (_("付款条件"), order.payment_terms),
        (_("状态"), str(order.get_state_display())),
    ]
    for label, value in header:
        yield [exports.Cell(label, bold=True), value]
    yield []
    yield [
        exports.Cell(label, bold=True)
        for label in (
            _("商家编码"),
            _("商品"),
            _("销售属性"),
            _("数量"),
            _("单价"),
            _("金额"),
            _("已到货"),
        )
    ]
    total = Decimal("0.00")
    for line in order.lines.all():
        amount = line.unit_price * line.quantity
        total += amount
        yield [
            line.sku.outer_code,
            line.sku.product.title,
            line.sku.attributes,
            line.quantity,
            line.unit_price,
            amount,
            line.received_quantity,
        ]
    yield ["", "", _("合计"), "", "", total]


def _local(value: dt.datetime | None) -> str:
    if value is None:
        return ""
    return value.astimezone(clock.shop_zone()).strftime("%Y-%m-%d %H:%M")
