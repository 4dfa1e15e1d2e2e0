"""The purchasing API (LOG-1.1): settings, supplier prices, the day's suggestions
(build, edit, accept), the cut-off, purchase orders and receiving against them.

Thin, like the pages: check the page's permission, call a selector or a service. A
service's ValidationError answers 422 with its message. Money is a decimal string.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status
from ninja.errors import HttpError
from pydantic import AfterValidator

from shopops.catalog.models import Sku, Supplier
from shopops.core.api_auth import require_perm
from shopops.core.api_helpers import (
    Id,
    MoneyIn,
    MoneyOut,
    Short,
    no_nul,
    service_errors,
)
from shopops.purchasing import selectors, services
from shopops.purchasing.models import PurchaseOrder, PurchaseSuggestion, SupplierTerms

router = Router(tags=["purchasing"])

FIRST_DAY = dt.date(2000, 1, 1)
LAST_DAY = dt.date(2100, 12, 31)


LotNo = Annotated[str, Field(max_length=64), AfterValidator(no_nul)]
Quantity = Annotated[int, Field(ge=0, le=services.MAX_QUANTITY)]
Days = Annotated[int, Field(ge=0, le=365)]


# --- schemas ------------------------------------------------------------------


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


# --- helpers ------------------------------------------------------------------


def _check_day(day: dt.date | None) -> dt.date:
    if day is None:
        return selectors.purchasing_day()
    if not FIRST_DAY <= day <= LAST_DAY:
        raise HttpError(422, f"day {day} is not between {FIRST_DAY} and {LAST_DAY}")
    return day


def _check_page(limit: int, offset: int, most: int) -> None:
    if not 1 <= limit <= most:
        raise HttpError(422, f"limit must be between 1 and {most}")
    if not 0 <= offset <= 10_000_000:
        raise HttpError(422, "offset must be between 0 and 10000000")


def _suggestion(pk: int) -> PurchaseSuggestion:
    row = PurchaseSuggestion.objects.filter(pk=pk).first()
    if row is None:
        raise HttpError(404, f"suggestion {pk} not found")
    return row


def _suggestion_out(pk: int) -> PurchaseSuggestion:
    return PurchaseSuggestion.objects.select_related("sku__product", "supplier").get(
        pk=pk
    )


def _order(pk: int) -> PurchaseOrder:
    try:
        return selectors.purchase_order_get(pk)
    except PurchaseOrder.DoesNotExist:
        raise HttpError(404, f"purchase order {pk} not found") from None


def _supplier(pk: int) -> Supplier:
    supplier = Supplier.objects.filter(pk=pk).first()
    if supplier is None:
        raise HttpError(422, f"supplier {pk} not found")
    return supplier


# --- settings and prices ------------------------------------------------------


@router.get("/purchasing/settings", response=SettingsOut)
def settings_get(request: HttpRequest) -> Any:
    """Return the figures of the suggestion formula."""
    require_perm(request, "purchasing.view_purchasesettings")
    return selectors.purchase_settings_get()


@router.put("/purchasing/settings", response=SettingsOut)
def settings_update(request: HttpRequest, payload: SettingsIn) -> Any:
    """Change some of the formula's figures (the fields given)."""
    require_perm(request, "purchasing.change_purchasesettings")
    values = {k: v for k, v in payload.model_dump().items() if v is not None}
    with service_errors():
        return services.purchase_settings_update(actor=request.user, **values)


@router.get("/purchasing/supplier-prices", response=list[SupplierPriceOut])
def supplier_prices(request: HttpRequest, supplier_id: Id | None = None) -> Any:
    """Return the suppliers' prices (of one supplier when given), at most 5000."""
    require_perm(request, "purchasing.view_supplierprice")
    return list(selectors.supplier_price_list(supplier_id=supplier_id)[:5000])


@router.put("/purchasing/supplier-prices", response=SupplierPriceOut)
def supplier_price_set(request: HttpRequest, payload: SupplierPriceIn) -> Any:
    """Record a supplier's price, minimum order quantity and multiple for a SKU."""
    require_perm(request, "purchasing.change_supplierprice")
    supplier = _supplier(payload.supplier_id)
    sku = Sku.objects.filter(pk=payload.sku_id).first()
    if sku is None:
        raise HttpError(422, f"SKU {payload.sku_id} not found")
    with service_errors():
        row = services.supplier_price_set(
            actor=request.user,
            supplier=supplier,
            sku=sku,
            price=payload.price,
            min_order_quantity=payload.min_order_quantity,
            order_multiple=payload.order_multiple,
        )
    return selectors.supplier_price_list().get(pk=row.pk)


