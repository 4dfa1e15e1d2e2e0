"""The stock API: levels, the ledger, manual receipts and adjustments, warehouses and
locations, count sheets (LOG-1.3) and the monthly report (LOG-1.4).

Thin, like the pages, and checking the same permissions: a service's ValidationError
answers 422 with its message, a missing object 404. Money is a decimal string.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from ninja import Field, Query, Router, Schema, Status
from ninja.errors import HttpError
from pydantic import AfterValidator, field_validator, model_validator

from shopops.catalog.models import Category, Sku
from shopops.core.api_auth import require_perm
from shopops.core.api_helpers import Id, M, get_or_404, no_nul, service_errors, username
from shopops.stock import counts, reports, selectors, services
from shopops.stock.models import (
    CountLine,
    CountSheet,
    Location,
    Movement,
    StockLevel,
    StockReport,
    Warehouse,
)

router = Router(tags=["stock"])


Code = Annotated[str, Field(max_length=64), AfterValidator(no_nul)]
Text = Annotated[str, Field(max_length=200), AfterValidator(no_nul)]


# --- schemas ------------------------------------------------------------------


class LevelOut(Schema):
    id: int
    warehouse: str
    location: str
    lot_no: str
    production_date: dt.date | None
    expiry_date: dt.date | None
    on_hand: int
    reserved: int
    quarantined: int
    available: int

    @staticmethod
    def resolve_warehouse(obj: StockLevel) -> str:
        return obj.location.warehouse.code

    @staticmethod
    def resolve_location(obj: StockLevel) -> str:
        return obj.location.code

    @staticmethod
    def resolve_lot_no(obj: StockLevel) -> str:
        return obj.lot.lot_no

    @staticmethod
    def resolve_production_date(obj: StockLevel) -> dt.date | None:
        return obj.lot.production_date

    @staticmethod
    def resolve_expiry_date(obj: StockLevel) -> dt.date | None:
        return obj.lot.expiry_date


class SkuStockOut(Schema):
    sku_id: int
    outer_code: str
    title: str
    category: str
    active: bool
    on_hand: int
    reserved: int
    quarantined: int
    available: int
    levels: list[LevelOut]


class SkuStockPage(Schema):
    count: int
    limit: int
    offset: int
    items: list[SkuStockOut]


class LevelsQuery(Schema):
    q: Annotated[str, AfterValidator(no_nul)] = Field("", max_length=64)
    category: Id | None = None
    warehouse: Id | None = None
    location: Id | None = None
    stockout: bool = False
    quarantined: bool = False  # only SKUs (and levels) with units set aside
    limit: int = Field(50, ge=1, le=500)
    offset: int = Field(0, ge=0, le=10_000_000)


class MovementOut(Schema):
    id: int
    at: dt.datetime
    kind: str
    level_id: int
    sku: str
    location: str
    lot_no: str
    on_hand_delta: int
    reserved_delta: int
    quarantined_delta: int
    order_no: str | None
    reference: str
    reason: str
    actor: str | None

    @staticmethod
    def resolve_sku(obj: Movement) -> str:
        return obj.level.sku.outer_code

    @staticmethod
    def resolve_location(obj: Movement) -> str:
        return str(obj.level.location)

    @staticmethod
    def resolve_lot_no(obj: Movement) -> str:
        return obj.level.lot.lot_no

    @staticmethod
    def resolve_order_no(obj: Movement) -> str | None:
        return obj.order.order_no if obj.order is not None else None

    @staticmethod
    def resolve_actor(obj: Movement) -> str | None:
        return username(obj.actor)


class MovementPage(Schema):
    count: int
    limit: int
    offset: int
    items: list[MovementOut]


class MovementsQuery(Schema):
    kind: Annotated[str, AfterValidator(no_nul)] = Field("", max_length=20)
    sku: Annotated[str, AfterValidator(no_nul)] = Field("", max_length=64)
    level: Id | None = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    limit: int = Field(100, ge=1, le=1000)
    offset: int = Field(0, ge=0, le=10_000_000)


class ReceiveIn(Schema):
    sku: Code
    quantity: int = Field(..., ge=1, le=1_000_000)
    location_id: int | None = None
    lot_no: Code = ""
    production_date: dt.date | None = None
    expiry_date: dt.date | None = None
    reference: Code = ""
    reason: Text = ""

    @model_validator(mode="after")
    def _expiry_after_production(self) -> ReceiveIn:
        made, expires = self.production_date, self.expiry_date
        if made and expires and expires < made:
            raise ValueError("expiry_date must not be before production_date")
        return self


class QuarantineIn(Schema):
    quantity: int = Field(..., ge=1, le=1_000_000)
    reason: Text


class QuarantineResolveIn(Schema):
    quantity: int = Field(..., ge=1, le=1_000_000)
    outcome: Literal["unquarantine", "scrap"]
    reason: Text


class AdjustIn(Schema):
    delta: int = Field(..., ge=-1_000_000, le=1_000_000)
    reason: Text


class TransferIn(Schema):
    quantity: int = Field(..., ge=1, le=1_000_000)
    location_id: int
    reason: Annotated[str, Field(max_length=150), AfterValidator(no_nul)] = ""


class TransferOut(Schema):
    out: MovementOut
    into: MovementOut


class LocationOut(Schema):
    id: int
    code: str
    warehouse: str

    @staticmethod
    def resolve_warehouse(obj: Location) -> str:
        return obj.warehouse.code


class WarehouseOut(Schema):
    id: int
    code: str
    name: str
    is_default: bool
    locations: list[LocationOut]

    @staticmethod
    def resolve_locations(obj: Warehouse) -> list[Any]:
        return list(obj.locations.all())


class WarehouseIn(Schema):
    code: Annotated[str, Field(max_length=32), AfterValidator(no_nul)]
    name: Annotated[str, Field(max_length=100), AfterValidator(no_nul)]


class LocationIn(Schema):
    warehouse_id: int
    code: Annotated[str, Field(max_length=32), AfterValidator(no_nul)]


class CountLineOut(Schema):
    id: int
    level_id: int
    sku: str
    title: str
    location: str
    lot_no: str
    expiry_date: dt.date | None
    expected: int
    counted: int | None
    difference: int | None
    quality: str
    problem_quantity: int
    note: str
    counted_by: str | None
    counted_at: dt.datetime | None
    posted_delta: int | None
    posted_quarantine: int | None

    @staticmethod
    def resolve_sku(obj: CountLine) -> str:
        return obj.level.sku.outer_code

    @staticmethod
    def resolve_title(obj: CountLine) -> str:
        return obj.level.sku.product.title

    @staticmethod
    def resolve_location(obj: CountLine) -> str:
        return str(obj.level.location)

    @staticmethod
    def resolve_lot_no(obj: CountLine) -> str:
        return obj.level.lot.lot_no

    @staticmethod
    def resolve_expiry_date(obj: CountLine) -> dt.date | None:
        return obj.level.lot.expiry_date

    @staticmethod
    def resolve_counted_by(obj: CountLine) -> str | None:
        return username(obj.counted_by)


class CountSheetOut(Schema):
    id: int
    scope: str
    scope_label: str
    warehouse_id: int | None
    location_id: int | None
    category_id: int | None
    state: str
    note: str
    created_by: str | None
    created_at: dt.datetime
    submitted_at: dt.datetime | None
    posted_by: str | None
    posted_at: dt.datetime | None
    line_count: int
    counted_count: int

    @staticmethod
    def resolve_created_by(obj: CountSheet) -> str | None:
        return username(obj.created_by)

    @staticmethod
    def resolve_posted_by(obj: CountSheet) -> str | None:
        return username(obj.posted_by)


class CountSheetDetailOut(CountSheetOut):
    lines: list[CountLineOut]

    @staticmethod
    def resolve_lines(obj: CountSheet) -> list[CountLine]:
        return _lines(obj)


class CountsQuery(Schema):
    state: Annotated[str, AfterValidator(no_nul)] = Field("", max_length=16)
    limit: int = Field(50, ge=1, le=500)
    offset: int = Field(0, ge=0, le=10_000_000)


class CountSheetIn(Schema):
    scope: Annotated[str, Field(max_length=16), AfterValidator(no_nul)]
    warehouse_id: int | None = None
    location_id: int | None = None
    category_id: int | None = None
    note: Text = ""


class CountLineIn(Schema):
    counted: int = Field(..., ge=0, le=1_000_000)
    quality: Annotated[str, Field(max_length=16), AfterValidator(no_nul)] = "good"
    problem_quantity: int | None = Field(None, ge=0, le=1_000_000)
    note: Text = ""


class CountLineAddIn(Schema):
    sku: Code
    location_id: int
    lot_no: Code = ""
    expiry_date: dt.date | None = None


class CountPostOut(Schema):
    sheet: CountSheetOut
    corrections: int
    gained: int
    lost: int
    quarantined: int
    not_quarantined: int


class StockReportOut(Schema):
    id: int
    month: str
    as_of: dt.date
    built_at: dt.datetime
    built_by: str | None
    summary: dict[str, Any]

    @staticmethod
    def resolve_month(obj: StockReport) -> str:
        return f"{obj.month:%Y-%m}"

    @staticmethod
    def resolve_built_by(obj: StockReport) -> str | None:
        return username(obj.built_by)

    @staticmethod
    def resolve_summary(obj: StockReport) -> dict[str, Any]:
        return dict(obj.data.get("summary", {}))


class StockReportDetailOut(StockReportOut):
    data: dict[str, Any]


class ReportBuildIn(Schema):
    month: str = Field(..., pattern=r"^\d{4}-(0[1-9]|1[0-2])$")
    rebuild: bool = False

    @field_validator("month")
    @classmethod
    def _a_real_month(cls, value: str) -> str:
        dt.date.fromisoformat(f"{value}-01")  # "0000-01" matches but is no month
        return value


# --- helpers ------------------------------------------------------------------


def _ref(model: type[M], pk: int | None, what: str) -> M | None:
    """Return the referenced row of a request body, or 422 when it does not exist."""
    if pk is None:
        return None
    obj = model._default_manager.filter(pk=pk).first()
    if obj is None:
        raise HttpError(422, f"{what} {pk} not found")
    return obj


def _sku(code: str) -> Sku:
    sku = Sku.objects.select_related("product").filter(outer_code=code).first()
    if sku is None:
        raise HttpError(422, f"SKU {code!r} not found")
    return sku


def _sheet_qs() -> QuerySet[CountSheet]:
    return selectors.count_sheet_list()


def _lines(sheet: CountSheet) -> list[CountLine]:
    return list(
        sheet.lines.select_related(
            "level__sku__product",
            "level__lot",
            "level__location__warehouse",
            "counted_by",
        ).order_by("level__location__code", "level__sku__outer_code", "pk")
    )


def _sheet_detail(pk: int) -> CountSheet:
    return get_or_404(_sheet_qs(), pk, "count sheet")


# --- levels and the ledger ---------------------------------------------------------


@router.get("/stock/levels", response=SkuStockPage)
def stock_levels(request: HttpRequest, query: Query[LevelsQuery]) -> dict[str, Any]:
    """Stock by SKU (on hand, reserved, available, quarantined) with its lots."""
    require_perm(request, "stock.view_stocklevel")
    filters = selectors.LevelFilters(
        category_id=query.category,
        warehouse_id=query.warehouse,
        location_id=query.location,
        search=query.q.strip(),
        stockout=query.stockout,
        quarantined=query.quarantined,
    )
    qs = selectors.sku_stock_list(filters)
    skus = list(qs[query.offset : query.offset + query.limit])
    by_sku = selectors.levels_for_skus([s.pk for s in skus], filters)
    items = [
        {
            "sku_id": s.pk,
            "outer_code": s.outer_code,
            "title": s.product.title,
            "category": s.product.category.name,
            "active": s.active,
            "on_hand": s.qty_on_hand,  # type: ignore[attr-defined]
            "reserved": s.qty_reserved,  # type: ignore[attr-defined]
            "quarantined": s.qty_quarantined,  # type: ignore[attr-defined]
            "available": s.qty_available,  # type: ignore[attr-defined]
            "levels": by_sku.get(s.pk, []),
        }
        for s in skus
    ]
    return {
        "count": qs.count(),
        "limit": query.limit,
        "offset": query.offset,
        "items": items,
    }


@router.get("/stock/movements", response=MovementPage)
def stock_movements(
    request: HttpRequest, query: Query[MovementsQuery]
) -> dict[str, Any]:
    """The ledger, newest first."""
    require_perm(request, "stock.view_movement")
    if query.kind and query.kind not in Movement.Kind.values:
        raise HttpError(422, f"unknown kind {query.kind!r}")
    qs = selectors.movement_list(
        kind=query.kind,
        sku=query.sku.strip(),
        level_id=query.level,
        date_from=query.date_from,
        date_to=query.date_to,
    )
    return {
        "count": qs.count(),
        "limit": query.limit,
        "offset": query.offset,
        "items": list(qs[query.offset : query.offset + query.limit]),
    }


def _movement(pk: int) -> Movement:
    return selectors.movement_list().get(pk=pk)


@router.post("/stock/receive", response={201: MovementOut})
def stock_receive(request: HttpRequest, payload: ReceiveIn) -> Status:
    """Put units of a SKU lot on a location (a manual receipt)."""
    require_perm(request, "stock.add_movement")
    location = _ref(Location, payload.location_id, "location")
    with service_errors():
        movement = services.stock_receive(
            actor=request.user,
            sku=_sku(payload.sku),
            quantity=payload.quantity,
            location=location,
            lot_no=payload.lot_no,
            production_date=payload.production_date,
            expiry_date=payload.expiry_date,
            reference=payload.reference,
            reason=payload.reason or "手工入库",
        )
    return Status(201, _movement(movement.pk))


@router.post("/stock/levels/{level_id}/adjust", response=MovementOut)
def stock_adjust(request: HttpRequest, level_id: Id, payload: AdjustIn) -> Movement:
    """Correct a level's on-hand quantity, with a reason."""
    require_perm(request, "stock.add_movement")
    level = get_or_404(StockLevel.objects.all(), level_id, "stock level")
    with service_errors():
        movement = services.stock_adjust(
            actor=request.user, level=level, delta=payload.delta, reason=payload.reason
        )
    return _movement(movement.pk)


