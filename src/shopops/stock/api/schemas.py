"""The schemas of the stock API: what its endpoints take and answer."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from ninja import Field, Schema
from pydantic import AfterValidator, field_validator, model_validator

from shopops.core.api_helpers import Id, no_nul, username
from shopops.stock.api.base import _lines
from shopops.stock.models import (
    CountLine,
    CountSheet,
    Location,
    Movement,
    StockLevel,
    StockReport,
    Warehouse,
)

Code = Annotated[str, Field(max_length=64), AfterValidator(no_nul)]
Text = Annotated[str, Field(max_length=200), AfterValidator(no_nul)]


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
