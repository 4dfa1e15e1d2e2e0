"""Build the demo company: an outdoor-gear seller (户外用品) with two storefronts.

`demo_build` creates, from one seed and always the same way, the shops, departments and
staff in every role (through `org.services`), the catalog, and fifteen months of
customers and orders ending today on the shop clock. Rows are built in memory and
written with `bulk_create`. Then `demo.operations` runs the company since last month:
the stock ledger, purchasing, shipping, holds, after-sales and today's work. All in one
transaction: the full demo takes under a minute.
"""

from __future__ import annotations

import bisect
import datetime as dt
import itertools
import random
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import check_password, make_password
from django.db import models, transaction
from django.db.models import OuterRef, Subquery

from shopops.aftersales.models import AfterSale
from shopops.catalog.models import Category, Listing, Product, Sku, Supplier
from shopops.core import clock
from shopops.core.audit import audit_record
from shopops.core.models import AuditEntry, DutyRun
from shopops.core.money import CENT, ZERO
from shopops.core.roles import Role, Shift
from shopops.customers.models import Customer
from shopops.customers.phones import buyer_keys
from shopops.demo import catalog_data, names, operations, seasons
from shopops.demo.catalog_data import Axis, CategorySpec, Kind
from shopops.demo.timeline import last_evening
from shopops.orders.models import (
    Complaint,
    Hold,
    Order,
    OrderLine,
    OrderStatusChange,
)
from shopops.orders.rollups import rollups_rebuild
from shopops.org.models import Department, Shop, Staff
from shopops.org.services import department_ensure, shop_create, staff_create
from shopops.purchasing.models import (
    PurchaseOrder,
    PurchaseSettings,
    PurchaseSuggestion,
    Receipt,
    SupplierPrice,
    SupplierTerms,
)
from shopops.shipping.models import (
    CourierDelay,
    HandoffProblem,
    PickList,
    PickListLine,
    PickListOrder,
    QualityCheck,
    Shipment,
)
from shopops.stock.models import (
    CountSheet,
    Location,
    Lot,
    Movement,
    Reservation,
    StockLevel,
    StockReport,
    Warehouse,
)

DEMO_PASSWORD = "shopops-demo"  # noqa: S105 - the published password of the demo logins
MONTHS = 15
BATCH = 1000


@dataclass(frozen=True)
class Scale:
    """How much the demo holds."""

    name: str
    kinds_per_category: int
    orders: int
    # The share of orders that bring a new customer; the rest come back.
    new_customer_share: float


SCALES = {
    "small": Scale("small", 2, 800, 0.25),
    "full": Scale("full", 8, 32_000, 0.35),
}

# (code, name, parent code) — parents first.
DEPARTMENTS = (
    ("company", "公司", None),
    ("ecom", "电商部", "company"),
    ("finance", "财务部", "company"),
    ("marketing", "营销部", "ecom"),
    ("logistics", "物流部", "ecom"),
    ("shipping", "发货部", "logistics"),
    ("design", "美工部", "ecom"),
    ("cs", "客服部", "ecom"),
    ("planning", "策划部", "ecom"),
)

# (username, role, shift, department, manager's username) — managers first.
STAFF = (
    ("general_manager", Role.GENERAL_MANAGER, Shift.NONE, "company", None),
    ("ops_manager", Role.OPS_MANAGER, Shift.NONE, "ecom", "general_manager"),
    ("finance", Role.FINANCE, Shift.NONE, "finance", "general_manager"),
    ("marketing", Role.MARKETING, Shift.NONE, "marketing", "ops_manager"),
    ("logistics", Role.LOGISTICS, Shift.NONE, "logistics", "ops_manager"),
    ("shipping", Role.SHIPPING, Shift.NONE, "shipping", "logistics"),
    ("design_lead", Role.DESIGN_LEAD, Shift.NONE, "design", "ops_manager"),
    ("designer", Role.DESIGNER, Shift.NONE, "design", "design_lead"),
    ("designer2", Role.DESIGNER, Shift.NONE, "design", "design_lead"),
    ("customer_service", Role.CUSTOMER_SERVICE, Shift.PRE_SALE, "cs", "ops_manager"),
    ("cs_after_sale", Role.CUSTOMER_SERVICE, Shift.AFTER_SALE, "cs", "ops_manager"),
    ("cs_evening", Role.CUSTOMER_SERVICE, Shift.EVENING, "cs", "ops_manager"),
    ("planning", Role.PLANNING, Shift.NONE, "planning", "ops_manager"),
)

# (code, name, platform, marketplace shop id, share of orders)
SHOPS = (
    ("yejing-tmall", "野径户外旗舰店", Shop.Platform.TMALL, "67153428", 0.6),
    ("yejing-taobao", "野径户外用品店", Shop.Platform.TAOBAO, "35208817", 0.4),
)

# Couriers for ordinary and remote addresses (by the seller center's names), with the
# shape of their tracking numbers (as `shipping.couriers` checks them).
COURIERS = (
    ("中通快递", "78", 13, 30),
    ("圆通速递", "YT", 13, 25),
    ("韵达快递", "43", 13, 20),
    ("申通快递", "77", 13, 10),
    ("极兔速递", "JT", 13, 5),
    ("顺丰速运", "SF", 13, 10),
)
REMOTE_COURIER = ("邮政EMS", "1", 12)
# Paid orders that wait, however small the demo: the evening shift's work (CS-1):
# some for days (for stock), some paid since the last evening shift began.
MIN_WAITING = 3
MIN_FRESH = 6

