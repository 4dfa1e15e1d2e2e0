"""Benchmark: reservations per second through `stock_reserve_order`, with 1 and 2 workers.

For each database it makes a fresh one (SQLite: a file in a temporary SHOPOPS_VAR_DIR;
PostgreSQL, when DATABASE_URL points there: a temporary database next to the one named),
migrates it, stocks `--skus` SKUs on a few shelf places, and creates paid orders of one
to three lines drawn from those SKUs. Then it times, on disjoint sets of `--orders`
orders each:

- 1 worker: one after another in one process;
- 2 workers: two processes on SQLite (its IMMEDIATE transactions serialise writers) and
  two threads on PostgreSQL (row locks; each thread has its own connection);

and prints the orders reserved per second (and reservation rows per second) for each,
and the ratio of 2 workers to 1 worker — the baseline it runs beside. Every order must
end up reserved in full with nothing oversold, or the benchmark fails.

    .venv/bin/python bench/reserve.py [--skus 500] [--orders 1000] [--seed 7]
    DATABASE_URL=postgres://… .venv/bin/python bench/reserve.py   # SQLite, then PostgreSQL
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import random
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
WARM_UP = 20
LOCATIONS = ("A-01", "A-02", "B-01", "B-02", "C-01")


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--skus", type=int, default=500, help="SKUs with stock")
    parser.add_argument(
        "--orders", type=int, default=1000, help="orders reserved by each run"
    )
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--child", choices=["sqlite", "postgresql"], help=argparse.SUPPRESS
    )
    args = parser.parse_args(argv)
    if args.skus < 1 or args.orders < 2:
        parser.error("--skus must be ≥ 1 and --orders ≥ 2")
    return args


# --- the child: one database ----------------------------------------------------------


def setup_django() -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "shopops.settings"
    os.environ.setdefault("DEBUG", "0")
    os.environ.setdefault("LOG_LEVEL", "ERROR")
    sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)


def generate(args: argparse.Namespace) -> list[list[int]]:
    """Stock the SKUs and create the paid orders; return the order ids of the warm-up,
    the 1-worker run and the 2-worker run."""
    from decimal import Decimal

    from django.db import transaction
    from django.utils import timezone

    from shopops.orders.models import Order, OrderLine
    from shopops.org.services import shop_create
    from shopops.stock.models import Location
    from shopops.stock.services import default_location, stock_receive

    rng = random.Random(args.seed)
    shop = shop_create(actor=None, code="bench", name="基准店铺", platform="tmall")
    skus = bench_skus(
        args.skus, prefix="B", category="帐篷", cost="50.00", price="99.00"
    )
    warehouse = default_location().warehouse
    places = [
        Location.objects.get_or_create(warehouse=warehouse, code=code)[0]
        for code in LOCATIONS
    ]
    total = WARM_UP + 2 * args.orders
    # Enough for every order to be served: each order takes at most 3 × 3 units.
    per_sku = max(20, 9 * total // args.skus + 20)
    with transaction.atomic():
        for i, sku in enumerate(skus):
            stock_receive(
                actor=None, sku=sku, quantity=per_sku, location=places[i % len(places)]
            )
    now = timezone.now()
    orders = Order.objects.bulk_create(
        Order(
            shop=shop,
            order_no=f"B{n:015d}",
            created_at=now,
            paid_at=now,
            status=Order.Status.PAID,
            paid_amount=Decimal("99.00"),
        )
        for n in range(total)
    )
    lines = []
    for order in orders:
        for sku in rng.sample(skus, k=min(len(skus), rng.randint(1, 3))):
            lines.append(
                OrderLine(
                    order=order,
                    sku=sku,
                    outer_code=sku.outer_code,
                    title="基准商品",
                    price=Decimal("99.00"),
                    quantity=rng.randint(1, 3),
                )
            )
    OrderLine.objects.bulk_create(lines, batch_size=2000)
    ids = [o.pk for o in orders]
    rng.shuffle(ids)
    return [
        ids[:WARM_UP],
        ids[WARM_UP : WARM_UP + args.orders],
        ids[WARM_UP + args.orders :],
    ]


def reserve_all(order_ids: list[int]) -> int:
    """Reserve each order in turn; return how many were reserved in full."""
    from django.db import connection

    from shopops.orders.models import Order
    from shopops.stock.services import stock_reserve_order

    reserved = 0
    try:
        for order in Order.objects.filter(pk__in=order_ids).order_by("pk"):
            reserved += stock_reserve_order(actor=None, order=order).reserved
    finally:
        connection.close()
    return reserved


def _process_worker(order_ids: list[int], start: Any, results: Any) -> None:
    start.wait()
    results.put(reserve_all(order_ids))


def two_workers(order_ids: list[int], vendor: str) -> tuple[float, int]:
    """Reserve the orders with two workers; return (seconds, orders reserved)."""
    from django.db import connections

    halves = [order_ids[0::2], order_ids[1::2]]
    if vendor == "sqlite":
        connections.close_all()  # a forked child must not share the parent's
        ctx = multiprocessing.get_context("fork")
        start = ctx.Event()
        results = ctx.Queue()
        procs = [
            ctx.Process(target=_process_worker, args=(half, start, results))
            for half in halves
        ]
        for p in procs:
            p.start()
        time.sleep(0.5)  # let both children finish starting up
        began = time.perf_counter()
        start.set()
        counts = [results.get() for _ in procs]
        elapsed = time.perf_counter() - began
        for p in procs:
            p.join()
            if p.exitcode:
                raise SystemExit(f"a worker process failed (exit {p.exitcode})")
        return elapsed, sum(counts)
    barrier = threading.Barrier(len(halves) + 1)
    counted: list[int] = []
    errors: list[BaseException] = []

    def run(half: list[int]) -> None:
        try:
            barrier.wait()
            counted.append(reserve_all(half))
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(half,)) for half in halves]
    for t in threads:
        t.start()
    barrier.wait()
    began = time.perf_counter()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - began
    if errors:
        raise errors[0]
    return elapsed, sum(counted)


def check_ledger(order_ids: list[int]) -> int:
    """Fail unless every order is reserved in full and no level is oversold; return
    the reservation rows."""
    from django.db.models import F, Sum

    from shopops.orders.models import OrderLine
    from shopops.stock.models import Reservation, StockLevel

    wanted = OrderLine.objects.filter(order_id__in=order_ids).aggregate(
        n=Sum("quantity")
    )["n"]
    rows = Reservation.objects.filter(line__order_id__in=order_ids)
    got = rows.aggregate(n=Sum("quantity"))["n"]
    if wanted != got:
        raise SystemExit(f"reserved {got} units, the orders want {wanted}")
    if StockLevel.objects.filter(on_hand__lt=F("reserved") + F("quarantined")).exists():
        raise SystemExit("a stock level is oversold")
    return rows.count()


def child(args: argparse.Namespace) -> None:
    setup_django()
    from django.db import connection

    warm, single, double = generate(args)
    reserve_all(warm)
    began = time.perf_counter()
    one = reserve_all(single)
    one_seconds = time.perf_counter() - began
    two_seconds, two = two_workers(double, connection.vendor)
    if one != len(single) or two != len(double):
        raise SystemExit(f"not every order was reserved: {one}, {two}")
    rows_one, rows_two = check_ledger(single), check_ledger(double)
    print(
        json.dumps(
            {
                "vendor": connection.vendor,
                "orders": args.orders,
                "one": {"seconds": one_seconds, "orders": one, "rows": rows_one},
                "two": {"seconds": two_seconds, "orders": two, "rows": rows_two},
            }
        )
    )


# --- the parent: one child per database, then the report --------------------------------


def run_child(
    args: argparse.Namespace, vendor: str, env: dict[str, str], script: str = __file__
) -> dict:
    """Run `script --child vendor` with the run's arguments; return its JSON result."""
    command = [
        sys.executable,
        script,
        "--child",
        vendor,
        "--skus",
        str(args.skus),
        "--orders",
        str(args.orders),
        "--seed",
        str(args.seed),
    ]
    done = subprocess.run(  # noqa: S603 - our own script, fixed arguments
        command, env=env, capture_output=True, text=True, check=False
    )
    if done.returncode:
        sys.stderr.write(done.stderr)
        raise SystemExit(f"{vendor} run failed")
    return json.loads(done.stdout.strip().splitlines()[-1])


