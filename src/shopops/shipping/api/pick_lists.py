"""The shipping API: couriers, reserving and pick lists."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Status
from ninja.errors import HttpError

from shopops.core.api_auth import require_perm
from shopops.core.api_helpers import Id, Short, service_errors
from shopops.shipping import selectors, services
from shopops.shipping.api.base import _pick_list, _shop_id, router
from shopops.shipping.api.schemas import (
    CourierOut,
    PickListIn,
    PickListOut,
    PickListSummaryOut,
    ReserveIn,
    ReserveOut,
)
from shopops.shipping.couriers import (
    TRACKING_HINTS,
    TRACKING_PATTERNS,
    Courier,
    seller_center_name,
)
from shopops.shipping.models import (
    PickList,
)


@router.get("/shipping/couriers", response=list[CourierOut])
def courier_list(request: HttpRequest) -> list[dict[str, str]]:
    """Return the couriers and the tracking-number format each one takes."""
    require_perm(request, "shipping.view_shipment")
    return [
        {
            "code": code,
            "name": str(label),
            "seller_center_name": seller_center_name(code),
            "pattern": TRACKING_PATTERNS[code].pattern,
            "hint": str(TRACKING_HINTS[code]),
        }
        for code, label in Courier.choices
    ]


@router.post("/shipping/reservations", response=ReserveOut)
def reserve_waiting(request: HttpRequest, payload: ReserveIn) -> dict[str, Any]:
    """Reserve stock for paid, unheld orders that have none; an order short of stock
    is held as out of stock and handed to the evening customer service. Orders held
    as out of stock that the stock now serves are reserved and released (`released`,
    also in `reserved`)."""
    require_perm(request, "shipping.add_picklist")
    with service_errors():
        summary = services.orders_reserve_waiting(
            actor=request.user, shop_id=_shop_id(payload.shop), limit=payload.limit
        )
    return {
        "reserved": summary.reserved,
        "short": summary.short,
        "released": summary.released,
    }


@router.get("/shipping/pick-lists", response=list[PickListSummaryOut])
def pick_list_list(request: HttpRequest, state: Short = "") -> list[PickList]:
    require_perm(request, "shipping.view_picklist")
    if state and state not in PickList.State.values:
        raise HttpError(422, f"state must be one of {PickList.State.values}")
    return list(selectors.pick_list_list(state=state)[:200])


@router.post("/shipping/pick-lists", response={201: PickListOut})
def pick_list_create(request: HttpRequest, payload: PickListIn) -> Status:
    """Put the oldest reserved, unheld orders on a new pick list, its lines sorted by
    location code, then SKU."""
    require_perm(request, "shipping.add_picklist")
    with service_errors():
        pick_list = services.pick_list_create(
            actor=request.user, shop_id=_shop_id(payload.shop), limit=payload.limit
        )
    return Status(201, _pick_list(pick_list.pk))


@router.get("/shipping/pick-lists/{pick_list_id}", response=PickListOut)
def pick_list_get(request: HttpRequest, pick_list_id: Id) -> PickList:
    require_perm(request, "shipping.view_picklist")
    return _pick_list(pick_list_id)


@router.post("/shipping/pick-lists/{pick_list_id}/close", response=PickListOut)
def pick_list_close(request: HttpRequest, pick_list_id: Id) -> PickList:
    require_perm(request, "shipping.change_picklist")
    pick_list = _pick_list(pick_list_id)
    with service_errors():
        services.pick_list_close(actor=request.user, pick_list=pick_list)
    return _pick_list(pick_list_id)
