"""The orders API: complaints."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Status
from ninja.params import P, QueryEx

from shopops.core.api_auth import require_perm
from shopops.core.api_helpers import (
    Id,
    get_or_404,
    service_errors,
)
from shopops.orders import selectors, services
from shopops.orders.api.base import router
from shopops.orders.api.schemas import ComplaintIn, ComplaintOut, ComplaintUpdateIn
from shopops.orders.models import (
    Complaint,
    Order,
)


@router.get("/complaints", response=list[ComplaintOut])
def complaint_list(
    request: HttpRequest, show_all: QueryEx[bool, P(alias="all")] = False
) -> list[Complaint]:
    """Return the open complaints and disputes (`all=true`: the latest 500)."""
    require_perm(request, "orders.view_complaint")
    qs = selectors.complaint_list(show_all=show_all)
    return list(qs.order_by("-raised_at", "-pk")[:500])


@router.post("/complaints", response={201: ComplaintOut})
def complaint_create(request: HttpRequest, payload: ComplaintIn) -> Status:
    """Record a complaint or a dispute on an order (OPS-2.5)."""
    require_perm(request, "orders.add_complaint")
    order = get_or_404(Order, payload.order_id, "order")
    with service_errors():
        complaint = services.complaint_create(
            actor=request.user,
            order=order,
            kind=payload.kind,
            description=payload.description,
        )
    return Status(
        201,
        get_or_404(selectors.complaint_list(show_all=True), complaint.pk, "complaint"),
    )


@router.post("/complaints/{complaint_id}", response=ComplaintOut)
def complaint_update(
    request: HttpRequest, complaint_id: Id, payload: ComplaintUpdateIn
) -> Complaint:
    """Move a complaint on: its state, and the outcome when it is closed."""
    require_perm(request, "orders.change_complaint")
    complaint = get_or_404(Complaint, complaint_id, "complaint")
    with service_errors():
        services.complaint_update(
            actor=request.user,
            complaint=complaint,
            state=payload.state,
            outcome=payload.outcome,
        )
    return get_or_404(
        selectors.complaint_list(show_all=True), complaint_id, "complaint"
    )
