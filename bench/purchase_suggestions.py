"""Benchmark: purchase suggestions for 10,000 SKUs over 1,000,000 order lines.

Makes a fresh SQLite database in a temporary directory, fills it deterministically
(raw `executemany` for the orders and their lines), times
`purchasing.services.purchase_suggestions_build` (computing every SKU's figures and
writing the day's suggestions), then computes the same suggestions with DuckDB over the
same database file and prints both times, their ratio and whether every SKU's
suggested quantity (and supplier) agree.

DuckDB reads the SQLite file through its `sqlite` extension when it can load it;
otherwise (no network to fetch the extension) the tables the formula needs are copied
out of the SQLite file as CSV and read with DuckDB's `read_csv`, and that copy is timed
separately from the query.

    .venv/bin/python bench/purchase_suggestions.py [--skus 10000] [--lines 1000000]

Target (issue 4): the build under 2 seconds on SQLite at the default size.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import itertools
import os
import random
import shutil
import sqlite3
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
DAY = dt.date(2026, 11, 26)  # the purchasing day the benchmark computes
SHOP_TZ = ZoneInfo("Asia/Shanghai")
TARGET_SECONDS = 2.0


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--skus", type=int, default=10_000, help="active SKUs")
    parser.add_argument("--lines", type=int, default=1_000_000, help="order lines")
    parser.add_argument("--days", type=int, default=365, help="days of order history")
    parser.add_argument("--suppliers", type=int, default=60)
    parser.add_argument("--seed", type=int, default=20261126)
    parser.add_argument("--keep", action="store_true", help="keep the database")
    args = parser.parse_args()
    if args.skus < 1 or args.lines < 1 or args.days < 3 or args.suppliers < 1:
        parser.error("--skus, --lines, --suppliers must be ≥ 1 and --days ≥ 3")
    return args


def setup_django(var_dir: Path) -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "shopops.settings"
    os.environ["SHOPOPS_VAR_DIR"] = str(var_dir)
    os.environ.pop("DATABASE_URL", None)  # always the fresh SQLite file
    os.environ.setdefault("DEBUG", "0")
    sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)


# --- generating ------------------------------------------------------------------


def utc_text(moment: dt.datetime) -> str:
    """Return an aware instant as Django stores it in SQLite (naive UTC text)."""
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M:%S")


class RawTable:
    """Insert rows into a model's table with executemany: every concrete column gets
    its default once; each row names only what differs."""

    def __init__(self, model: Any) -> None:
        from django.db import connection

        self.model = model
        fields = [f for f in model._meta.concrete_fields if not f.primary_key]
        self.columns = [f.column for f in fields]
        template: list[Any] = []
        for f in fields:
            default = f.get_default()  # "" for text, None for nullable columns
            template.append(f.get_db_prep_save(default, connection))
        self.template = template
        self.index = {f.attname: i for i, f in enumerate(fields)}
        self.sql = 'INSERT INTO "{}" ({}) VALUES ({})'.format(
            model._meta.db_table,
            ", ".join(f'"{c}"' for c in self.columns),
            ", ".join("?" for _ in self.columns),
        )

    def row(self, **values: Any) -> tuple[Any, ...]:
        row = list(self.template)
        for name, value in values.items():
            row[self.index[name]] = value
        return tuple(row)

    def insert(self, rows: list[tuple[Any, ...]]) -> None:
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.executemany(self.sql.replace("?", "%s"), rows)


def generate(args: argparse.Namespace) -> dict[str, int]:
    """Fill the database; return what was made."""
    from django.db import connection, transaction

    from shopops.catalog.models import Category, Product, Sku, Supplier
    from shopops.orders.models import Order, OrderLine
    from shopops.org.models import Shop
    from shopops.purchasing.models import (
        PurchaseOrder,
        PurchaseOrderLine,
        SupplierPrice,
        SupplierTerms,
    )
    from shopops.stock.models import Lot, Reservation, StockLevel
    from shopops.stock.services import default_location

    rng = random.Random(args.seed)
    now_text = utc_text(dt.datetime.combine(DAY, dt.time(10), tzinfo=SHOP_TZ))
    with transaction.atomic():
        shop = Shop.objects.create(code="bench", name="基准店铺", platform="tmall")
        category = Category.objects.create(name="户外")
        suppliers = Supplier.objects.bulk_create(
            Supplier(
                code=f"s{i:03d}",
                name=f"供应商 {i}",
                lead_time_days=rng.randint(2, 10),
                active=i % 25 != 24,
            )
            for i in range(args.suppliers)
        )
        SupplierTerms.objects.bulk_create(
            SupplierTerms(supplier=s, payment_terms="月结 30 天", review_days=2)
            for s in suppliers[::7]
        )
        products = Product.objects.bulk_create(
            Product(
                code=f"P{i:06d}",
                title=f"商品 {i}",
                category=category,
                cost_price=Decimal(rng.randint(500, 50000)) / 100,
                list_price=Decimal("199.00"),
                default_supplier=rng.choice(suppliers) if i % 50 else None,
                status="discontinued" if i % 97 == 0 else "active",
            )
            for i in range(args.skus)
        )
        skus = Sku.objects.bulk_create(
            Sku(product=p, outer_code=f"K{i:06d}", active=i % 53 != 0)
            for i, p in enumerate(products)
        )
        prices = []
        for sku, product in zip(skus, products, strict=True):
            if rng.random() < 0.6:
                quoting = {product.default_supplier or rng.choice(suppliers)}
                if rng.random() < 0.2:
                    quoting.add(rng.choice(suppliers))
                for supplier in quoting:
                    prices.append(
                        SupplierPrice(
                            supplier=supplier,
                            sku=sku,
                            price=Decimal(rng.randint(300, 40000)) / 100,
                            min_order_quantity=rng.choice([1, 1, 5, 10, 20, 50]),
                            order_multiple=rng.choice([1, 1, 1, 6, 12]),
                        )
                    )
        SupplierPrice.objects.bulk_create(prices, batch_size=2000)

        # Orders: popularity is skewed (a few SKUs sell most), history over --days.
        weights = [1 / (rank + 10) for rank in range(len(skus))]
        rng.shuffle(weights)
        cumulative = list(itertools.accumulate(weights))
        sku_ids = [s.pk for s in skus]
        orders_table, lines_table = RawTable(Order), RawTable(OrderLine)
        end = dt.datetime.combine(DAY, dt.time(9), tzinfo=SHOP_TZ)
        span = args.days * 86400
        open_cutoff = end - dt.timedelta(days=2)
        order_rows, line_plan = [], []
        lines_left, number = args.lines, 0
        while lines_left > 0:
            count = min(lines_left, rng.choice([1, 1, 2, 2, 3, 4]))
            lines_left -= count
            number += 1
            paid = end - dt.timedelta(seconds=rng.randrange(span))
            if paid >= open_cutoff and rng.random() < 0.5:
                status = "paid"
            elif rng.random() < 0.03:
                status = "closed"
            else:
                status = "completed" if paid < open_cutoff else "shipped"
            order_rows.append(
                orders_table.row(
                    shop_id=shop.pk,
                    order_no=f"B{number:012d}",
                    status=status,
                    created_at=utc_text(paid - dt.timedelta(minutes=3)),
                    paid_at=utc_text(paid),
                    updated_at=now_text,
                    paid_amount="199.00",
                )
            )
            line_plan.append(
                (
                    status,
                    rng.choices(sku_ids, cum_weights=cumulative, k=count),
                    [rng.choice([1, 1, 1, 2, 3]) for _ in range(count)],
                )
            )
        orders_table.insert(order_rows)
        first_order = Order.objects.order_by("pk").values_list("pk", flat=True)[0]
        line_rows = []
        open_lines: list[tuple[int, int]] = []  # (line index, quantity) per open line
        for offset, (status, line_skus, quantities) in enumerate(line_plan):
            for sku_id, quantity in zip(line_skus, quantities, strict=True):
                line_rows.append(
                    lines_table.row(
                        order_id=first_order + offset,
                        sku_id=sku_id,
                        outer_code=f"K{sku_id}",
                        title="商品",
                        price="99.00",
                        quantity=quantity,
                    )
                )
                if status == "paid":
                    open_lines.append((len(line_rows) - 1, sku_id))
        lines_table.insert(line_rows)
        first_line = OrderLine.objects.order_by("pk").values_list("pk", flat=True)[0]

        # Stock: one level per SKU; half of the open lines are reserved from it.
        location = default_location()
        Lot.objects.bulk_create(Lot(sku_id=pk, lot_no="") for pk in sku_ids)
        lots = dict(Lot.objects.values_list("sku_id", "pk"))
        on_hand = {pk: rng.choice([0, 0, 3, 10, 40, 120, 300]) for pk in sku_ids}
        reserved: dict[int, int] = dict.fromkeys(sku_ids, 0)
        reservations = []
        for index, sku_id in open_lines:
            quantity = line_rows[index][lines_table.index["quantity"]]
            if rng.random() < 0.5 and on_hand[sku_id] - reserved[sku_id] >= quantity:
                reserved[sku_id] += quantity
                reservations.append((first_line + index, sku_id, quantity))
        StockLevel.objects.bulk_create(
            (
                StockLevel(
                    sku_id=pk,
                    location=location,
                    lot_id=lots[pk],
                    on_hand=on_hand[pk],
                    reserved=reserved[pk],
                    quarantined=min(1, on_hand[pk] - reserved[pk])
                    if pk % 31 == 0
                    else 0,
                )
                for pk in sku_ids
            ),
            batch_size=2000,
        )
        levels = dict(StockLevel.objects.values_list("sku_id", "pk"))
        created = dt.datetime.combine(DAY, dt.time(9), tzinfo=SHOP_TZ)
        Reservation.objects.bulk_create(
            (
                Reservation(
                    line_id=line_id,
                    level_id=levels[sku_id],
                    quantity=q,
                    created_at=created,
                )
                for line_id, sku_id, q in reservations
            ),
            batch_size=2000,
        )
        # Open purchase orders: some units are already on their way.
        po_lines = []
        for n in range(max(1, args.skus // 30)):
            supplier = rng.choice(suppliers)
            order = PurchaseOrder.objects.create(
                number=f"BENCH-{n:05d}",
                supplier=supplier,
                state=rng.choice(
                    ["ordered", "ordered", "partially_received", "received"]
                ),
                created_at=created,
                ordered_at=created,
            )
            for sku_id in set(rng.sample(sku_ids, k=min(5, len(sku_ids)))):
                quantity = rng.randint(5, 60)
                po_lines.append(
                    PurchaseOrderLine(
                        order=order,
                        sku_id=sku_id,
                        quantity=quantity,
                        unit_price=Decimal("10.00"),
                        received_quantity=rng.randint(0, quantity)
                        if order.state != "ordered"
                        else 0,
                    )
                )
        PurchaseOrderLine.objects.bulk_create(po_lines, batch_size=2000)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return {
        "suppliers": len(suppliers),
        "skus": len(skus),
        "orders": len(order_rows),
        "lines": len(line_rows),
        "open_lines": len(open_lines),
        "reservations": len(reservations),
        "po_lines": len(po_lines),
    }


# --- DuckDB --------------------------------------------------------------------------

TABLES = {
    "orders_order": ["id", "paid_at", "status"],
    "orders_orderline": ["id", "order_id", "sku_id", "quantity"],
    "stock_reservation": ["line_id", "quantity", "state"],
    "stock_stocklevel": ["sku_id", "on_hand", "reserved", "quarantined"],
    "purchasing_purchaseorder": ["id", "state"],
    "purchasing_purchaseorderline": [
        "order_id",
        "sku_id",
        "quantity",
        "received_quantity",
    ],
    "catalog_sku": ["id", "product_id", "active"],
    "catalog_product": ["id", "default_supplier_id", "status"],
    "catalog_supplier": ["id", "lead_time_days", "active"],
    "purchasing_supplierprice": [
        "sku_id",
        "supplier_id",
        "price",
        "min_order_quantity",
        "order_multiple",
    ],
    "purchasing_supplierterms": ["supplier_id", "review_days"],
}

FORMULA_SQL = """
WITH
paid AS (
  SELECT id FROM s.orders_order
  WHERE CAST(paid_at AS TIMESTAMP) >= TIMESTAMP '{start}'
    AND CAST(paid_at AS TIMESTAMP) < TIMESTAMP '{end}'
    AND status <> 'closed'),
