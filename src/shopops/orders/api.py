"""The orders API: orders, holds, the evening queue, after-sales, complaints and the
sales summary (issue 3, item 8).

Thin, like the pages: parse, check the page's permission, call a selector or a service.
A service's ValidationError answers 422 with its message, PermissionDenied 403, a
missing object 404. Money is a decimal string ("123.45") in and out.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from django.db.models import Exists, OuterRef, QuerySet
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status
from ninja.errors import HttpError
from ninja.params import P, QueryEx
from pydantic import AfterValidator

from shopops.catalog.models import Sku
from shopops.core import clock
from shopops.core.api_auth import require_perm
from shopops.core.api_helpers import (
    Id,
    Long,
    MoneyIn,
    MoneyOut,
    Short,
    get_or_404,
    no_nul,
    service_errors,
    username,
)
from shopops.orders import selectors, services
from shopops.orders.models import (
    AfterSale,
    Complaint,
    Hold,
    HoldReason,
    HoldReasonSetting,
    Order,
)
from shopops.orders.selectors import orders_per_day
from shopops.orders.summary import FIRST_DAY, LAST_DAY
from shopops.orders.summary import sales_summary as summarise
from shopops.org.models import Shop
from shopops.stock.services import ReturnedLine

router = Router(tags=["orders"])


# --- schemas ------------------------------------------------------------------


class DayCount(Schema):
    day: dt.date
    orders: int


class ShopOrderOut(Schema):
    id: int
    shop: str
    order_no: str
    status: str
    refund_state: str
    buyer_member_name: str
    receiver_name: str
    receiver_phone: str
    province: str
    city: str
    district: str
    total_amount: MoneyOut | None
    paid_amount: MoneyOut | None
    refunded_amount: MoneyOut | None
    created_at: dt.datetime
    paid_at: dt.datetime | None
    shipped_at: dt.datetime | None
    flag: int | None
    courier: str
    tracking_no: str
    held: bool

    @staticmethod
    def resolve_shop(obj: Order) -> str:
        return obj.shop.code


class ShopOrderPage(Schema):
    count: int
    limit: int
    offset: int
    items: list[ShopOrderOut]


class ShopOrderLineOut(Schema):
    id: int
    title: str
    outer_code: str
    sku_id: int | None
    attributes: str
    price: MoneyOut
    quantity: int


class HistoryOut(Schema):
    at: dt.datetime
    source: str
    status_from: str
    status_to: str
    changes: dict[str, Any]
    actor: str | None
    note: str

    @staticmethod
    def resolve_actor(obj: Any) -> str | None:
        return username(obj.actor)


class HoldOut(Schema):
    id: int
    order_id: int
    order_no: str
    reason: str
    note: str
    flag: int
    created_at: dt.datetime
    created_by: str | None
    owner: str | None
    outcome: str
    outcome_note: str
    handled_at: dt.datetime | None
    handled_by: str | None
    released_at: dt.datetime | None
    released_by: str | None
    active: bool

    @staticmethod
    def resolve_order_no(obj: Hold) -> str:
        return obj.order.order_no

    @staticmethod
    def resolve_created_by(obj: Hold) -> str | None:
        return username(obj.created_by)

    @staticmethod
    def resolve_owner(obj: Hold) -> str | None:
        return username(obj.owner)

    @staticmethod
    def resolve_handled_by(obj: Hold) -> str | None:
        return username(obj.handled_by)

    @staticmethod
    def resolve_released_by(obj: Hold) -> str | None:
        return username(obj.released_by)


class EveningItemOut(Schema):
    hold: HoldOut
    shop: str
    receiver_name: str
    receiver_phone: str
    buyer_member_name: str
    message: str


class AfterSaleOut(Schema):
    id: int
    order_id: int
    order_no: str
    kind: str
    amount: MoneyOut
    reason: str
    exchange_sku_id: int | None
    exchange_sku: str | None
    exchange_quantity: int
    state: str
    raised_by: str | None
    raised_at: dt.datetime
    decided_by: str | None
    decided_at: dt.datetime | None
    decision_note: str
    hold_id: int | None

    @staticmethod
    def resolve_order_no(obj: AfterSale) -> str:
        return obj.order.order_no

    @staticmethod
    def resolve_exchange_sku(obj: AfterSale) -> str | None:
        return obj.exchange_sku.outer_code if obj.exchange_sku else None

    @staticmethod
    def resolve_raised_by(obj: AfterSale) -> str | None:
        return username(obj.raised_by)

    @staticmethod
    def resolve_decided_by(obj: AfterSale) -> str | None:
        return username(obj.decided_by)


class ComplaintOut(Schema):
    id: int
    order_id: int
    order_no: str
    kind: str
    description: str
    state: str
    outcome: str
    raised_by: str | None
    raised_at: dt.datetime
    resolved_at: dt.datetime | None

    @staticmethod
    def resolve_order_no(obj: Complaint) -> str:
        return obj.order.order_no

    @staticmethod
    def resolve_raised_by(obj: Complaint) -> str | None:
        return username(obj.raised_by)


class ShopOrderDetailOut(ShopOrderOut):
    customer_id: int | None
    address: str
    goods_amount: MoneyOut | None
    postage: MoneyOut | None
    service_fee: MoneyOut | None
    close_reason: str
    confirmed_at: dt.datetime | None
    buyer_message: str
    seller_memo: str
    item_count: int | None
    lines: list[ShopOrderLineOut]
    history: list[HistoryOut]
    holds: list[HoldOut]
    after_sales: list[AfterSaleOut]
    complaints: list[ComplaintOut]

    @staticmethod
    def resolve_lines(obj: Order) -> list[Any]:
        return list(obj.lines.all())

    @staticmethod
    def resolve_history(obj: Order) -> list[Any]:
        return list(obj.history.all())

    @staticmethod
    def resolve_holds(obj: Order) -> list[Any]:
        return list(obj.holds.all())

    @staticmethod
    def resolve_after_sales(obj: Order) -> list[Any]:
        return list(obj.after_sales.all())

    @staticmethod
    def resolve_complaints(obj: Order) -> list[Any]:
        return list(obj.complaints.all())


class HoldReasonOut(Schema):
    reason: str
    flag: int
    message_template: str


class SalesFiguresOut(Schema):
    orders: int
    paid_orders: int
    total_amount: str
    paid_amount: str
    refunded_amount: str
    average_order_value: str | None


class DaySalesOut(SalesFiguresOut):
    day: dt.date


class ProvinceSalesOut(SalesFiguresOut):
    province: str


class SalesSummaryOut(SalesFiguresOut):
    shop: str
    time_zone: str
    date_from: dt.date
    date_to: dt.date
    days: list[DaySalesOut]
    provinces: list[ProvinceSalesOut]


class ShopOrdersQuery(Schema):
    shop: Annotated[str, AfterValidator(no_nul)] = Field("", max_length=32)
    status: Annotated[str, AfterValidator(no_nul)] = Field("", max_length=24)
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    flag: int | None = Field(None, ge=0, le=5)
    held: bool | None = None
    province: Annotated[str, AfterValidator(no_nul)] = Field("", max_length=20)
    q: Annotated[str, AfterValidator(no_nul)] = Field("", max_length=100)
    limit: int = Field(50, ge=1, le=500)
    offset: int = Field(0, ge=0, le=10_000_000)


class HoldIn(Schema):
    reason: Short
    note: Short = ""


class BulkHoldIn(Schema):
    reason: Short
    note: Short = ""
    shop: Annotated[str, AfterValidator(no_nul)] = Field("", max_length=32)
    courier: Annotated[str, AfterValidator(no_nul)] = Field("", max_length=50)
    province: Annotated[str, AfterValidator(no_nul)] = Field("", max_length=20)


class DecisionNoteIn(Schema):
    note: Short = ""


class ReturnedLineIn(Schema):
    line_id: int
    good: int = Field(0, ge=0, le=100_000)
    damaged: int = Field(0, ge=0, le=100_000)


class ConfirmIn(Schema):
    note: Short = ""
    # Goods the buyer sent back (a return or an exchange): back to stock, damaged set aside.
    returned: list[ReturnedLineIn] = Field(default_factory=list, max_length=500)


class OutcomeIn(Schema):
    outcome: Short
    note: Short = ""
    refund_amount: MoneyIn | None = None
    exchange_sku_id: int | None = None
    exchange_quantity: int = Field(1, ge=1, le=10_000)


class AfterSaleIn(Schema):
    kind: Short
    reason: Short
    amount: MoneyIn | None = None
    exchange_sku_id: int | None = None
    exchange_quantity: int = Field(0, ge=0, le=10_000)


class ComplaintIn(Schema):
    order_id: int
    kind: Short
    description: Long


class ComplaintUpdateIn(Schema):
    state: Short
    outcome: Long = ""


class HoldReasonIn(Schema):
    flag: int
    message_template: Long


# --- helpers ------------------------------------------------------------------


def _shop(code: str) -> Shop:
    if "\x00" in code:
        raise HttpError(422, "shop: must not contain NUL characters")
    shop = Shop.objects.filter(code=code).first()
    if shop is None:
        raise HttpError(404, f"shop {code!r} not found")
    return shop


def _sku(sku_id: int | None) -> Sku | None:
    if sku_id is None:
        return None
    sku = Sku.objects.filter(pk=sku_id).first()
    if sku is None:
        raise HttpError(422, f"SKU {sku_id} not found")
    return sku


def _check_period(date_from: dt.date | None, date_to: dt.date | None) -> None:
    for day in (date_from, date_to):
        if day is not None and not FIRST_DAY <= day <= LAST_DAY:
            raise HttpError(
                422, f"date {day} is not between {FIRST_DAY} and {LAST_DAY}"
            )
    if date_from and date_to and date_from > date_to:
        raise HttpError(422, "date_from must not be after date_to")


def _holds() -> QuerySet[Hold]:
    return Hold.objects.select_related(
        "order", "created_by", "owner", "handled_by", "released_by"
    )


def _after_sales() -> QuerySet[AfterSale]:
    return AfterSale.objects.select_related(
        "order", "exchange_sku", "raised_by", "decided_by"
    )


def _with_held(qs: QuerySet[Order]) -> QuerySet[Order]:
    return qs.annotate(
        held=Exists(Hold.objects.filter(order=OuterRef("pk"), released_at__isnull=True))
    )


def _order_detail(pk: int) -> Order:
    try:
        order = selectors.order_get(pk)
    except Order.DoesNotExist:
        raise HttpError(404, f"order {pk} not found") from None
    # Held now: from the prefetched holds, without another query.
    order.held = any(h.released_at is None for h in order.holds.all())  # type: ignore[attr-defined]
    return order


# --- orders -------------------------------------------------------------------


@router.get("/orders/per-day", response=list[DayCount])
def per_day(
    request: HttpRequest,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    shop_id: Id | None = None,
) -> list[dict]:
    require_perm(request, "orders.view_order")
    date_to = date_to or clock.today()
    date_from = date_from or date_to - dt.timedelta(days=89)
    _check_period(date_from, date_to)
    if (date_to - date_from).days > 800:
        raise HttpError(422, "date_from must be before date_to, at most 800 days apart")
    return [
        {"day": d, "orders": n}
        for d, n in orders_per_day(
            date_from=date_from, date_to=date_to, shop_id=shop_id
        )
    ]


@router.get("/orders", response=ShopOrderPage)
def order_list(request: HttpRequest, query: Query[ShopOrdersQuery]) -> dict[str, Any]:
    """List orders with the list page's filters, newest first."""
    require_perm(request, "orders.view_order")
    _check_period(query.date_from, query.date_to)
    filters = selectors.OrderFilters(
        shop_id=_shop(query.shop).pk if query.shop else None,
        status=query.status,
        date_from=query.date_from,
        date_to=query.date_to,
        flag=query.flag,
        held=query.held,
        province=query.province.strip(),
        search=query.q.strip(),
    )
    qs = selectors.order_search(filters)
    items = _with_held(qs.order_by("-created_at", "-pk"))
    return {
        "count": qs.count(),
        "limit": query.limit,
        "offset": query.offset,
        "items": list(items[query.offset : query.offset + query.limit]),
    }


