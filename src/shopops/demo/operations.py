"""The demo company at work: its warehouse, purchasing, shipping and customer service.

The company started running its warehouse on shopops on the first day of last month
(the go-live): that morning's count is the stock ledger's opening balance, received
through `stock_receive` onto the shelf places of the one warehouse. From then until
the real "now", day by day and in time order (`timeline.Timeline`):

- deliveries arrive in the morning and are received against their purchase orders,
  with lots and expiry dates (some a day or two late, some short, a few over);
- the day's shipments reserve and consume stock first expiry first out, each with its
  quality check and shipment record;
- at 17:00 on working days the purchase suggestions are built; logistics accepts those
  of the suppliers it orders from that weekday (buying more before the big festivals,
  nothing of a SKU the supplier cannot deliver), and the 18:00 cut-off makes the
  purchase orders;
- what the order history tells (an order shipped late for want of stock or after a
  failed check, a cancellation, a return, a compensation) becomes holds with the
  evening shift's outcomes, after-sale requests that logistics confirms or rejects,
  and complaints; shipping logs the couriers' hand-off problems;
- a count was posted last week (it found an expired lot), and on the 1st at 09:00 last
  month's stock report was built;
- and today: the open paid orders are reserved (those whose stock ran out are held),
  a courier is delayed, a wave is picked and partly checked, with a failure or two;
  today's unhandled holds wait for the evening shift, and the purchase suggestions of
  the purchasing day wait for logistics.

Every write goes through the services of the app that owns it, with the clock set to
the moment it happened (`timeline.ShopClock`), except:

- the replay of past shipments: thousands of orders reserve, pass their check and ship,
  and the services take milliseconds an order, so their movements, reservations,
  checks and shipments are written in bulk, with the stock levels they leave, exactly
  as the services would; a past failed check is written as its row too (the unit is
  set aside and the order held through the services);
- an order's state around its story: the history is written with each order's final
  state, and the services check the state of their moment, so an order is set as it
  was (paid, not yet shipped or refunded) while its story runs, then put back;
- the notifications of the past, marked read.
"""

from __future__ import annotations

import datetime as dt
import math
import random
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from functools import partial
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db.models import DateTimeField, ExpressionWrapper, F

from shopops.aftersales.models import AfterSale
from shopops.aftersales.services import (
    after_sale_confirm,
    after_sale_raise,
    after_sale_reject,
    hold_outcome_record,
)
from shopops.catalog.models import Product, Sku
from shopops.core.models import Notification
from shopops.demo import timeline
from shopops.demo.timeline import ShopClock, Timeline, at, local_day, next_evening
from shopops.orders.models import Complaint, Hold, HoldReason, Order
from shopops.orders.selectors import evening_queue
from shopops.orders.services import (
    complaint_create,
    complaint_update,
    hold_release,
    order_hold,
)
from shopops.purchasing.models import (
    RECEIVABLE_STATES,
    PurchaseOrder,
    PurchaseSuggestion,
)
from shopops.purchasing.selectors import purchasing_day
from shopops.purchasing.services import (
    ReceiveLine,
    purchase_cutoff,
    purchase_order_receive,
    purchase_settings_update,
    purchase_suggestion_set_quantity,
    purchase_suggestions_accept_supplier,
    purchase_suggestions_build,
    supplier_price_set,
    supplier_terms_update,
)
from shopops.shipping.couriers import courier_from_name, names_of
from shopops.shipping.models import HandoffProblem, QualityCheck, Shipment
from shopops.shipping.services import (
    courier_delay_apply,
    courier_delay_declare,
    handoff_problem_record,
    pick_list_create,
    qc_pass_all,
    qc_record,
)
from shopops.stock.counts import (
    count_line_record,
    count_sheet_create,
    count_sheet_post,
    count_sheet_submit,
)
from shopops.stock.models import (
    CountLine,
    CountSheet,
    Location,
    Movement,
    Reservation,
    StockLevel,
)
from shopops.stock.reports import previous_month, stock_report_build
from shopops.stock.services import (
    ReturnedLine,
    location_create,
    stock_quarantine,
    stock_quarantine_resolve,
    stock_receive,
    stock_reserve_order,
    warehouse_create,
)

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


def build_operations(builder: _Builder) -> None:
    """Run the company's warehouse, purchasing, shipping and service from the go-live
    to now (see the module's docstring); add the counts to the builder's."""
    _Operations(builder).run()


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


