"""The shipping API: couriers, reserving and pick lists, the quality check at packing,
shipments and the bulk-shipping CSV, courier delays, hand-off problems and the weekly
analysis.

Thin, like the pages: check the page's permission, parse, call a selector or a service.
A service's refusal (ValidationError) answers 422 with its message — shipping an order
whose quality check failed or is missing among them — a missing object 404.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from ninja import Field, File, Router, Schema, Status
from ninja.errors import HttpError
from ninja.files import UploadedFile
from pydantic import AfterValidator

from shopops.core import clock
from shopops.core.api_auth import require_perm
from shopops.core.api_helpers import Id, Short, no_nul, service_errors, username
from shopops.orders.models import Order
from shopops.org.models import Shop
from shopops.shipping import exports, selectors, services
from shopops.shipping.couriers import (
    TRACKING_HINTS,
    TRACKING_PATTERNS,
    Courier,
    seller_center_name,
)
from shopops.shipping.models import (
    CourierDelay,
    HandoffProblem,
    PickList,
    QualityCheck,
    Shipment,
)

router = Router(tags=["shipping"])


Code = Annotated[str, Field(max_length=32), AfterValidator(no_nul)]


# --- schemas ------------------------------------------------------------------


class CourierOut(Schema):
    code: str
    name: str
    seller_center_name: str
    pattern: str
    hint: str


class ReserveIn(Schema):
    shop: Code = ""
    limit: int = Field(services.MAX_WAVE, ge=1, le=services.MAX_WAVE)


class ReserveOut(Schema):
    reserved: list[str]
    short: dict[str, dict[str, int]]
    released: list[str]  # were held as out of stock; the stock now serves them


class PickListIn(Schema):
    shop: Code = ""
    limit: int = Field(50, ge=1, le=services.MAX_WAVE)


class PickListLineOut(Schema):
    position: int
    location_code: str
    outer_code: str
    title: str
    lot_no: str
    quantity: int
    orders: dict[str, int]

    @staticmethod
    def resolve_orders(obj: Any) -> dict[str, int]:
        return dict(obj.order_quantities)


class PickListOut(Schema):
    id: int
    number: str
    state: str
    shop: str | None
    created_at: dt.datetime
    created_by: str | None
    closed_at: dt.datetime | None
    order_nos: list[str]
    lines: list[PickListLineOut]

    @staticmethod
    def resolve_shop(obj: PickList) -> str | None:
        return obj.shop.code if obj.shop else None

    @staticmethod
    def resolve_created_by(obj: PickList) -> str | None:
        return username(obj.created_by)

    @staticmethod
    def resolve_order_nos(obj: PickList) -> list[str]:
        return [e.order.order_no for e in obj.entries.all()]

    @staticmethod
    def resolve_lines(obj: PickList) -> list[Any]:
        return list(obj.lines.all())


class PickListSummaryOut(Schema):
    id: int
    number: str
    state: str
    shop: str | None
    created_at: dt.datetime
    closed_at: dt.datetime | None
    order_count: int

    @staticmethod
    def resolve_shop(obj: PickList) -> str | None:
        return obj.shop.code if obj.shop else None


class QcIn(Schema):
    line_id: int
    result: Code
    quantity: int | None = Field(None, ge=1, le=100_000)
    defect_reason: Code = ""
    note: Short = ""


class QcOut(Schema):
    id: int
    order_id: int
    line_id: int
    sku: str | None
    quantity: int
    result: str
    defect_reason: str
    note: str
    photo_url: str | None
    checked_at: dt.datetime
    checked_by: str | None

    @staticmethod
    def resolve_sku(obj: QualityCheck) -> str | None:
        return obj.sku.outer_code if obj.sku else None

    @staticmethod
    def resolve_photo_url(obj: QualityCheck) -> str | None:
        return reverse("shipping:qc_photo", args=[obj.pk]) if obj.photo else None

    @staticmethod
    def resolve_checked_by(obj: QualityCheck) -> str | None:
        return username(obj.checked_by)


class QcLineOut(Schema):
    line_id: int
    outer_code: str
    title: str
    quantity: int
    passed: int
    state: str
    checks: list[QcOut]


class ShipmentIn(Schema):
    courier: Code
    tracking_no: Code


class ShipmentOut(Schema):
    id: int
    order_id: int
    order_no: str
    shop: str
    courier: str
    courier_name: str
    tracking_no: str
    shipped_at: dt.datetime
    shipped_by: str | None

    @staticmethod
    def resolve_order_no(obj: Shipment) -> str:
        return obj.order.order_no

    @staticmethod
    def resolve_shop(obj: Shipment) -> str:
        return obj.order.shop.code

    @staticmethod
    def resolve_courier_name(obj: Shipment) -> str:
        return seller_center_name(obj.courier)

    @staticmethod
    def resolve_shipped_by(obj: Shipment) -> str | None:
        return username(obj.shipped_by)


class PackOut(Schema):
    order_id: int
    order_no: str
    shop: str
    status: str
    province: str
    courier: str
    holds: list[str]
    qc_passed: bool
    lines: list[QcLineOut]
    shipment: ShipmentOut | None


class DelayIn(Schema):
    courier: Code
    province: Annotated[str, Field(max_length=20), AfterValidator(no_nul)] = ""
    note: Short = ""


class LiftIn(Schema):
    release_holds: bool = True


class DelayOut(Schema):
    id: int
    courier: str
    province: str
    note: str
    declared_at: dt.datetime
    declared_by: str | None
    lifted_at: dt.datetime | None
    lifted_by: str | None
    active: bool
    held_order_nos: list[str]

    @staticmethod
    def resolve_declared_by(obj: CourierDelay) -> str | None:
        return username(obj.declared_by)

    @staticmethod
    def resolve_lifted_by(obj: CourierDelay) -> str | None:
        return username(obj.lifted_by)

    @staticmethod
    def resolve_held_order_nos(obj: CourierDelay) -> list[str]:
        return sorted(h.order.order_no for h in obj.holds.all())


class ApplyOut(Schema):
    held: int


class ProblemIn(Schema):
    courier: Code
    kind: Code
    note: Short = ""
    order_id: int | None = None
    at: dt.datetime | None = None


class ProblemOut(Schema):
    id: int
    courier: str
    kind: str
    note: str
    order_no: str | None
    at: dt.datetime
    recorded_by: str | None

    @staticmethod
    def resolve_order_no(obj: HandoffProblem) -> str | None:
        return obj.order.order_no if obj.order else None

    @staticmethod
    def resolve_recorded_by(obj: HandoffProblem) -> str | None:
        return username(obj.recorded_by)


class RateOut(Schema):
    key: str
    label: str
    checked: int
    failed: int
    rate: str


class ReasonCount(Schema):
    reason: str
    label: str
    count: int


class LateOut(Schema):
    order_id: int
    order_no: str
    paid_at: dt.datetime
    shipped_at: dt.datetime
    hours: str


class CourierProblemsOut(Schema):
    courier: str
    label: str
    total: int
    by_kind: dict[str, int]


class ReturnedSkuOut(Schema):
    outer_code: str
    returned: int
    damaged: int
    damaged_rate: str


class AnalysisOut(Schema):
    week: str
    qc_checked: int
    qc_failed: int
    qc_rate: str
    qc_by_sku: list[RateOut]
    qc_by_supplier: list[RateOut]
    holds_by_reason: list[ReasonCount]
    shipped: int
    late_count: int
    late: list[LateOut]
    problems: list[CourierProblemsOut]
    returns: list[ReturnedSkuOut]  # goods buyers sent back in the week, by SKU


# --- helpers ------------------------------------------------------------------


def _shop_id(code: str) -> int | None:
    if not code:
        return None
    shop = Shop.objects.filter(code=code).first()
    if shop is None:
        raise HttpError(404, f"shop {code!r} not found")
    return shop.pk


def _order(order_id: int) -> Order:
    order = Order.objects.select_related("shop").filter(pk=order_id).first()
    if order is None:
        raise HttpError(404, f"order {order_id} not found")
    return order


def _pick_lists() -> QuerySet[PickList]:
    return PickList.objects.select_related("shop", "created_by").prefetch_related(
        "lines", "entries__order"
    )


def _pick_list(pk: int) -> PickList:
    found = _pick_lists().filter(pk=pk).first()
    if found is None:
        raise HttpError(404, f"pick list {pk} not found")
    return found


def _shipments() -> QuerySet[Shipment]:
    return Shipment.objects.select_related("order", "order__shop", "shipped_by")


def _delays() -> QuerySet[CourierDelay]:
    return CourierDelay.objects.select_related(
        "declared_by", "lifted_by"
    ).prefetch_related("holds__order")


def _pack(order: Order) -> dict[str, Any]:
    statuses = selectors.qc_status(order)
    return {
        "order_id": order.pk,
        "order_no": order.order_no,
        "shop": order.shop.code,
        "status": order.status,
        "province": order.province,
        "courier": order.courier,
        "holds": list(
            order.holds.filter(released_at__isnull=True).values_list(
                "reason", flat=True
            )
        ),
        "qc_passed": selectors.qc_passed(statuses),
        "lines": [
            {
                "line_id": s.line.pk,
                "outer_code": s.line.outer_code,
                "title": s.line.title,
                "quantity": s.line.quantity,
                "passed": s.passed,
                "state": s.state,
                "checks": s.checks,
            }
            for s in statuses
        ],
        "shipment": _shipments().filter(order=order).first(),
    }


def _week(text: str) -> Any:
    try:
        return selectors.week_parse(text)
    except ValueError as exc:
        raise HttpError(422, str(exc)) from exc


def _range(
    date_from: dt.date | None, date_to: dt.date | None
) -> tuple[dt.date, dt.date]:
    date_to = date_to or clock.today()
    date_from = date_from or date_to
    if date_from > date_to or (date_to - date_from).days > 366:
        raise HttpError(
            422, "date_from must not be after date_to, at most 366 days apart"
        )
    return date_from, date_to


# --- couriers, reserving and pick lists -------------------------------------------


@router.get("/shipping/couriers", response=list[CourierOut])
def courier_list(request: HttpRequest) -> list[dict[str, str]]:
    """Return the couriers and the tracking-number format each one takes."""
    require_perm(request, "shipping.view_shipment")
    return [
        {
            "code": code,
            "name": str(label),
            "seller_center_name": seller_center_name(code),
            "pattern": TRACKING_PATTERNS[code].pattern,
            "hint": str(TRACKING_HINTS[code]),
        }
        for code, label in Courier.choices
    ]


@router.post("/shipping/reservations", response=ReserveOut)
def reserve_waiting(request: HttpRequest, payload: ReserveIn) -> dict[str, Any]:
    """Reserve stock for paid, unheld orders that have none; an order short of stock
    is held as out of stock and handed to the evening customer service. Orders held
    as out of stock that the stock now serves are reserved and released (`released`,
    also in `reserved`)."""
    require_perm(request, "shipping.add_picklist")
    with service_errors():
        summary = services.orders_reserve_waiting(
            actor=request.user, shop_id=_shop_id(payload.shop), limit=payload.limit
        )
    return {
        "reserved": summary.reserved,
        "short": summary.short,
        "released": summary.released,
    }


@router.get("/shipping/pick-lists", response=list[PickListSummaryOut])
def pick_list_list(request: HttpRequest, state: str = "") -> list[PickList]:
    require_perm(request, "shipping.view_picklist")
    if state and state not in PickList.State.values:
        raise HttpError(422, f"state must be one of {PickList.State.values}")
    return list(selectors.pick_list_list(state=state)[:200])


@router.post("/shipping/pick-lists", response={201: PickListOut})
def pick_list_create(request: HttpRequest, payload: PickListIn) -> Status:
    """Put the oldest reserved, unheld orders on a new pick list, its lines sorted by
    location code, then SKU."""
    require_perm(request, "shipping.add_picklist")
    with service_errors():
        pick_list = services.pick_list_create(
            actor=request.user, shop_id=_shop_id(payload.shop), limit=payload.limit
        )
    return Status(201, _pick_list(pick_list.pk))


@router.get("/shipping/pick-lists/{pick_list_id}", response=PickListOut)
def pick_list_get(request: HttpRequest, pick_list_id: Id) -> PickList:
    require_perm(request, "shipping.view_picklist")
    return _pick_list(pick_list_id)


@router.post("/shipping/pick-lists/{pick_list_id}/close", response=PickListOut)
def pick_list_close(request: HttpRequest, pick_list_id: Id) -> PickList:
    require_perm(request, "shipping.change_picklist")
    pick_list = _pick_list(pick_list_id)
    with service_errors():
        services.pick_list_close(actor=request.user, pick_list=pick_list)
    return _pick_list(pick_list_id)


# --- the pack station -------------------------------------------------------------


@router.get("/shipping/pack", response=list[PackOut])
def pack_lookup(request: HttpRequest, order_no: str, shop: str = "") -> list[Any]:
    """Return the order(s) with this number, each line's quality check and shipment."""
    require_perm(request, "shipping.add_shipment")
    qs = Order.objects.select_related("shop").filter(order_no=order_no.strip()[:32])
    shop_id = _shop_id(shop)
    if shop_id is not None:
        qs = qs.filter(shop_id=shop_id)
    return [_pack(order) for order in qs.order_by("shop__code")]