@router.post("/stock/levels/{level_id}/quarantine", response=MovementOut)
def stock_quarantine(
    request: HttpRequest, level_id: Id, payload: QuarantineIn
) -> Movement:
    """Set available units aside: they stay on hand but cannot be sold or reserved."""
    require_perm(request, "stock.add_movement")
    level = get_or_404(StockLevel.objects.all(), level_id, "stock level")
    with service_errors():
        movement = services.stock_quarantine(
            actor=request.user,
            level=level,
            quantity=payload.quantity,
            reason=payload.reason,
        )
    return _movement(movement.pk)


@router.post("/stock/levels/{level_id}/quarantine/resolve", response=MovementOut)
def stock_quarantine_resolve(
    request: HttpRequest, level_id: Id, payload: QuarantineResolveIn
) -> Movement:
    """Settle quarantined units: `unquarantine` puts them back on sale, `scrap` writes
    them off."""
    require_perm(request, "stock.add_movement")
    level = get_or_404(StockLevel.objects.all(), level_id, "stock level")
    with service_errors():
        movement = services.stock_quarantine_resolve(
            actor=request.user,
            level=level,
            quantity=payload.quantity,
            outcome=payload.outcome,
            reason=payload.reason,
        )
    return _movement(movement.pk)


@router.post("/stock/levels/{level_id}/transfer", response=TransferOut)
def stock_transfer(
    request: HttpRequest, level_id: Id, payload: TransferIn
) -> dict[str, Movement]:
    """Move available units of a level to another location (same SKU and lot)."""
    require_perm(request, "stock.add_movement")
    level = get_or_404(StockLevel.objects.all(), level_id, "stock level")
    location = get_or_404(Location.objects.all(), payload.location_id, "location")
    with service_errors():
        moved = services.stock_transfer(
            actor=request.user,
            level=level,
            quantity=payload.quantity,
            location=location,
            reason=payload.reason,
        )
    return {"out": _movement(moved.out.pk), "into": _movement(moved.into.pk)}


