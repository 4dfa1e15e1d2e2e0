"""Benchmark: import the seller center's order and item reports, against a bare load.

    .venv/bin/python bench/import_orders.py [--orders 200000] [--seed 1]

What it does, in one process:

1. sets DJANGO_SETTINGS_MODULE and a temporary SHOPOPS_VAR_DIR (DEBUG off unless set),
   and migrates a fresh database: a SQLite file there, or — when DATABASE_URL is
   PostgreSQL — a fresh database created beside the given one and dropped at the end;
2. writes, deterministically, an order report (ExportOrderList.csv) and an item report
   (ExportOrderDetailList.csv) in the seller center's GBK format: `="…"` order
   numbers, `'` before phones, amounts with 元, trailing spaces in headers, unpaid
   orders without a payment time, about 2 lines per order;
3. imports them through `shopops.orders.imports.orders_import`, the code path of
   `shopops import-orders` (first import: everything new);
4. imports the same files again (everything unchanged);
5. loads the same files into an equivalent bare schema (the same tables, columns and
   indexes, copied from the migrated database) in one transaction: streamed and
   parsed with the same column specs and cell parsers, then written with
   `sqlite3.executemany` — or PostgreSQL's COPY when DATABASE_URL is PostgreSQL;
6. prints lines per second for both, their ratio, the peak RSS and the second
   import's time, and checks the floors: ratio >= 0.25, second import >= 2x faster,
   peak RSS < 300 MB (the floor stated for 1,000,000 lines). Exit code 1 if one fails.

"Lines" are the data rows of both files.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import gc
import io
import os
import resource
import sqlite3
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

RATIO_FLOOR = 0.25
REIMPORT_FLOOR = 2.0
RSS_FLOOR_MB = 300

# The files: the seller center's reports, written by the generator the tests use too
# (`generate` is its `write_reports`; the other names stay importable from here).
from shopops.orders.importers.sellercenter_files import (  # noqa: E402
    COURIERS,
    GIVEN,
    ITEM_HEADER,
    ORDER_HEADER,
    PLACES,
    PRODUCTS,
    STATUSES,
    STREETS,
    SURNAMES,
)
from shopops.orders.importers.sellercenter_files import (  # noqa: E402
    write_reports as generate,
)

__all__ = [
    "COURIERS",
    "GIVEN",
    "ITEM_HEADER",
    "ORDER_HEADER",
    "PLACES",
    "PRODUCTS",
    "STATUSES",
    "STREETS",
    "SURNAMES",
    "generate",
]


# --- the database -----------------------------------------------------------------


def fresh_postgres(url: str) -> tuple[str, Any]:
    """Create an empty database beside `url`'s; return its URL and a dropper."""
    import psycopg

    name = f"shopops_bench_{os.getpid()}"
    parts = urlsplit(url)
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')

    def drop() -> None:
        from django.db import connections

        connections.close_all()
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')

    return urlunsplit(parts._replace(path=f"/{name}")), drop


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# --- the bare load ------------------------------------------------------------------


@dataclass
class Parsed:
    orders: Iterator[tuple[Any, ...]]
    lines: Iterator[tuple[Any, ...]]
    order_fields: tuple[str, ...]


def parsed_rows(order_path: Path, item_path: Path, time_zone: str) -> Parsed:
    """Stream the files' rows through the importer's specs and cell parsers."""
    from shopops.core.importers import ImportReport, read_rows
    from shopops.orders.importers import taobao

    report = ImportReport()
    spec = taobao.order_spec(time_zone)
    with open(order_path, "rb") as f:
        first = csv.reader(io.TextIOWrapper(f, encoding="gb18030"))
        header = next(first)
    fields = taobao.order_fields(
        {c.key for h in header if (c := spec.column_for(h)) is not None}
    )

    def orders() -> Iterator[tuple[Any, ...]]:
        for row in read_rows(order_path, spec, report=report):
            yield (row["order_no"], *taobao.order_values(row, fields))

    def lines() -> Iterator[tuple[Any, ...]]:
        for row in read_rows(item_path, taobao.ITEM_SPEC, report=report):
            yield (row["order_no"], *taobao.line_values(row))

    return Parsed(orders(), lines(), fields)


# The NOT NULL text columns a file may not fill (the ORM writes "" there).
TEXT_DEFAULTS = {
    "buyer_member_name": "",
    "receiver_name": "",
    "receiver_phone": "",
    "address": "",
    "province": "",
    "city": "",
    "district": "",
    "status": "",
    "refund_state": "",
    "close_reason": "",
    "courier": "",
    "tracking_no": "",
    "buyer_message": "",
    "seller_memo": "",
}


