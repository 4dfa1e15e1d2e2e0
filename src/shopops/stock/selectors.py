"""Reads of the stock ledger that pages, the API, duties and reports share."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import (
    Count,
    Exists,
    F,
    IntegerField,
    Max,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce

from shopops.catalog.models import Category, Product, Sku
from shopops.core import clock
from shopops.orders.models import Order, OrderLine
from shopops.stock.models import (
    CountLine,
    CountSheet,
    Location,
    Movement,
    StockLevel,
    StockReport,
    Warehouse,
)

# Orders whose lines count as a sale: paid, and not closed afterwards (a closed trade
# was never paid or was refunded in full).
SOLD_STATUSES = [Order.Status.PAID, Order.Status.SHIPPED, Order.Status.COMPLETED]


@dataclass(frozen=True)
class LevelFilters:
    category_id: int | None = None
    warehouse_id: int | None = None
    location_id: int | None = None
    search: str = ""  # part of the outer code (商家编码), the barcode or the title
    stockout: bool = False  # only active SKUs with nothing available
    quarantined: bool = False  # only SKUs with units set aside, and those levels


def category_with_descendants(category_id: int) -> list[int]:
    """Return the category's id and those of every category below it."""
    children: dict[int | None, list[int]] = defaultdict(list)
    for pk, parent_id in Category.objects.values_list("pk", "parent_id"):
        children[parent_id].append(pk)
    found, todo = [], [category_id]
    while todo:
        pk = todo.pop()
        if pk in found:
            continue
        found.append(pk)
        todo.extend(children.get(pk, []))
    return found


def _place_q(filters: LevelFilters, prefix: str = "") -> Q:
    """Return the filter on stock levels for the place the filters name."""
    q = Q()
    if filters.location_id:
        q &= Q(**{f"{prefix}location_id": filters.location_id})
    if filters.warehouse_id:
        q &= Q(**{f"{prefix}location__warehouse_id": filters.warehouse_id})
    return q


def active_skus() -> QuerySet[Sku]:
    """Return the SKUs on sale: the SKU enabled and its product active."""
    return Sku.objects.filter(active=True, product__status=Product.Status.ACTIVE)


def sku_stock_list(filters: LevelFilters) -> QuerySet[Sku]:
    """Return SKUs with their stock summed over the levels at the filtered place:
    `qty_on_hand`, `qty_reserved`, `qty_quarantined`, `qty_available`.

    Without a place, every SKU with stock or on sale is listed; with one, the SKUs that
    have a level there."""
    place = _place_q(filters, "stock_levels__")
    zero = Value(0, output_field=IntegerField())
    qs = Sku.objects.select_related("product", "product__category").annotate(
        qty_on_hand=Coalesce(Sum("stock_levels__on_hand", filter=place), zero),
        qty_reserved=Coalesce(Sum("stock_levels__reserved", filter=place), zero),
        qty_quarantined=Coalesce(Sum("stock_levels__quarantined", filter=place), zero),
    )
    qs = qs.annotate(
        qty_available=F("qty_on_hand") - F("qty_reserved") - F("qty_quarantined")
    )
    has_level = Exists(
        StockLevel.objects.filter(_place_q(filters), sku_id=OuterRef("pk"))
    )
    if filters.warehouse_id or filters.location_id:
        qs = qs.filter(has_level)
    else:
        qs = qs.filter(
            has_level | Q(active=True, product__status=Product.Status.ACTIVE)
        )
    if filters.category_id:
        qs = qs.filter(
            product__category_id__in=category_with_descendants(filters.category_id)
        )
    if filters.search:
        qs = qs.filter(
            Q(outer_code__icontains=filters.search)
            | Q(barcode=filters.search)
            | Q(product__title__icontains=filters.search)
        )
    if filters.stockout:
        qs = qs.filter(
            active=True, product__status=Product.Status.ACTIVE, qty_available__lte=0
        )
    if filters.quarantined:
        qs = qs.filter(qty_quarantined__gt=0)
    return qs.order_by("outer_code")


def levels_for_skus(sku_ids: list[int], filters: LevelFilters) -> dict[int, list]:
    """Return each SKU's levels at the filtered place (lots by expiry), in one query."""
    levels = StockLevel.objects.filter(_place_q(filters), sku_id__in=sku_ids)
    if filters.quarantined:
        levels = levels.filter(quarantined__gt=0)
    levels = levels.select_related("lot", "location", "location__warehouse").order_by(
        "sku_id", "lot__expiry_date", "location__code", "pk"
    )
    by_sku: dict[int, list] = defaultdict(list)
    for level in levels:
        by_sku[level.sku_id].append(level)
    return by_sku