@router.get("/stock/warehouses", response=list[WarehouseOut])
def stock_warehouses(request: HttpRequest) -> list[Warehouse]:
    require_perm(request, "stock.view_warehouse")
    return list(
        Warehouse.objects.prefetch_related("locations__warehouse").order_by("code")
    )


@router.post("/stock/warehouses", response={201: WarehouseOut})
def stock_warehouse_create(request: HttpRequest, payload: WarehouseIn) -> Status:
    require_perm(request, "stock.add_warehouse")
    with service_errors():
        warehouse = services.warehouse_create(
            actor=request.user, code=payload.code, name=payload.name
        )
    return Status(201, warehouse)


@router.post("/stock/locations", response={201: LocationOut})
def stock_location_create(request: HttpRequest, payload: LocationIn) -> Status:
    require_perm(request, "stock.add_location")
    warehouse = _ref(Warehouse, payload.warehouse_id, "warehouse")
    assert warehouse is not None  # noqa: S101 - the id is required
    with service_errors():
        location = services.location_create(
            actor=request.user, warehouse=warehouse, code=payload.code
        )
    return Status(201, location)


# --- counts (LOG-1.3) ------------------------------------------------------------


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
        CountLine.objects.filter(sheet_id=sheet_id), line_id, "count line"
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
    sheet = get_or_404(CountSheet.objects.all(), sheet_id, "count sheet")
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
    sheet = get_or_404(CountSheet.objects.all(), sheet_id, "count sheet")
    with service_errors():
        counts.count_sheet_submit(actor=request.user, sheet=sheet)
    return get_or_404(_sheet_qs(), sheet_id, "count sheet")