@router.get("/shipping/orders/{order_id}/qc", response=PackOut)
def qc_status(request: HttpRequest, order_id: Id) -> dict[str, Any]:
    require_perm(request, "shipping.view_qualitycheck")
    return _pack(_order(order_id))


@router.post("/shipping/orders/{order_id}/qc", response={201: QcOut})
def qc_record(request: HttpRequest, order_id: Id, payload: QcIn) -> Status:
    """Record the check of units of a line. A failed unit is quarantined and the order
    gets the quality hold (evening customer service is told)."""
    require_perm(request, "shipping.add_qualitycheck")
    order = _order(order_id)
    line = order.lines.filter(pk=payload.line_id).first()
    if line is None:
        raise HttpError(404, f"line {payload.line_id} of order {order_id} not found")
    with service_errors():
        check = services.qc_record(
            actor=request.user,
            order=order,
            line=line,
            result=payload.result,
            quantity=payload.quantity,
            defect_reason=payload.defect_reason,
            note=payload.note,
        )
    return Status(201, check)


@router.post("/shipping/orders/{order_id}/qc/pass-all", response={201: list[QcOut]})
def qc_pass_all(request: HttpRequest, order_id: Id) -> Status:
    require_perm(request, "shipping.add_qualitycheck")
    with service_errors():
        checks = services.qc_pass_all(actor=request.user, order=_order(order_id))
    return Status(201, checks)


