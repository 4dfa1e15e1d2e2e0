from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from ninja import Router, Schema
from ninja.errors import HttpError

from shopops.core import clock
from shopops.core.api_auth import require_perm
from shopops.orders.selectors import orders_per_day

router = Router(tags=["orders"])


class DayCount(Schema):
    day: dt.date
    orders: int


@router.get("/orders/per-day", response=list[DayCount])
def per_day(
    request: HttpRequest,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    shop_id: int | None = None,
) -> list[dict]:
    require_perm(request, "orders.view_order")
    date_to = date_to or clock.today()
    date_from = date_from or date_to - dt.timedelta(days=89)
    if date_from > date_to or (date_to - date_from).days > 800:
        raise HttpError(422, "date_from must be before date_to, at most 800 days apart")
    return [
        {"day": d, "orders": n}
        for d, n in orders_per_day(
            date_from=date_from, date_to=date_to, shop_id=shop_id
        )
    ]