@router.post("/stock/counts/{sheet_id}/reopen", response=CountSheetOut)
def count_sheet_reopen(request: HttpRequest, sheet_id: Id) -> CountSheet:
    require_perm(request, "stock.change_countsheet")
    sheet = get_or_404(CountSheet.objects.all(), sheet_id, "count sheet")
    with service_errors():
        counts.count_sheet_reopen(actor=request.user, sheet=sheet)
    return get_or_404(_sheet_qs(), sheet_id, "count sheet")


@router.post("/stock/counts/{sheet_id}/post", response=CountPostOut)
def count_sheet_post(request: HttpRequest, sheet_id: Id) -> dict[str, Any]:
    """Post the differences as count corrections; quarantine damaged or expired units."""
    require_perm(request, "stock.change_countsheet")
    sheet = get_or_404(CountSheet.objects.all(), sheet_id, "count sheet")
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


# --- the monthly report (LOG-1.4) ----------------------------------------------------


@router.get("/stock/reports", response=list[StockReportOut])
def stock_reports(request: HttpRequest) -> list[StockReport]:
    require_perm(request, "stock.view_stockreport")
    return list(selectors.stock_report_list()[:240])


@router.get("/stock/reports/{report_id}", response=StockReportDetailOut)
def stock_report_detail(request: HttpRequest, report_id: Id) -> StockReport:
    require_perm(request, "stock.view_stockreport")
    return get_or_404(selectors.stock_report_list(), report_id, "report")


@router.get("/stock/reports/{report_id}/xlsx")
def stock_report_xlsx(request: HttpRequest, report_id: Id) -> HttpResponse:
    """The report as an XLSX workbook, one sheet per section."""
    require_perm(request, "stock.view_stockreport")
    report = get_or_404(StockReport.objects.all(), report_id, "report")
    response = HttpResponse(
        reports.stock_report_xlsx(report),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = (
        f'attachment; filename="stock-report-{report.month:%Y-%m}.xlsx"'
    )
    return response


@router.post(
    "/stock/reports", response={200: StockReportDetailOut, 201: StockReportDetailOut}
)
def stock_report_build(request: HttpRequest, payload: ReportBuildIn) -> Status:
    """Build (once) the report of a month that has ended; `rebuild` builds it again."""
    require_perm(request, "stock.add_stockreport")
    month = dt.date.fromisoformat(f"{payload.month}-01")
    with service_errors():
        report, created = reports.stock_report_build(
            actor=request.user, month=month, rebuild=payload.rebuild
        )
    return Status(
        201 if created else 200,
        get_or_404(selectors.stock_report_list(), report.pk, "report"),
    )
