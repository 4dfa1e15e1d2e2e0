"""Export what the order list filtered, as CSV (streamed) or XLSX."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from typing import Any

from django.db.models import QuerySet
from django.http import FileResponse, StreamingHttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from openpyxl import Workbook

from shopops.core import clock
from shopops.orders.models import Order

COLUMNS = [
    ("shop__code", "店铺"),
    ("order_no", "订单编号"),
    ("status", "订单状态"),
    ("buyer_member_name", "买家会员名"),
    ("receiver_name", "收货人姓名"),
    ("receiver_phone", "联系手机"),
    ("province", "省份"),
    ("city", "城市"),
    ("district", "区县"),
    ("total_amount", "总金额"),
    ("paid_amount", "买家实际支付金额"),
    ("refunded_amount", "退款金额"),
    ("created_at", "订单创建时间"),
    ("paid_at", "订单付款时间"),
    ("shipped_at", "发货时间"),
    ("flag", "旗帜"),
    ("courier", "物流公司"),
    ("tracking_no", "物流单号"),
]
STATUS_LABELS = dict(Order.Status.choices)


def _cell(field: str, value: Any, statuses: dict[str, str]) -> Any:
    if value is None:
        return ""
    if field.endswith("_at"):
        return value.astimezone(clock.shop_zone()).strftime("%Y-%m-%d %H:%M:%S")
    if field == "status":
        return statuses.get(value, value)
    return value


def _rows(qs: QuerySet[Order], statuses: dict[str, str]) -> Iterator[list[Any]]:
    fields = [f for f, _ in COLUMNS]
    for values in qs.order_by("created_at", "pk").values_list(*fields).iterator(2000):
        yield [_cell(f, v, statuses) for f, v in zip(fields, values, strict=True)]


class _Echo:
    def write(self, value: str) -> str:
        return value


def orders_response(
    qs: QuerySet[Order], kind: str
) -> StreamingHttpResponse | FileResponse:
    stamp = clock.local_now().strftime("%Y%m%d-%H%M")
    headers = [_(label) for _f, label in COLUMNS]
    # Translated now, in the request's language: a streamed body is produced after the
    # middleware has put the thread's language back.
    statuses = {code: str(label) for code, label in STATUS_LABELS.items()}
    if kind == "csv":
        writer = csv.writer(_Echo())
        # A BOM so that Excel opens the UTF-8 file with its Chinese intact.
        lines = (writer.writerow(r) for r in _rows(qs, statuses))
        response = StreamingHttpResponse(
            _chain("\ufeff" + writer.writerow(headers), lines),
            content_type="text/csv; charset=utf-8",
        )
        response["Content-Disposition"] = f'attachment; filename="orders-{stamp}.csv"'
        return response
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(pgettext("plural", "订单"))
    sheet.append(headers)
    for row in _rows(qs, statuses):
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    return FileResponse(buffer, as_attachment=True, filename=f"orders-{stamp}.xlsx")


def _chain(first: str, rest: Iterator[str]) -> Iterator[str]:
    yield first
    yield from rest