class _Operations:
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

    # --- the plan ---------------------------------------------------------------

    def run(self) -> None:
        with self.clock.installed():
            self.plan_suppliers()
            self.plan_shipments()
            self.plan_open_orders()
            self.plan_roles()
            self.schedule()
            self.stage("operations planned")
            ran = self.timeline.run()
            self.finish()
        self.stage(f"operations: {ran:,} events")

    def plan_shipments(self) -> None:
        """Draw when each shipment of the period reserved and passed its check."""
        rng = self.rng
        self.ship_plan: dict[int, tuple[dt.datetime, dt.datetime]] = {}
        self.by_day: dict[dt.date, list[tuple[Order, list[OrderLine]]]] = defaultdict(
            list
        )
        self.units: dict[int, list[tuple[dt.datetime, int]]] = defaultdict(list)
        for order, lines in self.orders:
            shipped = order.shipped_at
            if shipped is None or local_day(shipped) < self.go_live:
                continue
            reserved = max(
                known(order.paid_at),
                shipped - dt.timedelta(minutes=rng.uniform(20, 90)),
            )
            checked = max(reserved, shipped - dt.timedelta(minutes=rng.uniform(2, 15)))
            self.ship_plan[order.pk] = (reserved, checked)
            self.by_day[local_day(shipped)].append((order, lines))
            for line in lines:
                if line.sku_id:
                    self.units[line.sku_id].append((reserved, line.quantity))
        for day_orders in self.by_day.values():
            day_orders.sort(key=lambda x: (x[0].shipped_at, x[0].pk))

    def plan_open_orders(self) -> None:
        """Draw when each paid, unshipped order is reserved (or held)."""
        rng = self.rng
        for order, lines in self.orders:
            if order.status != Order.Status.PAID or order.refund_state:
                continue
            paid = known(order.paid_at)
            when = paid + dt.timedelta(minutes=rng.uniform(3, 40))
            when = max(paid, min(when, self.now - dt.timedelta(minutes=1)))
            self.open.append(_Open(order, lines, when))
        self.open.sort(key=lambda o: (o.reserve_at, o.order.pk))
        self.last_evening = timeline.last_evening(self.now)

    def fresh(self, moment: dt.datetime) -> bool:
        """Return True if a hold made at `moment` waits for this evening's shift."""
        return moment > self.last_evening

    def shelf_life(self, sku_id: int) -> int | None:
        return self.items[sku_id].product.shelf_life_days

    def plan_roles(self) -> None:
        """Choose the SKUs with old or expired lots and those that run out, and what
        today does with each open order; then the opening balance."""
        rng = self.rng
        roles = self.roles
        in_open = {line.sku_id for o in self.open for line in o.lines if line.sku_id}
        waiting = {
            code
            for o in self.open
            if (code := self.b.stories.waiting_for_stock.get(o.order.order_no))
        }
        active = [
            sku_id
            for sku_id, item in sorted(self.items.items())
            if item.product.status == Product.Status.ACTIVE
        ]
        shelf = [s for s in active if self.shelf_life(s)]
        rng.shuffle(shelf)
        expired_days = (12, 2) if self.b.scale.name == "full" else (12,)
        for days in expired_days:
            free = [s for s in shelf if s not in in_open and s not in roles.expired]
            if free:
                roles.expired[free[0]] = self.today - dt.timedelta(days=days)
                if roles.counted_expired is None:
                    roles.counted_expired = free[0]
        offsets = (
            (9, 24, 38, 52, 67, 83) if self.b.scale.name == "full" else (15, 45, 75)
        )
        spare = [
            s
            for s in shelf
            if s not in roles.expired and self.items[s].sku.outer_code not in waiting
        ]
        for sku_id, days in zip(spare, offsets, strict=False):
            roles.expiring[sku_id] = days
        self.plan_doomed(active, in_open)

    def plan_doomed(self, active: list[int], in_open: set[int]) -> None:
        """Let some SKUs run out by today: those the waiting orders miss, one the
        supplier cannot deliver any more, more until this evening's queue has work,
        and one that no open order wants."""
        rng = self.rng
        roles = self.roles
        taken = set(roles.expiring) | set(roles.expired)
        by_code = {item.sku.outer_code: sku_id for sku_id, item in self.items.items()}
        for o in self.open:
            code = self.b.stories.waiting_for_stock.get(o.order.order_no)
            sku_id = by_code.get(code or "")
            if sku_id and sku_id not in taken:
                roles.doomed.setdefault(sku_id, HoldReason.OUT_OF_STOCK)
        candidates = sorted(
            s for s in in_open if s not in taken and s not in roles.doomed
        )
        rng.shuffle(candidates)
        if candidates:
            roles.doomed[candidates.pop()] = HoldReason.CANNOT_BUY
        self.assign_open_plans()
        target = rng.randint(7, 11) if self.b.scale.name == "full" else 4
        for sku_id in candidates:
            before = self.fresh_holds()
            if before >= target - 3:  # the courier delay and the checks add a few
                break
            roles.doomed[sku_id] = HoldReason.OUT_OF_STOCK
            self.assign_open_plans()
            reserved = sum(1 for o in self.open if o.plan == "reserve")
            if not before < self.fresh_holds() <= 12 or reserved < 4:
                del roles.doomed[sku_id]  # no help, or nothing left to pick today
                self.assign_open_plans()
        sold = [
            s
            for s in active
            if s not in in_open
            and s not in taken
            and s not in roles.doomed
            and len(self.units.get(s, [])) >= 2
            and not self.shelf_life(s)
        ]
        if sold:
            roles.doomed[rng.choice(sold)] = "ran_out"
        for sku_id, kind in roles.doomed.items():
            if kind != HoldReason.CANNOT_BUY:
                self.plan_reorder(sku_id)

    def assign_open_plans(self) -> None:
        """Decide, for today's state of the doomed SKUs, which open orders are
        reserved and which are held (and why)."""
        last_use = {
            sku_id: max((t for t, _ in self.units.get(sku_id, [])), default=None)
            for sku_id in self.roles.doomed
        }
        stories = self.b.stories
        for o in self.open:
            o.plan, o.note = "reserve", ""
            missing = [
                line
                for line in o.lines
                if line.sku_id in self.roles.doomed
                # Orders reserved before the last units left were served.
                and not (
                    (used := last_use[line.sku_id]) is not None and o.reserve_at < used
                )
            ]
            no = o.order.order_no
            if any(
                self.roles.doomed[line.sku_id or 0] == "cannot_buy" for line in missing
            ):
                line = next(
                    x
                    for x in missing
                    if self.roles.doomed[x.sku_id or 0] == "cannot_buy"
                )
                o.plan = HoldReason.CANNOT_BUY
                o.note = f"{line.outer_code}：厂家已停产，无法补货"
            elif missing:
                # The stock ledger holds it when it tries to reserve (its own note).
                o.plan = HoldReason.OUT_OF_STOCK
            elif no in stories.waiting_for_stock:
                o.plan = HoldReason.OUT_OF_STOCK
                o.note = f"{stories.waiting_for_stock[no]} 缺货，等待供应商到货"
            elif no in stories.ship_later:
                o.plan = HoldReason.OTHER
                o.note = "买家要求延后发货，周六再发"

    def fresh_holds(self) -> int:
        return sum(
            1 for o in self.open if o.plan != "reserve" and self.fresh(o.reserve_at)
        )

    def plan_reorder(self, sku_id: int) -> None:
        """Let logistics reorder a SKU that ran out on the supplier's last order day,
        if its delivery is due after today (the order shows as "on order")."""
        supplier = self.items[sku_id].product.default_supplier
        if supplier is None:
            return
        for back in range(1, 8):
            day = self.today - dt.timedelta(days=back)
            if supplier.code in self.ordering(day) and (
                day + dt.timedelta(days=supplier.lead_time_days) > self.today
            ):
                self.roles.reorder_day[sku_id] = day
                return

    # --- suppliers and their weekdays ---------------------------------------------

    def ordering(self, day: dt.date) -> set[str]:
        """Return the codes of the suppliers logistics orders from on `day`."""
        return self.order_days.get(day.weekday(), set())

    def plan_suppliers(self) -> None:
        """Order from the busy suppliers twice a week, the others once."""
        skus_by_supplier: dict[str, int] = defaultdict(int)
        for item in self.items.values():
            if item.product.default_supplier is not None:
                skus_by_supplier[item.product.default_supplier.code] += 1
        self.order_days: dict[int, set[str]] = defaultdict(set)
        self.review: dict[str, int] = {}
        codes = sorted(self.b.suppliers)
        busiest = sorted(codes, key=lambda c: -skus_by_supplier[c])[: len(codes) // 2]
        for index, code in enumerate(codes):
            days = [index % 5]
            if code in busiest:
                days.append((index + 3) % 5)
            for weekday in days:
                self.order_days[weekday].add(code)
            self.review[code] = 7 // len(days)

    # --- the schedule -------------------------------------------------------------

    def schedule(self) -> None:
        add = self.timeline.add
        add(at(self.go_live, 7), self.set_up)
        add(at(self.go_live, 7, 30), self.opening_balance)
        day = self.go_live
        while day <= self.today:
            add(at(day, 7, 30), self.bind(self.receive_due, day))
            add(at(day, 8, 15), self.bind(self.ship_day, day))
            if self.ordering(day):
                add(at(day, 17), self.bind(self.suggest, day))
                add(at(day, 17, 30), self.bind(self.accept, day))
                add(at(day, 18), self.bind(self.cut_off, day))
            day += dt.timedelta(days=1)
        self.schedule_payments()
        self.schedule_festivals()
        self.schedule_stories()
        self.schedule_after_sales()
        self.schedule_complaints()
        self.schedule_handoff_problems()
        count_day = self.today - dt.timedelta(days=8)
        add(at(count_day, 15), self.bind(self.count, count_day))
        report_at = at(self.today.replace(day=1), 9)
        add(report_at, self.monthly_report)
        self.schedule_today()

    @staticmethod
    def bind(action: Callable[[dt.date], None], day: dt.date) -> Callable[[], None]:
        return lambda: action(day)

    def set_up(self) -> None:
        """Open the warehouse and its shelf places; record the suppliers' prices and
        terms."""
        warehouse = warehouse_create(
            actor=self.user["logistics"], code="main", name="杭州余杭主仓"
        )
        places: dict[str, list[Product]] = defaultdict(list)
        seen: set[int] = set()
        for item in self.items.values():
            product = item.product
            if product.pk in seen:
                continue
            seen.add(product.pk)
            zone = (
                GAS_ZONE
                if item.spec.name == "气罐"
                else ZONES.get(item.spec.parent, "A")
            )
            places[zone].append(product)
        locations = 0
        for zone, products in sorted(places.items()):
            for index in range(0, len(products), PRODUCTS_PER_PLACE):
                place = index // PRODUCTS_PER_PLACE
                location = location_create(
                    actor=self.user["logistics"],
                    warehouse=warehouse,
                    code=f"{zone}-{place // 4 + 1:02d}-{place % 4 + 1:02d}",
                )
                locations += 1
                for product in products[index : index + PRODUCTS_PER_PLACE]:
                    self.home[product.pk] = location
        self.b.counts.update(warehouses=1, locations=locations + 1)
        # Long lead times and a rising season: a week of safety stock, not three days.
        purchase_settings_update(
            actor=self.user["ops_manager"], safety_stock_days=SAFETY_DAYS
        )
        self.set_prices()

    def set_prices(self) -> None:
        rng = self.rng
        suppliers = sorted(self.b.suppliers.values(), key=lambda s: s.code)
        for supplier in suppliers:
            supplier_terms_update(
                actor=self.user["logistics"],
                supplier=supplier,
                payment_terms=rng.choice(PAYMENT_TERMS),
                review_days=self.review[supplier.code],
                note="每周{}下单".format(
                    "、".join(
                        "一二三四五"[d]
                        for d in sorted(
                            d
                            for d, codes in self.order_days.items()
                            if supplier.code in codes
                        )
                    )
                ),
            )
        prices = 0
        for _sku_id, item in sorted(self.items.items()):
            product = item.product
            source = product.default_supplier
            if source is None:
                continue
            moq, multiple = self.order_quantities(item)
            cost = product.cost_price
            supplier_price_set(
                actor=self.user["logistics"],
                supplier=source,
                sku=item.sku,
                price=(cost * Decimal(rng.randint(96, 102)) / 100).quantize(
                    Decimal("0.01")
                ),
                min_order_quantity=moq,
                order_multiple=multiple,
            )
            prices += 1
            if rng.random() < 0.12:  # another supplier quotes it, dearer
                other = rng.choice([s for s in suppliers if s.pk != source.pk])
                supplier_price_set(
                    actor=self.user["logistics"],
                    supplier=other,
                    sku=item.sku,
                    price=(cost * Decimal(rng.randint(104, 115)) / 100).quantize(
                        Decimal("0.01")
                    ),
                    min_order_quantity=moq,
                    order_multiple=multiple,
                )
                prices += 1
        self.b.counts["supplier_prices"] = prices

    def order_quantities(self, item: _Item) -> tuple[int, int]:
        """Return (minimum order quantity, order multiple) of a SKU: by the case for
        canisters and food, by cost for the rest."""
        if item.spec.name == "气罐":
            return 24, 24
        if item.spec.name == "户外食品":
            return 20, 10
        cost = item.product.cost_price
        if cost < 30:
            return 20, 1
        if cost < 100:
            return 10, 1
        if cost < 300:
            return 5, 1
        return 2, 1

    # --- stock: the opening balance -------------------------------------------------

    def opening_balance(self) -> None:
        """Count the warehouse on the go-live morning: every SKU on sale and what is
        left of some retired ones, with lots for the products with a shelf life."""
        rng = self.rng
        start = at(self.go_live, 0)
        window_start = start - dt.timedelta(days=SALES_WINDOW)
        self.sales_before: dict[int, int] = defaultdict(int)
        for order, lines in self.orders:
            if (
                order.paid_at is not None
                and window_start <= order.paid_at < start
                and order.status != Order.Status.CLOSED
            ):
                for line in lines:
                    if line.sku_id:
                        self.sales_before[line.sku_id] += line.quantity
        open_units: dict[int, int] = defaultdict(int)
        for o in self.open:
            if o.plan == "reserve":
                for line in o.lines:
                    if line.sku_id:
                        open_units[line.sku_id] += line.quantity
        receipts = 0
        for sku_id, item in sorted(self.items.items()):
            product = item.product
            used = sum(q for _, q in self.units.get(sku_id, []))
            if product.status == Product.Status.DRAFT:
                continue
            if product.status == Product.Status.DISCONTINUED:
                quantity = rng.randint(1, 8) if rng.random() < 0.5 else 0
                quantity += used
            elif sku_id in self.roles.doomed:
                quantity = used + open_units[sku_id]
            else:
                # Stocked for the season: what sold lately, or what the weeks until
                # the first deliveries will take, whichever is more.
                daily = self.sales_before[sku_id] / SALES_WINDOW
                supplier = product.default_supplier
                lead = supplier.lead_time_days if supplier else 3
                ahead = sum(
                    q
                    for t, q in self.units.get(sku_id, [])
                    if local_day(t) < self.go_live + dt.timedelta(days=lead + 12)
                )
                quantity = max(
                    3,
                    math.ceil(daily * rng.uniform(20, 40)),
                    math.ceil(ahead * rng.uniform(1.0, 1.25)),
                ) + rng.randint(0, 3)
            old = None
            if sku_id in self.roles.expiring:
                left = rng.randint(6, 30)
                expiry = self.today + dt.timedelta(days=self.roles.expiring[sku_id])
                old = (used + open_units[sku_id] + left, expiry)
            elif sku_id in self.roles.expired:
                expiry = self.roles.expired[sku_id]
                before = sum(
                    q for t, q in self.units.get(sku_id, []) if local_day(t) < expiry
                )
                old = (before + rng.randint(4, 12), expiry)
            if old is not None:
                shelf = self.shelf_life(sku_id) or 365
                self.receive_lot(
                    item,
                    old[0],
                    production=old[1] - dt.timedelta(days=shelf),
                    reason="期初库存（上线盘点）",
                    reference=f"OPENING-{self.go_live:%Y%m%d}",
                )
                receipts += 1
            if quantity > 0:
                shelf = self.shelf_life(sku_id) or 0
                self.receive_lot(
                    item,
                    quantity,
                    production=self.go_live
                    - dt.timedelta(days=rng.randint(5, max(6, shelf // 8))),
                    reason="期初库存（上线盘点）",
                    reference=f"OPENING-{self.go_live:%Y%m%d}",
                )
                receipts += 1
        self.stage(f"opening balance: {receipts:,} lots received")

    def lot_number(self, sku_id: int, production: dt.date) -> str:
        used = self.lot_numbers[sku_id]
        for letter in "ABCDEFGHJK":
            number = f"{production:%y%m%d}{letter}"
            if number not in used:
                used.add(number)
                return number
        raise AssertionError("ten lots of one SKU in a day")

    def lot_for(
        self, item: _Item, production: dt.date
    ) -> tuple[str, dt.date | None, dt.date | None]:
        """Return (lot number, production date, expiry date) for a delivery."""
        shelf = item.product.shelf_life_days
        if not shelf:
            return "", None, None
        production = min(production, local_day(self.clock.moment))
        return (
            self.lot_number(item.sku.pk, production),
            production,
            production + dt.timedelta(days=shelf),
        )

    def receive_lot(
        self,
        item: _Item,
        quantity: int,
        *,
        production: dt.date,
        reason: str,
        reference: str,
    ) -> None:
        lot_no, made, expiry = self.lot_for(item, production)
        stock_receive(
            actor=self.user["logistics"],
            sku=item.sku,
            quantity=quantity,
            location=self.home[item.product.pk],
            lot_no=lot_no,
            production_date=made,
            expiry_date=expiry,
            reference=reference,
            reason=reason,
        )

    # --- stock: each day's deliveries and shipments ---------------------------------

    def receive_due(self, day: dt.date) -> None:
        """Receive the purchase orders that arrive on `day`."""
        rng = self.rng
        orders = list(
            PurchaseOrder.objects.filter(state__in=RECEIVABLE_STATES)
            .prefetch_related("lines")
            .order_by("pk")
        )
        arriving = 0
        for order in orders:
            due = self.arrival.get(order.pk)
            if due is None and order.expected_date is not None:
                late = rng.choices((0, 1, 2), weights=(80, 15, 5))[0]
                due = order.expected_date + dt.timedelta(days=late)
                self.arrival[order.pk] = due
            if due is None or due > day:
                continue
            self.clock.set(at(day, 7, 30) + dt.timedelta(minutes=3 * arriving))
            arriving += 1
            self.receive(order, day)

    def receive(self, order: PurchaseOrder, day: dt.date) -> None:
        rng = self.rng
        lines = [line for line in order.lines.all() if line.outstanding > 0]
        if not lines:
            return
        first = order.state == PurchaseOrder.State.ORDERED
        short = first and rng.random() < 0.12
        short_line = rng.choice(lines) if short else None
        close = not first and rng.random() < 0.3
        items = []
        for line in sorted(lines, key=lambda x: x.pk):
            item = self.items[line.sku_id]
            quantity = line.outstanding
            if line is short_line and quantity >= 2:
                quantity = max(1, round(quantity * rng.uniform(0.5, 0.85)))
            elif close:
                quantity = max(1, round(quantity * rng.uniform(0.7, 0.95)))
            elif first and rng.random() < 0.04:
                quantity += max(1, quantity // 30)
            shelf = item.product.shelf_life_days or 0
            made = day - dt.timedelta(
                days=rng.randint(20, 150) if shelf > 500 else rng.randint(5, 40)
            )
            lot_no, production, expiry = self.lot_for(item, made)
            items.append(
                ReceiveLine(
                    order_line_id=line.pk,
                    quantity=quantity,
                    lot_no=lot_no,
                    production_date=production,
                    expiry_date=expiry,
                )
            )
        purchase_order_receive(
            actor=self.user["logistics"],
            purchase_order=order,
            lines=items,
            note="供应商通知：余下的不再发货" if close else "",
            close=close,
            serve_held=False,  # each held order's story plays out on its own
        )
        order.refresh_from_db(fields=["state"])
        if order.state == PurchaseOrder.State.PARTIALLY_RECEIVED:
            self.arrival[order.pk] = day + dt.timedelta(days=rng.randint(2, 4))

    def load_levels(self) -> dict[int, list[_Level]]:
        levels: dict[int, list[_Level]] = defaultdict(list)
        for row in StockLevel.objects.values_list(
            "pk",
            "sku_id",
            "on_hand",
            "reserved",
            "quarantined",
            "lot_id",
            "lot__expiry_date",
            "location__code",
        ).order_by("pk"):
            level = _Level(*row)
            levels[level.sku_id].append(level)
        for group in levels.values():
            group.sort(key=_Level.fefo)
        return levels

    def ship_day(self, day: dt.date) -> None:
        """Replay the day's shipments: reserve each order's units first expiry first
        out (never an expired lot), check them, ship them (in bulk, see the module's
        docstring). A SKU short for the day is bought in a hurry that morning."""
        orders = self.by_day.get(day)
        if not orders:
            return
        levels = self.load_levels()
        need: dict[int, int] = defaultdict(int)
        for _order, lines in orders:
            for line in lines:
                if line.sku_id:
                    need[line.sku_id] += line.quantity
        short = {
            sku_id: units - sum(lv.available for lv in levels[sku_id] if lv.usable(day))
            for sku_id, units in sorted(need.items())
        }
        short = {sku_id: n for sku_id, n in short.items() if n > 0}
        if short:
            self.clock.set(at(day, 8, 10))
            for sku_id, missing in short.items():
                self.hurry(sku_id, missing, day)
            levels = self.load_levels()
        shipper = self.user["shipping"]
        movements: list[Movement] = []
        reservations: list[Reservation] = []
        checks: list[QualityCheck] = []
        shipments: list[Shipment] = []
        touched: dict[int, _Level] = {}
        for order, lines in orders:
            reserved, checked = self.ship_plan[order.pk]
            shipped = known(order.shipped_at)
            for line in lines:
                checks.append(
                    QualityCheck(
                        order_id=order.pk,
                        line_id=line.pk,
                        sku_id=line.sku_id,
                        quantity=line.quantity,
                        result=QualityCheck.Result.PASS,
                        checked_at=checked,
                        checked_by=shipper,
                    )
                )
                if not line.sku_id:
                    continue
                left = line.quantity
                taken: list[tuple[int, int]] = []
                for level in levels[line.sku_id]:
                    take = min(left, level.available) if level.usable(day) else 0
                    if take <= 0:
                        continue
                    level.on_hand -= take
                    touched[level.pk] = level
                    left -= take
                    taken.append((level.pk, take))
                    movements += [
                        Movement(
                            at=reserved,
                            kind=Movement.Kind.RESERVATION,
                            level_id=level.pk,
                            reserved_delta=take,
                            order_id=order.pk,
                            reference=order.order_no,
                            actor=shipper,
                        ),
                        Movement(
                            at=shipped,
                            kind=Movement.Kind.SHIPMENT,
                            level_id=level.pk,
                            on_hand_delta=-take,
                            reserved_delta=-take,
                            order_id=order.pk,
                            reference=order.tracking_no,
                            actor=shipper,
                        ),
                    ]
                    reservations.append(
                        Reservation(
                            line_id=line.pk,
                            level_id=level.pk,
                            quantity=take,
                            state=Reservation.State.SHIPPED,
                            created_at=reserved,
                        )
                    )
                    if not left:
                        break
                if left:  # hurry() bought what was short: cannot happen
                    raise RuntimeError(f"{order.order_no}: {line.outer_code} short")
                self.shipped_from[line.pk] = taken
            courier = courier_from_name(order.courier)
            if courier and not self.tracking_used(courier, order.tracking_no):
                shipments.append(
                    Shipment(
                        order_id=order.pk,
                        courier=courier,
                        tracking_no=order.tracking_no,
                        shipped_at=shipped,
                        shipped_by=shipper,
                    )
                )
        Movement.objects.bulk_create(movements, batch_size=BATCH)
        Reservation.objects.bulk_create(reservations, batch_size=BATCH)
        QualityCheck.objects.bulk_create(checks, batch_size=BATCH)
        Shipment.objects.bulk_create(shipments, batch_size=BATCH)
        StockLevel.objects.bulk_update(
            [StockLevel(pk=lv.pk, on_hand=lv.on_hand) for lv in touched.values()],
            ["on_hand"],
            batch_size=BATCH,
        )

    def tracking_used(self, courier: str, number: str) -> bool:
        key = (courier, number)
        if key in self.tracking:
            return True
        self.tracking.add(key)
        return False

    def hurry(self, sku_id: int, missing: int, day: dt.date) -> None:
        """Buy what the day's shipments lack from the supplier, delivered that morning."""
        item = self.items[sku_id]
        days = max(1, (self.today - self.go_live).days)
        daily = max(1.0, sum(q for _, q in self.units.get(sku_id, [])) / days)
        self.emergencies += 1
        self.receive_lot(
            item,
            missing + math.ceil(daily * 7),
            production=day - dt.timedelta(days=self.rng.randint(5, 30)),
            reason="加急补货：供应商当天送达",
            reference=f"RUSH-{day:%Y%m%d}",
        )

    # --- purchasing -------------------------------------------------------------------

    def suggest(self, day: dt.date) -> None:
        purchase_suggestions_build(day=day, actor=None)

    def accept(self, day: dt.date) -> None:
        """Accept the day's suggestions of the suppliers ordered from today."""
        buyer = self.user["logistics"]
        for code in sorted(self.ordering(day)):
            supplier = self.b.suppliers[code]
            rows = list(
                PurchaseSuggestion.objects.filter(
                    day=day, supplier=supplier, purchase_order__isnull=True
                ).order_by("pk")
            )
            for row in rows:
                if row.sku_id in self.roles.doomed and (
                    self.roles.reorder_day.get(row.sku_id) != day
                ):
                    purchase_suggestion_set_quantity(
                        actor=buyer, suggestion=row, quantity=0
                    )
                    continue
                # The formula looks back; the buyer looks ahead at the season.
                season = self.items[row.sku_id].spec.season
                factor = season[(day + dt.timedelta(days=20)).month] / season[day.month]
                if row.suggested_quantity and factor > 1.05:
                    multiple = row.order_multiple
                    quantity = math.ceil(row.suggested_quantity * factor / multiple)
                    purchase_suggestion_set_quantity(
                        actor=buyer, suggestion=row, quantity=quantity * multiple
                    )
            purchase_suggestions_accept_supplier(
                actor=buyer, day=day, supplier=supplier
            )

    def schedule_festivals(self) -> None:
        """Three weeks before a festival the operations manager raises the safety
        stock, so that the suggestions buy for it; the day after, it comes back."""
        for year in (self.go_live.year, self.go_live.year + 1):
            for month, date in FESTIVALS:
                festival = dt.date(year, month, date)
                start = max(festival - FESTIVAL_LEAD, self.go_live)
                end = festival + dt.timedelta(days=1)
                if end <= self.go_live or start > self.today:
                    continue
                for day, days in ((start, FESTIVAL_SAFETY_DAYS), (end, SAFETY_DAYS)):
                    self.timeline.add(
                        at(day, 7, 10),
                        partial(
                            purchase_settings_update,
                            actor=self.user["ops_manager"],
                            safety_stock_days=days,
                        ),
                    )

    def cut_off(self, day: dt.date) -> None:
        purchase_cutoff(day=day, actor=None)

    # --- the stories of the order history ---------------------------------------------

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

    def evening_outcome(self, created: dt.datetime) -> dt.datetime | None:
        """Return when the evening shift handles a hold made at `created`, or None if
        it has not yet: every past evening handles its holds, tonight about half."""
        handled = next_evening(created) + dt.timedelta(minutes=self.rng.uniform(2, 55))
        if handled > self.now:
            return None
        if local_day(handled) == self.today and self.rng.random() < 0.5:
            return None
        return handled

    def siblings(self, sku_id: int | None) -> list[Sku]:
        """Return the other SKUs of the product of `sku_id` (what to exchange for)."""
        item = self.items.get(sku_id or 0)
        if item is None:
            return []
        return [
            other.sku
            for other in self.items.values()
            if other.product.pk == item.product.pk and other.sku.pk != sku_id
        ]

    def schedule_payments(self) -> None:
        """Keep the paid, unshipped orders unpaid until their payment: the history
        must not see an order before it was paid (a hold made then, a suggestion)."""
        waiting = [
            order for order, _lines in self.orders if order.status == Order.Status.PAID
        ]
        Order.objects.filter(pk__in=[o.pk for o in waiting]).update(
            status=Order.Status.AWAITING_PAYMENT
        )
        planned = {o.order.pk for o in self.open}
        for order in waiting:
            if order.pk not in planned:  # the open orders are paid when taken
                self.timeline.add(
                    known(order.paid_at),
                    partial(self.as_if, order, status=Order.Status.PAID),
                    clamp=True,
                )

    def schedule_stories(self) -> None:
        """Holds of orders that shipped late: for want of stock, or after a check
        failed."""
        rng = self.rng
        stories = self.b.stories
        for no, code in stories.late_out_of_stock.items():
            order, lines = self.by_no[no]
            paid, shipped = known(order.paid_at), known(order.shipped_at)
            held = paid + dt.timedelta(minutes=rng.uniform(10, 50))
            if not self.in_period(held):
                continue
            released = shipped - dt.timedelta(minutes=rng.uniform(30, 90))
            handled = self.evening_outcome(held)
            if handled is not None and handled > released - dt.timedelta(minutes=5):
                handled = None
            line = next((x for x in lines if x.outer_code == code), lines[0])
            others = self.siblings(line.sku_id)
            exchange = others[0] if others and rng.random() < 0.15 else None
            self.timeline.add(
                held, self.bind_hold(order, line, exchange, handled, released)
            )
        for no, planned in stories.late_quality.items():
            order, lines = self.by_no[no]
            paid, shipped = known(order.paid_at), known(order.shipped_at)
            failed = max(
                paid + dt.timedelta(minutes=10),
                planned - dt.timedelta(minutes=rng.uniform(5, 25)),
            )
            if not self.in_period(failed):
                continue
            handled = self.evening_outcome(failed)
            released = shipped - dt.timedelta(minutes=rng.uniform(40, 100))
            if handled is not None and handled > released - dt.timedelta(minutes=5):
                handled = None
            checked = [x for x in lines if x.sku_id not in self.roles.doomed]
            if not checked:
                continue
            line = rng.choice(checked)
            defect, note = rng.choice(DEFECTS)
            self.timeline.add(
                failed,
                partial(self.quality_failed, order, line, defect, note),
            )
            if handled is not None:
                self.timeline.add(
                    handled,
                    partial(
                        self.outcome,
                        order,
                        Hold.Outcome.AGREED_TO_WAIT,
                        "已告知买家，换新件后发出",
                    ),
                )
            self.timeline.add(
                released,
                partial(self.release, order, "已换新件并复检合格", "status"),
                clamp=True,
            )

    def bind_hold(
        self,
        order: Order,
        line: OrderLine,
        exchange: Sku | None,
        handled: dt.datetime | None,
        released: dt.datetime,
    ) -> Callable[[], None]:
        def hold() -> None:
            self.as_if(order, status=Order.Status.PAID)
            if exchange is not None:
                reason = HoldReason.CANNOT_BUY
                note = f"{line.outer_code}：供应商断货，暂无法订购"
            else:
                reason = HoldReason.OUT_OF_STOCK
                note = f"{line.outer_code} 缺 {line.quantity}"
            self.holds[order.pk] = order_hold(
                actor=self.user["logistics"], order=order, reason=reason, note=note
            )
            if handled is not None:
                self.timeline.add(handled, lambda: self.handle(order, exchange, line))
            self.timeline.add(
                released,
                lambda: self.release(order, "到货，解除扣留", "status"),
                clamp=True,
            )

        return hold

    def handle(self, order: Order, exchange: Sku | None, line: OrderLine) -> None:
        """The evening shift tells the buyer of a hold of the past; an exchange goes
        to logistics, who confirms it in its next round."""
        if exchange is None:
            outcome, note = self.rng.choices(OUTCOMES, weights=(65, 25, 10))[0]
            self.outcome(order, outcome, note)
            return
        hold = self.holds[order.pk]
        hold_outcome_record(
            actor=self.user["cs_evening"],
            hold=hold,
            outcome=Hold.Outcome.EXCHANGE,
            note=f"买家同意换成 {exchange.attributes}",
            exchange_sku=exchange,
            exchange_quantity=line.quantity,
        )
        after_sale = AfterSale.objects.filter(hold=hold).first()
        if after_sale is not None:
            self.timeline.add(
                self.next_slot(self.clock.moment),
                lambda: self.decide(after_sale, confirm=True),
                clamp=True,
            )

    def outcome(self, order: Order, outcome: str, note: str) -> None:
        hold = self.holds.get(order.pk)
        if hold is not None:
            hold_outcome_record(
                actor=self.user["cs_evening"], hold=hold, outcome=outcome, note=note
            )

    def release(self, order: Order, note: str, *restore: str) -> None:
        hold = self.holds.pop(order.pk, None)
        if (
            hold is not None
            and Hold.objects.filter(pk=hold.pk, released_at__isnull=True).exists()
        ):
            hold_release(actor=self.user["logistics"], hold=hold, note=note)
        if restore:
            self.restore(order, *restore)

    def quality_failed(
        self, order: Order, line: OrderLine, defect: str, note: str
    ) -> None:
        """A unit failed the check at packing: set it aside and hold the order (as
        `shipping.services.qc_record` does, for an order that shipped since)."""
        self.as_if(order, status=Order.Status.PAID)
        checker = self.user["shipping"]
        QualityCheck.objects.create(
            order=order,
            line=line,
            sku_id=line.sku_id,
            quantity=1,
            result=QualityCheck.Result.FAIL,
            defect_reason=defect,
            note=note,
            checked_at=self.clock.moment,
            checked_by=checker,
        )
        label = QualityCheck.Defect(defect).label
        level = (
            StockLevel.objects.filter(sku_id=line.sku_id or 0)
            .select_related("lot")
            .order_by("lot__expiry_date", "pk")
        )
        spare = next((lv for lv in level if lv.available >= 1), None)
        if spare is not None:
            stock_quarantine(
                actor=checker,
                level=spare,
                quantity=1,
                reason=f"质检不合格：订单 {order.order_no} {line.outer_code}（{label}）",
            )
            # Logistics inspects it a few days later (no draw from the generator's
            # random sequence, so the rest of the demo stays as it was).
            self.timeline.add(
                self.clock.moment + dt.timedelta(days=2 + order.pk % 5, hours=3),
                partial(self.settle_quarantined, spare.pk, defect, order.order_no),
            )
        self.holds[order.pk] = order_hold(
            actor=checker,
            order=order,
            reason=HoldReason.QUALITY,
            note=f"{line.outer_code} × 1：{label}（{note}）",
        )

    def settle_quarantined(self, level_id: int, defect: str, order_no: str) -> None:
        """A unit set aside at packing, inspected: the wrong item goes back on sale,
        a damaged or defective one is scrapped."""
        level = StockLevel.objects.get(pk=level_id)
        if level.quarantined < 1:
            return  # a count settled it meanwhile
        wrong = defect == QualityCheck.Defect.WRONG_ITEM
        stock_quarantine_resolve(
            actor=self.user["logistics"],
            level=level,
            quantity=1,
            outcome=Movement.Kind.UNQUARANTINE if wrong else Movement.Kind.SCRAP,
            reason=f"复检（订单 {order_no}）："
            + ("商品完好，恢复可售" if wrong else "无法修复，报废"),
        )

    # --- after-sales, complaints, hand-off problems --------------------------------

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

    def schedule_after_sales(self) -> None:
        """After-sale requests as the order history tells them: cancellations and
        returns refunded, compensations paid, requests still waiting; and a few of
        today's requests, a few refused."""
        rng = self.rng
        add = self.timeline.add
        delivered: list[Order] = []
        for order, _lines in self.orders:
            if not self.in_period(order.paid_at):
                continue
            paid = known(order.paid_at)
            refunded = order.refund_state == Order.RefundState.REFUNDED
            if refunded and order.shipped_at is None:  # cancelled before shipping
                raised = paid + dt.timedelta(hours=rng.uniform(0.3, 12))
                raised = min(raised, self.now - dt.timedelta(hours=1))
                add(raised, self.bind_refund(order, self.next_slot(raised)))
            elif refunded:  # returned
                raised = known(order.shipped_at) + dt.timedelta(days=rng.uniform(3, 6))
                decided = raised + dt.timedelta(days=rng.uniform(2, 4))
                if decided < self.now:
                    add(raised, self.bind_return(order, decided))
            elif order.refund_state == Order.RefundState.PARTIAL:
                raised = known(order.shipped_at) + dt.timedelta(days=rng.uniform(2, 5))
                decided = self.next_slot(raised)
                if raised < self.now and decided < self.now:
                    add(raised, self.bind_partial(order, decided))
            elif order.refund_state == Order.RefundState.REQUESTED:
                base = order.shipped_at or paid
                raised = min(
                    base + dt.timedelta(hours=rng.uniform(2, 30)),
                    self.now - dt.timedelta(minutes=rng.uniform(20, 300)),
                )
                add(max(raised, base), self.bind_request(order))
            elif order.status in (Order.Status.SHIPPED, Order.Status.COMPLETED):
                delivered.append(order)
        rng.shuffle(delivered)
        full = self.b.scale.name == "full"
        week_ago = self.now - dt.timedelta(days=7)
        refused = [o for o in delivered if o.confirmed_at and o.confirmed_at < week_ago]
        for order in refused[: 6 if full else 1]:
            raised = known(order.confirmed_at) + dt.timedelta(days=rng.uniform(1, 6))
            decided = self.next_slot(raised)
            if decided < self.now:
                add(raised, self.bind_rejected(order, decided))
        recent = [
            o
            for o in delivered
            if o not in refused[: 6 if full else 1]
            and o.shipped_at is not None
            and self.now - dt.timedelta(days=20) < o.shipped_at
            and o.shipped_at < self.now - dt.timedelta(days=3)
        ]
        for index, order in enumerate(recent[: 4 if full else 3]):
            raised = self.now - dt.timedelta(hours=rng.uniform(1, 30))
            add(raised, self.bind_waiting(order, exchange=index % 2 == 0))

    def fetch(self, order: Order) -> Order:
        return Order.objects.get(pk=order.pk)

    def bind_refund(self, order: Order, decided: dt.datetime) -> Callable[[], None]:
        def raise_() -> None:
            self.as_if(
                order,
                status=Order.Status.PAID,
                refund_state="",
                refunded_amount=None,
                close_reason="",
            )
            after_sale = after_sale_raise(
                actor=self.user["cs_after_sale"],
                order=self.fetch(order),
                kind=AfterSale.Kind.REFUND_ONLY,
                amount=order.paid_amount,
                reason=order.close_reason.partition("：")[2] or "买家申请退款",
            )

            def confirm() -> None:
                self.decide(after_sale, confirm=True)
                self.restore(order, "close_reason")

            self.timeline.add(decided, confirm, clamp=True)

        return raise_

    def bind_return(self, order: Order, decided: dt.datetime) -> Callable[[], None]:
        def raise_() -> None:
            self.as_if(
                order,
                status=Order.Status.SHIPPED,
                refund_state="",
                refunded_amount=None,
                close_reason="",
                confirmed_at=None,
            )
            reason = order.close_reason.partition("：")[2] or "七天无理由退货"
            after_sale = after_sale_raise(
                actor=self.user["cs_after_sale"],
                order=self.fetch(order),
                kind=AfterSale.Kind.RETURN_REFUND,
                amount=order.paid_amount,
                reason=reason,
            )

            def confirm() -> None:
                after_sale_confirm(
                    actor=self.user["logistics"],
                    after_sale=after_sale,
                    note="退货已签收",
                    returned=self.returned(order, reason),
                )
                self.restore(order, "status", "close_reason", "confirmed_at")

            self.timeline.add(decided, confirm, clamp=True)

        return raise_

    def returned(self, order: Order, reason: str) -> list[ReturnedLine]:
        """What came back of a return: every unit shipped, set aside to be inspected
        when the buyer reports a quality problem or when the SKU is one that runs out
        by today (its stock stays at zero until the supplier delivers)."""
        _order, lines = self.by_no[order.order_no]
        back = []
        for line in lines:
            units = sum(n for _level, n in self.shipped_from.get(line.pk, []))
            if not units:
                continue
            damaged = "质量" in reason or line.sku_id in self.roles.doomed
            back.append(
                ReturnedLine(
                    line_id=line.pk,
                    good=0 if damaged else units,
                    damaged=units if damaged else 0,
                )
            )
        return back

    def bind_partial(self, order: Order, decided: dt.datetime) -> Callable[[], None]:
        def raise_() -> None:
            self.as_if(order, refund_state="", refunded_amount=None)
            reason = self.rng.choice(COMPENSATIONS)[1]
            after_sale = after_sale_raise(
                actor=self.user["cs_after_sale"],
                order=self.fetch(order),
                kind=AfterSale.Kind.REFUND_ONLY,
                amount=order.refunded_amount,
                reason=reason,
            )
            self.timeline.add(
                decided, lambda: self.decide(after_sale, confirm=True), clamp=True
            )

        return raise_

    def bind_request(self, order: Order) -> Callable[[], None]:
        def raise_() -> None:
            shipped = order.shipped_at is not None
            after_sale_raise(
                actor=self.user["cs_after_sale"],
                order=self.fetch(order),
                kind=AfterSale.Kind.RETURN_REFUND
                if shipped
                else AfterSale.Kind.REFUND_ONLY,
                amount=order.paid_amount,
                reason=self.rng.choice(("七天无理由退货", "尺码不合适"))
                if shipped
                else self.rng.choice(("不想要了", "拍错了/多拍了")),
            )

        return raise_

    def bind_rejected(self, order: Order, decided: dt.datetime) -> Callable[[], None]:
        def raise_() -> None:
            after_sale = after_sale_raise(
                actor=self.user["cs_after_sale"],
                order=self.fetch(order),
                kind=AfterSale.Kind.RETURN_REFUND,
                amount=order.paid_amount,
                reason="七天无理由退货",
            )
            self.timeline.add(
                decided, lambda: self.decide(after_sale, confirm=False), clamp=True
            )

        return raise_

    def bind_waiting(self, order: Order, *, exchange: bool) -> Callable[[], None]:
        def raise_() -> None:
            _order, lines = self.by_no[order.order_no]
            line = next((x for x in lines if x.sku_id), None)
            item = self.items.get(line.sku_id or 0) if line else None
            others = (
                [
                    i.sku
                    for i in self.items.values()
                    if i.product.pk == item.product.pk and i.sku.pk != item.sku.pk
                ]
                if item
                else []
            )
            if exchange and others and line is not None:
                after_sale_raise(
                    actor=self.user["cs_after_sale"],
                    order=self.fetch(order),
                    kind=AfterSale.Kind.EXCHANGE,
                    reason=self.rng.choice(EXCHANGE_REASONS),
                    exchange_sku=others[0],
                    exchange_quantity=line.quantity,
                )
                return
            amount, reason = self.rng.choice(COMPENSATIONS)
            after_sale_raise(
                actor=self.user["cs_after_sale"],
                order=self.fetch(order),
                kind=AfterSale.Kind.REFUND_ONLY,
                amount=min(amount, order.paid_amount or amount),
                reason=reason,
            )

        return raise_

    def decide(self, after_sale: AfterSale, *, confirm: bool) -> None:
        if confirm:
            after_sale_confirm(
                actor=self.user["logistics"], after_sale=after_sale, note="已核实"
            )
        else:
            after_sale_reject(
                actor=self.user["logistics"],
                after_sale=after_sale,
                note=self.rng.choice(REJECT_NOTES),
            )

    def schedule_complaints(self) -> None:
        """Complaints and disputes: two still open (one being worked on), the rest
        resolved within days."""
        rng = self.rng
        delivered = [
            order
            for order, _ in self.orders
            if self.in_period(order.shipped_at)
            and order.status in (Order.Status.SHIPPED, Order.Status.COMPLETED)
            and not order.refund_state
        ]
        count = len(COMPLAINTS) if self.b.scale.name == "full" else 3
        chosen = rng.sample(delivered, min(count, len(delivered)))
        for index, order in enumerate(chosen):
            kind, text, result = COMPLAINTS[index % len(COMPLAINTS)]
            shipped = known(order.shipped_at)
            if index == 0:
                state, raised = Complaint.State.OPEN, self.now
            elif index == 1:
                state, raised = Complaint.State.IN_PROGRESS, self.now
            else:
                state = (
                    Complaint.State.CLOSED if index == 5 else Complaint.State.RESOLVED
                )
                raised = shipped
            raised = min(
                raised - dt.timedelta(hours=rng.uniform(3, 40)),
                shipped + dt.timedelta(days=rng.uniform(2, 5)),
            )
            raised = max(raised, shipped + dt.timedelta(hours=20))
            self.timeline.add(
                raised,
                partial(self.complain, order, kind, text, result, state),
            )

    def complain(
        self, order: Order, kind: str, text: str, result: str, state: str
    ) -> None:
        complaint = complaint_create(
            actor=self.user["cs_after_sale"],
            order=self.fetch(order),
            kind=kind,
            description=text,
        )
        if state == Complaint.State.OPEN:
            return
        later = self.clock.moment + dt.timedelta(hours=self.rng.uniform(1, 6))
        self.timeline.add(
            later,
            lambda: complaint_update(
                actor=self.user["ops_manager"],
                complaint=complaint,
                state=Complaint.State.IN_PROGRESS,
                outcome="已联系买家，跟进中",
            ),
            clamp=True,
        )
        if state in (Complaint.State.RESOLVED, Complaint.State.CLOSED):
            done = later + dt.timedelta(days=self.rng.uniform(1, 3))
            self.timeline.add(
                done,
                lambda: complaint_update(
                    actor=self.user["ops_manager"],
                    complaint=complaint,
                    state=state,
                    outcome=result,
                ),
                clamp=True,
            )

    def schedule_handoff_problems(self) -> None:
        """Shipping logs a few hand-off problems a week (LOG-2.6), this week's so
        far included."""
        rng = self.rng
        kinds = list(HANDOFF_NOTES)
        per_week = 3 if self.b.scale.name == "full" else 1
        monday = self.go_live - dt.timedelta(days=self.go_live.weekday())
        while monday <= self.today:
            week = [
                order
                for d in range(7)
                for order, _ in self.by_day.get(monday + dt.timedelta(days=d), [])
                if known(order.shipped_at) < self.now - dt.timedelta(hours=2)
            ]
            for order in rng.sample(week, min(per_week, len(week))):
                kind = rng.choices(kinds, weights=(40, 15, 10, 25, 10))[0]
                when = known(order.shipped_at) + dt.timedelta(
                    minutes=rng.uniform(10, 110)
                )
                courier = courier_from_name(order.courier)
                if courier:
                    self.timeline.add(
                        when,
                        partial(
                            handoff_problem_record,
                            actor=self.user["shipping"],
                            courier=courier,
                            kind=kind,
                            note=HANDOFF_NOTES[kind],
                            order=None
                            if kind == HandoffProblem.Kind.MISSED_PICKUP
                            else order,
                            at=when,
                        ),
                    )
            monday += dt.timedelta(days=7)

    # --- counts and the monthly report ------------------------------------------------

    def count(self, day: dt.date) -> None:
        """Count the shelf-life products (LOG-1.3): an expired lot is found and set
        aside, a unit is missing, another damaged."""
        rng = self.rng
        counter = self.user["logistics"]
        sku_id = self.roles.counted_expired
        category = (
            self.items[sku_id].product.category
            if sku_id is not None
            else next(
                i.product.category
                for i in self.items.values()
                if i.spec.name == "户外食品"
            )
        )
        sheet = count_sheet_create(
            actor=counter,
            scope=CountSheet.Scope.CATEGORY,
            category=category,
            note="保质期商品周盘",
        )
        lines = list(
            CountLine.objects.filter(sheet=sheet)
            .select_related("sheet", "level__lot")
            .order_by("pk")
        )
        missing = rng.choice(lines) if lines else None
        damaged = rng.choice(lines) if lines else None
        for index, line in enumerate(lines):
            self.clock.set(at(day, 15, 5) + dt.timedelta(minutes=index))
            on_hand = StockLevel.objects.get(pk=line.level_id).on_hand
            lot = line.level.lot
            if lot.expiry_date is not None and lot.expiry_date <= day and on_hand:
                count_line_record(
                    actor=counter,
                    line=line,
                    counted=on_hand,
                    quality=CountLine.Quality.EXPIRED,
                    note="已过期，下架隔离",
                )
            elif line is damaged and on_hand >= 3:
                count_line_record(
                    actor=counter,
                    line=line,
                    counted=on_hand,
                    quality=CountLine.Quality.DAMAGED,
                    problem_quantity=1,
                    note="外包装破损 1 件",
                )
            elif line is missing and on_hand >= 2:
                count_line_record(
                    actor=counter, line=line, counted=on_hand - 1, note="少 1 件"
                )
            else:
                count_line_record(actor=counter, line=line, counted=on_hand)
        self.clock.set(at(day, 16))
        count_sheet_submit(actor=counter, sheet=sheet)
        self.clock.set(at(day, 16, 30))
        count_sheet_post(actor=self.user["ops_manager"], sheet=sheet)

    def monthly_report(self) -> None:
        stock_report_build(actor=None, month=previous_month(self.today))

    # --- today ----------------------------------------------------------------------

    def schedule_today(self) -> None:
        add = self.timeline.add
        for o in self.open:
            add(o.reserve_at, partial(self.take_open, o))
        declared = at(self.today, 9, 30) + dt.timedelta(minutes=self.rng.uniform(0, 60))
        add(min(declared, self.now - dt.timedelta(minutes=3)), self.declare_delay)
        picked = self.now - dt.timedelta(minutes=self.rng.uniform(25, 50))
        add(picked, self.pick_and_check)
        add(self.now, self.suggest_today)

    def take_open(self, o: _Open) -> None:
        """A paid order comes in: reserve it, or hold it for what it waits for."""
        order = o.order
        self.as_if(order, status=Order.Status.PAID)
        if o.plan == "reserve" or (o.plan == HoldReason.OUT_OF_STOCK and not o.note):
            result = stock_reserve_order(actor=self.user["logistics"], order=order)
            if result.reserved:
                return
            hold = Hold.objects.filter(order=order, released_at__isnull=True).first()
        else:
            hold = order_hold(
                actor=self.user["logistics"], order=order, reason=o.plan, note=o.note
            )
        if hold is None:
            return
        self.holds[order.pk] = hold
        handled = self.evening_outcome(hold.created_at)
        if handled is not None:
            self.timeline.add(handled, lambda: self.handle_open(order, o))

    def handle_open(self, order: Order, o: _Open) -> None:
        """The evening shift tells the buyer; a few ask for their money back, which
        logistics confirms in its next round."""
        hold = self.holds.get(order.pk)
        if hold is None:
            return
        if o.plan == HoldReason.OTHER:
            self.outcome(order, Hold.Outcome.INFORMED, "已与买家确认周六发货")
            return
        if self.rng.random() < 0.15:
            hold_outcome_record(
                actor=self.user["cs_evening"],
                hold=hold,
                outcome=Hold.Outcome.REFUND,
                note="买家不想等了，申请退款",
            )
            after_sale = AfterSale.objects.filter(hold=hold).first()
            decided = self.next_slot(self.clock.moment)
            if after_sale is not None and decided < self.now:
                self.timeline.add(
                    decided, lambda: self.decide(after_sale, confirm=True)
                )
            return
        outcome, note = self.rng.choices(OUTCOMES, weights=(65, 25, 10))[0]
        self.outcome(order, outcome, note)

    def declare_delay(self, *, again: bool = True) -> None:
        """A courier stops carrying to one province today (weather): logistics
        declares the delay, which holds the orders it was to carry there. If no
        courier had orders to carry in the morning, it happens later in the day."""
        moment = self.clock.moment
        waiting = {o.order.pk for o in self.open if o.reserve_at <= moment}
        pairs = sorted(
            {
                (o.order.courier, o.order.province)
                for o in self.open
                if o.reserve_at <= moment
                and o.plan == "reserve"
                and courier_from_name(o.order.courier)
                and o.order.province
            }
        )
        self.rng.shuffle(pairs)
        for name, province in pairs:
            courier = courier_from_name(name)
            held = set(
                Order.objects.filter(
                    status=Order.Status.PAID,
                    courier__in=names_of(courier),
                    province=province,
                ).values_list("pk", flat=True)
            )
            if not held or held - waiting or len(held) > 3:
                continue  # only today's waiting orders, and not too many of them
            delay = courier_delay_declare(
                actor=self.user["logistics"],
                courier=courier,
                province=province,
                note=f"{province}降雪，{name}网点暂停揽收，恢复时间待通知",
            )
            for hold in delay.holds.filter(released_at__isnull=True).order_by("pk"):
                self.holds.setdefault(hold.order_id, hold)
                handled = self.evening_outcome(hold.created_at)
                if handled is not None:
                    self.timeline.add(
                        handled,
                        partial(
                            self.outcome,
                            hold.order,
                            Hold.Outcome.INFORMED,
                            "已告知买家快递恢复后发出",
                        ),
                    )
            self.timeline.add(
                self.now,
                partial(courier_delay_apply, actor=self.user["logistics"], delay=delay),
            )
            return
        later = self.now - dt.timedelta(minutes=2)
        if again and moment < later:
            self.timeline.add(later, partial(self.declare_delay, again=False))

    def pick_and_check(self) -> None:
        """Pick a wave of the reserved orders and check most of them at the pack
        station; a unit or two fails (set aside, the order held for the evening)."""
        rng = self.rng
        packer = self.user["shipping"]
        try:
            pick_list = pick_list_create(actor=packer, limit=40)
        except ValidationError:
            return
        orders = list(
            Order.objects.filter(pick_lists=pick_list)
            .prefetch_related("lines")
            .order_by("paid_at", "pk")
        )
        # The packers got through most of the wave; the rest waits for its check.
        pending = max(1, len(orders) // 3) if len(orders) > 1 else 0
        checked = orders[: len(orders) - pending]
        failures = 2 if self.b.scale.name == "full" else 1
        failing = {o.pk for o in rng.sample(checked, min(failures, len(checked)))}
        for order in checked:
            self.clock.set(self.clock.moment + dt.timedelta(minutes=2))
            if order.pk not in failing:
                qc_pass_all(actor=packer, order=order)
                continue
            line = next(x for x in order.lines.all() if x.sku_id)
            defect, note = rng.choice(DEFECTS)
            qc_record(
                actor=packer,
                order=order,
                line=line,
                result=QualityCheck.Result.FAIL,
                quantity=1,
                defect_reason=defect,
                note=note,
            )

    def suggest_today(self) -> None:
        """Build the suggestions of the purchasing day (today, or tomorrow after the
        18:00 cut-off) with today's open orders in them: LOG-1.1's worklist."""
        purchase_suggestions_build(day=purchasing_day(), actor=None)

    def finish(self) -> None:
        """Mark read what was news before today (and before the last evening shift
        began: its holds are still news); count what the operations made."""
        start = min(at(self.today, 0), self.last_evening)
        Notification.objects.filter(created_at__lt=start, read_at__isnull=True).update(
            read_at=ExpressionWrapper(
                F("created_at") + dt.timedelta(minutes=45),
                output_field=DateTimeField(),
            )
        )
        counts = self.b.counts
        counts.update(
            stock_movements=Movement.objects.count(),
            purchase_orders=PurchaseOrder.objects.count(),
            holds=Hold.objects.count(),
            evening_queue=evening_queue().count(),
            after_sales=AfterSale.objects.count(),
            complaints=Complaint.objects.count(),
            quality_checks=QualityCheck.objects.count(),
        )
        if self.emergencies:
            self.stage(f"{self.emergencies} rush deliveries for short days")
