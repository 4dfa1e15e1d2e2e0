"""The operations' state, and the small helpers every department uses."""

from __future__ import annotations

import datetime as dt
import random
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from shopops.demo.timeline import ShopClock, Timeline, at, local_day
from shopops.orders.models import Complaint, Hold, Order
from shopops.shipping.models import HandoffProblem, QualityCheck
from shopops.stock.models import Location

if TYPE_CHECKING:
    from shopops.demo.generator import _Builder, _Item
    from shopops.orders.models import OrderLine


BATCH = 1000
SALES_WINDOW = 28  # days of sales the opening balance and the buyers look at
# Warehouse zones by the category's parent: bulky camping gear, hiking, clothing,
# food and water; gas canisters are kept apart (dangerous goods).
ZONES = {"露营装备": "A", "徒步登山": "B", "户外服饰": "C", "户外食品饮水": "D"}
GAS_ZONE = "E"
PRODUCTS_PER_PLACE = 3
# The festivals logistics buys ahead of: (month, day); for how long, how much.
FESTIVALS = ((11, 11), (12, 12), (6, 18))
FESTIVAL_LEAD = dt.timedelta(days=28)
SAFETY_DAYS = 7
FESTIVAL_SAFETY_DAYS = 21
PAYMENT_TERMS = ("月结30天", "月结30天", "款到发货", "月结60天", "货到付款")
DEFECTS = (
    (QualityCheck.Defect.DAMAGED, "外包装压坏"),
    (QualityCheck.Defect.DEFECTIVE, "开关失灵"),
    (QualityCheck.Defect.DAMAGED, "表面划痕明显"),
    (QualityCheck.Defect.WRONG_ITEM, "颜色与订单不符"),
    (QualityCheck.Defect.DEFECTIVE, "拉链损坏"),
)
HANDOFF_NOTES = {
    HandoffProblem.Kind.LATE_PICKUP: "快递员 19:40 才到，比约定晚了一个多小时",
    HandoffProblem.Kind.MISSED_PICKUP: "约好 17:30 揽收，快递员未上门，包裹次日才交出",
    HandoffProblem.Kind.LOST_PARCEL: "揽收后物流信息停止更新，网点称找不到包裹",
    HandoffProblem.Kind.DAMAGED_IN_TRANSIT: "买家反馈外箱严重变形，商品受损",
    HandoffProblem.Kind.WRONG_LABEL: "面单地址打印不全，快递退回重贴",
}
COMPLAINTS = (
    (
        Complaint.Kind.COMPLAINT,
        "买家投诉快递三天没有更新物流信息",
        "已联系快递加急派送，买家已收货",
    ),
    (
        Complaint.Kind.COMPLAINT,
        "买家投诉客服回复太慢，等了两个小时",
        "客服主管致歉，送 5 元无门槛券",
    ),
    (
        Complaint.Kind.DISPUTE,
        "买家申请平台介入：称收到的商品有破损",
        "补发新件，买家撤销平台介入",
    ),
    (
        Complaint.Kind.DISPUTE,
        "买家申请平台介入：称商品与描述不符",
        "核对图片后同意退货退款，纠纷关闭",
    ),
    (Complaint.Kind.COMPLAINT, "买家投诉赠品未收到", "补寄赠品，买家满意"),
    (
        Complaint.Kind.DISPUTE,
        "买家称未收到货，快递显示已签收",
        "快递确认代签错误，已重新派送",
    ),
)
EXCHANGE_REASONS = (
    "尺码不合适，换大一码",
    "颜色不喜欢，换其他颜色",
    "规格拍错了，申请换货",
)
COMPENSATIONS = (
    (Decimal(5), "外包装破损，协商补偿 5 元"),
    (Decimal(10), "少发配件，补偿 10 元"),
    (Decimal(20), "物流太慢，协商补偿 20 元"),
)
OUTCOMES = (
    (Hold.Outcome.AGREED_TO_WAIT, "买家同意等待，到货后尽快发出"),
    (Hold.Outcome.INFORMED, "已留言告知买家预计到货时间"),
    (Hold.Outcome.UNREACHABLE, "电话未接通，已旺旺留言"),
)
REJECT_NOTES = (
    "商品已使用，影响二次销售，不符合七天无理由退货",
    "已超过七天无理由退货期限",
    "买家未按约定寄回商品",
)


def known(moment: dt.datetime | None) -> dt.datetime:
    """Return a time the order history guarantees (a shipped order was paid …)."""
    if moment is None:
        raise ValueError("the order history lacks a time its state implies")
    return moment


def first_of_previous_month(day: dt.date) -> dt.date:
    return (day.replace(day=1) - dt.timedelta(days=1)).replace(day=1)