def stockouts() -> QuerySet[Sku]:
    """Return the SKUs on sale with nothing available (available ≤ 0) right now."""
    zero = Value(0, output_field=IntegerField())
    return (
        active_skus()
        .annotate(
            qty_available=Coalesce(
                Sum(F("stock_levels__on_hand"))
                - Sum(F("stock_levels__reserved"))
                - Sum(F("stock_levels__quarantined")),
                zero,
            )
        )
        .filter(qty_available__lte=0)
        .order_by("outer_code")
    )


def movement_list(
    *,
    kind: str = "",
    sku: str = "",
    level_id: int | None = None,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
) -> QuerySet[Movement]:
    """Return the ledger, newest first, filtered by kind, SKU (outer code) and
    shop-local dates."""
    qs = Movement.objects.select_related(
        "level__sku",
        "level__lot",
        "level__location__warehouse",
        "actor",
        "order",
    )
    if kind:
        qs = qs.filter(kind=kind)
    if sku:
        qs = qs.filter(level__sku__outer_code__iexact=sku)
    if level_id:
        qs = qs.filter(level_id=level_id)
    if date_from:
        qs = qs.filter(at__gte=clock.day_bounds(date_from)[0])
    if date_to:
        qs = qs.filter(at__lt=clock.day_bounds(date_to)[1])
    return qs.order_by("-at", "-pk")


def warehouse_list() -> QuerySet[Warehouse]:
    return Warehouse.objects.prefetch_related("locations").annotate(
        level_count=Count(
            "locations__stock_levels", filter=Q(locations__stock_levels__on_hand__gt=0)
        )
    )


def warehouses_with_location_rows() -> QuerySet[Warehouse]:
    """The warehouses by code, each with its locations (and their warehouse) loaded."""
    return Warehouse.objects.prefetch_related("locations__warehouse").order_by("code")


def warehouse_choices() -> QuerySet[Warehouse]:
    """The warehouses, in their own order, for a page's warehouse filter."""
    return Warehouse.objects.all()


def warehouses_with_locations() -> QuerySet[Warehouse]:
    """The warehouses by code, each with its locations by code and how many levels
    with stock each location holds (`in_stock`)."""
    locations = Location.objects.annotate(
        in_stock=Count("stock_levels", filter=Q(stock_levels__on_hand__gt=0))
    ).order_by("code")
    return Warehouse.objects.prefetch_related(
        Prefetch("locations", queryset=locations)
    ).order_by("code")


def level_with_place() -> QuerySet[StockLevel]:
    """Levels with their SKU, lot and location, for a level's page."""
    return StockLevel.objects.select_related(
        "sku__product", "lot", "location__warehouse"
    )


def count_sheets_with_scope() -> QuerySet[CountSheet]:
    """Count sheets with what they cover and who made and posted them."""
    return CountSheet.objects.select_related(
        "warehouse", "location__warehouse", "category", "created_by", "posted_by"
    )


def count_sheet_progress(sheet: CountSheet) -> dict[str, int]:
    """A sheet's lines: how many (`total`), counted, and counted with a difference."""
    figures = sheet.lines.aggregate(
        n_total=Count("pk"),
        n_counted=Count("pk", filter=Q(counted__isnull=False)),
        n_differences=Count(
            "pk", filter=Q(counted__isnull=False) & ~Q(counted=F("expected"))
        ),
    )
    return {key[2:]: value for key, value in figures.items()}


def count_line_list(*, sheet_id: int) -> QuerySet[CountLine]:
    """The lines of a count sheet, each with its sheet."""
    return CountLine.objects.filter(sheet_id=sheet_id).select_related("sheet")


def location_list() -> QuerySet[Location]:
    return Location.objects.select_related("warehouse").order_by(
        "warehouse__code", "code"
    )


def count_sheet_list(*, state: str = "") -> QuerySet[CountSheet]:
    """Return count sheets, newest first, with their line figures."""
    qs = CountSheet.objects.select_related(
        "warehouse", "location__warehouse", "category", "created_by", "posted_by"
    ).annotate(
        line_count=Count("lines"),
        counted_count=Count("lines", filter=Q(lines__counted__isnull=False)),
        difference_count=Count(
            "lines",
            filter=Q(lines__counted__isnull=False)
            & ~Q(lines__counted=F("lines__expected")),
        ),
        problem_units=Coalesce(Sum("lines__problem_quantity"), 0),
    )
    if state:
        qs = qs.filter(state=state)
    return qs.order_by("-created_at", "-pk")


