"""The seller center's bulk-shipping upload (批量发货): one row per shipped order with
its order number, courier and tracking number, as a GBK-encoded CSV with CRLF line ends.

Written through `core.exports` like every export: order numbers and all-digit tracking
numbers are written `="…"`, the form the seller center's own exports use, so the clerk
who opens the file in a spreadsheet before uploading it sees (and saves) every digit;
the seller center's readers and ours (`core.importers.cells.clean_text`) take the
digits inside.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from django.db.models import QuerySet
from django.http import StreamingHttpResponse

from shopops.core import exports
from shopops.shipping.couriers import seller_center_name
from shopops.shipping.models import Shipment

# The seller center's column names: never translated.
BULK_SHIPPING_COLUMNS = ("订单编号", "物流公司", "运单号")
ENCODING = "gbk"


def _rows(shipments: QuerySet[Shipment]) -> Iterator[list[str]]:
    for order_no, courier, tracking_no in (
        shipments.order_by("shipped_at", "pk")
        .values_list("order__order_no", "courier", "tracking_no")
        .iterator(2000)
    ):
        yield [order_no, seller_center_name(courier), tracking_no]


def bulk_shipping_response(
    shipments: QuerySet[Shipment], date_from: dt.date, date_to: dt.date
) -> StreamingHttpResponse:
    """Return the bulk-shipping CSV of `shipments` as a streamed download."""
    columns = [exports.Column(label) for label in BULK_SHIPPING_COLUMNS]
    return exports.csv_response(
        f"bulk-shipping-{date_from:%Y%m%d}-{date_to:%Y%m%d}.csv",
        columns,
        _rows(shipments),
        encoding=ENCODING,
    )