@router.get("/orders/{order_id}", response=ShopOrderDetailOut)
def order_detail(request: HttpRequest, order_id: Id) -> Order:
    """Return an order with its lines, history, holds, after-sales and complaints."""
    require_perm(request, "orders.view_order")
    return _order_detail(order_id)


# --- holds and the evening queue ----------------------------------------------


@router.post("/orders/{order_id}/holds", response={201: HoldOut})
def order_hold(request: HttpRequest, order_id: Id, payload: HoldIn) -> Status:
    """Hold a paid order that cannot ship today and hand it to the evening shift."""
    require_perm(request, "orders.add_hold")
    order = get_or_404(Order.objects.all(), order_id, "order")
    with service_errors():
        hold = services.order_hold(
            actor=request.user, order=order, reason=payload.reason, note=payload.note
        )
    return Status(201, get_or_404(_holds(), hold.pk, "hold"))


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
        201, list(_holds().filter(pk__in=[h.pk for h in holds]).order_by("pk"))
    )


@router.get("/holds", response=list[HoldOut])
def hold_list(request: HttpRequest, reason: str = "") -> list[Hold]:
    """Return the active holds (not released), newest first."""
    require_perm(request, "orders.view_hold")
    qs = _holds().filter(released_at__isnull=True)
    if reason:
        if reason not in HoldReason.values:
            raise HttpError(422, f"unknown reason {reason!r}")
        qs = qs.filter(reason=reason)
    return list(qs.order_by("-created_at", "-pk")[:1000])


