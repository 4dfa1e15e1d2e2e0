"""The orders API's router and the helpers its endpoint modules share."""

from __future__ import annotations

import datetime as dt

from ninja import Router
from ninja.errors import HttpError

from shopops.orders import selectors
from shopops.orders.models import Order
from shopops.orders.summary import FIRST_DAY, LAST_DAY
from shopops.org import selectors as org_selectors
from shopops.org.models import Shop

router = Router(tags=["orders"])


def _shop(code: str) -> Shop:
    if "\x00" in code:
        raise HttpError(422, "shop: must not contain NUL characters")
    shop = org_selectors.shop_get(code)
    if shop is None:
        raise HttpError(404, f"shop {code!r} not found")
    return shop


def _check_period(date_from: dt.date | None, date_to: dt.date | None) -> None:
    for day in (date_from, date_to):
        if day is not None and not FIRST_DAY <= day <= LAST_DAY:
            raise HttpError(
                422, f"date {day} is not between {FIRST_DAY} and {LAST_DAY}"
            )
    if date_from and date_to and date_from > date_to:
        raise HttpError(422, "date_from must not be after date_to")


def _order_detail(pk: int) -> Order:
    try:
        order = selectors.order_get(pk)
    except Order.DoesNotExist:
        raise HttpError(404, f"order {pk} not found") from None
    # Held now: from the prefetched holds, without another query.
    order.held = any(h.released_at is None for h in order.holds.all())  # type: ignore[attr-defined]
    return order
