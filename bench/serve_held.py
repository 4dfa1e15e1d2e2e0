"""Benchmark: serving the orders held as out of stock when goods arrive, against plain
reservations of as many orders in the same run.

It makes a fresh database (a temporary SHOPOPS_VAR_DIR with SQLite, unless DATABASE_URL
says otherwise — then that database is used as it is, so point it at a scratch one),
creates `--skus` SKUs with no stock and two sets of `--orders` paid orders of one to
three lines each. The first set goes through the reserve step and is held as out of
stock; then stock arrives for every SKU. It times:

- the baseline: `stock_reserve_order` over the second set, one order after another;
- `stock_serve_held_orders` over the first: find the held orders, reserve each, release
  its hold (history, audit) in the same transaction;

and prints both rates and their ratio. Every order must end reserved in full and every
hold released, or the benchmark fails.

    .venv/bin/python bench/serve_held.py [--skus 200] [--orders 1000] [--seed 7]
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
from pathlib import Path

from reserve import bench_skus

ROOT = Path(__file__).resolve().parent.parent


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--skus", type=int, default=200)
    parser.add_argument("--orders", type=int, default=1000, help="orders per set")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    if args.skus < 1 or args.orders < 1:
        parser.error("--skus and --orders must be ≥ 1")
    return args


def require(ok: bool, what: str) -> None:
    if not ok:
        raise SystemExit(f"benchmark failed: {what}")


def setup_django() -> None:
    if "DATABASE_URL" not in os.environ:
        os.environ["SHOPOPS_VAR_DIR"] = tempfile.mkdtemp(prefix="shopops-bench-")
    os.environ["DJANGO_SETTINGS_MODULE"] = "shopops.settings"
    os.environ.setdefault("LOG_LEVEL", "ERROR")
    sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)


def make_orders(args: argparse.Namespace) -> tuple[list[int], list[int], list[int]]:
    """Return the SKU ids, and the ids of the set to hold and of the baseline set."""
    from decimal import Decimal

    from django.utils import timezone

    from shopops.orders.models import Order, OrderLine
    from shopops.org.services import shop_create

    rng = random.Random(args.seed)
    shop = shop_create(actor=None, code="bench", name="基准店铺", platform="tmall")
    skus = bench_skus(
        args.skus, prefix="H", category="气罐", cost="20.00", price="39.00"
    )
    now = timezone.now()
    orders = Order.objects.bulk_create(
        Order(
            shop=shop,
            order_no=f"H{n:015d}",
            created_at=now,
            paid_at=now,
            status=Order.Status.PAID,
            paid_amount=Decimal("39.00"),
        )
        for n in range(2 * args.orders)
    )
    OrderLine.objects.bulk_create(
        (
            OrderLine(
                order=order,
                sku=sku,
                outer_code=sku.outer_code,
                title="基准商品",
                price=Decimal("39.00"),
                quantity=rng.randint(1, 3),
            )
            for order in orders
            for sku in rng.sample(skus, k=min(len(skus), rng.randint(1, 3)))
        ),
        batch_size=2000,
    )
    ids = [o.pk for o in orders]
    return [s.pk for s in skus], ids[: args.orders], ids[args.orders :]


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    setup_django()
    from django.db import connection, transaction

    from shopops.catalog.models import Sku
    from shopops.orders.models import Hold, HoldReason, Order
    from shopops.stock.models import Reservation
    from shopops.stock.services import (
        stock_receive,
        stock_reserve_order,
        stock_serve_held_orders,
    )

    sku_ids, to_hold, baseline = make_orders(args)
    for order in Order.objects.filter(pk__in=to_hold):
        stock_reserve_order(actor=None, order=order)
    held = Hold.objects.filter(reason=HoldReason.OUT_OF_STOCK, released_at=None)
    require(held.count() == len(to_hold), "every order of the first set is held")
    with transaction.atomic():
        for sku in Sku.objects.filter(pk__in=sku_ids).select_related("product"):
            stock_receive(actor=None, sku=sku, quantity=100_000)

    started = time.perf_counter()
    reserved = 0
    for order in Order.objects.filter(pk__in=baseline).order_by("pk"):
        reserved += stock_reserve_order(actor=None, order=order).reserved
    plain = time.perf_counter() - started

    started = time.perf_counter()
    served = stock_serve_held_orders(actor=None, sku_ids=sku_ids)
    serving = time.perf_counter() - started

    require(
        reserved == len(baseline), f"baseline reserved {reserved} of {len(baseline)}"
    )
    require(len(served) == len(to_hold), f"served {len(served)} of {len(to_hold)}")
    require(not held.exists(), "every out-of-stock hold is released")
    reserved_orders = (
        Reservation.objects.filter(state=Reservation.State.ACTIVE)
        .values("line__order")
        .distinct()
        .count()
    )
    require(reserved_orders == 2 * args.orders, "every order reserved")
    n = args.orders
    print(f"database: {connection.vendor}; {args.skus} SKUs; {n} orders per set")
    print(
        f"baseline  stock_reserve_order:     {plain:6.2f} s  {n / plain:7.1f} orders/s"
    )
    print(
        f"serving   stock_serve_held_orders: {serving:6.2f} s  {n / serving:7.1f} orders/s"
    )
    print(f"ratio serving / baseline (time): {serving / plain:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