@router.post("/holds/{hold_id}/release", response=HoldOut)
def hold_release(request: HttpRequest, hold_id: Id, payload: DecisionNoteIn) -> Hold:
    """Release a hold; the order may be packed and shipped again."""
    require_perm(request, "orders.change_hold")
    hold = get_or_404(Hold.objects.all(), hold_id, "hold")
    with service_errors():
        services.hold_release(actor=request.user, hold=hold, note=payload.note)
    return get_or_404(_holds(), hold_id, "hold")


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


@router.post("/holds/{hold_id}/outcome", response=HoldOut)
def hold_outcome(request: HttpRequest, hold_id: Id, payload: OutcomeIn) -> Hold:
    """Record what the buyer was told and agreed; a refund or an exchange raises the
    after-sale that logistics confirms."""
    require_perm(request, "orders.handle_hold")
    hold = get_or_404(Hold.objects.all(), hold_id, "hold")
    sku = _sku(payload.exchange_sku_id)
    with service_errors():
        services.hold_record_outcome(
            actor=request.user,
            hold=hold,
            outcome=payload.outcome,
            note=payload.note,
            refund_amount=payload.refund_amount,
            exchange_sku=sku,
            exchange_quantity=payload.exchange_quantity,
        )
    return get_or_404(_holds(), hold_id, "hold")