BUYER_MESSAGES = [
    "请尽快发货，周末要去露营",
    "麻烦发顺丰，运费可补",
    "送人的，请不要放价格单",
    "请帮忙检查一下再发，谢谢",
    "工作日白天不在家，请放快递柜",
    "和上一单一起发",
    "颜色请核对一下，之前发错过",
    "需要开发票，抬头见聊天记录",
]
CANCEL_REASONS = ["不想要了", "拍错了/多拍了", "地址填写错误", "协商一致退款"]
RETURN_REASONS = ["七天无理由退货", "尺码不合适", "颜色与图片不符", "质量问题"]
UNPAID_CLOSE = "买家超时未付款，交易自动关闭"


@dataclass
class Stories:
    """What the order history implies for the rest of the company, by order number:
    the operations (`demo.operations`) turn each story into the records it needs."""

    # Shipped late for want of stock: the outer code that was missing.
    late_out_of_stock: dict[str, str] = field(default_factory=dict)
    # Shipped a day late after a unit failed the check: when it was to ship.
    late_quality: dict[str, dt.datetime] = field(default_factory=dict)
    # Paid and still waiting for stock: the outer code that is missing.
    waiting_for_stock: dict[str, str] = field(default_factory=dict)
    # Paid and waiting because the buyer asked to ship later.
    ship_later: set[str] = field(default_factory=set)


Log = Callable[[str], None]


def _quiet(_: str) -> None:
    """Drop progress lines."""


def demo_build(
    *, seed: int = 42, scale: str = "full", log: Log = _quiet
) -> dict[str, int]:
    """Build the demo company from `seed`; return the count of each kind of row.

    Run in one transaction and record a `demo.build` audit entry. The database must
    hold no shops and no demo logins (see `demo_reset`).
    """
    with transaction.atomic():
        counts = _Builder(random.Random(seed), SCALES[scale], log).run()
        # The orders were written in bulk and their stories replayed with their
        # fields set as they were at each moment: count the final state.
        rollups_rebuild(actor=None)
        audit_record(
            actor=None,
            verb="demo.build",
            action=AuditEntry.Action.ACTION,
            changes={"seed": seed, "scale": scale, **counts},
        )
    return counts


# What the company's work made, in an order that deletes what points at a row (with
# PROTECT) before the row: (label, model), each emptied whole.
WORK: tuple[tuple[str, type[models.Model]], ...] = (
    ("pick_list_lines", PickListLine),
    ("pick_list_orders", PickListOrder),
    ("shipments", Shipment),
    ("pick_lists", PickList),
    ("quality_checks", QualityCheck),
    ("handoff_problems", HandoffProblem),
    ("courier_delays", CourierDelay),
    ("receipts", Receipt),
    ("purchase_suggestions", PurchaseSuggestion),
    ("purchase_orders", PurchaseOrder),
    ("supplier_prices", SupplierPrice),
    ("supplier_terms", SupplierTerms),
    ("purchase_settings", PurchaseSettings),
    ("count_sheets", CountSheet),
    ("stock_reports", StockReport),
    ("reservations", Reservation),
    ("stock_movements", Movement),
    ("stock_levels", StockLevel),
    ("lots", Lot),
    ("locations", Location),
    ("warehouses", Warehouse),
    ("after_sales", AfterSale),
    ("complaints", Complaint),
    ("holds", Hold),
    ("order_history", OrderStatusChange),
)


def demo_reset(*, log: Log = _quiet) -> dict[str, int]:
    """Delete the shops and what hangs on them: orders, customers, the catalog, the
    stock ledger, purchasing, shipping, holds and after-sales, staff and their logins
    (with their notifications and the duties they marked done). Keep the departments,
    the hold reasons' settings and the audit trail; return the counts."""
    started = time.monotonic()
    counts: dict[str, int] = {}
    with transaction.atomic():
        for label, model in WORK:
            _total, by_model = model._default_manager.all().delete()
            counts[label] = by_model.get(model._meta.label, 0)
        # Load only the keys: the deletion walks every row to cascade.
        counts["order_lines"] = OrderLine.objects.only("pk").delete()[0]
        counts["orders"] = Order.objects.only("pk").delete()[0]
        counts["customers"] = Customer.objects.only("pk").delete()[0]
        counts["listings"] = Listing.objects.all().delete()[0]
        counts["skus"] = Sku.objects.all().delete()[0]
        counts["products"] = Product.objects.all().delete()[0]
        counts["categories"] = 0
        while Category.objects.exists():
            counts["categories"] += Category.objects.filter(
                children__isnull=True
            ).delete()[0]
        counts["suppliers"] = Supplier.objects.all().delete()[0]
        counts["staff"] = Staff.objects.count()
        DutyRun.objects.filter(done_by__staff__isnull=False).delete()
        get_user_model().objects.filter(staff__isnull=False).delete()
        counts["shops"] = Shop.objects.all().delete()[0]
        audit_record(
            actor=None,
            verb="demo.reset",
            action=AuditEntry.Action.DELETE,
            changes=counts,
        )
    done = {key: n for key, n in counts.items() if n}
    log(f"reset: deleted {_summary(done)} ({time.monotonic() - started:.1f} s)")
    return counts


@dataclass(frozen=True)
class Login:
    role_label: str
    username: str
    name: str
    # The demo password while it still works; None once the person changed it.
    password: str | None