sold AS (
  SELECT sku_id, SUM(quantity) AS units FROM s.orders_orderline
  WHERE sku_id IS NOT NULL AND order_id IN (SELECT id FROM paid) GROUP BY sku_id),
open_lines AS (
  SELECT l.id, l.sku_id, l.quantity FROM s.orders_orderline l
  JOIN s.orders_order o ON o.id = l.order_id
  WHERE o.status = 'paid' AND l.sku_id IS NOT NULL),
ordered AS (SELECT sku_id, SUM(quantity) AS units FROM open_lines GROUP BY sku_id),
covered AS (
  SELECT ol.sku_id, SUM(r.quantity) AS units FROM s.stock_reservation r
  JOIN open_lines ol ON ol.id = r.line_id
  WHERE r.state IN ('active', 'shipped') GROUP BY ol.sku_id),
shortage AS (
  SELECT o.sku_id, GREATEST(o.units - COALESCE(c.units, 0), 0) AS units
  FROM ordered o LEFT JOIN covered c ON c.sku_id = o.sku_id),
avail AS (
  SELECT sku_id, SUM(on_hand - reserved - quarantined) AS units
  FROM s.stock_stocklevel GROUP BY sku_id),
on_order AS (
  SELECT l.sku_id, SUM(l.quantity - l.received_quantity) AS units
  FROM s.purchasing_purchaseorderline l
  JOIN s.purchasing_purchaseorder p ON p.id = l.order_id
  WHERE p.state IN ('draft', 'ordered', 'partially_received')
    AND l.quantity > l.received_quantity
  GROUP BY l.sku_id),
