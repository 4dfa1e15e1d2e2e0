"""Benchmark: the order list's search box, indexed, against a plain LIKE '%…%' scan.

    .venv/bin/python bench/order_search.py [--orders 1000000] [--seed 1] [--repeat 3]
        [--like-repeat 1]

What it does, in one process:

1. migrates a fresh database: a SQLite file in a temporary folder, or — when
   DATABASE_URL is PostgreSQL — a fresh database created beside the given one and
   dropped at the end (as bench/import_orders.py does);
2. writes `--orders` orders with bench/import_orders.py's generator (the seller
   center's GBK report), parses them with the importer's specs and cell parsers, masks
   every phone the way the seller center's exports do today (`138****5678`) and loads
   them set-based (sqlite3.executemany / COPY) with the search index dropped, then
   builds the index (FTS5 trigram on SQLite, pg_trgm GIN on PostgreSQL) and times that;
3. for each query (order numbers, member names, receivers, the last four digits of a
   phone, a full mobile, tracking numbers, short queries, the issue's `13800` and a
   query that matches a sixth of the orders), runs what the order list page runs — the
   count and the first page of 50, newest first — through
   `orders.selectors.order_search`, and the same through a plain `LOWER(field) LIKE
   '%…%'` (`= …` for 1–2 characters) over the same five fields, which no index serves;
   the best of `--repeat` runs of each search and of `--like-repeat` runs of each
   scan; checks both find the same count and the same first page;
4. prints both times, their ratio, and on PostgreSQL the plan of each search
   (EXPLAIN) with whether the trigram index is used. Exit code 1 when an indexed
   search of a selective query (≤ 5,000 matches) takes 200 ms or more, or when the
   counts differ.
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT / "src"))

import import_orders  # noqa: E402 - the generator lives beside this file

TARGET_MS = 200.0
SELECTIVE = 5000


def masked(phone: Any) -> Any:
    """Return the phone as the seller center exports it: `138****5678`."""
    if isinstance(phone, str) and len(phone) == 11:
        return f"{phone[:3]}****{phone[-4:]}"
    return phone


def order_rows(parsed: import_orders.Parsed, shop_id: int) -> Any:
    import datetime as dt

    fields = ["order_no", *parsed.order_fields]
    phone = fields.index("receiver_phone")
    extra = [c for c in import_orders.TEXT_DEFAULTS if c not in fields]
    tail = [import_orders.TEXT_DEFAULTS[c] for c in extra]
    now = dt.datetime.now(dt.UTC)
    columns = ["shop_id", *fields, "updated_at", *extra]

    def rows() -> Any:
        for values in parsed.orders:
            row = list(values)
            row[phone] = masked(row[phone])
            yield (shop_id, *row, now, *tail)

    return columns, rows()


def load_sqlite(db_path: Path, columns: list[str], rows: Any) -> None:
    db = sqlite3.connect(db_path, isolation_level=None)
    db.execute("PRAGMA synchronous=NORMAL")
    sql = (
        f"INSERT INTO orders_order ({', '.join(columns)}) "
        f"VALUES ({', '.join(['?'] * len(columns))})"
    )
    db.execute("BEGIN")
    batch: list[Any] = []
    for row in rows:
        batch.append(tuple(map(import_orders._utc_text, row)))
        if len(batch) >= 5000:
            db.executemany(sql, batch)
            batch = []
    db.executemany(sql, batch)
    db.execute("COMMIT")
    db.execute("ANALYZE")
    db.close()


def load_postgres(columns: list[str], rows: Any) -> None:
    from django.db import connection

    connection.ensure_connection()
    raw = connection.connection
    copy_sql = f"COPY orders_order ({', '.join(columns)}) FROM STDIN"
    with raw.transaction(), raw.cursor() as cur, cur.copy(copy_sql) as copy:
        for row in rows:
            copy.write_row(row)
    with raw.cursor() as cur:
        cur.execute("ANALYZE orders_order")


def best_ms(work: Callable[[], Any], repeat: int) -> tuple[float, Any]:
    best = float("inf")
    result = None
    for _ in range(repeat):
        started = time.perf_counter()
        result = work()
        best = min(best, (time.perf_counter() - started) * 1000)
    return best, result


def page_of(qs: Any) -> tuple[int, list[int]]:
    """Return what the list page reads: the count and the first 50, newest first."""
    count = qs.count()
    first = list(qs.order_by("-created_at", "-pk").values_list("pk", flat=True)[:50])
    return count, first


def plain_like(qs: Any, text: str) -> Any:
    """Return `qs` filtered by the same rule with LOWER(field) LIKE: no index."""
    from django.db.models import Q
    from django.db.models.functions import Lower

    from shopops.orders import search_index

    terms = search_index.query_terms(search_index.clean_query(text))
    qs = qs.alias(**{f"low_{f}": Lower(f) for f in search_index.FIELDS})
    found = Q()
    for term in terms:
        lookup = "exact" if search_index.is_exact(term) else "contains"
        for field in search_index.FIELDS:
            found |= Q(**{f"low_{field}__{lookup}": term.lower()})
    return qs.filter(found)


def queries(sample: Any) -> list[tuple[str, str]]:
    phone = sample.receiver_phone
    return [
        ("order number", sample.order_no),
        ("order number, 6 digits", sample.order_no[7:13]),
        ("13800 (the issue's)", "13800"),
        ("member name", sample.buyer_member_name),
        ("member name, part", sample.buyer_member_name[3:13]),
        ("receiver", sample.receiver_name),
        ("receiver, 2 chars (exact)", sample.receiver_name[:2]),
        ("phone, last four", phone[-4:]),
        ("full mobile → masked", f"{phone[:3]}1234{phone[-4:]}"),
        ("tracking number", sample.tracking_no),
        ("tracking number, part", sample.tracking_no[2:10]),
        ("138 (tens of thousands)", "138"),
        ("tb_ (every order)", "tb_"),
    ]


def explain(qs: Any) -> str:
    from django.db import connection

    sql, params = qs.order_by("-created_at", "-pk")[:50].query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN {sql}", params)
        return "\n".join(r for (r,) in cursor.fetchall())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--orders", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=3, help="runs of each search")
    parser.add_argument(
        "--like-repeat", type=int, default=1, help="runs of each LIKE scan"
    )
    args = parser.parse_args(argv)
    if args.orders < 100 or args.repeat < 1 or args.like_repeat < 1:
        parser.error("--orders must be ≥ 100, --repeat and --like-repeat ≥ 1")

    folder = Path(tempfile.mkdtemp(prefix="shopops-bench-search-"))
    os.environ["SHOPOPS_VAR_DIR"] = str(folder / "var")
    os.environ["DJANGO_SETTINGS_MODULE"] = "shopops.settings"
    os.environ.setdefault("DEBUG", "0")
    url = os.environ.get("DATABASE_URL", "")
    postgres = url.startswith(("postgres://", "postgresql://"))
    drop = None
    if postgres:
        os.environ["DATABASE_URL"], drop = import_orders.fresh_postgres(url)

    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    from shopops.orders import search_index
    from shopops.orders.models import Order
    from shopops.orders.selectors import OrderFilters, order_search
    from shopops.org.services import shop_create

    try:
        call_command("migrate", verbosity=0)
        engine = "PostgreSQL" if postgres else "SQLite"
        shop = shop_create(
            actor=None, code="bench", name="山野户外旗舰店", platform="tmall"
        )
        started = time.perf_counter()
        order_path, item_path, _items = import_orders.generate(
            args.orders, args.seed, folder
        )
        print(
            f"database: {engine}; generated {args.orders:,} orders in "
            f"{time.perf_counter() - started:.0f} s"
        )
        search_index.drop(connection)
        parsed = import_orders.parsed_rows(order_path, item_path, shop.time_zone)
        columns, rows = order_rows(parsed, shop.pk)
        started = time.perf_counter()
        if postgres:
            load_postgres(columns, rows)
        else:
            connection.close()
            load_sqlite(Path(settings.DATABASES["default"]["NAME"]), columns, rows)
        loaded = time.perf_counter() - started
        started = time.perf_counter()
        search_index.create(connection)
        built = time.perf_counter() - started
        total = Order.objects.count()
        if total != args.orders:
            raise SystemExit(f"loaded {total} orders, not {args.orders}")
        print(
            f"parsed and loaded (no search index) in {loaded:.0f} s; "
            f"search index built in {built:.1f} s"
        )

        sample = Order.objects.exclude(tracking_no="").order_by("pk")[
            args.orders // 2 :
        ][0]
        base = order_search(OrderFilters())
        print()
        print(
            f"{'query':28}{'text':>22}{'found':>9}{'indexed ms':>12}"
            f"{'LIKE ms':>10}{'ratio':>8}"
        )
        failed = []
        plans = []
        for label, text in queries(sample):
            indexed_ms, (count, first) = best_ms(
                lambda t=text: page_of(order_search(OrderFilters(search=t))),
                args.repeat,
            )
            like_ms, (like_count, like_first) = best_ms(
                lambda t=text: page_of(plain_like(base, t)), args.like_repeat
            )
            ratio = like_ms / indexed_ms
            print(
                f"{label:28}{text:>22}{count:9,}{indexed_ms:12.1f}"
                f"{like_ms:10.1f}{ratio:7.0f}x"
            )
            if (count, first) != (like_count, like_first):
                failed.append(f"{label}: {count} found, LIKE finds {like_count}")
            if count <= SELECTIVE and indexed_ms >= TARGET_MS:
                failed.append(f"{label}: {indexed_ms:.0f} ms ≥ {TARGET_MS:.0f} ms")
            if postgres:
                plan = explain(order_search(OrderFilters(search=text)))
                used = search_index.PG_INDEX in plan
                plans.append((label, used, plan))
        if postgres:
            print()
            for label, used, plan in plans:
                verdict = "uses" if used else "does NOT use"
                print(f"-- {label}: {verdict} {search_index.PG_INDEX}")
                print(plan)
        print()
        for line in failed:
            print(f"FAIL {line}")
        print(
            f"target: indexed search of a selective query (≤ {SELECTIVE:,} found) "
            f"under {TARGET_MS:.0f} ms: {'FAIL' if failed else 'ok'}"
        )
        return 1 if failed else 0
    finally:
        if drop is not None:
            drop()
        import shutil

        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