@dataclass
class _Level:
    """A stock level as the day's shipment replay sees it."""

    pk: int
    sku_id: int
    on_hand: int
    reserved: int
    quarantined: int
    lot_id: int
    expiry: dt.date | None
    location: str

    @property
    def available(self) -> int:
        return self.on_hand - self.reserved - self.quarantined

    def fefo(self) -> tuple[dt.date, int, str]:
        return (self.expiry or dt.date.max, self.lot_id, self.location)

    def usable(self, day: dt.date) -> bool:
        """Return True if the lot may still be sold on `day` (not expired)."""
        return self.expiry is None or self.expiry > day


@dataclass
class _Open:
    """A paid order waiting to ship, and how today treats it."""

    order: Order
    lines: list[OrderLine]
    reserve_at: dt.datetime
    # "reserve", or the hold it gets instead: a HoldReason value
    plan: str = "reserve"
    note: str = ""


@dataclass
class _Roles:
    """SKUs with a part to play."""

    # sku id → days left at today: an old lot that expires soon
    expiring: dict[int, int] = field(default_factory=dict)
    # sku id → the expiry date of an old lot that is past it
    expired: dict[int, dt.date] = field(default_factory=dict)
    counted_expired: int | None = None  # the expired lot that last week's count found
    # sku id → "out_of_stock" | "cannot_buy" | "ran_out": stock runs out by today
    doomed: dict[int, str] = field(default_factory=dict)
    # sku id → the one day logistics may still order it (a delivery due after today)
    reorder_day: dict[int, dt.date] = field(default_factory=dict)


class _Base:
    # Set by the departments' planning (shipping's, customer service's), read
    # by others.
    units: dict[int, list[tuple[dt.datetime, int]]]
    last_evening: dt.datetime

    def __init__(self, builder: _Builder) -> None:
        self.b = builder
        self.rng = random.Random(builder.rng.getrandbits(64))
        self.now = builder.now
        self.today = builder.today
        self.go_live = first_of_previous_month(self.today)
        self.clock = ShopClock(self.now)
        self.timeline = Timeline(self.clock)
        self.started = time.monotonic()
        self.user: dict[str, Any] = {
            name: builder.staff[name].user
            for name in (
                "logistics",
                "shipping",
                "cs_evening",
                "cs_after_sale",
                "ops_manager",
            )
        }
        self.items: dict[int, _Item] = {
            item.sku.pk: item for plan in builder.plans for item in plan.items
        }
        self.orders: list[tuple[Order, list[OrderLine]]] = builder.placed
        self.by_no = {order.order_no: (order, lines) for order, lines in self.orders}
        self.roles = _Roles()
        self.lot_numbers: dict[int, set[str]] = defaultdict(set)
        self.home: dict[int, Location] = {}  # product id → its shelf place
        self.arrival: dict[int, dt.date] = {}  # purchase order → delivery day
        self.shipped_from: dict[int, list[tuple[int, int]]] = {}  # line → levels
        self.open: list[_Open] = []
        self.emergencies = 0
        self.holds: dict[int, Hold] = {}  # order id → the hold a story made
        self.tracking: set[tuple[str, str]] = set()

    def stage(self, text: str) -> None:
        self.b.stage(f"{text} (+{time.monotonic() - self.started:.1f} s)")

    def fresh(self, moment: dt.datetime) -> bool:
        """Return True if a hold made at `moment` waits for this evening's shift."""
        return moment > self.last_evening

    def shelf_life(self, sku_id: int) -> int | None:
        return self.items[sku_id].product.shelf_life_days

    @staticmethod
    def bind(action: Callable[[dt.date], None], day: dt.date) -> Callable[[], None]:
        return lambda: action(day)

    def as_if(self, order: Order, **fields: Any) -> None:
        """Set an order's fields as they were at the clock's moment (the history is
        written with the final state; the services check the state of the moment)."""
        Order.objects.filter(pk=order.pk).update(**fields)

    def restore(self, order: Order, *fields: str) -> None:
        """Put back the order's final state after its story ran."""
        Order.objects.filter(pk=order.pk).update(
            **{name: getattr(order, name) for name in fields}
        )

    def in_period(self, moment: dt.datetime | None) -> bool:
        return moment is not None and moment >= at(self.go_live, 8, 30)

    def next_slot(self, after: dt.datetime) -> dt.datetime:
        """Return when logistics decides a request raised at `after`: at its 10:00 or
        20:00 round, or soon after if that is still to come."""
        day = local_day(after)
        for slot in (at(day, 10), at(day, 20), at(day + dt.timedelta(days=1), 10)):
            if slot > after:
                moment = slot + dt.timedelta(minutes=self.rng.uniform(0, 40))
                if moment < self.now:
                    return moment
                break
        return min(
            after + dt.timedelta(minutes=self.rng.uniform(10, 60)),
            self.now - dt.timedelta(minutes=1),
        )