@router.get("/hold-reasons", response=list[HoldReasonOut])
def hold_reasons(request: HttpRequest) -> list[HoldReasonSetting]:
    """Return each hold reason's flag and message template."""
    require_perm(request, "orders.view_holdreasonsetting")
    return list(HoldReasonSetting.objects.all())


@router.put("/hold-reasons/{reason}", response=HoldReasonOut)
def hold_reason_update(
    request: HttpRequest, reason: str, payload: HoldReasonIn
) -> HoldReasonSetting:
    """Change a reason's flag and message template."""
    require_perm(request, "orders.change_holdreasonsetting")
    if (
        reason not in HoldReason.values
        or not HoldReasonSetting.objects.filter(reason=reason).exists()
    ):
        raise HttpError(404, f"hold reason {reason!r} not found")
    with service_errors():
        return services.hold_reason_setting_update(
            actor=request.user,
            reason=reason,
            flag=payload.flag,
            message_template=payload.message_template,
        )


# --- after-sales ----------------------------------------------------------------


@router.get("/after-sales", response=list[AfterSaleOut])
def after_sale_list(request: HttpRequest, state: str = "requested") -> list[AfterSale]:
    """Return after-sales in `state` (default: waiting for logistics), oldest first;
    `state=all` returns the latest 500 of every state."""
    require_perm(request, "orders.view_aftersale")
    qs = _after_sales()
    if state == "all":
        return list(qs.order_by("-raised_at", "-pk")[:500])
    if state not in AfterSale.State.values:
        raise HttpError(422, f"unknown state {state!r}")
    return list(qs.filter(state=state).order_by("raised_at", "pk")[:500])


@router.post("/orders/{order_id}/after-sales", response={201: AfterSaleOut})
def after_sale_raise(
    request: HttpRequest, order_id: Id, payload: AfterSaleIn
) -> Status:
    """Raise a refund or an exchange for logistics to confirm (CS-2)."""
    require_perm(request, "orders.add_aftersale")
    order = get_or_404(Order.objects.all(), order_id, "order")
    sku = _sku(payload.exchange_sku_id)
    with service_errors():
        after_sale = services.after_sale_raise(
            actor=request.user,
            order=order,
            kind=payload.kind,
            reason=payload.reason,
            amount=payload.amount,
            exchange_sku=sku,
            exchange_quantity=payload.exchange_quantity,
        )
    return Status(201, get_or_404(_after_sales(), after_sale.pk, "after-sale"))


