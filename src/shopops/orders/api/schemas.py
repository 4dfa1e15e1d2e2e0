"""The schemas of the orders API: what its endpoints take and answer."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from ninja import Field, Schema
from pydantic import AfterValidator

from shopops.core.api_helpers import (
    Long,
    MoneyOut,
    Short,
    no_nul,
    username,
)
from shopops.orders.models import (
    Complaint,
    Hold,
    Order,
)


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
    """An after-sale as the order's detail shows it (`Order.after_sales`, the reverse
    relation of `aftersales.AfterSale`); the after-sales API answers with it too."""

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
    def resolve_order_no(obj: Any) -> str:
        return obj.order.order_no

    @staticmethod
    def resolve_exchange_sku(obj: Any) -> str | None:
        return obj.exchange_sku.outer_code if obj.exchange_sku else None

    @staticmethod
    def resolve_raised_by(obj: Any) -> str | None:
        return username(obj.raised_by)

    @staticmethod
    def resolve_decided_by(obj: Any) -> str | None:
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