active_supplier AS (
  SELECT id, lead_time_days FROM s.catalog_supplier WHERE CAST(active AS INTEGER) = 1),
skus AS (
  SELECT k.id AS sku_id, p.default_supplier_id AS default_id FROM s.catalog_sku k
  JOIN s.catalog_product p ON p.id = k.product_id
  WHERE CAST(k.active AS INTEGER) = 1 AND p.status <> 'discontinued'),
quotes AS (
  SELECT sp.sku_id, sp.supplier_id, sp.min_order_quantity AS moq,
         sp.order_multiple AS multiple,
         ROW_NUMBER() OVER (
           PARTITION BY sp.sku_id
           ORDER BY (sp.supplier_id IS NOT DISTINCT FROM sk.default_id) DESC,
                    CAST(sp.price AS DECIMAL(14, 2)), sp.supplier_id,
                    sp.min_order_quantity, sp.order_multiple) AS rank
  FROM s.purchasing_supplierprice sp
  JOIN active_supplier a ON a.id = sp.supplier_id
  JOIN skus sk ON sk.sku_id = sp.sku_id),
source AS (
  SELECT sk.sku_id,
         CASE WHEN q.sku_id IS NOT NULL THEN q.supplier_id
              WHEN d.id IS NOT NULL THEN d.id END AS supplier_id,
         CASE WHEN q.sku_id IS NOT NULL THEN qa.lead_time_days
              WHEN d.id IS NOT NULL THEN d.lead_time_days
              ELSE {default_lead} END AS lead,
         COALESCE(q.moq, 1) AS moq, COALESCE(q.multiple, 1) AS multiple
  FROM skus sk
  LEFT JOIN quotes q ON q.sku_id = sk.sku_id AND q.rank = 1
  LEFT JOIN active_supplier qa ON qa.id = q.supplier_id
  LEFT JOIN active_supplier d ON d.id = sk.default_id),
