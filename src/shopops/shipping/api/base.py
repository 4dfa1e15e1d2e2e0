"""The shipping API's router and the helpers its endpoint modules share."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import QuerySet
from ninja import Router
from ninja.errors import HttpError

from shopops.core import clock
from shopops.core.api_helpers import get_or_404
from shopops.orders import selectors as order_selectors
from shopops.orders.models import Order
from shopops.org import selectors as org_selectors
from shopops.shipping import selectors
from shopops.shipping.models import (
    CourierDelay,
    PickList,
    Shipment,
)

router = Router(tags=["shipping"])


def _shop_id(code: str) -> int | None:
    if not code:
        return None
    shop = org_selectors.shop_get(code)
    if shop is None:
        raise HttpError(404, f"shop {code!r} not found")
    return shop.pk


def _order(order_id: int) -> Order:
    return get_or_404(order_selectors.order_list(), order_id, "order")


def _pick_list(pk: int) -> PickList:
    return get_or_404(selectors.pick_lists_with_entries(), pk, "pick list")


def _shipments() -> QuerySet[Shipment]:
    return selectors.shipment_list()


def _delays() -> QuerySet[CourierDelay]:
    return selectors.delays_with_holds()


def _pack(order: Order) -> dict[str, Any]:
    statuses = selectors.qc_status(order)
    return {
        "order_id": order.pk,
        "order_no": order.order_no,
        "shop": order.shop.code,
        "status": order.status,
        "province": order.province,
        "courier": order.courier,
        "holds": list(
            order_selectors.order_active_holds(order).values_list("reason", flat=True)
        ),
        "qc_passed": selectors.qc_passed(statuses),
        "lines": [
            {
                "line_id": s.line.pk,
                "outer_code": s.line.outer_code,
                "title": s.line.title,
                "quantity": s.line.quantity,
                "passed": s.passed,
                "state": s.state,
                "checks": s.checks,
            }
            for s in statuses
        ],
        "shipment": _shipments().filter(order=order).first(),
    }


def _week(text: str) -> Any:
    try:
        return selectors.week_parse(text)
    except ValueError as exc:
        raise HttpError(422, str(exc)) from exc


def _range(
    date_from: dt.date | None, date_to: dt.date | None
) -> tuple[dt.date, dt.date]:
    date_to = date_to or clock.today()
    date_from = date_from or date_to
    if date_from > date_to or (date_to - date_from).days > 366:
        raise HttpError(
            422, "date_from must not be after date_to, at most 366 days apart"
        )
    return date_from, date_to
