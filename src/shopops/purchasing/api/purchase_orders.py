"""The purchasing API: purchase orders."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from django.http import HttpRequest
from ninja import Schema, Status
from ninja.errors import HttpError
from pydantic import AfterValidator

from shopops.core.api_auth import require_perm
from shopops.core.api_helpers import (
    Id,
    no_nul,
    service_errors,
)
from shopops.purchasing import selectors, services
from shopops.purchasing.api.base import _check_page, _order, router
from shopops.purchasing.api.schemas import (
    CancelIn,
    OrderDetailOut,
    OrderOut,
    ReceiptOut,
    ReceiveIn,
)
from shopops.purchasing.models import PurchaseOrder


@router.get("/purchasing/orders", response=list[OrderOut])
def order_list(
    request: HttpRequest,
    state: Annotated[str, AfterValidator(no_nul)] = "",
    supplier_id: Id | None = None,
    limit: int = 100,
    offset: int = 0,
) -> Any:
    """List purchase orders, newest first."""
    require_perm(request, "purchasing.view_purchaseorder")
    _check_page(limit, offset, 500)
    if state and state not in PurchaseOrder.State.values:
        raise HttpError(422, f"unknown state {state!r}")
    qs = selectors.purchase_order_list(state=state, supplier_id=supplier_id)
    return list(qs[offset : offset + limit])


class LineArrivalOut(Schema):
    outer_code: str
    quantity: int
    on_hand: bool
    expected: dt.date | None
    purchase_orders: list[str]
    uncovered: bool


class HeldOrderArrivalOut(Schema):
    order_no: str
    order_id: int
    paid_at: dt.datetime | None
    ready: dt.date | None  # every line served by then; None: not covered or undated
    uncovered: bool
    outcome: str
    lines: list[LineArrivalOut]


@router.get("/purchasing/arrivals", response=list[HeldOrderArrivalOut])
def arrivals(request: HttpRequest) -> list[dict[str, Any]]:
    """The orders held as out of stock, oldest paid first, and when their goods arrive."""
    require_perm(request, "purchasing.view_arrivals")
    return [
        {
            "order_no": row.order.order_no,
            "order_id": row.order.pk,
            "paid_at": row.order.paid_at,
            "ready": row.ready,
            "uncovered": row.uncovered,
            "outcome": row.hold.outcome,
            "lines": [
                {**vars(line), "uncovered": line.uncovered} for line in row.lines
            ],
        }
        for row in selectors.held_order_arrivals()
    ]


@router.get("/purchasing/orders/{int:order_id}", response=OrderDetailOut)
def order_detail(request: HttpRequest, order_id: Id) -> Any:
    """Return a purchase order with its lines and receipts."""
    require_perm(request, "purchasing.view_purchaseorder")
    return _order(order_id)


@router.post("/purchasing/orders/{int:order_id}/receive", response={201: ReceiptOut})
def order_receive(request: HttpRequest, order_id: Id, payload: ReceiveIn) -> Status:
    """Receive a delivery: quantities per order line with lot and expiry (required for
    products with a shelf life); `close` ends the order even if units are missing."""
    require_perm(request, "purchasing.add_receipt")
    order = _order(order_id)
    with service_errors():
        receipt = services.purchase_order_receive(
            actor=request.user,
            purchase_order=order,
            lines=[services.ReceiveLine(**line.model_dump()) for line in payload.lines],
            note=payload.note,
            close=payload.close,
        )
    detail = _order(order_id)
    return Status(201, next(r for r in detail.receipts.all() if r.pk == receipt.pk))


@router.post("/purchasing/orders/{int:order_id}/cancel", response=OrderOut)
def order_cancel(request: HttpRequest, order_id: Id, payload: CancelIn) -> Any:
    """Cancel an order that has received nothing."""
    require_perm(request, "purchasing.change_purchaseorder")
    order = _order(order_id)
    with service_errors():
        services.purchase_order_cancel(
            actor=request.user, purchase_order=order, reason=payload.reason
        )
    return _order(order_id)
