"""The purchasing API's router and the helpers its endpoint modules share."""

from __future__ import annotations

import datetime as dt

from ninja import Router
from ninja.errors import HttpError

from shopops.catalog.models import Supplier
from shopops.core.api_helpers import get_or_404
from shopops.purchasing import selectors
from shopops.purchasing.api.schemas import FIRST_DAY, LAST_DAY
from shopops.purchasing.models import PurchaseOrder, PurchaseSuggestion

router = Router(tags=["purchasing"])


def _check_day(day: dt.date | None) -> dt.date:
    if day is None:
        return selectors.purchasing_day()
    if not FIRST_DAY <= day <= LAST_DAY:
        raise HttpError(422, f"day {day} is not between {FIRST_DAY} and {LAST_DAY}")
    return day


def _check_page(limit: int, offset: int, most: int) -> None:
    if not 1 <= limit <= most:
        raise HttpError(422, f"limit must be between 1 and {most}")
    if not 0 <= offset <= 10_000_000:
        raise HttpError(422, "offset must be between 0 and 10000000")


def _suggestion(pk: int) -> PurchaseSuggestion:
    return get_or_404(PurchaseSuggestion, pk, "suggestion")


def _suggestion_out(pk: int) -> PurchaseSuggestion:
    return selectors.suggestion_get(pk)


def _order(pk: int) -> PurchaseOrder:
    try:
        return selectors.purchase_order_get(pk)
    except PurchaseOrder.DoesNotExist:
        raise HttpError(404, f"purchase order {pk} not found") from None


def _supplier(pk: int) -> Supplier:
    return get_or_404(Supplier, pk, "supplier", status=422)