def demo_logins() -> list[Login]:
    """Return one login per active staff member, in the order of the roles."""
    role_order = {role: i for i, role in enumerate(Role.values)}
    shift_order = {shift: i for i, shift in enumerate(Shift.values)}
    staff = sorted(
        Staff.objects.select_related("user").filter(active=True, user__is_active=True),
        key=lambda s: (
            role_order.get(s.role, 99),
            shift_order.get(s.shift, 9),
            s.user.username,
        ),
    )
    works: dict[str, bool] = {}
    logins = []
    for person in staff:
        encoded = person.user.password
        if encoded not in works:
            works[encoded] = check_password(DEMO_PASSWORD, encoded)
        label = str(Role(person.role).label)
        if person.shift:
            label += f"（{Shift(person.shift).label}）"
        logins.append(
            Login(
                role_label=label,
                username=person.user.username,
                name=person.name,
                password=DEMO_PASSWORD if works[encoded] else None,
            )
        )
    return logins


def period_days(today: dt.date) -> list[dt.date]:
    """Return the days of the fifteen months that end with `today`."""
    months = today.year * 12 + today.month - 1 - MONTHS
    year, month = divmod(months, 12)
    start = dt.date(year, month + 1, min(today.day, 28)) + dt.timedelta(days=1)
    return [start + dt.timedelta(days=i) for i in range((today - start).days + 1)]


def orders_per_day(
    *, rng: random.Random, total: int, days: list[dt.date], now: dt.datetime
) -> list[int]:
    """Share `total` orders among `days` by their weight, exactly.

    A day's weight is `seasons.day_weight`, a growth of a fifth a year, and ±15 %
    noise; the last day, if it is today, counts only the hours gone by at `now`.
    """
    local_now = now.astimezone(clock.shop_zone())
    raw = []
    for i, day in enumerate(days):
        growth = 1.2 ** (i / 365)
        weight = seasons.day_weight(day) * growth * rng.uniform(0.85, 1.15)
        if day == local_now.date():
            hours = seasons.hour_weights(day)
            done = sum(hours[: local_now.hour]) + hours[local_now.hour] * (
                local_now.minute / 60
            )
            weight *= done / sum(hours)
        raw.append(weight)
    exact = [w * total / sum(raw) for w in raw]
    counts = [int(x) for x in exact]
    by_remainder = sorted(
        range(len(days)), key=lambda i: exact[i] - counts[i], reverse=True
    )
    for i in by_remainder[: total - sum(counts)]:
        counts[i] += 1
    return counts


def _summary(counts: dict[str, int]) -> str:
    return ", ".join(f"{n:,} {key.replace('_', ' ')}" for key, n in counts.items())


def _money(cents: int) -> Decimal:
    return (Decimal(cents) / 100).quantize(CENT)


def _ean13(first12: str) -> str:
    """Return the EAN-13 barcode of twelve digits, with its check digit."""
    total = sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(first12))
    return f"{first12}{-total % 10}"