@router.get("/purchasing/supplier-terms", response=list[SupplierTermsOut])
def supplier_terms(request: HttpRequest) -> Any:
    """Return every supplier's payment terms and own review period."""
    require_perm(request, "purchasing.view_supplierterms")
    return list(
        SupplierTerms.objects.select_related("supplier").order_by("supplier__code")
    )


@router.put("/purchasing/supplier-terms/{int:supplier_id}", response=SupplierTermsOut)
def supplier_terms_update(
    request: HttpRequest, supplier_id: Id, payload: SupplierTermsIn
) -> Any:
    """Record a supplier's payment terms and review period (null: the settings')."""
    require_perm(request, "purchasing.change_supplierterms")
    supplier = Supplier.objects.filter(pk=supplier_id).first()
    if supplier is None:
        raise HttpError(404, f"supplier {supplier_id} not found")
    with service_errors():
        return services.supplier_terms_update(
            actor=request.user,
            supplier=supplier,
            payment_terms=payload.payment_terms,
            review_days=payload.review_days,
            note=payload.note,
        )


# --- suggestions --------------------------------------------------------------


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


# --- purchase orders ----------------------------------------------------------


@router.get("/purchasing/orders", response=list[OrderOut])
def order_list(
    request: HttpRequest,
    state: Annotated[str, AfterValidator(no_nul)] = "",
    supplier_id: Id | None = None,
    limit: int = 100,
    offset: int = 0,
) -> Any:
    """List purchase orders, newest first."""
    require_perm(request, "purchasing.view_purchaseorder")
    _check_page(limit, offset, 500)
    if state and state not in PurchaseOrder.State.values:
        raise HttpError(422, f"unknown state {state!r}")
    qs = selectors.purchase_order_list(state=state, supplier_id=supplier_id)
    return list(qs[offset : offset + limit])


class LineArrivalOut(Schema):
    outer_code: str
    quantity: int
    on_hand: bool
    expected: dt.date | None
    purchase_orders: list[str]
    uncovered: bool


class HeldOrderArrivalOut(Schema):
    order_no: str
    order_id: int
    paid_at: dt.datetime | None
    ready: dt.date | None  # every line served by then; None: not covered or undated
    uncovered: bool
    outcome: str
    lines: list[LineArrivalOut]


@router.get("/purchasing/arrivals", response=list[HeldOrderArrivalOut])
def arrivals(request: HttpRequest) -> list[dict[str, Any]]:
    """The orders held as out of stock, oldest paid first, and when their goods arrive."""
    require_perm(request, "purchasing.view_arrivals")
    return [
        {
            "order_no": row.order.order_no,
            "order_id": row.order.pk,
            "paid_at": row.order.paid_at,
            "ready": row.ready,
            "uncovered": row.uncovered,
            "outcome": row.hold.outcome,
            "lines": [
                {**vars(line), "uncovered": line.uncovered} for line in row.lines
            ],
        }
        for row in selectors.held_order_arrivals()
    ]


@router.get("/purchasing/orders/{int:order_id}", response=OrderDetailOut)
def order_detail(request: HttpRequest, order_id: Id) -> Any:
    """Return a purchase order with its lines and receipts."""
    require_perm(request, "purchasing.view_purchaseorder")
    return _order(order_id)


@router.post("/purchasing/orders/{int:order_id}/receive", response={201: ReceiptOut})
def order_receive(request: HttpRequest, order_id: Id, payload: ReceiveIn) -> Status:
    """Receive a delivery: quantities per order line with lot and expiry (required for
    products with a shelf life); `close` ends the order even if units are missing."""
    require_perm(request, "purchasing.add_receipt")
    order = _order(order_id)
    with service_errors():
        receipt = services.purchase_order_receive(
            actor=request.user,
            purchase_order=order,
            lines=[services.ReceiveLine(**line.model_dump()) for line in payload.lines],
            note=payload.note,
            close=payload.close,
        )
    detail = _order(order_id)
    return Status(201, next(r for r in detail.receipts.all() if r.pk == receipt.pk))


@router.post("/purchasing/orders/{int:order_id}/cancel", response=OrderOut)
def order_cancel(request: HttpRequest, order_id: Id, payload: CancelIn) -> Any:
    """Cancel an order that has received nothing."""
    require_perm(request, "purchasing.change_purchaseorder")
    order = _order(order_id)
    with service_errors():
        services.purchase_order_cancel(
            actor=request.user, purchase_order=order, reason=payload.reason
        )
    return _order(order_id)
