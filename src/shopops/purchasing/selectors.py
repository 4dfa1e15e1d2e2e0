"""Reads of purchasing: the day that purchasing works on, the aggregates the suggestion
formula needs (one GROUP BY query each, never a query per SKU), suggestions and orders.

The aggregates over orders and stock read those apps' tables with one query each; they
are here because purchasing is their only caller."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, F, IntegerField, Q, QuerySet, Sum
from django.db.models.functions import Coalesce

from shopops.catalog.models import Product, Sku, Supplier
from shopops.core import clock
from shopops.orders.models import Order, OrderLine
from shopops.purchasing.models import (
    OPEN_STATES,
    PurchaseOrder,
    PurchaseOrderLine,
    PurchaseSettings,
    PurchaseSuggestion,
    SupplierPrice,
    SupplierTerms,
)
from shopops.stock.models import Reservation, StockLevel

CUTOFF = dt.time(18, 0)


def purchasing_day(at: dt.datetime | None = None) -> dt.date:
    """Return the day whose cut-off is next: today before 18:00, tomorrow from 18:00
    on (needs that arise after the cut-off go into tomorrow's purchase)."""
    local = (at or clock.now()).astimezone(clock.shop_zone())
    if local.time() >= CUTOFF:
        return local.date() + dt.timedelta(days=1)
    return local.date()


def purchase_settings_get() -> PurchaseSettings:
    """Return the settings row, or an unsaved one with the defaults."""
    return PurchaseSettings.objects.filter(pk=1).first() or PurchaseSettings(pk=1)


# --- the aggregates of the formula ------------------------------------------------


def sales_window(day: dt.date, days: int) -> tuple[dt.datetime, dt.datetime]:
    """Return [start, end) of the `days` shop-local days before `day`."""
    start, _ = clock.day_bounds(day - dt.timedelta(days=days))
    end, _ = clock.day_bounds(day)
    return start, end


def units_sold_by_sku(*, start: dt.datetime, end: dt.datetime) -> dict[int, int]:
    """Return {sku id: units} on orders paid in [start, end) and not closed."""
    paid = Order.objects.filter(paid_at__gte=start, paid_at__lt=end).exclude(
        status=Order.Status.CLOSED
    )
    rows = (
        OrderLine.objects.filter(order_id__in=paid.values("pk"), sku_id__isnull=False)
        .values("sku_id")
        .annotate(units=Sum("quantity"))
        .values_list("sku_id", "units")
    )
    return {sku_id: int(units) for sku_id, units in rows}


def open_order_shortage_by_sku() -> dict[int, int]:
    """Return {sku id: units} that paid, unshipped orders want and no reservation
    covers yet."""
    # Orders first, then their lines by the order index: the lines are the big table.
    open_orders = Order.objects.filter(status=Order.Status.PAID).values("pk")
    ordered = dict(
        OrderLine.objects.filter(order_id__in=open_orders, sku_id__isnull=False)
        .values("sku_id")
        .annotate(units=Sum("quantity"))
        .values_list("sku_id", "units")
    )
    covered = dict(
        Reservation.objects.filter(
            line__order_id__in=open_orders,
            state__in=[Reservation.State.ACTIVE, Reservation.State.SHIPPED],
        )
        .values("line__sku_id")
        .annotate(units=Sum("quantity"))
        .values_list("line__sku_id", "units")
    )
    shortage = {
        sku_id: int(units) - int(covered.get(sku_id, 0))
        for sku_id, units in ordered.items()
    }
    return {sku_id: units for sku_id, units in shortage.items() if units > 0}


def available_by_sku() -> dict[int, int]:
    """Return {sku id: on hand − reserved − quarantined} over every location and lot."""
    rows = (
        StockLevel.objects.values("sku_id")
        .annotate(
            units=Sum(
                F("on_hand") - F("reserved") - F("quarantined"),
                output_field=IntegerField(),
            )
        )
        .values_list("sku_id", "units")
    )
    return {sku_id: int(units or 0) for sku_id, units in rows}


def on_order_by_sku() -> dict[int, int]:
    """Return {sku id: units} still expected on open purchase orders."""
    rows = (
        PurchaseOrderLine.objects.filter(
            order__state__in=OPEN_STATES, quantity__gt=F("received_quantity")
        )
        .values("sku_id")
        .annotate(
            units=Sum(
                F("quantity") - F("received_quantity"), output_field=IntegerField()
            )
        )
        .values_list("sku_id", "units")
    )
    return {sku_id: int(units) for sku_id, units in rows}


@dataclass(frozen=True)
class Source:
    """Where a SKU is bought: supplier, price and order quantities."""

    supplier_id: int | None
    lead_time_days: int
    review_days: int
    unit_price: Decimal | None
    min_order_quantity: int
    order_multiple: int
    origin: str  # "price": the supplier's price list; "default": the product's supplier


def sku_sources(settings: PurchaseSettings) -> dict[int, Source]:
    """Return the source of every active SKU (of a product not discontinued).

    A SKU is bought from the supplier of its price list (the product's default
    supplier when that one quotes it too, else the cheapest), else from the product's
    default supplier at the product's cost price, else from no one (supplier None)."""
    suppliers = dict(
        Supplier.objects.filter(active=True).values_list("pk", "lead_time_days")
    )
    review: dict[int, int] = {
        supplier_id: days
        for supplier_id, days in SupplierTerms.objects.values_list(
            "supplier_id", "review_days"
        )
        if days is not None
    }
    prices: dict[int, list[tuple[Decimal, int, int, int]]] = {}
    for sku_id, supplier_id, price, moq, multiple in SupplierPrice.objects.filter(
        supplier__active=True
    ).values_list(
        "sku_id", "supplier_id", "price", "min_order_quantity", "order_multiple"
    ):
        prices.setdefault(sku_id, []).append((price, supplier_id, moq, multiple))
    skus = (
        Sku.objects.filter(active=True)
        .exclude(product__status=Product.Status.DISCONTINUED)
        .values_list("pk", "product__default_supplier_id", "product__cost_price")
    )
    sources: dict[int, Source] = {}
    for sku_id, default_id, cost in skus:
        quotes = prices.get(sku_id)
        if quotes:
            own = [q for q in quotes if q[1] == default_id]
            price, supplier_id, moq, multiple = own[0] if own else min(quotes)
            origin = "price"
        elif default_id in suppliers:
            price, supplier_id, moq, multiple = cost, default_id, 1, 1
            origin = "default"
        else:
            sources[sku_id] = Source(
                None,
                settings.default_lead_time_days,
                settings.review_days,
                cost,
                1,
                1,
                "none",
            )
            continue
        sources[sku_id] = Source(
            supplier_id,
            suppliers[supplier_id],
            review.get(supplier_id, settings.review_days),
            price,
            moq,
            multiple,
            origin,
        )
    return sources


# --- suggestions ------------------------------------------------------------------


def suggestion_get(pk: int) -> PurchaseSuggestion:
    """Return a suggestion with its SKU, product and supplier loaded."""
    return PurchaseSuggestion.objects.select_related("sku__product", "supplier").get(
        pk=pk
    )


def suggestion_list(
    *,
    day: dt.date,
    accepted: bool | None = None,
    supplier_id: int | None = None,
    needs_only: bool = False,
    search: str = "",
) -> QuerySet[PurchaseSuggestion]:
    """Return a day's suggestions, by supplier then SKU."""
    qs = PurchaseSuggestion.objects.filter(day=day).select_related(
        "sku", "sku__product", "supplier", "purchase_order"
    )
    if accepted is not None:
        qs = qs.filter(accepted=accepted)
    if supplier_id is not None:
        qs = (
            qs.filter(supplier_id=supplier_id)
            if supplier_id
            else qs.filter(supplier__isnull=True)
        )
    if needs_only:
        qs = qs.filter(
            Q(edited_quantity__gt=0)
            | Q(edited_quantity__isnull=True, suggested_quantity__gt=0)
        )
    if search:
        term = search.replace("\x00", "").strip()
        qs = qs.filter(
            Q(sku__outer_code__icontains=term) | Q(sku__product__title__icontains=term)
        )
    return qs.order_by("supplier__code", "sku__outer_code")


def suggestions_to_review_count(*, day: dt.date) -> int:
    """Return how many of a day's suggestions ask to buy and wait for a decision."""
    return (
        suggestion_list(day=day, accepted=False, needs_only=True)
        .filter(purchase_order__isnull=True)
        .count()
    )


@dataclass
class SupplierSummary:
    supplier_id: int | None
    name: str
    rows: int
    accepted: int
    ordered: int
    units: int
    amount: Decimal


def suggestion_summary(*, day: dt.date) -> list[SupplierSummary]:
    """Return, per supplier, a day's suggestions that ask to buy: how many, how many
    accepted or already ordered, units and amount (at the suggestions' prices)."""
    summaries: dict[int | None, SupplierSummary] = {}
    rows = suggestion_list(day=day, needs_only=True).values_list(
        "supplier_id",
        "supplier__name",
        "accepted",
        "purchase_order_id",
        "edited_quantity",
        "suggested_quantity",
        "unit_price",
    )
    for supplier_id, name, accepted, po_id, edited, suggested, price in rows:
        summary = summaries.setdefault(
            supplier_id,
            SupplierSummary(supplier_id, name or "", 0, 0, 0, 0, Decimal("0.00")),
        )
        units = suggested if edited is None else edited
        summary.rows += 1
        summary.accepted += bool(accepted)
        summary.ordered += po_id is not None
        summary.units += units
        summary.amount += (price or Decimal("0.00")) * units
    return sorted(summaries.values(), key=lambda s: (s.supplier_id is None, s.name))


# --- purchase orders --------------------------------------------------------------


def purchase_order_list(
    *, state: str = "", supplier_id: int | None = None
) -> QuerySet[PurchaseOrder]:
    qs = PurchaseOrder.objects.select_related("supplier", "created_by").annotate(
        line_count=Count("lines", distinct=True),
        units=Coalesce(Sum("lines__quantity"), 0),
        received_units=Coalesce(Sum("lines__received_quantity"), 0),
    )
    if state:
        qs = qs.filter(state=state)
    if supplier_id:
        qs = qs.filter(supplier_id=supplier_id)
    return qs.order_by("-created_at", "-pk")


def purchase_order_get(pk: int) -> PurchaseOrder:
    """Return a purchase order with its supplier, lines and receipts loaded."""
    return (
        PurchaseOrder.objects.select_related("supplier", "created_by")
        .prefetch_related(
            "lines__sku__product",
            "receipts__received_by",
            "receipts__lines__order_line__sku",
            "receipts__lines__location__warehouse",
        )
        .get(pk=pk)
    )


def open_purchase_orders_count() -> int:
    return PurchaseOrder.objects.filter(state__in=OPEN_STATES).count()


def supplier_list() -> QuerySet[Supplier]:
    """Suppliers, active first, with their terms and how many prices they quote."""
    return (
        Supplier.objects.select_related("purchase_terms")
        .annotate(price_count=Count("prices"))
        .order_by("-active", "code")
    )


def supplier_choices() -> QuerySet[Supplier]:
    """Suppliers by code, for a page's supplier filter."""
    return Supplier.objects.order_by("code")


def supplier_terms_get(supplier: Supplier) -> SupplierTerms | None:
    return SupplierTerms.objects.filter(supplier=supplier).first()


def supplier_terms_list() -> QuerySet[SupplierTerms]:
    """Every supplier's terms, with the supplier, by supplier code."""
    return SupplierTerms.objects.select_related("supplier").order_by("supplier__code")


def supplier_price_list(*, supplier_id: int | None = None) -> QuerySet[SupplierPrice]:
    qs = SupplierPrice.objects.select_related("supplier", "sku", "sku__product")
    if supplier_id:
        qs = qs.filter(supplier_id=supplier_id)
    return qs.order_by("supplier__code", "sku__outer_code")


# --- arrivals for the orders held as out of stock -------------------------------------


@dataclass(frozen=True)
class LineArrival:
    """When one held order line can be served: from the shelf now (`on_hand`), from
    open purchase orders (`purchase_orders`; `expected` is the day its last needed unit
    is due, which may be past: late, or None when an order has no date), or not at
    all yet (`uncovered`: nothing on order covers it — buy)."""

    outer_code: str
    title: str
    quantity: int
    on_hand: bool
    expected: dt.date | None
    purchase_orders: tuple[str, ...]

    @property
    def uncovered(self) -> bool:
        return not self.on_hand and not self.purchase_orders


@dataclass(frozen=True)
class HeldOrderArrival:
    order: Order
    hold: Any  # orders.models.Hold
    lines: tuple[LineArrival, ...]

    @property
    def uncovered(self) -> bool:
        return any(line.uncovered for line in self.lines)

    @property
    def ready(self) -> dt.date | None:
        """The day every line can be served; None when some line is not covered or
        its purchase order has no expected date."""
        if self.uncovered or not self.lines:  # no line with a SKU: nothing to tell
            return None
        waiting = [line for line in self.lines if not line.on_hand]
        if any(line.expected is None for line in waiting):
            return None
        return (
            max((line.expected for line in waiting if line.expected), default=None)
            or clock.today()
        )


def held_order_arrivals() -> list[HeldOrderArrival]:
    """The paid orders held as out of stock, oldest paid first, with when each line can
    be served: the available stock, then the open purchase orders by expected date, are
    shared out in that order — the order in which arriving goods serve them
    (`stock.services.stock_serve_held_orders`). Paid orders not yet reserved are not
    counted against the stock: the date is the best case for a held order."""
    from shopops.orders.models import Hold, HoldReason

    holds = list(
        Hold.objects.filter(
            reason=HoldReason.OUT_OF_STOCK,
            released_at__isnull=True,
            order__status=Order.Status.PAID,
        )
        .select_related("order", "order__shop", "owner", "handled_by")
        .order_by("order__paid_at", "order__pk", "pk")
    )
    orders = {hold.order_id: hold for hold in holds}
    lines: dict[int, list[OrderLine]] = {}
    for line in OrderLine.objects.filter(
        order_id__in=orders, sku__isnull=False
    ).order_by("order_id", "pk"):
        lines.setdefault(line.order_id, []).append(line)
    sku_ids = {line.sku_id for group in lines.values() for line in group if line.sku_id}
    pool: dict[int | None, int] = {
        sku_id: int(units or 0)
        for sku_id, units in StockLevel.objects.filter(sku_id__in=sku_ids)
        .values("sku_id")
        .annotate(units=Sum(F("on_hand") - F("reserved") - F("quarantined")))
        .values_list("sku_id", "units")
    }
    arriving: dict[int | None, list[list[Any]]] = {}  # sku → [[date, units, no], …]
    for po_line in (
        PurchaseOrderLine.objects.filter(
            sku_id__in=sku_ids,
            order__state__in=OPEN_STATES,
            quantity__gt=F("received_quantity"),
        )
        .select_related("order")
        .order_by(F("order__expected_date").asc(nulls_last=True), "order__pk")
    ):
        arriving.setdefault(po_line.sku_id, []).append(
            [po_line.order.expected_date, po_line.outstanding, po_line.order.number]
        )
    result = []
    for order_id, hold in orders.items():
        # All or nothing, as arriving goods serve held orders: an order that cannot be
        # covered in full takes nothing from those behind it.
        trial_pool = dict(pool)
        trial_arriving = {
            sku: [list(b) for b in batches] for sku, batches in arriving.items()
        }
        shared = tuple(
            _share_out(line, trial_pool, trial_arriving)
            for line in lines.get(order_id, [])
        )
        if not any(line.uncovered for line in shared):
            pool, arriving = trial_pool, trial_arriving
        result.append(HeldOrderArrival(order=hold.order, hold=hold, lines=shared))
    return result


def _share_out(
    line: OrderLine,
    pool: dict[int | None, int],
    arriving: dict[int | None, list[list[Any]]],
) -> LineArrival:
    """Serve `line` from the shelf, then from the arriving batches, taking what it uses."""
    sku = line.sku_id
    from_shelf = min(line.quantity, max(pool.get(sku, 0), 0))
    pool[sku] = pool.get(sku, 0) - from_shelf
    need = line.quantity - from_shelf
    expected: dt.date | None = None
    numbers: list[str] = []
    for batch in arriving.get(sku, []):
        if need == 0:
            break
        take = min(need, batch[1])
        if take:
            batch[1] -= take
            need -= take
            expected = batch[0]  # batches come by date: the last one taken decides
            numbers.append(batch[2])
    covered = need == 0
    return LineArrival(
        outer_code=line.outer_code,
        title=line.title,
        quantity=line.quantity,
        on_hand=from_shelf == line.quantity,
        expected=expected if covered else None,
        purchase_orders=tuple(numbers) if covered else (),
    )