def _shop_price(cents: int) -> int:
    """Round a price in cents the way shops write them: 16.90, 59.00, 399.00."""
    if cents < 3000:
        return max(90, cents // 100 * 100 + 90)
    yuan = cents // 100
    return (yuan // 10 * 10 + 9) * 100


@dataclass
class _Item:
    """A SKU as the order generator sees it."""

    sku: Sku
    product: Product
    spec: CategorySpec
    price: Decimal


@dataclass
class _ProductPlan:
    product: Product
    spec: CategorySpec
    items: list[_Item]
    item_cum: list[float]
    popularity: float
    # Sold in months [launch, retire) of the period; never when a draft.
    launch: int = 0
    retire: int = MONTHS + 1


@dataclass
class _Buyer:
    customer: Customer
    place: names.Place
    # The most orders this buyer places in the period, and the count so far.
    cap: int
    orders: int = 0


@dataclass
class _ShopState:
    shop: Shop
    buyers: list[_Buyer] = field(default_factory=list)
    # Returning buyers are drawn by ticket: loyal buyers hold more tickets.
    tickets: list[int] = field(default_factory=list)
    member_names: set[str] = field(default_factory=set)


class _Builder:
    def __init__(self, rng: random.Random, scale: Scale, log: Log) -> None:
        self.rng = rng
        self.scale = scale
        self.log = log
        self.started = time.monotonic()
        self.counts: dict[str, int] = {}
        self.now = clock.now()
        self.zone = clock.shop_zone()
        self.today = clock.today()
        self.stories = Stories()

    def stage(self, text: str) -> None:
        self.log(f"[{time.monotonic() - self.started:5.1f} s] {text}")

    def run(self) -> dict[str, int]:
        self.build_org()
        self.build_catalog()
        self.build_orders()
        operations.build_operations(self)
        return self.counts

    # --- organisation -----------------------------------------------------------

    def build_org(self) -> None:
        rng = self.rng
        departments: dict[str, Department] = {}
        for code, name, parent in DEPARTMENTS:
            departments[code] = department_ensure(
                actor=None,
                code=code,
                name=name,
                parent=departments[parent] if parent else None,
            )
        self.shops = [
            shop_create(
                actor=None,
                code=code,
                name=name,
                platform=platform,
                marketplace_shop_id=sid,
            )
            for code, name, platform, sid, _ in SHOPS
        ]
        self.shop_shares = [share for *_, share in SHOPS]
        staff: dict[str, Staff] = {}
        self.staff = staff
        for username, role, shift, department, manager in STAFF:
            hired = self.today - dt.timedelta(days=rng.randrange(120, 6 * 365))
            staff[username] = staff_create(
                actor=None,
                username=username,
                # None makes an unusable password at once; one shared hash of the demo
                # password replaces it below, so hashing runs once, not once a person.
                password=None,
                name=names.person_name(rng),
                role=role,
                department=departments[department],
                manager=staff[manager] if manager else None,
                shift=shift,
                phone=names.mobile(rng),
                email=f"{username}@yejing-outdoor.example",
                hire_date=hired,
            )
        get_user_model().objects.filter(
            pk__in=[s.user_id for s in staff.values()]
        ).update(password=make_password(DEMO_PASSWORD))
        self.counts.update(
            shops=len(self.shops), departments=len(departments), staff=len(staff)
        )
        self.stage(
            f"organisation: {len(self.shops)} shops, {len(departments)} departments, "
            f"{len(staff)} staff"
        )

    # --- catalog ----------------------------------------------------------------

    def build_catalog(self) -> None:
        rng = self.rng
        parents: dict[str, Category] = {}
        for spec in catalog_data.CATEGORIES:
            parents.setdefault(spec.parent, Category(name=spec.parent))
        Category.objects.bulk_create(parents.values())
        leaves = {
            spec.name: Category(name=spec.name, parent=parents[spec.parent])
            for spec in catalog_data.CATEGORIES
        }
        Category.objects.bulk_create(leaves.values())

        suppliers = {
            s.code: Supplier(
                code=s.code,
                name=s.name,
                contact=names.person_name(rng),
                phone=names.landline(rng, s.area_code),
                city=s.city,
                lead_time_days=s.lead_time_days,
            )
            for s in catalog_data.SUPPLIERS
        }
        Supplier.objects.bulk_create(suppliers.values())

        plans: list[_ProductPlan] = []
        for spec in catalog_data.CATEGORIES:
            kinds = spec.kinds[: self.scale.kinds_per_category]
            for serial, kind in enumerate(kinds, start=1):
                plans.append(
                    self.plan_product(spec, kind, serial, leaves, suppliers, len(kinds))
                )
        self.mark_product_lifecycles(plans)
        Product.objects.bulk_create([p.product for p in plans], batch_size=BATCH)
        Sku.objects.bulk_create(
            [item.sku for p in plans for item in p.items], batch_size=BATCH
        )
        listings = self.make_listings(plans)
        Listing.objects.bulk_create(listings, batch_size=BATCH)
        self.plans = plans
        self.suppliers = suppliers
        self.counts.update(
            categories=len(parents) + len(leaves),
            suppliers=len(suppliers),
            products=len(plans),
            skus=sum(len(p.items) for p in plans),
            listings=len(listings),
        )
        self.stage(
            f"catalog: {self.counts['categories']} categories, {len(suppliers)} "
            f"suppliers, {len(plans)} products, {self.counts['skus']} SKUs, "
            f"{len(listings)} listings"
        )

    def plan_product(
        self,
        spec: CategorySpec,
        kind: Kind,
        serial: int,
        leaves: dict[str, Category],
        suppliers: dict[str, Supplier],
        kinds_in_category: int,
    ) -> _ProductPlan:
        rng = self.rng
        code = f"{spec.prefix}-{serial:04d}"
        brand = rng.choice(catalog_data.BRANDS)
        title = f"{brand} {kind.name} {kind.keywords}"
        cost_cents = kind.cost * rng.randint(90, 112)
        markup = int(spec.markup * 100) + rng.randint(-15, 20)
        list_cents = _shop_price(cost_cents * markup // 100)
        if kind.no_shelf_life:
            shelf_life = None
        else:
            shelf_life = kind.shelf_life_days or spec.shelf_life_days
        product = Product(
            code=code,
            title=title,
            category=leaves[spec.name],
            shelf_life_days=shelf_life,
            cost_price=_money(cost_cents),
            list_price=_money(list_cents),
            default_supplier=suppliers[spec.supplier],
        )
        items = [
            _Item(sku=sku, product=product, spec=spec, price=price)
            for sku, price in self.make_skus(
                product, kind.axes or spec.axes, list_cents
            )
        ]
        # The first SKU sells best, as a shop's default choice does.
        item_cum = list(itertools.accumulate(1.0 / (i + 1) for i in range(len(items))))
        rank_weight = 1.0 / (serial**0.8)
        popularity = (
            spec.weight * rank_weight * rng.uniform(0.6, 1.4) * 8 / kinds_in_category
        )
        return _ProductPlan(product, spec, items, item_cum, popularity)

    def make_skus(
        self, product: Product, axes: Sequence[Axis], list_cents: int
    ) -> list[tuple[Sku, Decimal]]:
        rng = self.rng
        combos = list(itertools.product(*(a.values for a in axes)))
        count = min(len(combos), rng.choice((1, 2, 2, 3, 3, 4, 4)))
        picked = sorted(rng.sample(range(len(combos)), count))
        skus = []
        for index in picked:
            combo = combos[index]
            factor = Decimal(1)
            for _, _, f in combo:
                factor *= f
            price_cents = list_cents
            if factor != 1:
                price_cents = _shop_price(int(list_cents * factor))
            sku = Sku(
                product=product,
                outer_code="-".join([product.code, *(c for _, c, _ in combo)]),
                attributes=";".join(
                    f"{a.name}:{label}"
                    for a, (label, _, _) in zip(axes, combo, strict=True)
                ),
                barcode=_ean13(f"69{rng.randrange(10**10):010d}"),
                price=_money(price_cents) if price_cents != list_cents else None,
            )
            skus.append((sku, _money(price_cents)))
        return skus

    def mark_product_lifecycles(self, plans: list[_ProductPlan]) -> None:
        """Retire a few products, launch a few late and leave a few as drafts."""
        rng = self.rng
        n = len(plans)
        indices = rng.sample(
            range(n), max(1, n // 25) + max(1, n // 60) + max(1, n // 15)
        )
        retired = indices[: max(1, n // 25)]
        drafts = indices[len(retired) : len(retired) + max(1, n // 60)]
        launched = indices[len(retired) + len(drafts) :]
        for i in retired:
            plans[i].product.status = Product.Status.DISCONTINUED
            plans[i].retire = rng.randint(6, 11)
        for i in drafts:
            plans[i].product.status = Product.Status.DRAFT
            plans[i].launch = plans[i].retire = MONTHS + 1
        for i in launched:
            plans[i].launch = rng.randint(9, 13)

    def make_listings(self, plans: list[_ProductPlan]) -> list[Listing]:
        rng = self.rng
        listings: list[Listing] = []
        for shop in self.shops:
            for plan in plans:
                product = plan.product
                title = product.title
                if shop.platform == Shop.Platform.TAOBAO:
                    title = f"{title} 包邮"
                listing = Listing(
                    shop=shop,
                    product=product,
                    marketplace_item_id=str(rng.randrange(6 * 10**11, 9 * 10**11)),
                    title=title,
                    state=Listing.State.ON_SALE,
                )
                if product.status == Product.Status.DRAFT:
                    listing.state, listing.state_note = (
                        Listing.State.IN_WAREHOUSE,
                        "新品待上架",
                    )
                elif product.status == Product.Status.DISCONTINUED:
                    listing.state, listing.state_note = (
                        Listing.State.IN_WAREHOUSE,
                        "已停售",
                    )
                else:
                    roll = rng.random()
                    if roll < 0.035:
                        listing.state = Listing.State.VIOLATION
                        listing.state_note = rng.choice(catalog_data.VIOLATION_NOTES)
                    elif roll < 0.095:
                        listing.state = Listing.State.IN_WAREHOUSE
                        listing.state_note = rng.choice(catalog_data.WAREHOUSE_NOTES)
                listings.append(listing)
        # Whatever the draw, the LOG-4.1 worklist has something of each kind to fix.
        active = [
            lst for lst in listings if lst.product.status == Product.Status.ACTIVE
        ]
        for state, notes in (
            (Listing.State.VIOLATION, catalog_data.VIOLATION_NOTES),
            (Listing.State.IN_WAREHOUSE, catalog_data.WAREHOUSE_NOTES),
        ):
            if not any(lst.state == state for lst in active):
                listing = rng.choice(
                    [x for x in active if x.state == Listing.State.ON_SALE]
                )
                listing.state, listing.state_note = state, rng.choice(notes)
        return listings

    # --- customers and orders ---------------------------------------------------

    def month_pickers(
        self, start: dt.date
    ) -> dict[int, tuple[list[_ProductPlan], list[float]]]:
        """Return, per month of the period, the products on sale and their weights."""
        pickers = {}
        for index in range(MONTHS + 1):
            month = (start.month - 1 + index) % 12 + 1
            available = [p for p in self.plans if p.launch <= index < p.retire]
            weights = [p.popularity * p.spec.season[month] for p in available]
            pickers[index] = (available, list(itertools.accumulate(weights)))
        return pickers

    def build_orders(self) -> None:
        rng = self.rng
        days = period_days(self.today)
        start = days[0]
        counts = orders_per_day(
            rng=rng, total=self.scale.orders, days=days, now=self.now
        )
        pickers = self.month_pickers(start)
        by_category: dict[str, list[_ProductPlan]] = {}
        for plan in self.plans:
            if plan.product.status == Product.Status.ACTIVE:
                by_category.setdefault(plan.spec.name, []).append(plan)
        self.by_category = by_category
        states = [_ShopState(shop) for shop in self.shops]
        # The shops had buyers before the period: they come back without a first
        # order in it (a customer is saved only if they order).
        for state, share in zip(states, self.shop_shares, strict=True):
            for _ in range(int(self.scale.orders * 0.06 * share)):
                self.new_buyer(state)
        shop_cum = list(itertools.accumulate(self.shop_shares))
        order_numbers: set[str] = set()
        placed: list[tuple[Order, list[OrderLine]]] = []
        local_now = self.now.astimezone(self.zone)
        for day, count in zip(days, counts, strict=True):
            if not count:
                continue
            promo = seasons.promotion(day)
            hour_cum = list(itertools.accumulate(seasons.hour_weights(day)))
            month_index = (day.year - start.year) * 12 + day.month - start.month
            products, product_cum = pickers[month_index]
            day_start = dt.datetime(day.year, day.month, day.day, tzinfo=self.zone)
            times = []
            for _ in range(count):
                hour = bisect.bisect(hour_cum, rng.random() * hour_cum[-1])
                moment = day_start + dt.timedelta(
                    hours=min(hour, 23), seconds=rng.randrange(3600)
                )
                if moment > local_now:
                    elapsed = (local_now - day_start).total_seconds()
                    moment = day_start + dt.timedelta(seconds=rng.uniform(0, elapsed))
                times.append(moment)
            times.sort()
            for created in times:
                state = states[bisect.bisect(shop_cum, rng.random() * shop_cum[-1])]
                buyer = self.pick_buyer(state)
                order_no = str(rng.randrange(2 * 10**18, 5 * 10**18))
                while order_no in order_numbers:
                    order_no = str(rng.randrange(2 * 10**18, 5 * 10**18))
                order_numbers.add(order_no)
                order, order_lines = self.make_order(
                    state.shop, buyer, order_no, created, promo, products, product_cum
                )
                placed.append((order, order_lines))
        self.keep_some_waiting(placed)
        self.placed = placed
        orders = [order for order, _ in placed]
        lines = [line for _, order_lines in placed for line in order_lines]
        customers = [b.customer for s in states for b in s.buyers if b.orders]
        self.stage(
            f"generated {len(customers):,} customers, {len(orders):,} orders, "
            f"{len(lines):,} order lines"
        )
        Customer.objects.bulk_create(customers, batch_size=BATCH)
        self.stage("customers written")
        Order.objects.bulk_create(orders, batch_size=BATCH)
        self.stage("orders written")
        OrderLine.objects.bulk_create(lines, batch_size=BATCH)
        self.stage("order lines written")
        first_order = (
            Order.objects.filter(customer=OuterRef("pk"))
            .order_by("created_at")
            .values("created_at")[:1]
        )
        Customer.objects.filter(shop__in=self.shops).update(
            created_at=Subquery(first_order)
        )
        self.counts.update(
            customers=len(customers), orders=len(orders), order_lines=len(lines)
        )

    def pick_buyer(self, state: _ShopState) -> _Buyer:
        """Return who places the next order: a returning buyer, or a new one."""
        rng = self.rng
        if state.buyers and rng.random() >= self.scale.new_customer_share:
            for _ in range(3):
                buyer = state.buyers[rng.choice(state.tickets)]
                if buyer.orders < buyer.cap:
                    buyer.orders += 1
                    return buyer
        buyer = self.new_buyer(state)
        buyer.orders += 1
        return buyer

    def new_buyer(self, state: _ShopState) -> _Buyer:
        """Add a buyer to the shop: one-off (most), regular, or a VIP."""
        rng = self.rng
        loyalty = rng.random()
        if loyalty < 0.55:
            cap, tickets = rng.randint(1, 2), 1
        elif loyalty < 0.9:
            cap, tickets = rng.randint(3, 6), 2
        else:
            cap, tickets = rng.randint(8, 25), 4
        member = names.member_name(rng)
        while member in state.member_names:
            member = names.member_name(rng)
        state.member_names.add(member)
        place = names.place(rng)
        birthday = None
        if rng.random() < 0.45:
            birthday = dt.date(rng.randrange(1970, 2004), 1, 1) + dt.timedelta(
                days=rng.randrange(365)
            )
        phone = names.mobile(rng)
        customer = Customer(
            shop_id=state.shop.pk,
            member_name=member,
            name=names.person_name(rng),
            phone=phone,
            phone_key=buyer_keys(phone, "", "").phone_key,
            province=place.province,
            city=place.city,
            birthday=birthday,
        )
        state.buyers.append(_Buyer(customer, place, cap))
        state.tickets.extend([len(state.buyers) - 1] * tickets)
        return state.buyers[-1]

    def pick_item(self, plan: _ProductPlan) -> _Item:
        rng = self.rng
        index = bisect.bisect(plan.item_cum, rng.random() * plan.item_cum[-1])
        return plan.items[min(index, len(plan.items) - 1)]

    def quantity(self, spec: CategorySpec) -> int:
        rng = self.rng
        quantities = [q for q, _ in spec.quantities]
        weights = [w for _, w in spec.quantities]
        return rng.choices(quantities, weights=weights)[0]

    def make_order(
        self,
        shop: Shop,
        buyer: _Buyer,
        order_no: str,
        created: dt.datetime,
        promo: seasons.Promotion,
        products: list[_ProductPlan],
        product_cum: list[float],
    ) -> tuple[Order, list[OrderLine]]:
        rng = self.rng
        line_count = rng.choices((1, 2, 3, 4), weights=(72, 20, 6, 2))[0]
        chosen: list[tuple[_Item, int]] = []
        seen: set[int] = set()
        for _ in range(line_count):
            index = bisect.bisect(product_cum, rng.random() * product_cum[-1])
            plan = products[min(index, len(products) - 1)]
            if id(plan) in seen:
                continue
            seen.add(id(plan))
            chosen.append((self.pick_item(plan), self.quantity(plan.spec)))
            companion = catalog_data.COMPANIONS.get(plan.spec.name)
            if companion and rng.random() < companion[1]:
                extras = self.by_category.get(companion[0])
                if extras:
                    extra = rng.choice(extras)
                    if id(extra) not in seen:
                        seen.add(id(extra))
                        chosen.append(
                            (self.pick_item(extra), self.quantity(extra.spec))
                        )
        lines = []
        goods = ZERO
        for item, qty in chosen:
            price = (item.price * promo.price_factor).quantize(CENT, ROUND_HALF_UP)
            goods += price * qty
            lines.append(
                OrderLine(
                    sku_id=item.sku.pk,
                    outer_code=item.sku.outer_code,
                    title=item.product.title,
                    attributes=item.sku.attributes,
                    price=price,
                    quantity=qty,
                )
            )
        place = buyer.place
        customer = buyer.customer
        receiver_name, receiver_phone = customer.name, customer.phone
        roll = rng.random()
        if roll < 0.08:  # a family member receives it
            receiver_name, receiver_phone = names.person_name(rng), names.mobile(rng)
        elif roll < 0.12:  # sent to the office
            place = names.place(rng)
        postage = ZERO
        if place.province in ("新疆维吾尔自治区", "西藏自治区"):
            postage = Decimal("20.00")
        elif place.province in names.REMOTE_PROVINCES:
            postage = Decimal("15.00")
        elif goods < 49:
            postage = Decimal("6.00")
        total = goods + postage
        discount = ZERO
        if promo.coupon_step and promo.coupon_off:
            discount = (goods // promo.coupon_step) * promo.coupon_off
        elif rng.random() < 0.08:
            threshold, off = rng.choice(((99, 5), (199, 10), (399, 20)))
            if goods >= threshold:
                discount = Decimal(off)
        paid_amount = (total - discount).quantize(CENT)
        order = Order(
            shop_id=shop.pk,
            order_no=order_no,
            customer=customer,
            buyer_member_name=customer.member_name,
            receiver_name=receiver_name,
            receiver_phone=receiver_phone,
            address=place.full,
            province=place.province,
            city=place.city,
            district=place.district,
            goods_amount=goods,
            postage=postage,
            total_amount=total,
            created_at=created.astimezone(dt.UTC),
            item_count=sum(q for _, q in chosen),
        )
        if rng.random() < 0.07:
            order.buyer_message = rng.choice(BUYER_MESSAGES)
        self.settle(order, created, paid_amount, place.province, chosen)
        for line in lines:
            line.order = order
        return order, lines

    def settle(
        self,
        order: Order,
        created: dt.datetime,
        paid_amount: Decimal,
        province: str,
        chosen: list[tuple[_Item, int]],
    ) -> None:
        """Set status, times and money as the order's history up to now made them."""
        rng = self.rng
        now = self.now
        if rng.random() < 0.04:
            if now - created < dt.timedelta(hours=24):
                order.status = Order.Status.AWAITING_PAYMENT
            else:
                order.status = Order.Status.CLOSED
                order.close_reason = UNPAID_CLOSE
            return
        roll = rng.random()
        if roll < 0.85:
            paid = created + dt.timedelta(seconds=rng.randrange(5, 300))
        elif roll < 0.97:
            paid = created + dt.timedelta(minutes=rng.randrange(5, 60))
        else:
            paid = created + dt.timedelta(hours=rng.uniform(1, 20))
        if paid > now:
            order.status = Order.Status.AWAITING_PAYMENT
            return
        order.paid_at = paid.astimezone(dt.UTC)
        order.paid_amount = paid_amount

        if rng.random() < 0.02:  # the buyer cancels before it ships
            refunded = paid + dt.timedelta(hours=rng.uniform(0.3, 20))
            if refunded <= now:
                order.status = Order.Status.CLOSED
                order.refund_state = Order.RefundState.REFUNDED
                order.refunded_amount = paid_amount
                order.close_reason = f"退款成功：{rng.choice(CANCEL_REASONS)}"
            else:
                order.status = Order.Status.PAID
                order.refund_state = Order.RefundState.REQUESTED
            return

        shipped = planned = self.ship_time(paid.astimezone(self.zone))
        out_of_stock = rng.random() < 0.015
        late_quality = not out_of_stock and rng.random() < 0.006
        if out_of_stock:
            shipped += dt.timedelta(days=rng.randint(2, 5))
        elif late_quality:
            shipped += dt.timedelta(days=1)
        if shipped > now:
            order.status = Order.Status.PAID
            # Couriers are assigned when the order comes in (the label is printed at
            # packing): a courier's delay holds the orders it was to carry.
            order.courier = self.courier(province)[0]
            self.note_unshipped(order, out_of_stock, chosen)
            return
        if out_of_stock:
            item, _ = rng.choice(chosen)
            self.stories.late_out_of_stock[order.order_no] = item.sku.outer_code
        elif late_quality:
            self.stories.late_quality[order.order_no] = planned
        courier, prefix, digits = self.courier(province)
        order.courier = courier
        order.tracking_no = f"{prefix}{rng.randrange(10**digits):0{digits}d}"
        order.shipped_at = shipped.astimezone(dt.UTC)

        if province in names.NEAR_PROVINCES:
            transit = rng.randint(1, 2)
        elif province in names.REMOTE_PROVINCES:
            transit = rng.randint(4, 7)
        else:
            transit = rng.randint(2, 4)
        delivered = shipped + dt.timedelta(days=transit, hours=rng.uniform(-4, 4))
        auto_confirm = shipped + dt.timedelta(days=10)
        if rng.random() < 0.6:
            confirmed = delivered + dt.timedelta(hours=rng.uniform(1, 72))
            confirmed = min(confirmed, auto_confirm)
        else:
            confirmed = auto_confirm

        if rng.random() < 0.015:  # returned for a refund
            refunded = delivered + dt.timedelta(days=rng.uniform(2, 6))
            if refunded <= now:
                order.status = Order.Status.CLOSED
                order.refund_state = Order.RefundState.REFUNDED
                order.refunded_amount = paid_amount
                order.close_reason = f"退货退款：{rng.choice(RETURN_REASONS)}"
            else:
                order.status = Order.Status.SHIPPED
                order.refund_state = Order.RefundState.REQUESTED
            return
        if confirmed > now:
            order.status = Order.Status.SHIPPED
            return
        order.status = Order.Status.COMPLETED
        order.confirmed_at = confirmed.astimezone(dt.UTC)
        if rng.random() < 0.03:  # compensation or a missing piece refunded
            item, _ = rng.choice(chosen)
            partial = min(
                paid_amount,
                rng.choice((Decimal(5), Decimal(10), Decimal(20), item.price)),
            )
            if partial > 0:
                order.refund_state = Order.RefundState.PARTIAL
                order.refunded_amount = partial

    def ship_time(self, paid: dt.datetime) -> dt.datetime:
        """Return when a paid order leaves the warehouse (shop-local).

        Orders paid before 16:00 go out the same day after 16:00, later ones the next
        day; nothing moves while the couriers stop for the Spring Festival, and the
        days after Double 11 and 618 carry a backlog.
        """
        rng = self.rng
        day = paid.date()
        same_day = paid.hour < 16 and seasons.is_shipping_day(day)
        if not same_day:
            day += dt.timedelta(days=1)
        backlog = 0
        if seasons.promotion(day).midnight_rush or (day.month, day.day) in (
            (11, 12),
            (11, 13),
        ):
            backlog = rng.randint(0, 2)
        while not seasons.is_shipping_day(day):
            day += dt.timedelta(days=1)
            backlog = rng.randint(0, 1)
        day += dt.timedelta(days=backlog)
        while not seasons.is_shipping_day(day):
            day += dt.timedelta(days=1)
        if same_day and not backlog:
            start_hour, hours = 16.5, 3.0
        else:
            start_hour, hours = 10.0, 8.0
        moment = dt.datetime(day.year, day.month, day.day, tzinfo=self.zone)
        moment += dt.timedelta(hours=start_hour + rng.uniform(0, hours))
        return max(moment, paid + dt.timedelta(minutes=20))

    def courier(self, province: str) -> tuple[str, str, int]:
        rng = self.rng
        if province in names.REMOTE_PROVINCES:
            return REMOTE_COURIER
        name, prefix, digits, _ = rng.choices(
            COURIERS, weights=[c[3] for c in COURIERS]
        )[0]
        return name, prefix, digits

    def keep_some_waiting(self, placed: list[tuple[Order, list[OrderLine]]]) -> None:
        """Keep a few paid orders waiting however small the demo: some for stock since
        a few days, some paid since the last evening shift began, so that the evening
        shift's worklist (CS-1, LOG-2.2) has something to show.

        A small demo has a couple of orders a day: older orders (from before the
        months the operations replay) are moved to these days to make up the count.
        """
        rng = self.rng
        start = last_evening(self.now)
        waiting = [
            o for o, _ in placed if o.status == Order.Status.PAID and not o.refund_state
        ]
        fresh = [o for o in waiting if o.paid_at is not None and o.paid_at > start]
        stale = [o for o in waiting if o not in fresh]
        cutoff = self.now - dt.timedelta(days=90)
        on_sale = {
            item.sku.pk
            for plan in self.plans
            if plan.product.status == Product.Status.ACTIVE
            for item in plan.items
        }
        older = [
            (o, lines)
            for o, lines in placed
            if o.status == Order.Status.COMPLETED
            and not o.refund_state
            and o.created_at < cutoff
            and o.order_no not in self.stories.late_quality
            and o.order_no not in self.stories.late_out_of_stock
            and all(line.sku_id in on_sale for line in lines)
        ]
        moved = rng.sample(
            older,
            min(
                len(older),
                max(0, MIN_WAITING - len(stale)) + max(0, MIN_FRESH - len(fresh)),
            ),
        )
        span = (self.now - start).total_seconds()
        for index, (order, lines) in enumerate(moved):
            if index < MIN_WAITING - len(stale):  # waiting for stock for days
                created = self.now - dt.timedelta(hours=rng.uniform(30, 96))
                self.mark_out_of_stock(order, rng.choice(lines).outer_code)
            else:
                created = start + dt.timedelta(seconds=span * rng.uniform(0.05, 0.9))
            order.created_at = created
            order.paid_at = min(
                created + dt.timedelta(seconds=rng.randrange(5, 300)), self.now
            )
            order.status = Order.Status.PAID
            order.shipped_at = order.confirmed_at = None
            order.tracking_no = ""

    def mark_out_of_stock(self, order: Order, outer_code: str) -> None:
        arrives = self.today + dt.timedelta(days=self.rng.randint(1, 4))
        order.seller_memo = (
            f"缺货：{outer_code}，供应商预计{arrives:%m月%d日}到货后发出"
        )
        self.stories.waiting_for_stock[order.order_no] = outer_code

    def note_unshipped(
        self, order: Order, out_of_stock: bool, chosen: list[tuple[_Item, int]]
    ) -> None:
        """Write the seller memo of a paid order that waits for something; the flags
        come with the holds that logistics makes (LOG-2.4, `demo.operations`)."""
        rng = self.rng
        if out_of_stock:
            item, _ = rng.choice(chosen)
            self.mark_out_of_stock(order, item.sku.outer_code)
            return
        roll = rng.random()
        if roll < 0.03:
            order.seller_memo = "买家要求修改收货地址，已核对新地址"
        elif roll < 0.05:
            order.seller_memo = "买家要求延后发货，周六再发"
            self.stories.ship_later.add(order.order_no)
        elif roll < 0.07:
            order.seller_memo = "老客户，加送登山杖保护套一对"
