"""The purchasing API: suggestions."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja.errors import HttpError

from shopops.core.api_auth import require_perm
from shopops.core.api_helpers import (
    Id,
    service_errors,
)
from shopops.purchasing import selectors, services
from shopops.purchasing.api.base import (
    _check_day,
    _check_page,
    _suggestion,
    _suggestion_out,
    _supplier,
    router,
)
from shopops.purchasing.api.schemas import (
    AcceptIn,
    BuildIn,
    BuildOut,
    CountOut,
    CutoffIn,
    CutoffOut,
    SuggestionEditIn,
    SuggestionOut,
    SuggestionPage,
    SupplierAcceptIn,
)


@router.get("/purchasing/suggestions", response=SuggestionPage)
def suggestion_list(
    request: HttpRequest,
    day: dt.date | None = None,
    supplier_id: Id | None = None,
    accepted: bool | None = None,
    needs_only: bool = True,
    limit: int = 200,
    offset: int = 0,
) -> dict[str, Any]:
    """List a day's suggestions (default: the current purchasing day — today before
    18:00, tomorrow after), by supplier then SKU; `supplier_id=0`: those without one."""
    require_perm(request, "purchasing.view_purchasesuggestion")
    day = _check_day(day)
    _check_page(limit, offset, 1000)
    qs = selectors.suggestion_list(
        day=day, supplier_id=supplier_id, accepted=accepted, needs_only=needs_only
    )
    return {
        "day": day,
        "purchasing_day": selectors.purchasing_day(),
        "count": qs.count(),
        "limit": limit,
        "offset": offset,
        "items": list(qs[offset : offset + limit]),
    }


@router.post("/purchasing/suggestions/build", response=BuildOut)
def suggestions_build(request: HttpRequest, payload: BuildIn) -> Any:
    """Compute the suggestions of the current purchasing day (or of `day`, which must
    not be before it)."""
    require_perm(request, "purchasing.change_purchasesuggestion")
    day = _check_day(payload.day)
    if day < selectors.purchasing_day():
        raise HttpError(422, f"the cut-off of {day} has passed")
    return services.purchase_suggestions_build(day=day, actor=request.user)


@router.patch("/purchasing/suggestions/{int:suggestion_id}", response=SuggestionOut)
def suggestion_edit(
    request: HttpRequest, suggestion_id: Id, payload: SuggestionEditIn
) -> Any:
    """Set the quantity to buy (null: back to the suggested one). After the day's
    cut-off the change goes to the SKU's row of the next purchasing day, returned."""
    require_perm(request, "purchasing.change_purchasesuggestion")
    row = _suggestion(suggestion_id)
    with service_errors():
        changed = services.purchase_suggestion_set_quantity(
            actor=request.user, suggestion=row, quantity=payload.quantity
        )
    return _suggestion_out(changed.pk)


@router.post(
    "/purchasing/suggestions/{int:suggestion_id}/accept", response=SuggestionOut
)
def suggestion_accept(
    request: HttpRequest, suggestion_id: Id, payload: AcceptIn
) -> Any:
    """Accept (or take back) a suggestion for the cut-off; after 18:00 it is accepted
    for the next purchasing day."""
    require_perm(request, "purchasing.change_purchasesuggestion")
    row = _suggestion(suggestion_id)
    with service_errors():
        changed = services.purchase_suggestion_accept(
            actor=request.user, suggestion=row, accepted=payload.accepted
        )
    return _suggestion_out(changed.pk)


@router.post("/purchasing/suggestions/accept", response=CountOut)
def suggestions_accept_supplier(
    request: HttpRequest, payload: SupplierAcceptIn
) -> dict[str, int]:
    """Accept (or take back) every suggestion of a supplier that asks to buy."""
    require_perm(request, "purchasing.change_purchasesuggestion")
    supplier = _supplier(payload.supplier_id)
    day = _check_day(payload.day)
    with service_errors():
        changed = services.purchase_suggestions_accept_supplier(
            actor=request.user, day=day, supplier=supplier, accepted=payload.accepted
        )
    return {"changed": changed}


@router.post("/purchasing/cutoff", response=CutoffOut)
def cutoff(request: HttpRequest, payload: CutoffIn) -> Any:
    """Run the cut-off now: the accepted suggestions of the current purchasing day (or
    of `day`) become purchase orders, one per supplier. Idempotent."""
    require_perm(request, "purchasing.add_purchaseorder")
    day = _check_day(payload.day)
    with service_errors():
        return services.purchase_cutoff(day=day, actor=request.user)
