"""The after-sales API: the confirmation queue, raising a request on an order,
confirming (with the goods that came back) or rejecting it, and the evening shift's
outcome of a hold, which raises one. The paths are those the orders API had before
the app was split out (`/after-sales…`, `/orders/{id}/after-sales`,
`/holds/{id}/outcome`).

Thin, like the pages: check the permission, parse, call a service. A service's
ValidationError answers 422 with its message, a missing object 404.
"""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status
from ninja.errors import HttpError

from shopops.aftersales import selectors, services
from shopops.aftersales.models import AfterSale
from shopops.catalog.models import Sku
from shopops.core.api_auth import require_perm
from shopops.core.api_helpers import Id, MoneyIn, Short, get_or_404, service_errors
from shopops.orders import selectors as order_selectors
from shopops.orders.api.schemas import AfterSaleOut, DecisionNoteIn, HoldOut
from shopops.orders.models import Hold, Order
from shopops.stock.services import ReturnedLine

router = Router(tags=["after-sales"])


class ReturnedLineIn(Schema):
    line_id: Id
    good: int = Field(0, ge=0, le=100_000)
    damaged: int = Field(0, ge=0, le=100_000)


class ConfirmIn(Schema):
    note: Short = ""
    # Goods the buyer sent back (a return or an exchange): back to stock, damaged set aside.
    returned: list[ReturnedLineIn] = Field(default_factory=list, max_length=500)


class OutcomeIn(Schema):
    outcome: Short
    note: Short = ""
    refund_amount: MoneyIn | None = None
    exchange_sku_id: Id | None = None
    exchange_quantity: int = Field(1, ge=1, le=10_000)


class AfterSaleIn(Schema):
    kind: Short
    reason: Short
    amount: MoneyIn | None = None
    exchange_sku_id: Id | None = None
    exchange_quantity: int = Field(0, ge=0, le=10_000)


def _sku(sku_id: int | None) -> Sku | None:
    if sku_id is None:
        return None
    return get_or_404(Sku, sku_id, "SKU", status=422)


@router.post("/holds/{hold_id}/outcome", response=HoldOut)
def hold_outcome(request: HttpRequest, hold_id: Id, payload: OutcomeIn) -> Hold:
    """Record what the buyer was told and agreed; a refund or an exchange raises the
    after-sale that logistics confirms."""
    require_perm(request, "orders.handle_hold")
    hold = get_or_404(Hold, hold_id, "hold")
    sku = _sku(payload.exchange_sku_id)
    with service_errors():
        services.hold_outcome_record(
            actor=request.user,
            hold=hold,
            outcome=payload.outcome,
            note=payload.note,
            refund_amount=payload.refund_amount,
            exchange_sku=sku,
            exchange_quantity=payload.exchange_quantity,
        )
    return get_or_404(order_selectors.hold_list(), hold_id, "hold")


@router.get("/after-sales", response=list[AfterSaleOut])
def after_sale_list(
    request: HttpRequest, state: Short = "requested"
) -> list[AfterSale]:
    """Return after-sales in `state` (default: waiting for logistics), oldest first;
    `state=all` returns the latest 500 of every state."""
    require_perm(request, "aftersales.view_aftersale")
    qs = selectors.after_sale_list()
    if state == "all":
        return list(qs.order_by("-raised_at", "-pk")[:500])
    if state not in AfterSale.State.values:
        raise HttpError(422, f"unknown state {state!r}")
    return list(qs.filter(state=state).order_by("raised_at", "pk")[:500])


@router.post("/orders/{order_id}/after-sales", response={201: AfterSaleOut})
def after_sale_raise(
    request: HttpRequest, order_id: Id, payload: AfterSaleIn
) -> Status:
    """Raise a refund or an exchange for logistics to confirm (CS-2)."""
    require_perm(request, "aftersales.add_aftersale")
    order = get_or_404(Order, order_id, "order")
    sku = _sku(payload.exchange_sku_id)
    with service_errors():
        after_sale = services.after_sale_raise(
            actor=request.user,
            order=order,
            kind=payload.kind,
            reason=payload.reason,
            amount=payload.amount,
            exchange_sku=sku,
            exchange_quantity=payload.exchange_quantity,
        )
    return Status(
        201, get_or_404(selectors.after_sale_list(), after_sale.pk, "after-sale")
    )


@router.post("/after-sales/{after_sale_id}/confirm", response=AfterSaleOut)
def after_sale_confirm(
    request: HttpRequest, after_sale_id: Id, payload: ConfirmIn
) -> AfterSale:
    """Confirm a request (LOG-4.2): a refund updates the order's amounts and state;
    `returned` puts the goods that came back into stock in the same step."""
    require_perm(request, "aftersales.change_aftersale")
    after_sale = get_or_404(AfterSale, after_sale_id, "after-sale")
    with service_errors():
        services.after_sale_confirm(
            actor=request.user,
            after_sale=after_sale,
            note=payload.note,
            returned=[ReturnedLine(**item.model_dump()) for item in payload.returned],
        )
    return get_or_404(selectors.after_sale_list(), after_sale_id, "after-sale")


@router.post("/after-sales/{after_sale_id}/reject", response=AfterSaleOut)
def after_sale_reject(
    request: HttpRequest, after_sale_id: Id, payload: DecisionNoteIn
) -> AfterSale:
    """Reject a request; the note (why) is required."""
    require_perm(request, "aftersales.change_aftersale")
    after_sale = get_or_404(AfterSale, after_sale_id, "after-sale")
    with service_errors():
        services.after_sale_reject(
            actor=request.user, after_sale=after_sale, note=payload.note
        )
    return get_or_404(selectors.after_sale_list(), after_sale_id, "after-sale")
