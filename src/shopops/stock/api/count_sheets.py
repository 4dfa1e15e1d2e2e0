"""The stock API: counts (LOG-1.3)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Query, Status
from ninja.errors import HttpError

from shopops.catalog.models import Category
from shopops.core.api_auth import require_perm
from shopops.core.api_helpers import Id, get_or_404, service_errors
from shopops.stock import counts, selectors
from shopops.stock.api.base import _lines, _ref, _sheet_detail, _sheet_qs, _sku, router
from shopops.stock.api.schemas import (
    CountLineAddIn,
    CountLineIn,
    CountLineOut,
    CountPostOut,
    CountSheetDetailOut,
    CountSheetIn,
    CountSheetOut,
    CountsQuery,
)
from shopops.stock.models import (
    CountLine,
    CountSheet,
    Location,
    Warehouse,
)


@router.get("/stock/counts", response=list[CountSheetOut])
def count_sheets(request: HttpRequest, query: Query[CountsQuery]) -> list[CountSheet]:
    """Count sheets, newest first (the history)."""
    require_perm(request, "stock.view_countsheet")
    if query.state and query.state not in CountSheet.State.values:
        raise HttpError(422, f"unknown state {query.state!r}")
    qs = selectors.count_sheet_list(state=query.state)
    return list(qs[query.offset : query.offset + query.limit])


@router.post("/stock/counts", response={201: CountSheetDetailOut})
def count_sheet_create(request: HttpRequest, payload: CountSheetIn) -> Status:
    """Open a count sheet for a warehouse, a location or a category."""
    require_perm(request, "stock.add_countsheet")
    with service_errors():
        sheet = counts.count_sheet_create(
            actor=request.user,
            scope=payload.scope,
            warehouse=_ref(Warehouse, payload.warehouse_id, "warehouse"),
            location=_ref(Location, payload.location_id, "location"),
            category=_ref(Category, payload.category_id, "category"),
            note=payload.note,
        )
    return Status(201, _sheet_detail(sheet.pk))


@router.get("/stock/counts/{sheet_id}", response=CountSheetDetailOut)
def count_sheet_detail(request: HttpRequest, sheet_id: Id) -> CountSheet:
    require_perm(request, "stock.view_countsheet")
    return _sheet_detail(sheet_id)


@router.post("/stock/counts/{sheet_id}/lines/{line_id}", response=CountLineOut)
def count_line_record(
    request: HttpRequest, sheet_id: Id, line_id: Id, payload: CountLineIn
) -> CountLine:
    """Record the counted quantity and quality of one line."""
    require_perm(request, "stock.change_countsheet")
    line = get_or_404(
        selectors.count_line_list(sheet_id=sheet_id), line_id, "count line"
    )
    with service_errors():
        counts.count_line_record(
            actor=request.user,
            line=line,
            counted=payload.counted,
            quality=payload.quality,
            problem_quantity=payload.problem_quantity,
            note=payload.note,
        )
    return next(ln for ln in _lines(line.sheet) if ln.pk == line.pk)


@router.post("/stock/counts/{sheet_id}/lines", response={201: CountLineOut})
def count_line_add(
    request: HttpRequest, sheet_id: Id, payload: CountLineAddIn
) -> Status:
    """Add a line for goods found that the sheet does not list."""
    require_perm(request, "stock.change_countsheet")
    sheet = get_or_404(CountSheet, sheet_id, "count sheet")
    location = _ref(Location, payload.location_id, "location")
    assert location is not None  # noqa: S101 - the id is required
    with service_errors():
        line = counts.count_line_add(
            actor=request.user,
            sheet=sheet,
            sku=_sku(payload.sku),
            location=location,
            lot_no=payload.lot_no,
            expiry_date=payload.expiry_date,
        )
    return Status(201, next(ln for ln in _lines(sheet) if ln.pk == line.pk))


@router.post("/stock/counts/{sheet_id}/submit", response=CountSheetOut)
def count_sheet_submit(request: HttpRequest, sheet_id: Id) -> CountSheet:
    require_perm(request, "stock.change_countsheet")
    sheet = get_or_404(CountSheet, sheet_id, "count sheet")
    with service_errors():
        counts.count_sheet_submit(actor=request.user, sheet=sheet)
    return get_or_404(_sheet_qs(), sheet_id, "count sheet")


@router.post("/stock/counts/{sheet_id}/reopen", response=CountSheetOut)
def count_sheet_reopen(request: HttpRequest, sheet_id: Id) -> CountSheet:
    require_perm(request, "stock.change_countsheet")
    sheet = get_or_404(CountSheet, sheet_id, "count sheet")
    with service_errors():
        counts.count_sheet_reopen(actor=request.user, sheet=sheet)
    return get_or_404(_sheet_qs(), sheet_id, "count sheet")


@router.post("/stock/counts/{sheet_id}/post", response=CountPostOut)
def count_sheet_post(request: HttpRequest, sheet_id: Id) -> dict[str, Any]:
    """Post the differences as count corrections; quarantine damaged or expired units."""
    require_perm(request, "stock.change_countsheet")
    sheet = get_or_404(CountSheet, sheet_id, "count sheet")
    with service_errors():
        result = counts.count_sheet_post(actor=request.user, sheet=sheet)
    return {
        "sheet": get_or_404(_sheet_qs(), sheet_id, "count sheet"),
        "corrections": len(result.corrections),
        "gained": result.gained,
        "lost": result.lost,
        "quarantined": result.quarantined,
        "not_quarantined": result.not_quarantined,
    }
