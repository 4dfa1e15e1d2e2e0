"""The orders API: holds and the evening queue."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Status
from ninja.errors import HttpError

from shopops.core.api_auth import require_perm
from shopops.core.api_helpers import (
    Id,
    Short,
    get_or_404,
    service_errors,
)
from shopops.orders import selectors, services
from shopops.orders.api.base import _shop, router
from shopops.orders.api.schemas import (
    BulkHoldIn,
    DecisionNoteIn,
    EveningItemOut,
    HoldIn,
    HoldOut,
    HoldReasonIn,
    HoldReasonOut,
)
from shopops.orders.models import (
    Hold,
    HoldReason,
    HoldReasonSetting,
    Order,
)


@router.post("/orders/{order_id}/holds", response={201: HoldOut})
def order_hold(request: HttpRequest, order_id: Id, payload: HoldIn) -> Status:
    """Hold a paid order that cannot ship today and hand it to the evening shift."""
    require_perm(request, "orders.add_hold")
    order = get_or_404(Order, order_id, "order")
    with service_errors():
        hold = services.order_hold(
            actor=request.user, order=order, reason=payload.reason, note=payload.note
        )
    return Status(201, get_or_404(selectors.hold_list(), hold.pk, "hold"))


@router.post("/holds/bulk", response={201: list[HoldOut]})
def hold_bulk(request: HttpRequest, payload: BulkHoldIn) -> Status:
    """Hold every unshipped order of a courier and/or a province."""
    require_perm(request, "orders.add_hold")
    shop_id = _shop(payload.shop).pk if payload.shop else None
    with service_errors():
        holds = services.order_hold_bulk(
            actor=request.user,
            reason=payload.reason,
            note=payload.note,
            shop_id=shop_id,
            courier=payload.courier.strip(),
            province=payload.province.strip(),
        )
    return Status(
        201,
        list(selectors.hold_list().filter(pk__in=[h.pk for h in holds]).order_by("pk")),
    )


@router.get("/holds", response=list[HoldOut])
def hold_list(request: HttpRequest, reason: Short = "") -> list[Hold]:
    """Return the active holds (not released), newest first."""
    require_perm(request, "orders.view_hold")
    qs = selectors.hold_list().filter(released_at__isnull=True)
    if reason:
        if reason not in HoldReason.values:
            raise HttpError(422, f"unknown reason {reason!r}")
        qs = qs.filter(reason=reason)
    return list(qs.order_by("-created_at", "-pk")[:1000])


@router.post("/holds/{hold_id}/release", response=HoldOut)
def hold_release(request: HttpRequest, hold_id: Id, payload: DecisionNoteIn) -> Hold:
    """Release a hold; the order may be packed and shipped again."""
    require_perm(request, "orders.change_hold")
    hold = get_or_404(Hold, hold_id, "hold")
    with service_errors():
        services.hold_release(actor=request.user, hold=hold, note=payload.note)
    return get_or_404(selectors.hold_list(), hold_id, "hold")


@router.get("/evening-queue", response=list[EveningItemOut])
def evening_queue(request: HttpRequest) -> list[dict[str, Any]]:
    """Return the holds evening customer service has not handled, with the buyer's
    contact and what to tell them (CS-1)."""
    require_perm(request, "orders.handle_hold")
    settings_by_reason = selectors.hold_reason_settings()
    holds = selectors.evening_queue().select_related(
        "created_by", "handled_by", "released_by"
    )
    return [
        {
            "hold": h,
            "shop": h.order.shop.code,
            "receiver_name": h.order.receiver_name,
            "receiver_phone": h.order.receiver_phone,
            "buyer_member_name": h.order.buyer_member_name,
            "message": services.hold_message(h, settings_by_reason),
        }
        for h in holds
    ]


@router.get("/hold-reasons", response=list[HoldReasonOut])
def hold_reasons(request: HttpRequest) -> list[HoldReasonSetting]:
    """Return each hold reason's flag and message template."""
    require_perm(request, "orders.view_holdreasonsetting")
    return list(selectors.hold_reason_setting_list())


@router.put("/hold-reasons/{reason}", response=HoldReasonOut)
def hold_reason_update(
    request: HttpRequest, reason: Short, payload: HoldReasonIn
) -> HoldReasonSetting:
    """Change a reason's flag and message template."""
    require_perm(request, "orders.change_holdreasonsetting")
    if (
        reason not in HoldReason.values
        or not selectors.hold_reason_setting_list().filter(reason=reason).exists()
    ):
        raise HttpError(404, f"hold reason {reason!r} not found")
    with service_errors():
        return services.hold_reason_setting_update(
            actor=request.user,
            reason=reason,
            flag=payload.flag,
            message_template=payload.message_template,
        )
