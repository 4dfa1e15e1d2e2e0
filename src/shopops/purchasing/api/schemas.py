"""The schemas of the purchasing API: what its endpoints take and answer."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from ninja import Field, Schema
from pydantic import AfterValidator

from shopops.core.api_helpers import (
    MoneyIn,
    MoneyOut,
    Short,
    no_nul,
)
from shopops.purchasing import services
from shopops.purchasing.models import PurchaseOrder, PurchaseSuggestion

FIRST_DAY = dt.date(2000, 1, 1)
LAST_DAY = dt.date(2100, 12, 31)


LotNo = Annotated[str, Field(max_length=64), AfterValidator(no_nul)]
Quantity = Annotated[int, Field(ge=0, le=services.MAX_QUANTITY)]
Days = Annotated[int, Field(ge=0, le=365)]


class SettingsOut(Schema):
    sales_window_days: int
    review_days: int
    safety_stock_days: int
    default_lead_time_days: int


class SettingsIn(Schema):
    sales_window_days: Annotated[int, Field(ge=1, le=365)] | None = None
    review_days: Days | None = None
    safety_stock_days: Days | None = None
    default_lead_time_days: Days | None = None


class SupplierPriceOut(Schema):
    id: int
    supplier_id: int
    supplier: str
    sku_id: int
    outer_code: str
    price: MoneyOut
    min_order_quantity: int
    order_multiple: int

    @staticmethod
    def resolve_supplier(obj: Any) -> str:
        return obj.supplier.code

    @staticmethod
    def resolve_outer_code(obj: Any) -> str:
        return obj.sku.outer_code


class SupplierPriceIn(Schema):
    supplier_id: int
    sku_id: int
    price: MoneyIn
    min_order_quantity: Annotated[int, Field(ge=1, le=services.MAX_QUANTITY)] = 1
    order_multiple: Annotated[int, Field(ge=1, le=services.MAX_QUANTITY)] = 1


class SupplierTermsOut(Schema):
    supplier_id: int
    supplier: str
    payment_terms: str
    review_days: int | None
    note: str

    @staticmethod
    def resolve_supplier(obj: Any) -> str:
        return obj.supplier.code


class SupplierTermsIn(Schema):
    payment_terms: Annotated[str, Field(max_length=200), AfterValidator(no_nul)] = ""
    review_days: Days | None = None
    note: Short = ""


class SuggestionOut(Schema):
    id: int
    day: dt.date
    sku_id: int
    outer_code: str
    title: str
    supplier_id: int | None
    supplier: str | None
    sold_in_window: int
    window_days: int
    avg_daily_sales: str
    lead_time_days: int
    review_days: int
    safety_stock: int
    reorder_point: int
    open_order_shortage: int
    available: int
    on_order: int
    net_need: int
    min_order_quantity: int
    order_multiple: int
    suggested_quantity: int
    edited_quantity: int | None
    quantity: int
    unit_price: MoneyOut | None
    accepted: bool
    purchase_order_id: int | None
    reasoning: dict[str, Any]

    @staticmethod
    def resolve_outer_code(obj: PurchaseSuggestion) -> str:
        return obj.sku.outer_code

    @staticmethod
    def resolve_title(obj: PurchaseSuggestion) -> str:
        return obj.sku.product.title

    @staticmethod
    def resolve_supplier(obj: PurchaseSuggestion) -> str | None:
        return obj.supplier.code if obj.supplier else None

    @staticmethod
    def resolve_avg_daily_sales(obj: PurchaseSuggestion) -> str:
        return str(obj.avg_daily_sales)


class SuggestionPage(Schema):
    day: dt.date
    purchasing_day: dt.date
    count: int
    limit: int
    offset: int
    items: list[SuggestionOut]


class BuildIn(Schema):
    day: dt.date | None = None


class BuildOut(Schema):
    day: dt.date
    skus: int
    rows: int
    needs: int
    kept: int


class SuggestionEditIn(Schema):
    quantity: Quantity | None = None


class AcceptIn(Schema):
    accepted: bool = True


class SupplierAcceptIn(Schema):
    day: dt.date | None = None
    supplier_id: int
    accepted: bool = True


class CountOut(Schema):
    changed: int


class OrderLineOut(Schema):
    id: int
    sku_id: int
    outer_code: str
    quantity: int
    unit_price: MoneyOut
    received_quantity: int
    outstanding: int
    over_delivered: int

    @staticmethod
    def resolve_outer_code(obj: Any) -> str:
        return obj.sku.outer_code


class ReceiptLineOut(Schema):
    order_line_id: int
    outer_code: str
    quantity: int
    expected_quantity: int
    difference: int
    lot_no: str
    production_date: dt.date | None
    expiry_date: dt.date | None
    location: str | None  # warehouse/location

    @staticmethod
    def resolve_outer_code(obj: Any) -> str:
        return obj.order_line.sku.outer_code

    @staticmethod
    def resolve_location(obj: Any) -> str | None:
        return str(obj.location) if obj.location else None


class ReceiptOut(Schema):
    id: int
    number: str
    received_at: dt.datetime
    received_by: str | None
    closes_order: bool
    note: str
    lines: list[ReceiptLineOut]
    served_orders: list[str]  # held as out of stock; reserved and released by it

    @staticmethod
    def resolve_received_by(obj: Any) -> str | None:
        return obj.received_by.username if obj.received_by else None

    @staticmethod
    def resolve_lines(obj: Any) -> list[Any]:
        return list(obj.lines.all())


class OrderOut(Schema):
    id: int
    number: str
    supplier_id: int
    supplier: str
    state: str
    cutoff_day: dt.date | None
    created_at: dt.datetime
    ordered_at: dt.datetime | None
    expected_date: dt.date | None
    payment_terms: str
    note: str

    @staticmethod
    def resolve_supplier(obj: PurchaseOrder) -> str:
        return obj.supplier.code


class OrderDetailOut(OrderOut):
    lines: list[OrderLineOut]
    receipts: list[ReceiptOut]

    @staticmethod
    def resolve_lines(obj: PurchaseOrder) -> list[Any]:
        return list(obj.lines.all())

    @staticmethod
    def resolve_receipts(obj: PurchaseOrder) -> list[Any]:
        return list(obj.receipts.all())


class CutoffIn(Schema):
    day: dt.date | None = None


class CutoffOut(Schema):
    day: dt.date
    created: list[OrderOut]
    extended: list[OrderOut]
    lines: int
    skipped: int


class ReceiveLineIn(Schema):
    order_line_id: int
    quantity: Annotated[int, Field(ge=1, le=services.MAX_QUANTITY)]
    lot_no: LotNo = ""
    production_date: dt.date | None = None
    expiry_date: dt.date | None = None
    location_id: int | None = None  # None: the SKU's usual location


class ReceiveIn(Schema):
    lines: Annotated[list[ReceiveLineIn], Field(min_length=1, max_length=500)]
    note: Short = ""
    close: bool = False


class CancelIn(Schema):
    reason: Short