@dataclass(frozen=True)
class CountStatus:
    pending: int  # sheets open or waiting to be posted
    last_posted_at: dt.datetime | None

    def days_since_last_post(self, day: dt.date) -> int | None:
        if self.last_posted_at is None:
            return None
        posted = self.last_posted_at.astimezone(clock.shop_zone()).date()
        return (day - posted).days


def count_status() -> CountStatus:
    """Return how many count sheets are unfinished and when a count was last posted
    (one query)."""
    figures = CountSheet.objects.aggregate(
        pending=Count("pk", filter=~Q(state=CountSheet.State.POSTED)),
        last=Max("posted_at"),
    )
    return CountStatus(pending=figures["pending"], last_posted_at=figures["last"])


def stock_report_list() -> QuerySet[StockReport]:
    return StockReport.objects.select_related("built_by").order_by("-month")


def last_sales(*, before: dt.datetime) -> dict[int, dt.datetime]:
    """Return, per SKU, when an order with it was last paid (before `before`)."""
    rows = (
        OrderLine.objects.filter(
            sku__isnull=False,
            order__paid_at__isnull=False,
            order__paid_at__lt=before,
            order__status__in=SOLD_STATUSES,
        )
        .values("sku_id")
        .annotate(last=Max("order__paid_at"))
        .values_list("sku_id", "last")
    )
    return dict(rows)


def orders_held_for_stock(
    *, sku_ids: list[int] | None = None, shop_id: int | None = None
) -> QuerySet[Order]:
    """Paid orders held as out of stock that arriving goods may now serve, oldest paid
    first (they waited longest).

    Left out: orders whose buyer chose a refund or an exchange at the evening call,
    and orders with an after-sale request still waiting for logistics' decision — those
    are settled by the after-sale, not by shipping.
    """
    from shopops.orders.models import Hold, HoldReason

    waiting_holds = Hold.objects.filter(
        order=OuterRef("pk"), reason=HoldReason.OUT_OF_STOCK, released_at__isnull=True
    )
    settled_elsewhere = Hold.objects.filter(
        order=OuterRef("pk"),
        released_at__isnull=True,
        outcome__in=[Hold.Outcome.REFUND, Hold.Outcome.EXCHANGE],
    )
    qs = (
        Order.objects.filter(status=Order.Status.PAID)
        .filter(Exists(waiting_holds))
        .exclude(Exists(settled_elsewhere))
        # `after_sales` is the reverse relation of `aftersales.AfterSale`, an app above
        # stock: read by name, not imported (see docs/architecture.md, deviations).
        .exclude(after_sales__state="requested")
    )
    if shop_id:
        qs = qs.filter(shop_id=shop_id)
    if sku_ids is not None:
        wanted = OrderLine.objects.filter(order=OuterRef("pk"), sku_id__in=sku_ids)
        qs = qs.filter(Exists(wanted))
    return qs.order_by("paid_at", "pk")


def putaway_locations(sku_ids: list[int]) -> dict[int, Location]:
    """Where each SKU's delivery goes by default: the shelf that holds most of it now,
    else the shelf it was last on (goods keep their place when stock runs out), else
    the default warehouse's default location.

    "Holds most" is by on-hand units, the latest level breaking ties; the default
    location only wins when the SKU has never had another.
    """
    from shopops.stock.services import DEFAULT_LOCATION, default_location

    fallback = default_location()
    found: dict[int, tuple[tuple[bool, int, int], Location]] = {}
    levels = (
        StockLevel.objects.filter(sku_id__in=sku_ids)
        .select_related("location__warehouse")
        .order_by("pk")
    )
    for level in levels:
        rank = (level.location.code != DEFAULT_LOCATION, level.on_hand, level.pk)
        if level.sku_id not in found or rank > found[level.sku_id][0]:
            found[level.sku_id] = (rank, level.location)
    return {
        sku_id: found[sku_id][1] if sku_id in found else fallback for sku_id in sku_ids
    }


def location_choices() -> list[Location]:
    """Every location, default warehouse first, for a put-away picker."""
    return list(
        Location.objects.select_related("warehouse").order_by(
            "-warehouse__is_default", "warehouse__code", "code"
        )
    )


def returnable_by_line(order_ids: list[int]) -> dict[int, int]:
    """Units each order line shipped and has not had back yet: what a return may bring."""
    from shopops.stock.models import Reservation

    rows = (
        Reservation.objects.filter(
            line__order_id__in=order_ids, state=Reservation.State.SHIPPED
        )
        .values("line_id")
        .annotate(shipped=Sum("quantity"), back=Sum("returned_quantity"))
    )
    return {
        row["line_id"]: row["shipped"] - row["back"]
        for row in rows
        if row["shipped"] > row["back"]
    }
