"""The seller center's bulk-shipping upload (批量发货): one row per shipped order with
its order number, courier and tracking number, as a GBK-encoded CSV."""

from __future__ import annotations

import csv
import datetime as dt
import io
from urllib.parse import quote

from django.db.models import QuerySet
from django.http import HttpResponse

from shopops.shipping.couriers import seller_center_name
from shopops.shipping.models import Shipment

# The seller center's column names: never translated.
BULK_SHIPPING_COLUMNS = ("订单编号", "物流公司", "运单号")
ENCODING = "gbk"


def bulk_shipping_csv(shipments: QuerySet[Shipment]) -> bytes:
    """Return the CSV bytes (GBK, CRLF line ends) of `shipments`, oldest first."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(BULK_SHIPPING_COLUMNS)
    for order_no, courier, tracking_no in shipments.order_by(
        "shipped_at", "pk"
    ).values_list("order__order_no", "courier", "tracking_no"):
        writer.writerow([order_no, seller_center_name(courier), tracking_no])
    return buffer.getvalue().encode(ENCODING)


def bulk_shipping_response(
    shipments: QuerySet[Shipment], date_from: dt.date, date_to: dt.date
) -> HttpResponse:
    response = HttpResponse(
        bulk_shipping_csv(shipments), content_type=f"text/csv; charset={ENCODING}"
    )
    name = f"批量发货_{date_from:%Y%m%d}-{date_to:%Y%m%d}.csv"
    ascii_name = f"bulk-shipping-{date_from:%Y%m%d}-{date_to:%Y%m%d}.csv"
    response["Content-Disposition"] = (
        f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name)}"
    )
    return response