figures AS (
  SELECT src.sku_id, src.supplier_id, src.moq, src.multiple,
         COALESCE(sold.units, 0) AS sold,
         src.lead + COALESCE(t.review_days, {review}) AS cover,
         COALESCE(sh.units, 0) AS shortage,
         COALESCE(av.units, 0) + COALESCE(oo.units, 0) AS have
  FROM source src
  LEFT JOIN s.purchasing_supplierterms t ON t.supplier_id = src.supplier_id
  LEFT JOIN sold ON sold.sku_id = src.sku_id
  LEFT JOIN shortage sh ON sh.sku_id = src.sku_id
  LEFT JOIN avail av ON av.sku_id = src.sku_id
  LEFT JOIN on_order oo ON oo.sku_id = src.sku_id),
needs AS (
  SELECT sku_id, supplier_id, moq, multiple,
         GREATEST(0, shortage
           + (sold * cover + {window} - 1) // {window}
           + (sold * {safety} + {window} - 1) // {window}
           - have) AS net
  FROM figures)
SELECT sku_id, supplier_id,
       CASE WHEN net = 0 THEN 0
            ELSE (GREATEST(net, moq) + multiple - 1) // multiple * multiple END AS qty
FROM needs WHERE net > 0
"""


def duckdb_connect(db_path: Path, work: Path) -> tuple[Any, str, float]:
    """Return a DuckDB connection with the SQLite tables as schema `s`, how it got
    them, and the seconds that took."""
    import duckdb

    started = time.perf_counter()
    con = duckdb.connect()
    try:
        con.execute("LOAD sqlite")
    except duckdb.Error:
        try:
            con.execute("INSTALL sqlite")
            con.execute("LOAD sqlite")
        except duckdb.Error:
            con.execute("CREATE SCHEMA s")
            source = sqlite3.connect(db_path)
            for table, columns in TABLES.items():
                path = work / f"{table}.csv"
                with path.open("w", newline="") as handle:
                    writer = csv.writer(handle)
                    writer.writerow(columns)
                    writer.writerows(
                        source.execute(f"SELECT {', '.join(columns)} FROM {table}")
                    )
                con.execute(
                    f"CREATE TABLE s.{table} AS SELECT * FROM read_csv('{path}', header = true)"
                )
            source.close()
            return (
                con,
                "CSV copied out of the SQLite file",
                time.perf_counter() - started,
            )
    con.execute(f"ATTACH '{db_path}' AS s (TYPE sqlite, READ_ONLY)")
    return con, "sqlite extension (ATTACH)", time.perf_counter() - started


def duckdb_suggestions(
    con: Any, settings: Any
) -> tuple[dict[int, tuple[int | None, int]], float]:
    from shopops.purchasing.selectors import sales_window

    start, end = sales_window(DAY, settings.sales_window_days)
    sql = FORMULA_SQL.format(
        start=start.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M:%S"),
        end=end.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M:%S"),
        window=settings.sales_window_days,
        review=settings.review_days,
        safety=settings.safety_stock_days,
        default_lead=settings.default_lead_time_days,
    )
    started = time.perf_counter()
    rows = con.execute(sql).fetchall()
    took = time.perf_counter() - started
    return {sku: (supplier, qty) for sku, supplier, qty in rows}, took


# --- main ------------------------------------------------------------------------------


def main() -> int:
    args = parse_args()
    work = Path(tempfile.mkdtemp(prefix="shopops-bench-"))
    print(f"database: {work / 'shopops.sqlite3'}")
    setup_django(work)
    from django.db import connection

    from shopops.purchasing.models import PurchaseSuggestion
    from shopops.purchasing.selectors import purchase_settings_get
    from shopops.purchasing.services import purchase_suggestions_build

    started = time.perf_counter()
    made = generate(args)
    print(
        "generated in {:.1f} s: {}".format(
            time.perf_counter() - started,
            ", ".join(f"{k} {v:,}" for k, v in made.items()),
        )
    )

    started = time.perf_counter()
    result = purchase_suggestions_build(day=DAY)
    django_seconds = time.perf_counter() - started
    started = time.perf_counter()
    purchase_suggestions_build(day=DAY)
    rebuild_seconds = time.perf_counter() - started
    print(
        f"shopops  purchase_suggestions_build: {django_seconds:.3f} s "
        f"({result.skus:,} SKUs, {result.needs:,} suggestions written); "
        f"rebuild {rebuild_seconds:.3f} s"
    )
    ours = {
        sku: (supplier, qty)
        for sku, supplier, qty in PurchaseSuggestion.objects.filter(
            day=DAY
        ).values_list("sku_id", "supplier_id", "suggested_quantity")
        if qty > 0
    }
    connection.close()

    con, how, load_seconds = duckdb_connect(work / "shopops.sqlite3", work)
    theirs, duck_seconds = duckdb_suggestions(con, purchase_settings_get())
    print(
        f"duckdb   same formula in SQL:         {duck_seconds:.3f} s (+ {load_seconds:.3f} s to reach the data: {how})"
    )
    ratio = django_seconds / duck_seconds if duck_seconds else float("inf")
    print(f"ratio    shopops / duckdb:            {ratio:.1f}×")

    differ = sorted(
        k for k in ours.keys() | theirs.keys() if ours.get(k) != theirs.get(k)
    )
    agree = not differ
    print(
        f"agree    {'yes' if agree else 'NO'}: {len(ours):,} SKUs to buy, "
        f"{sum(q for _s, q in ours.values()):,} units; {len(differ)} SKUs differ"
    )
    for sku in differ[:10]:
        print(f"         SKU {sku}: shopops {ours.get(sku)} duckdb {theirs.get(sku)}")
    target_met = django_seconds < TARGET_SECONDS
    print(
        f"target   build < {TARGET_SECONDS:.0f} s: {'met' if target_met else 'MISSED'}"
    )
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)
    return 0 if agree else 1


if __name__ == "__main__":
    sys.exit(main())