def _utc_text(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return str(value.astimezone(dt.UTC).replace(tzinfo=None))
    if isinstance(value, Decimal):
        return str(value)
    return value


def bare_sqlite(django_db: Path, folder: Path, parsed: Parsed, chunk: int) -> None:
    """Load the parsed rows with sqlite3.executemany into copies of the tables."""
    path = folder / "bare.sqlite3"
    db = sqlite3.connect(path, isolation_level=None)
    db.executescript(
        "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
        "CREATE TABLE org_shop (id integer PRIMARY KEY);"
        "CREATE TABLE customers_customer (id integer PRIMARY KEY);"
        "CREATE TABLE catalog_sku (id integer PRIMARY KEY);"
        "INSERT INTO org_shop VALUES (1);"
    )
    source = sqlite3.connect(django_db)
    for (sql,) in source.execute(
        "SELECT sql FROM sqlite_master WHERE tbl_name IN "
        "('orders_order', 'orders_orderline') AND sql IS NOT NULL "
        "ORDER BY tbl_name DESC, type DESC"
    ):
        db.execute(sql)
    source.close()
    now = str(dt.datetime.now(dt.UTC).replace(tzinfo=None))
    columns = ["shop_id", "order_no", *parsed.order_fields, "updated_at"]
    extra = [c for c in TEXT_DEFAULTS if c not in columns]
    order_sql = (
        f"INSERT INTO orders_order ({', '.join([*columns, *extra])}) "
        f"VALUES ({', '.join(['?'] * (len(columns) + len(extra)))})"
    )
    tail = [TEXT_DEFAULTS[c] for c in extra]
    line_sql = (
        "INSERT INTO orders_orderline "
        "(order_id, outer_code, title, attributes, price, quantity) VALUES "
        "((SELECT id FROM orders_order WHERE shop_id = 1 AND order_no = ?), "
        "?, ?, ?, ?, ?)"
    )
    db.execute("BEGIN")
    batch: list[Any] = []
    for no, *values in parsed.orders:
        batch.append((1, no, *map(_utc_text, values), now, *tail))
        if len(batch) >= chunk:
            db.executemany(order_sql, batch)
            batch = []
    db.executemany(order_sql, batch)
    batch = []
    for line in parsed.lines:
        batch.append(tuple(map(_utc_text, line)))
        if len(batch) >= chunk:
            db.executemany(line_sql, batch)
            batch = []
    db.executemany(line_sql, batch)
    db.execute("COMMIT")
    db.close()


def bare_postgres(parsed: Parsed) -> None:
    """Load the parsed rows with COPY into copies of the tables (another schema)."""
    from django.db import connection

    raw = connection.connection  # psycopg 3
    if raw is None:
        raise RuntimeError("no database connection")
    columns = ["shop_id", "order_no", *parsed.order_fields, "updated_at"]
    extra = [c for c in TEXT_DEFAULTS if c not in columns]
    tail = [TEXT_DEFAULTS[c] for c in extra]
    now = dt.datetime.now(dt.UTC)
    with raw.transaction(), raw.cursor() as cur:
        cur.execute("CREATE SCHEMA bare")
        cur.execute(
            "CREATE TABLE bare.orders_order (LIKE public.orders_order INCLUDING ALL)"
        )
        cur.execute(
            "CREATE TABLE bare.orders_orderline "
            "(LIKE public.orders_orderline INCLUDING ALL)"
        )
        cur.execute(
            "CREATE TEMP TABLE line_stage (order_no text, outer_code text, "
            "title text, attributes text, price numeric, quantity integer)"
        )
        cur.execute("SELECT id FROM public.org_shop LIMIT 1")
        shop_id = cur.fetchone()[0]
        with cur.copy(
            f"COPY bare.orders_order ({', '.join([*columns, *extra])}) FROM STDIN"
        ) as copy:
            for no, *values in parsed.orders:
                copy.write_row((shop_id, no, *values, now, *tail))
        with cur.copy("COPY line_stage FROM STDIN") as copy:
            for line in parsed.lines:
                copy.write_row(line)
        cur.execute(
            "INSERT INTO bare.orders_orderline "
            "(order_id, outer_code, title, attributes, price, quantity) "
            "SELECT o.id, s.outer_code, s.title, s.attributes, s.price, s.quantity "
            "FROM line_stage s JOIN bare.orders_order o "
            "ON o.shop_id = %s AND o.order_no = s.order_no",
            [shop_id],
        )


# --- main -----------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--orders", type=int, default=200_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    args = parser.parse_args(argv)

    folder = Path(tempfile.mkdtemp(prefix="shopops-bench-import-"))
    os.environ["SHOPOPS_VAR_DIR"] = str(folder / "var")
    os.environ["DJANGO_SETTINGS_MODULE"] = "shopops.settings"
    os.environ.setdefault("DEBUG", "0")
    url = os.environ.get("DATABASE_URL", "")
    postgres = url.startswith(("postgres://", "postgresql://"))
    drop = None
    if postgres:
        os.environ["DATABASE_URL"], drop = fresh_postgres(url)

    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    from shopops.orders.imports import orders_import
    from shopops.org.services import shop_create

    try:
        call_command("migrate", verbosity=0)
        engine = "PostgreSQL" if postgres else "SQLite"
        print(f"database: {engine}  DEBUG={settings.DEBUG}  folder: {folder}")

        started = time.perf_counter()
        order_path, item_path, item_rows = generate(args.orders, args.seed, folder)
        lines = args.orders + item_rows
        print(
            f"generated {args.orders:,} orders + {item_rows:,} item rows = "
            f"{lines:,} lines (GBK, {order_path.stat().st_size / 2**20:.0f} + "
            f"{item_path.stat().st_size / 2**20:.0f} MB) "
            f"in {time.perf_counter() - started:.1f} s"
        )
        shop = shop_create(
            actor=None, code="bench", name="山野户外旗舰店", platform="tmall"
        )
        gc.collect()
        rss_before = rss_mb()

        started = time.perf_counter()
        first = orders_import(
            actor=None, shop=shop, orders_file=order_path, items_file=item_path
        )
        first_s = time.perf_counter() - started
        if not first.ok or first.created != args.orders:
            raise SystemExit(f"first import failed: {first.as_dict()}")
        rss_import = rss_mb()

        started = time.perf_counter()
        second = orders_import(
            actor=None, shop=shop, orders_file=order_path, items_file=item_path
        )
        second_s = time.perf_counter() - started
        if not second.ok or second.unchanged != args.orders:
            raise SystemExit(f"second import failed: {second.as_dict()}")

        parsed = parsed_rows(order_path, item_path, shop.time_zone)
        started = time.perf_counter()
        if postgres:
            bare_postgres(parsed)
        else:
            bare_sqlite(
                Path(settings.DATABASES["default"]["NAME"]), folder, parsed, 2000
            )
        bare_s = time.perf_counter() - started
        baseline = "COPY" if postgres else "sqlite3.executemany"

        ours = lines / first_s
        bare = lines / bare_s
        ratio = ours / bare
        speedup = first_s / second_s
        peak = rss_mb()
        print()
        print(f"{'':34}{'seconds':>10}{'lines/s':>12}")
        print(f"{'import (first, all new)':34}{first_s:10.1f}{ours:12,.0f}")
        print(
            f"{'import again (all unchanged)':34}{second_s:10.1f}"
            f"{lines / second_s:12,.0f}"
        )
        print(f"{'bare load (' + baseline + ')':34}{bare_s:10.1f}{bare:12,.0f}")
        print()
        print(
            f"first import: {first.created:,} orders created, "
            f"{first.extra['lines_created']:,} lines, "
            f"{first.extra['customers_created']:,} customers"
        )
        print(
            f"ratio import / bare load: {ratio:.2f}  "
            f"(floor {RATIO_FLOOR}) {'ok' if ratio >= RATIO_FLOOR else 'FAIL'}"
        )
        print(
            f"second import {speedup:.1f}x faster than the first  "
            f"(floor {REIMPORT_FLOOR}x) "
            f"{'ok' if speedup >= REIMPORT_FLOOR else 'FAIL'}"
        )
        print(
            f"peak RSS: {peak:.0f} MB (after setup {rss_before:.0f} MB, after the "
            f"first import {rss_import:.0f} MB; floor {RSS_FLOOR_MB} MB) "
            f"{'ok' if peak < RSS_FLOOR_MB else 'FAIL'}"
        )
        failed = ratio < RATIO_FLOOR or speedup < REIMPORT_FLOOR or peak >= RSS_FLOOR_MB
        return 1 if failed else 0
    finally:
        if drop is not None:
            drop()
        if not args.keep:
            import shutil

            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
