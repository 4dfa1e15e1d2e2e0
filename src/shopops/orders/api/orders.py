"""The orders API: orders."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Query
from ninja.errors import HttpError

from shopops.core import clock
from shopops.core.api_auth import require_perm
from shopops.core.api_helpers import (
    Id,
)
from shopops.orders import selectors
from shopops.orders.api.base import (
    _check_period,
    _order_detail,
    _shop,
    router,
)
from shopops.orders.api.schemas import (
    DayCount,
    ShopOrderDetailOut,
    ShopOrderPage,
    ShopOrdersQuery,
)
from shopops.orders.models import (
    Order,
)
from shopops.orders.selectors import orders_per_day


@router.get("/orders/per-day", response=list[DayCount])
def per_day(
    request: HttpRequest,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    shop_id: Id | None = None,
) -> list[dict]:
    require_perm(request, "orders.view_order")
    date_to = date_to or clock.today()
    date_from = date_from or date_to - dt.timedelta(days=89)
    _check_period(date_from, date_to)
    if (date_to - date_from).days > 800:
        raise HttpError(422, "date_from must be before date_to, at most 800 days apart")
    return [
        {"day": d, "orders": n}
        for d, n in orders_per_day(
            date_from=date_from, date_to=date_to, shop_id=shop_id
        )
    ]


@router.get("/orders", response=ShopOrderPage)
def order_list(request: HttpRequest, query: Query[ShopOrdersQuery]) -> dict[str, Any]:
    """List orders with the list page's filters, newest first."""
    require_perm(request, "orders.view_order")
    _check_period(query.date_from, query.date_to)
    filters = selectors.OrderFilters(
        shop_id=_shop(query.shop).pk if query.shop else None,
        status=query.status,
        date_from=query.date_from,
        date_to=query.date_to,
        flag=query.flag,
        held=query.held,
        province=query.province.strip(),
        search=query.q.strip(),
    )
    qs = selectors.order_search(filters)
    items = selectors.orders_with_held(qs.order_by("-created_at", "-pk"))
    return {
        "count": qs.count(),
        "limit": query.limit,
        "offset": query.offset,
        "items": list(items[query.offset : query.offset + query.limit]),
    }


@router.get("/orders/{order_id}", response=ShopOrderDetailOut)
def order_detail(request: HttpRequest, order_id: Id) -> Order:
    """Return an order with its lines, history, holds, after-sales and complaints."""
    require_perm(request, "orders.view_order")
    return _order_detail(order_id)
