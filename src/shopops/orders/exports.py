"""Export what the order list filtered, as CSV (streamed) or XLSX, through
`core.exports` (formula-like text inert, order and tracking numbers kept whole)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.db.models import QuerySet
from django.http import FileResponse, StreamingHttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from shopops.core import clock, exports
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
WIDTHS = {"order_no": 22, "tracking_no": 20, "created_at": 19, "paid_at": 19}
MONEY = ("total_amount", "paid_amount", "refunded_amount")
STATUS_LABELS = dict(Order.Status.choices)


def _rows(qs: QuerySet[Order], statuses: dict[str, str]) -> Iterator[list[Any]]:
    fields = [f for f, _ in COLUMNS]
    status = fields.index("status")
    for values in qs.order_by("created_at", "pk").values_list(*fields).iterator(2000):
        row = list(values)
        row[status] = statuses.get(row[status], row[status])
        yield row


def orders_response(
    qs: QuerySet[Order], kind: str
) -> StreamingHttpResponse | FileResponse:
    """Return the orders of `qs` as a `kind` ("csv" or "xlsx") download."""
    stamp = clock.local_now().strftime("%Y%m%d-%H%M")
    columns = [
        exports.Column(
            _(label),
            width=WIDTHS.get(field, 12),
            number_format="0.00" if field in MONEY else None,
        )
        for field, label in COLUMNS
    ]
    # Translated now, in the request's language: a streamed body is produced after the
    # middleware has put the thread's language back.
    statuses = {code: str(label) for code, label in STATUS_LABELS.items()}
    rows = _rows(qs, statuses)
    if kind == "csv":
        return exports.csv_response(f"orders-{stamp}.csv", columns, rows)
    return exports.xlsx_response(
        f"orders-{stamp}.xlsx",
        [exports.Sheet(pgettext("plural", "订单"), columns, rows)],
    )