@router.post("/shipping/qc/{qc_id}/photo", response=QcOut)
def qc_photo(
    request: HttpRequest, qc_id: Id, photo: File[UploadedFile]
) -> QualityCheck:
    """Attach a photo (JPEG, PNG, GIF, WebP or HEIC, at most 10 MB) to a check."""
    require_perm(request, "shipping.add_qualitycheck")
    check = QualityCheck.objects.filter(pk=qc_id).first()
    if check is None:
        raise HttpError(404, f"quality check {qc_id} not found")
    with service_errors():
        return services.qc_photo_attach(actor=request.user, check=check, photo=photo)


@router.post("/shipping/orders/{order_id}/shipment", response={201: ShipmentOut})
def shipment_create(request: HttpRequest, order_id: Id, payload: ShipmentIn) -> Status:
    """Ship an order with a courier and its tracking number. Refused (422) when the
    order is held or not paid, when any unit's quality check failed or is missing,
    when the number is not that courier's format, or when the courier is delayed."""
    require_perm(request, "shipping.add_shipment")
    with service_errors():
        shipment = services.shipment_create(
            actor=request.user,
            order=_order(order_id),
            courier=payload.courier,
            tracking_no=payload.tracking_no,
        )
    return Status(201, _shipments().get(pk=shipment.pk))


