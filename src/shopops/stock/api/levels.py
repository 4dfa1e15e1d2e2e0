"""The stock API: levels and the ledger."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Query, Status
from ninja.errors import HttpError

from shopops.core.api_auth import require_perm
from shopops.core.api_helpers import Id, get_or_404, service_errors
from shopops.stock import selectors, services
from shopops.stock.api.base import _ref, _sku, router
from shopops.stock.api.schemas import (
    AdjustIn,
    LevelsQuery,
    LocationIn,
    LocationOut,
    MovementOut,
    MovementPage,
    MovementsQuery,
    QuarantineIn,
    QuarantineResolveIn,
    ReceiveIn,
    SkuStockPage,
    TransferIn,
    TransferOut,
    WarehouseIn,
    WarehouseOut,
)
from shopops.stock.models import (
    Location,
    Movement,
    StockLevel,
    Warehouse,
)


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
    level = get_or_404(StockLevel, level_id, "stock level")
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
    level = get_or_404(StockLevel, level_id, "stock level")
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
    level = get_or_404(StockLevel, level_id, "stock level")
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
    level = get_or_404(StockLevel, level_id, "stock level")
    location = get_or_404(Location, payload.location_id, "location")
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
    return list(selectors.warehouses_with_location_rows())


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
