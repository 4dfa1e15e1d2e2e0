"""The orders API: sales summary."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest

from shopops.core import clock
from shopops.core.api_auth import require_perm
from shopops.core.api_helpers import (
    service_errors,
)
from shopops.orders.api.base import _shop, router
from shopops.orders.api.schemas import SalesSummaryOut
from shopops.orders.summary import sales_summary as summarise


@router.get("/sales-summary", response=SalesSummaryOut)
def sales_summary(
    request: HttpRequest,
    shop: str,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
) -> dict[str, Any]:
    """Return a shop's sales over shop-local days [date_from, date_to] (default: the
    last 30 days), in total, by day and by province; money as decimal strings."""
    require_perm(request, "orders.view_order")
    found = _shop(shop)
    date_to = date_to or clock.today(found.time_zone)
    date_from = date_from or date_to - dt.timedelta(days=29)
    with service_errors():
        summary = summarise(shop_id=found.pk, date_from=date_from, date_to=date_to)
    return summary.as_json()