@router.get("/shipping/shipments", response=list[ShipmentOut])
def shipment_list(
    request: HttpRequest,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    shop: str = "",
) -> list[Shipment]:
    """Return the shipments of shop-local days [date_from, date_to] (default today)."""
    require_perm(request, "shipping.view_shipment")
    date_from, date_to = _range(date_from, date_to)
    return list(
        selectors.shipment_list(
            date_from=date_from, date_to=date_to, shop_id=_shop_id(shop)
        ).order_by("shipped_at", "pk")[:5000]
    )


@router.get("/shipping/shipments/bulk-shipping.csv")
def shipment_bulk_csv(
    request: HttpRequest,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    shop: str = "",
) -> HttpResponse:
    """Return the seller center's bulk-shipping CSV (GBK: 订单编号, 物流公司, 运单号)."""
    require_perm(request, "shipping.view_shipment")
    date_from, date_to = _range(date_from, date_to)
    qs = selectors.shipment_list(
        date_from=date_from, date_to=date_to, shop_id=_shop_id(shop)
    )
    return exports.bulk_shipping_response(qs, date_from, date_to)


# --- courier delays -----------------------------------------------------------------


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
    delay = CourierDelay.objects.filter(pk=delay_id).first()
    if delay is None:
        raise HttpError(404, f"delay {delay_id} not found")
    with service_errors():
        return {"held": services.courier_delay_apply(actor=request.user, delay=delay)}