@router.post("/after-sales/{after_sale_id}/confirm", response=AfterSaleOut)
def after_sale_confirm(
    request: HttpRequest, after_sale_id: Id, payload: ConfirmIn
) -> AfterSale:
    """Confirm a request (LOG-4.2): a refund updates the order's amounts and state;
    `returned` puts the goods that came back into stock in the same step."""
    require_perm(request, "orders.change_aftersale")
    after_sale = get_or_404(AfterSale.objects.all(), after_sale_id, "after-sale")
    with service_errors():
        services.after_sale_confirm(
            actor=request.user,
            after_sale=after_sale,
            note=payload.note,
            returned=[ReturnedLine(**item.model_dump()) for item in payload.returned],
        )
    return get_or_404(_after_sales(), after_sale_id, "after-sale")


@router.post("/after-sales/{after_sale_id}/reject", response=AfterSaleOut)
def after_sale_reject(
    request: HttpRequest, after_sale_id: Id, payload: DecisionNoteIn
) -> AfterSale:
    """Reject a request; the note (why) is required."""
    require_perm(request, "orders.change_aftersale")
    after_sale = get_or_404(AfterSale.objects.all(), after_sale_id, "after-sale")
    with service_errors():
        services.after_sale_reject(
            actor=request.user, after_sale=after_sale, note=payload.note
        )
    return get_or_404(_after_sales(), after_sale_id, "after-sale")


# --- complaints -----------------------------------------------------------------


def _complaints() -> QuerySet[Complaint]:
    return Complaint.objects.select_related("order", "raised_by")


@router.get("/complaints", response=list[ComplaintOut])
def complaint_list(
    request: HttpRequest, show_all: QueryEx[bool, P(alias="all")] = False
) -> list[Complaint]:
    """Return the open complaints and disputes (`all=true`: the latest 500)."""
    require_perm(request, "orders.view_complaint")
    qs = (
        _complaints()
        if show_all
        else _complaints().exclude(
            state__in=[Complaint.State.RESOLVED, Complaint.State.CLOSED]
        )
    )
    return list(qs.order_by("-raised_at", "-pk")[:500])


@router.post("/complaints", response={201: ComplaintOut})
def complaint_create(request: HttpRequest, payload: ComplaintIn) -> Status:
    """Record a complaint or a dispute on an order (OPS-2.5)."""
    require_perm(request, "orders.add_complaint")
    order = get_or_404(Order.objects.all(), payload.order_id, "order")
    with service_errors():
        complaint = services.complaint_create(
            actor=request.user,
            order=order,
            kind=payload.kind,
            description=payload.description,
        )
    return Status(201, get_or_404(_complaints(), complaint.pk, "complaint"))


@router.post("/complaints/{complaint_id}", response=ComplaintOut)
def complaint_update(
    request: HttpRequest, complaint_id: Id, payload: ComplaintUpdateIn
) -> Complaint:
    """Move a complaint on: its state, and the outcome when it is closed."""
    require_perm(request, "orders.change_complaint")
    complaint = get_or_404(Complaint.objects.all(), complaint_id, "complaint")
    with service_errors():
        services.complaint_update(
            actor=request.user,
            complaint=complaint,
            state=payload.state,
            outcome=payload.outcome,
        )
    return get_or_404(_complaints(), complaint_id, "complaint")


# --- sales summary --------------------------------------------------------------


@router.get("/sales-summary", response=SalesSummaryOut)
def sales_summary(
    request: HttpRequest,
    shop: str,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
) -> dict[str, Any]:
    """Return a shop's sales over shop-local days [date_from, date_to] (default: the
    last 30 days), in total, by day and by province; money as decimal strings."""
    require_perm(request, "orders.view_order")
    found = _shop(shop)
    date_to = date_to or clock.today(found.time_zone)
    date_from = date_from or date_to - dt.timedelta(days=29)
    with service_errors():
        summary = summarise(shop_id=found.pk, date_from=date_from, date_to=date_to)
    return summary.as_json()