def postgres_database(url: str) -> tuple[str, Any]:
    """Create a temporary database beside the one `url` names; return its URL and a
    function that drops it."""
    import psycopg

    parts = urlsplit(url)
    name = f"shopops_bench_{os.getpid()}"
    admin = psycopg.connect(url, autocommit=True)
    admin.execute(f'CREATE DATABASE "{name}"')

    def drop() -> None:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()

    return urlunsplit(parts._replace(path=f"/{name}")), drop


def report(result: dict) -> None:
    one, two = result["one"], result["two"]
    per_one = one["orders"] / one["seconds"]
    per_two = two["orders"] / two["seconds"]
    workers = "processes" if result["vendor"] == "sqlite" else "threads"
    print(f"{result['vendor']}: {result['orders']} orders per run")
    print(
        f"  1 worker:            {per_one:8.1f} orders/s "
        f"({one['rows'] / one['seconds']:.1f} reservation rows/s, {one['seconds']:.2f} s)"
    )
    print(
        f"  2 workers ({workers}): {per_two:8.1f} orders/s "
        f"({two['rows'] / two['seconds']:.1f} reservation rows/s, {two['seconds']:.2f} s)"
    )
    print(f"  ratio 2 workers / 1 worker: {per_two / per_one:.2f}")


def bench_skus(
    count: int, *, prefix: str, category: str, cost: str, price: str
) -> list[Any]:
    """Create `count` products of one category, one SKU each (codes `<prefix>P00000`,
    `<prefix>S00000`), in bulk; return the SKUs."""
    from decimal import Decimal

    from shopops.catalog.models import Category, Product, Sku

    group = Category.objects.create(name=category)
    products = Product.objects.bulk_create(
        Product(
            code=f"{prefix}P{i:05d}",
            title=f"基准商品 {i}",
            category=group,
            cost_price=Decimal(cost),
            list_price=Decimal(price),
        )
        for i in range(count)
    )
    return Sku.objects.bulk_create(
        Sku(product=p, outer_code=f"{prefix}S{i:05d}") for i, p in enumerate(products)
    )


def run_on_each_database(
    args: argparse.Namespace,
    *,
    prefix: str,
    report: Callable[[dict], None],
    script: str = __file__,
) -> None:
    """Run the benchmark's child on a temporary SQLite database, then on a temporary
    PostgreSQL database beside the one DATABASE_URL names (when it names one), and
    report each."""
    database_url = os.environ.get("DATABASE_URL", "")
    with tempfile.TemporaryDirectory(prefix=prefix) as tmp:
        env = {**os.environ, "SHOPOPS_VAR_DIR": tmp}
        env.pop("DATABASE_URL", None)
        report(run_child(args, "sqlite", env, script))
        if database_url.startswith(("postgres://", "postgresql://")):
            url, drop = postgres_database(database_url)
            try:
                report(
                    run_child(args, "postgresql", {**env, "DATABASE_URL": url}, script)
                )
            finally:
                drop()
        else:
            print("postgresql: skipped (DATABASE_URL does not point to PostgreSQL)")


def main() -> None:
    args = parse_args()
    if args.child:
        child(args)
        return
    run_on_each_database(args, prefix="shopops-bench-reserve-", report=report)


if __name__ == "__main__":
    main()