@router.post("/shipping/delays/{delay_id}/lift", response=DelayOut)
def delay_lift(request: HttpRequest, delay_id: Id, payload: LiftIn) -> CourierDelay:
    require_perm(request, "shipping.change_courierdelay")
    delay = CourierDelay.objects.filter(pk=delay_id).first()
    if delay is None:
        raise HttpError(404, f"delay {delay_id} not found")
    with service_errors():
        services.courier_delay_lift(
            actor=request.user, delay=delay, release_holds=payload.release_holds
        )
    return _delays().get(pk=delay_id)


# --- hand-off problems and the weekly analysis -------------------------------------


@router.get("/shipping/handoff-problems", response=list[ProblemOut])
def problem_list(request: HttpRequest, week: str = "") -> list[HandoffProblem]:
    """Return the hand-off problems of an ISO week ("2025-W24"; default this week)."""
    require_perm(request, "shipping.view_handoffproblem")
    start, end = selectors.week_bounds(_week(week))
    return list(selectors.handoff_problem_list(start=start, end=end))


@router.post("/shipping/handoff-problems", response={201: ProblemOut})
def problem_record(request: HttpRequest, payload: ProblemIn) -> Status:
    require_perm(request, "shipping.add_handoffproblem")
    order = _order(payload.order_id) if payload.order_id is not None else None
    with service_errors():
        problem = services.handoff_problem_record(
            actor=request.user,
            courier=payload.courier,
            kind=payload.kind,
            note=payload.note,
            order=order,
            at=payload.at,
        )
    return Status(201, problem)


@router.get("/shipping/analysis", response=AnalysisOut)
def analysis(request: HttpRequest, week: str = "") -> dict[str, Any]:
    """Return an ISO week's shipping analysis (LOG-2.6, OPS-3.4): quality-check failure
    rates by SKU and supplier, holds by reason, orders shipped over 48 hours after
    payment, hand-off problems by courier."""
    require_perm(request, "shipping.view_analysis")
    a = selectors.shipping_analysis_for_week(_week(week))

    def rates(rows: list[selectors.QcRate]) -> list[dict[str, Any]]:
        return [
            {
                "key": r.key,
                "label": r.label,
                "checked": r.checked,
                "failed": r.failed,
                "rate": str(r.rate),
            }
            for r in rows
        ]

    return {
        "returns": [
            {
                "outer_code": r.outer_code,
                "returned": r.returned,
                "damaged": r.damaged,
                "damaged_rate": str(r.damaged_rate),
            }
            for r in a.returns
        ],
        "week": str(a.week),
        "qc_checked": a.qc_checked,
        "qc_failed": a.qc_failed,
        "qc_rate": str(a.qc_rate),
        "qc_by_sku": rates(a.qc_by_sku),
        "qc_by_supplier": rates(a.qc_by_supplier),
        "holds_by_reason": [
            {"reason": r, "label": label, "count": n}
            for r, label, n in a.holds_by_reason
        ],
        "shipped": a.shipped,
        "late_count": len(a.late),
        "late": [
            {
                "order_id": o.order_id,
                "order_no": o.order_no,
                "paid_at": o.paid_at,
                "shipped_at": o.shipped_at,
                "hours": str(o.hours),
            }
            for o in a.late[:1000]
        ],
        "problems": [
            {
                "courier": p.courier,
                "label": p.label,
                "total": p.total,
                "by_kind": p.by_kind,
            }
            for p in a.problems
        ],
    }
