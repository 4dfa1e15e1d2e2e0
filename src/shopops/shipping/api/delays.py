"""The shipping API: courier delays."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Status

from shopops.core.api_auth import require_perm
from shopops.core.api_helpers import Id, get_or_404, service_errors
from shopops.shipping import services
from shopops.shipping.api.base import _delays, router
from shopops.shipping.api.schemas import ApplyOut, DelayIn, DelayOut, LiftIn
from shopops.shipping.models import (
    CourierDelay,
)


@router.get("/shipping/delays", response=list[DelayOut])
def delay_list(request: HttpRequest, active: bool | None = None) -> list[CourierDelay]:
    require_perm(request, "shipping.view_courierdelay")
    qs = _delays()
    if active is not None:
        qs = qs.filter(lifted_at__isnull=active)
    return list(qs[:200])


@router.post("/shipping/delays", response={201: DelayOut})
def delay_declare(request: HttpRequest, payload: DelayIn) -> Status:
    """Declare a courier delay: every paid, unshipped order of that courier (and
    province) gets the courier-delay hold and reaches the evening customer service."""
    require_perm(request, "shipping.add_courierdelay")
    with service_errors():
        delay = services.courier_delay_declare(
            actor=request.user,
            courier=payload.courier,
            province=payload.province,
            note=payload.note,
        )
    return Status(201, _delays().get(pk=delay.pk))


@router.post("/shipping/delays/{delay_id}/apply", response=ApplyOut)
def delay_apply(request: HttpRequest, delay_id: Id) -> dict[str, int]:
    """Hold the orders of the delayed courier that arrived since it was declared."""
    require_perm(request, "shipping.add_courierdelay")
    delay = get_or_404(CourierDelay, delay_id, "delay")
    with service_errors():
        return {"held": services.courier_delay_apply(actor=request.user, delay=delay)}


@router.post("/shipping/delays/{delay_id}/lift", response=DelayOut)
def delay_lift(request: HttpRequest, delay_id: Id, payload: LiftIn) -> CourierDelay:
    require_perm(request, "shipping.change_courierdelay")
    delay = get_or_404(CourierDelay, delay_id, "delay")
    with service_errors():
        services.courier_delay_lift(
            actor=request.user, delay=delay, release_holds=payload.release_holds
        )
    return _delays().get(pk=delay_id)
