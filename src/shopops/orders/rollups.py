"""Daily rollups: the figures of every shop and shop-local day, kept beside the orders.

Three tables (`orders.models`): `DailySales` per shop × day, `DailyProvinceSales` per
shop × day × province, `DailySkuSales` per shop × day × SKU. What they count:

- An order counts on the shop-local day it was **created** (`Order.created_at` in the
  shop's time zone), as the sales summary always did: orders, paid orders (those with
  a payment time), and the sums of 总金额, 买家实际支付金额 and 退款金额 (an empty amount
  counts as 0).
- **Items** and the **SKU figures** come from the lines of the day's *paid* orders:
  units (the lines' quantities), revenue (price × quantity) and refunds (the order's
  refunded amount shared over its lines in proportion to their value, to the cent,
  leftover cents to the largest remainders, then to the earlier line). Lines without a
  known SKU count in the items but have no SKU row.
- **Buyers** are the orders' customers (orders without a customer count nowhere here).
  A customer is **new** on the day of their first order in the shop (the earliest
  `created_at` of all their orders, whatever the status) and **returning** on every
  later day on which they order; a buyer counts once per day.

How they are written: in the transaction of the change, as deltas. A writer takes a
`RollupTracker`, shows it the orders before it changes them (`before`, which on
PostgreSQL also locks them) and after (`after`): the tracker reads both states with a
few set-based queries (never one per order), subtracts the old contributions from the
new, and applies the difference with one `INSERT … ON CONFLICT DO UPDATE SET x = x +
excluded.x` per table — exact on SQLite and PostgreSQL, and safe under concurrency,
because the order rows are locked by their writer and each rollup row is changed by
one atomic statement. Buyer figures depend on the customer's other orders: the tracker
locks the customers concerned (PostgreSQL; by primary key, after the orders) and
counts their orders by day before and after.

`rollups_rebuild` recomputes them from the orders (grouped queries); `rollups_check`
compares them with the orders. Both back the command `shopops rollups rebuild|check`.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, NamedTuple
from zoneinfo import ZoneInfo

from django.db import connection, models, transaction
from django.db.models import Count, DecimalField, F, Min, Sum
from django.db.models.functions import TruncDate

from shopops.core import bulk, clock
from shopops.core.audit import audit_record
from shopops.core.models import AuditEntry
from shopops.core.money import CENT, ZERO
from shopops.customers.models import Customer
from shopops.orders.models import (
    DailyProvinceSales,
    DailySales,
    DailySkuSales,
    Order,
    OrderLine,
)
from shopops.org.models import Shop

_SUM = DecimalField(max_digits=20, decimal_places=2)

# The figures of each table, in the order the vectors below hold them.
DAY_FIGURES = (
    "orders",
    "paid_orders",
    "total_amount",
    "paid_amount",
    "refunded_amount",
    "items",
    "new_buyers",
    "returning_buyers",
)
PROVINCE_FIGURES = DAY_FIGURES[:6]
SKU_FIGURES = ("units", "revenue", "refunds")
_MONEY = frozenset(
    {"total_amount", "paid_amount", "refunded_amount", "revenue", "refunds"}
)

DayKey = tuple[int, dt.date]  # shop, day
ProvinceKey = tuple[int, dt.date, str]  # shop, day, province
SkuKey = tuple[int, dt.date, int]  # shop, day, sku
Vector = list[Any]  # ints and Decimals, in the order of the table's figures


def local_day(moment: dt.datetime, zone: ZoneInfo) -> dt.date:
    """Return the day of `moment` in `zone` (the day an order counts on)."""
    return moment.astimezone(zone).date()


def refund_shares(refunded: Decimal, weights: Sequence[Decimal]) -> list[Decimal]:
    """Share `refunded` over lines of values `weights`, exactly, to the cent.

    In proportion to the values (to their quantities' count when every value is 0):
    each line gets its share rounded down to the cent, and the cents left over go one
    each to the largest remainders, the earlier line first on a tie.
    """
    if not weights:
        return []
    cents = int((refunded * 100).to_integral_value(rounding=ROUND_HALF_UP))
    units = [int((w * 100).to_integral_value(rounding=ROUND_HALF_UP)) for w in weights]
    if sum(units) <= 0:
        units = [1] * len(units)
    whole = sum(units)
    shares = [cents * u // whole for u in units]
    left = cents - sum(shares)
    by_remainder = sorted(
        range(len(units)), key=lambda i: (-(cents * units[i] % whole), i)
    )
    for i in by_remainder[:left]:
        shares[i] += 1
    return [Decimal(s) / 100 for s in shares]


# --- the orders as the rollups count them -------------------------------------------


class _Fact(NamedTuple):
    """An order's counted fields."""

    pk: int
    shop_id: int
    customer_id: int | None
    created_at: dt.datetime
    paid: bool
    total: Decimal
    paid_amount: Decimal
    refunded: Decimal
    province: str


class _Line(NamedTuple):
    pk: int
    sku_id: int | None
    price: Decimal
    quantity: int


def _money_value(value: Any) -> Decimal:
    """Return an amount as `_raw` selected it (SQLite: text) as a Decimal."""
    if value is None:
        return ZERO
    if isinstance(value, Decimal):
        return value
    return Decimal(value)


def _aware(value: dt.datetime | str) -> dt.datetime:
    """Return a moment as `_raw` selected it (SQLite: UTC text) as aware."""
    if isinstance(value, str):
        return dt.datetime.fromisoformat(value).replace(tzinfo=dt.UTC)
    return value if value.tzinfo is not None else value.replace(tzinfo=dt.UTC)


def _raw(column: str) -> str:
    """Return how to select a money or time `column` without the driver's
    converters: on SQLite as text (Decimal and fromisoformat read it, faster than
    Django's converters and exact), elsewhere as it is."""
    return f"CAST({column} AS TEXT)" if connection.vendor == "sqlite" else column


def _facts(
    order_ids: Iterable[int], *, lock: bool = False
) -> tuple[list[_Fact], dict[int, list[_Line]]]:
    """Return the orders `order_ids` (those that exist) and their lines; `lock`:
    lock the orders (PostgreSQL), in primary-key order."""
    ids = sorted(set(order_ids))
    facts: list[_Fact] = []
    lines: dict[int, list[_Line]] = defaultdict(list)
    if not ids:
        return facts, lines
    locking = (
        " ORDER BY id FOR UPDATE"
        if lock and connection.features.has_select_for_update
        else ""
    )
    money = _money_value
    for (
        pk,
        shop_id,
        customer_id,
        created,
        paid,
        total,
        paid_amount,
        refunded,
        prov,
    ) in bulk.select_in_chunks(
        f"SELECT id, shop_id, customer_id, {_raw('created_at')}, "  # noqa: S608
        f"paid_at IS NOT NULL, {_raw('total_amount')}, {_raw('paid_amount')}, "
        f"{_raw('refunded_amount')}, province FROM {bulk.table(Order)} WHERE id IN",
        ids,
        suffix=locking,
    ):
        facts.append(
            _Fact(
                pk,
                shop_id,
                customer_id,
                _aware(created),
                bool(paid),
                money(total),
                money(paid_amount),
                money(refunded),
                prov,
            )
        )
    for order_id, pk, sku_id, price, quantity in bulk.select_in_chunks(
        f"SELECT order_id, id, sku_id, {_raw('price')}, quantity "  # noqa: S608
        f"FROM {bulk.table(OrderLine)} WHERE order_id IN",
        ids,
        suffix=" ORDER BY order_id, id",
    ):
        lines[order_id].append(_Line(pk, sku_id, money(price), quantity))
    return facts, lines


def _zones(shop_ids: Iterable[int]) -> dict[int, ZoneInfo]:
    return {
        pk: clock.shop_zone(time_zone)
        for pk, time_zone in Shop.objects.filter(pk__in=set(shop_ids)).values_list(
            "pk", "time_zone"
        )
    }


# --- deltas ---------------------------------------------------------------------------


@dataclass
class Deltas:
    """Changes to the rollup rows, by key: figures to add (negative to take away)."""

    days: dict[DayKey, Vector] = field(default_factory=dict)
    provinces: dict[ProvinceKey, Vector] = field(default_factory=dict)
    skus: dict[SkuKey, Vector] = field(default_factory=dict)

    @staticmethod
    def _add(
        table: dict[Any, Vector], key: Any, values: Sequence[Any], size: int
    ) -> None:
        row = table.get(key)
        if row is None:
            row = table[key] = [0] * size
        for i, value in enumerate(values):
            row[i] += value

    def add_order(
        self, fact: _Fact, lines: Sequence[_Line], zone: ZoneInfo, sign: int
    ) -> None:
        """Add (sign 1) or take away (sign -1) what one order counts for."""
        day = local_day(fact.created_at, zone)
        shop = fact.shop_id
        paid = fact.paid
        items = sum(line.quantity for line in lines) if paid else 0
        if sign > 0:
            figures = (1, int(paid), fact.total, fact.paid_amount, fact.refunded, items)
        else:
            figures = (
                -1,
                -int(paid),
                -fact.total,
                -fact.paid_amount,
                -fact.refunded,
                -items,
            )
        day_key: DayKey = (shop, day)
        province_key: ProvinceKey = (shop, day, fact.province)
        day_row = self.days.get(day_key)
        if day_row is None:
            self.days[day_key] = [*figures, 0, 0]
        else:
            _bump(day_row, figures)
        province_row = self.provinces.get(province_key)
        if province_row is None:
            self.provinces[province_key] = list(figures)
        else:
            _bump(province_row, figures)
        if not paid or not lines:
            return
        values = [line.price * line.quantity for line in lines]
        shares = (
            refund_shares(fact.refunded, values)
            if fact.refunded
            else [ZERO] * len(lines)
        )
        for line, value, share in zip(lines, values, shares, strict=True):
            if line.sku_id is not None:
                figures_sku = (
                    (line.quantity, value, share)
                    if sign > 0
                    else (-line.quantity, -value, -share)
                )
                key_sku = (shop, day, line.sku_id)
                row = self.skus.get(key_sku)
                if row is None:
                    self.skus[key_sku] = list(figures_sku)
                else:
                    row[0] += figures_sku[0]
                    row[1] += figures_sku[1]
                    row[2] += figures_sku[2]

    def add_buyers(self, key: DayKey, buyers: int, new: int) -> None:
        """Count `buyers` more buyers on the day, `new` of them new."""
        figures = (0, 0, 0, 0, 0, 0, new, buyers - new)
        self._add(self.days, key, figures, len(DAY_FIGURES))

    def __bool__(self) -> bool:
        return bool(self.days or self.provinces or self.skus)


def _bump(row: Vector, figures: Sequence[Any]) -> None:
    row[0] += figures[0]
    row[1] += figures[1]
    row[2] += figures[2]
    row[3] += figures[3]
    row[4] += figures[4]
    row[5] += figures[5]


def _nonzero(table: dict[Any, Vector]) -> list[tuple[Any, Vector]]:
    """Return the rows that change something, in key order: two writers lock the
    rows they share in the same order (no deadlock on PostgreSQL)."""
    return sorted((key, row) for key, row in table.items() if any(row))


def rollups_apply(deltas: Deltas) -> None:
    """Add `deltas` to the rollup tables (inside the caller's transaction).

    One upsert per table; rows left with nothing counted are deleted.
    """
    days = _nonzero(deltas.days)
    provinces = _nonzero(deltas.provinces)
    skus = _nonzero(deltas.skus)
    adapt = connection.ops.adapt_datefield_value
    _upsert(
        DailySales,
        ("shop", "day"),
        DAY_FIGURES,
        [(shop, adapt(day), *row) for (shop, day), row in days],
    )
    _upsert(
        DailyProvinceSales,
        ("shop", "day", "province"),
        PROVINCE_FIGURES,
        [
            (shop, adapt(day), province, *row)
            for (shop, day, province), row in provinces
        ],
    )
    _upsert(
        DailySkuSales,
        ("shop", "day", "sku"),
        SKU_FIGURES,
        [(shop, adapt(day), sku, *row) for (shop, day, sku), row in skus],
    )
    # A row whose count fell to 0 counts nothing any more.
    for model, rows, count in (
        (DailySales, days, "orders"),
        (DailyProvinceSales, provinces, "orders"),
        (DailySkuSales, skus, "units"),
    ):
        emptied: dict[int, set[dt.date]] = defaultdict(set)
        for key, row in rows:
            if row[0] < 0:
                emptied[key[0]].add(key[1])
        for shop_id, shop_days in emptied.items():
            model._default_manager.filter(
                shop_id=shop_id,
                day__gte=min(shop_days),
                day__lte=max(shop_days),
                **{count: 0},
            ).delete()


def _upsert(
    model: type[models.Model],
    keys: Sequence[str],
    figures: Sequence[str],
    rows: list[tuple[Any, ...]],
) -> None:
    if not rows:
        return
    quote = connection.ops.quote_name
    meta = model._meta
    table = quote(meta.db_table)
    key_columns = [quote(bulk.column_name(model, name)) for name in keys]
    figure_columns = [quote(bulk.column_name(model, name)) for name in figures]
    columns = [*key_columns, *figure_columns]
    sets = ", ".join(f"{c} = {table}.{c} + excluded.{c}" for c in figure_columns)
    sql = (
        f"INSERT INTO {table} ({', '.join(columns)}) "  # noqa: S608 (model names)
        f"VALUES ({', '.join(['%s'] * len(columns))}) "
        f"ON CONFLICT ({', '.join(key_columns)}) DO UPDATE SET {sets}"
    )
    bulk.execute_many(sql, rows)


# --- the tracker: what writers use ------------------------------------------------------


class RollupTracker:
    """Keep the rollups in step with a change of orders, in the writer's transaction.

        tracker = RollupTracker()
        tracker.before(order_ids)   # the orders about to change (locked on PostgreSQL)
        ...                         # change them, create others, change their lines
        tracker.include(new_ids)    # orders created by the change
        tracker.after()             # read them all as they are now; apply the change

    Reads are set-based: a few queries for the whole change, whatever its size.
    """

    def __init__(self) -> None:
        self._ids: set[int] = set()
        self._included: set[int] = set()
        self._facts: list[_Fact] = []
        self._lines: dict[int, list[_Line]] = {}
        self._done = False

    def before(self, order_ids: Iterable[int]) -> None:
        """Read (and lock) the orders `order_ids` as they are before the change."""
        ids = set(order_ids) - self._ids
        if not ids:
            return
        _require_transaction()
        facts, lines = _facts(ids, lock=True)
        self._ids |= ids
        self._facts.extend(facts)
        self._lines.update(lines)

    def include(self, order_ids: Iterable[int]) -> None:
        """Count the orders `order_ids` (created by the change) at `after`."""
        self._included.update(order_ids)

    def after(self, order_ids: Iterable[int] = ()) -> Deltas:
        """Read the orders of `before`, `include` and `order_ids` as they are now;
        apply the difference to the rollups and return it."""
        if self._done:
            raise RuntimeError("this tracker has already been applied")
        self._done = True
        ids = self._ids | self._included | set(order_ids)
        if not ids:
            return Deltas()
        _require_transaction()
        facts, lines = _facts(ids)
        zones = _zones({f.shop_id for f in (*facts, *self._facts)})
        deltas = Deltas()
        for fact in self._facts:
            deltas.add_order(
                fact, self._lines.get(fact.pk, ()), zones[fact.shop_id], -1
            )
        for fact in facts:
            deltas.add_order(fact, lines.get(fact.pk, ()), zones[fact.shop_id], 1)
        _buyer_deltas(deltas, self._facts, facts, zones)
        rollups_apply(deltas)
        return deltas


def _require_transaction() -> None:
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("rollups are written inside the change's transaction")


@contextmanager
def rollups_tracking(order_ids: Iterable[int] = ()) -> Iterator[RollupTracker]:
    """Track a change of `order_ids` (see `RollupTracker`): `before` on entry,
    `after` when the block ends without an error (orders the block creates go to
    the tracker's `include`). Use inside the change's transaction."""
    tracker = RollupTracker()
    tracker.before(order_ids)
    yield tracker
    tracker.after()


def _buyer_deltas(
    deltas: Deltas,
    before: Sequence[_Fact],
    after: Sequence[_Fact],
    zones: dict[int, ZoneInfo],
) -> None:
    """Add the changes of the new and returning buyers that the change made.

    A buyer's figures depend on all their orders: read the days of the customers'
    other orders (those the change did not touch), and compare the days with the
    changed orders as they were and as they are.
    """
    was: dict[tuple[int, int], set[dt.date]] = defaultdict(set)
    now: dict[tuple[int, int], set[dt.date]] = defaultdict(set)
    for facts, days in ((before, was), (after, now)):
        for f in facts:
            if f.customer_id:
                days[f.shop_id, f.customer_id].add(
                    local_day(f.created_at, zones[f.shop_id])
                )
    customers = was.keys() | now.keys()
    if not customers:
        return
    ids = sorted({customer_id for _shop, customer_id in customers})
    if connection.features.has_select_for_update:
        # After the orders, by key: `core.locks.LOCK_ORDER` (orders → customers).
        for _row in bulk.select_in_chunks(
            f"SELECT id FROM {bulk.table(Customer)} WHERE id IN",  # noqa: S608
            ids,
            suffix=" ORDER BY id FOR UPDATE",
        ):
            pass
    changed = {f.pk for f in before} | {f.pk for f in after}
    others: dict[tuple[int, int], set[dt.date]] = defaultdict(set)
    for pk, shop_id, customer_id, created in bulk.select_in_chunks(
        f"SELECT id, shop_id, customer_id, {_raw('created_at')} "  # noqa: S608
        f"FROM {bulk.table(Order)} WHERE customer_id IN",
        ids,
    ):
        key = (shop_id, customer_id)
        if pk not in changed and key in customers:
            others[key].add(local_day(_aware(created), zones[shop_id]))
    empty: set[dt.date] = set()
    for key in customers:
        other = others.get(key, empty)
        days_was = was.get(key, empty) | other
        days_now = now.get(key, empty) | other
        if days_was == days_now:
            continue
        firsts = set()
        first_was = min(days_was) if days_was else None
        first_now = min(days_now) if days_now else None
        if first_was != first_now:
            firsts = {d for d in (first_was, first_now) if d is not None}
        for day in (days_was ^ days_now) | firsts:
            buyers = (day in days_now) - (day in days_was)
            new = (day == first_now) - (day == first_was)
            if buyers or new:
                deltas.add_buyers((key[0], day), buyers, new)


def rollups_for_orders(order_ids: Iterable[int]) -> None:
    """Recompute, from the orders, every rollup of the shop-days of `order_ids` and of
    their customers' orders (inside the caller's transaction).

    For a writer that changed orders without a tracker (test factories, the demo):
    exact for the days the orders are on now, so it cannot see a day an order left.
    """
    facts, _lines = _facts(order_ids)
    if not facts:
        return
    zones = _zones({f.shop_id for f in facts})
    wanted: dict[int, set[dt.date]] = defaultdict(set)
    for fact in facts:
        wanted[fact.shop_id].add(local_day(fact.created_at, zones[fact.shop_id]))
    customer_ids = sorted({f.customer_id for f in facts if f.customer_id})
    for chunk in bulk.chunks(customer_ids, bulk.in_size()):
        for shop_id, created in (
            Order.objects.filter(customer_id__in=chunk)
            .order_by()
            .values_list("shop_id", "created_at")
        ):
            if shop_id in zones:
                wanted[shop_id].add(local_day(created, zones[shop_id]))
    for shop in Shop.objects.filter(pk__in=wanted):
        days = wanted[shop.pk]
        _refresh(shop, min(days), max(days), only=days)


# --- computed from the orders -----------------------------------------------------------


@dataclass
class Figures:
    """The rollup rows of a shop as computed from its orders (or as stored)."""

    days: dict[dt.date, Vector] = field(default_factory=dict)
    provinces: dict[tuple[dt.date, str], Vector] = field(default_factory=dict)
    skus: dict[tuple[dt.date, int], Vector] = field(default_factory=dict)


def _money(value: Decimal | float | None) -> Decimal:
    if value is None:
        return ZERO
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def _period_filter(
    prefix: str, shop: Shop, date_from: dt.date | None, date_to: dt.date | None
) -> dict[str, Any]:
    filters: dict[str, Any] = {f"{prefix}shop_id": shop.pk}
    if date_from is not None:
        filters[f"{prefix}created_at__gte"] = clock.day_bounds(
            date_from, shop.time_zone
        )[0]
    if date_to is not None:
        filters[f"{prefix}created_at__lt"] = clock.day_bounds(date_to, shop.time_zone)[
            1
        ]
    return filters


def computed_figures(
    shop: Shop, date_from: dt.date | None = None, date_to: dt.date | None = None
) -> Figures:
    """Return the rollups of `shop` over [date_from, date_to] (None: no bound),
    computed from the orders with grouped queries."""
    zone = clock.shop_zone(shop.time_zone)
    figures = Figures()
    orders = Order.objects.filter(**_period_filter("", shop, date_from, date_to))
    day = TruncDate("created_at", tzinfo=zone)

    for row in (
        orders.annotate(day=day)
        .values("day", "province")
        .annotate(
            n=Count("pk"),
            paid=Count("paid_at"),
            total=Sum("total_amount", output_field=_SUM),
            paid_amount=Sum("paid_amount", output_field=_SUM),
            refunded=Sum("refunded_amount", output_field=_SUM),
        )
        .order_by()
    ):
        values = [
            row["n"],
            row["paid"],
            _money(row["total"]),
            _money(row["paid_amount"]),
            _money(row["refunded"]),
            0,
        ]
        figures.provinces[row["day"], row["province"]] = values
        Deltas._add(figures.days, row["day"], values, len(DAY_FIGURES))

    paid_lines = OrderLine.objects.filter(
        **_period_filter("order__", shop, date_from, date_to),
        order__paid_at__isnull=False,
    )
    for line_row in (
        paid_lines.annotate(day=TruncDate("order__created_at", tzinfo=zone))
        .values("day", "order__province", "sku_id")
        .annotate(
            units=Sum("quantity"),
            revenue=Sum(F("price") * F("quantity"), output_field=_SUM),
        )
        .order_by()
    ):
        units = line_row["units"]
        figures.days[line_row["day"]][5] += units
        figures.provinces[line_row["day"], line_row["order__province"]][5] += units
        if line_row["sku_id"] is not None:
            Deltas._add(
                figures.skus,
                (line_row["day"], line_row["sku_id"]),
                (units, _money(line_row["revenue"]), ZERO),
                len(SKU_FIGURES),
            )

    # Refunds shared over the lines, order by order (only orders with a refund).
    refunded = paid_lines.filter(order__refunded_amount__gt=0).order_by(
        "order_id", "pk"
    )
    current: int | None = None
    group: list[tuple[Any, ...]] = []

    def share(group: list[tuple[Any, ...]]) -> None:
        if not group:
            return
        _order, created, amount, *_rest = group[0]
        values = [price * quantity for *_head, price, quantity in group]
        for (_o, _c, _a, sku_id, _p, _q), part in zip(
            group, refund_shares(amount, values), strict=True
        ):
            if sku_id is not None:
                figures.skus[local_day(created, zone), sku_id][2] += part

    for refund_row in refunded.values_list(
        "order_id",
        "order__created_at",
        "order__refunded_amount",
        "sku_id",
        "price",
        "quantity",
    ).iterator(chunk_size=5000):
        if refund_row[0] != current:
            share(group)
            current, group = refund_row[0], []
        group.append(refund_row)
    share(group)

    buyers = (
        orders.filter(customer__isnull=False)
        .annotate(day=day)
        .values("day")
        .annotate(n=Count("customer_id", distinct=True))
        .order_by()
    )
    for buyer_row in buyers:
        figures.days[buyer_row["day"]][7] += buyer_row["n"]
    firsts = (
        Order.objects.filter(shop_id=shop.pk, customer__isnull=False)
        .values("customer_id")
        .annotate(first=Min("created_at"))
        .order_by()
    )
    lower = _period_filter("", shop, date_from, date_to)
    if "created_at__gte" in lower:
        firsts = firsts.filter(first__gte=lower["created_at__gte"])
    if "created_at__lt" in lower:
        firsts = firsts.filter(first__lt=lower["created_at__lt"])
    new: Counter[dt.date] = Counter(
        local_day(first, zone)
        for first in firsts.values_list("first", flat=True).iterator(chunk_size=5000)
    )
    for first_day, n in new.items():
        day_vector = figures.days[first_day]
        day_vector[6] += n
        day_vector[7] -= n  # buyers so far: the returning ones are the others
    return figures


def stored_figures(
    shop: Shop, date_from: dt.date | None = None, date_to: dt.date | None = None
) -> Figures:
    """Return the rollup rows of `shop` over [date_from, date_to] as stored."""
    figures = Figures()
    period: dict[str, Any] = {"shop_id": shop.pk}
    if date_from is not None:
        period["day__gte"] = date_from
    if date_to is not None:
        period["day__lte"] = date_to
    for day, *values in DailySales.objects.filter(**period).values_list(
        "day", *DAY_FIGURES
    ):
        figures.days[day] = _normalised(DAY_FIGURES, values)
    for day, province, *values in DailyProvinceSales.objects.filter(
        **period
    ).values_list("day", "province", *PROVINCE_FIGURES):
        figures.provinces[day, province] = _normalised(PROVINCE_FIGURES, values)
    for day, sku_id, *values in DailySkuSales.objects.filter(**period).values_list(
        "day", "sku_id", *SKU_FIGURES
    ):
        figures.skus[day, sku_id] = _normalised(SKU_FIGURES, values)
    return figures


def _normalised(names: Sequence[str], values: Sequence[Any]) -> Vector:
    return [
        _money(v) if name in _MONEY else int(v)
        for name, v in zip(names, values, strict=True)
    ]


# --- rebuild and check ------------------------------------------------------------------


def _refresh(
    shop: Shop,
    date_from: dt.date | None,
    date_to: dt.date | None,
    *,
    only: set[dt.date] | None = None,
) -> Figures:
    """Replace the shop's rollup rows over the period with ones computed from the
    orders (`only`: of these days only). Return what was written."""
    figures = computed_figures(shop, date_from, date_to)
    if only is not None:
        figures = Figures(
            days={k: v for k, v in figures.days.items() if k in only},
            provinces={k: v for k, v in figures.provinces.items() if k[0] in only},
            skus={k: v for k, v in figures.skus.items() if k[0] in only},
        )
    period: dict[str, Any] = {"shop_id": shop.pk}
    if date_from is not None:
        period["day__gte"] = date_from
    if date_to is not None:
        period["day__lte"] = date_to
    if only is not None:
        period["day__in"] = sorted(only)
    for model in (DailySales, DailyProvinceSales, DailySkuSales):
        model._default_manager.filter(**period).delete()
    DailySales.objects.bulk_create(
        [
            DailySales(
                shop_id=shop.pk, day=day, **dict(zip(DAY_FIGURES, v, strict=True))
            )
            for day, v in sorted(figures.days.items())
            if any(v)
        ],
        batch_size=1000,
    )
    DailyProvinceSales.objects.bulk_create(
        [
            DailyProvinceSales(
                shop_id=shop.pk,
                day=day,
                province=province,
                **dict(zip(PROVINCE_FIGURES, v, strict=True)),
            )
            for (day, province), v in sorted(figures.provinces.items())
            if any(v)
        ],
        batch_size=1000,
    )
    DailySkuSales.objects.bulk_create(
        [
            DailySkuSales(
                shop_id=shop.pk,
                day=day,
                sku_id=sku_id,
                **dict(zip(SKU_FIGURES, v, strict=True)),
            )
            for (day, sku_id), v in sorted(figures.skus.items())
            if any(v)
        ],
        batch_size=1000,
    )
    return figures


def _lock_tables() -> None:
    """Keep tracked writers out while the rollups are rebuilt (PostgreSQL: a writer
    waits at its upsert and then adds its change on top; SQLite: the IMMEDIATE
    transaction already holds the only write lock)."""
    if connection.vendor != "postgresql":
        return
    tables = ", ".join(
        connection.ops.quote_name(m._meta.db_table)
        for m in (DailySales, DailyProvinceSales, DailySkuSales)
    )
    with connection.cursor() as cursor:
        cursor.execute(f"LOCK TABLE {tables} IN SHARE ROW EXCLUSIVE MODE")


def _shops(shop_id: int | None) -> list[Shop]:
    shops = Shop.objects.order_by("code")
    if shop_id is not None:
        shops = shops.filter(pk=shop_id)
    return list(shops)


def rollups_rebuild(
    *,
    actor: Any,
    shop_id: int | None = None,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
) -> dict[str, int]:
    """Recompute the rollups of one shop (or all) over shop-local days
    [date_from, date_to] (None: every day) from the orders; return the rows written."""
    counts = {"days": 0, "provinces": 0, "skus": 0}
    with transaction.atomic():
        _lock_tables()
        shops = _shops(shop_id)
        for shop in shops:
            figures = _refresh(shop, date_from, date_to)
            counts["days"] += sum(1 for v in figures.days.values() if any(v))
            counts["provinces"] += sum(1 for v in figures.provinces.values() if any(v))
            counts["skus"] += sum(1 for v in figures.skus.values() if any(v))
        audit_record(
            actor=actor,
            verb="rollups.rebuild",
            action=AuditEntry.Action.ACTION,
            changes={
                "shops": [s.code for s in shops],
                "date_from": date_from.isoformat() if date_from else None,
                "date_to": date_to.isoformat() if date_to else None,
                **counts,
            },
        )
    return counts


@dataclass(frozen=True)
class RollupDifference:
    """A rollup figure that is not what the orders say."""

    table: str  # "day", "province" or "sku"
    shop: str  # the shop's code
    day: dt.date
    key: str  # the province, or the SKU's id; "" for a day
    figure: str
    stored: Any
    computed: Any

    def __str__(self) -> str:
        where = f"{self.table} {self.shop} {self.day}"
        if self.table != "day":
            where += f" {self.key or '(none)'}"
        return (
            f"{where}: {self.figure} is {self.stored}, the orders say {self.computed}"
        )


def _compare(
    table: str,
    shop: Shop,
    names: Sequence[str],
    stored: dict[Any, Vector],
    computed: dict[Any, Vector],
) -> Iterator[RollupDifference]:
    zeros = [0] * len(names)
    for key in sorted(set(stored) | set(computed), key=str):
        have = stored.get(key, zeros)
        want = computed.get(key, zeros)
        if have == want:
            continue
        day, rest = (key, "") if table == "day" else (key[0], str(key[1]))
        for name, a, b in zip(names, have, want, strict=True):
            if a != b:
                yield RollupDifference(table, shop.code, day, rest, name, a, b)


def rollups_check(
    *,
    shop_id: int | None = None,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
) -> list[RollupDifference]:
    """Return every rollup figure of one shop (or all) over [date_from, date_to]
    (None: every day) that differs from what the orders say; [] when all agree.

    Reads one consistent state: inside one transaction (PostgreSQL: REPEATABLE READ,
    unless the caller's transaction is already open).
    """
    differences: list[RollupDifference] = []
    outer = transaction.get_connection().in_atomic_block
    with transaction.atomic():
        if connection.vendor == "postgresql" and not outer:
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        for shop in _shops(shop_id):
            stored = stored_figures(shop, date_from, date_to)
            computed = computed_figures(shop, date_from, date_to)
            differences.extend(
                _compare("day", shop, DAY_FIGURES, stored.days, computed.days)
            )
            differences.extend(
                _compare(
                    "province",
                    shop,
                    PROVINCE_FIGURES,
                    stored.provinces,
                    computed.provinces,
                )
            )
            differences.extend(
                _compare("sku", shop, SKU_FIGURES, stored.skus, computed.skus)
            )
    return differences
