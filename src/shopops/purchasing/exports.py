"""A purchase order as an XLSX file for the supplier."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

from django.http import FileResponse
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from shopops.core import clock
from shopops.purchasing.models import PurchaseOrder


def purchase_order_xlsx(order: PurchaseOrder) -> FileResponse:
    """Return the order (header, then one row per line, then the total) as XLSX."""
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None  # noqa: S101 - a new workbook has one sheet
    sheet.title = _("采购单")
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
        sheet.append([label, value])
        sheet.cell(row=sheet.max_row, column=1).font = Font(bold=True)
    sheet.append([])
    columns = [
        _("商家编码"),
        _("商品"),
        _("销售属性"),
        _("数量"),
        _("单价"),
        _("金额"),
        _("已到货"),
    ]
    sheet.append(columns)
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)
    total = Decimal("0.00")
    for line in order.lines.all():
        amount = line.unit_price * line.quantity
        total += amount
        sheet.append(
            [
                line.sku.outer_code,
                line.sku.product.title,
                line.sku.attributes,
                line.quantity,
                line.unit_price,
                amount,
                line.received_quantity,
            ]
        )
        for column in (5, 6):
            sheet.cell(row=sheet.max_row, column=column).number_format = "0.00"
    sheet.append(["", "", _("合计"), "", "", total])
    sheet.cell(row=sheet.max_row, column=6).number_format = "0.00"
    for letter, width in zip("ABCDEFG", (18, 36, 18, 8, 10, 12, 8), strict=True):
        sheet.column_dimensions[letter].width = width
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    return FileResponse(buffer, as_attachment=True, filename=f"{order.number}.xlsx")


def _local(value: dt.datetime | None) -> str:
    if value is None:
        return ""
    return value.astimezone(clock.shop_zone()).strftime("%Y-%m-%d %H:%M")
