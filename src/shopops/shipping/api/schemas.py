"""The schemas of the shipping API: what its endpoints take and answer."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from django.urls import reverse
from ninja import Field, Schema
from pydantic import AfterValidator

from shopops.core.api_helpers import Short, no_nul, username
from shopops.shipping import services
from shopops.shipping.couriers import (
    seller_center_name,
)
from shopops.shipping.models import (
    CourierDelay,
    HandoffProblem,
    PickList,
    QualityCheck,
    Shipment,
)

Code = Annotated[str, Field(max_length=32), AfterValidator(no_nul)]


class CourierOut(Schema):
    code: str
    name: str
    seller_center_name: str
    pattern: str
    hint: str


class ReserveIn(Schema):
    shop: Code = ""
    limit: int = Field(services.MAX_RESERVE_WAVE, ge=1, le=services.MAX_RESERVE_WAVE)


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
