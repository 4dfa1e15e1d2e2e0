"""Benchmark: reserving a wave of waiting orders in bulk, against one order after another.

For each database it makes a fresh one (SQLite: a file in a temporary SHOPOPS_VAR_DIR;
PostgreSQL, when DATABASE_URL points there: a temporary database next to the one named),
migrates it, stocks `--skus` SKUs on a few shelf places and creates paid orders of one
to three lines drawn from those SKUs (the data of `bench/reserve.py`). Then it times,
on two disjoint sets of `--orders` orders each:

- the baseline, one by one: `stock_reserve_order` for each order in turn, each its own
  transaction (what the pick list's "reserve waiting orders" did before);
- the wave: `shipping.services.orders_reserve_waiting(limit=--orders)`, what the button
  and `POST /api/v1/shipping/reservations` run now — held orders served first, then
  every waiting order in one transaction: the orders locked once, the levels once, the
  reservations, movements and audit rows written in bulk;

and prints both, the orders per second and the ratio. Every order must end reserved in
full with nothing oversold, or the benchmark fails. Target: 2,000 orders in under 2 s on
SQLite, at least 5× the one-by-one path.

    .venv/bin/python bench/reserve_wave.py [--skus 500] [--orders 2000] [--seed 7]
    DATABASE_URL=postgres://… .venv/bin/python bench/reserve_wave.py  # then PostgreSQL
"""

from __future__ import annotations

import argparse
import json
import time

from reserve import (
    check_ledger,
    generate,
    reserve_all,
    run_on_each_database,
    setup_django,
)

TARGET_SECONDS = 2.0
TARGET_RATIO = 5.0


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--skus", type=int, default=500, help="SKUs with stock")
    parser.add_argument(
        "--orders", type=int, default=2000, help="orders of each run (≤ 2000)"
    )
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--child", choices=["sqlite", "postgresql"], help=argparse.SUPPRESS
    )
    args = parser.parse_args(argv)
    if args.skus < 1 or not 2 <= args.orders <= 2000:
        parser.error("--skus must be ≥ 1 and --orders between 2 and 2000")
    return args


def child(args: argparse.Namespace) -> None:
    setup_django()
    from django.db import connection

    from shopops.shipping.services import orders_reserve_waiting

    warm, single, wave = generate(args)
    reserve_all(warm)
    began = time.perf_counter()
    one = reserve_all(single)
    one_seconds = time.perf_counter() - began
    began = time.perf_counter()
    summary = orders_reserve_waiting(actor=None, limit=args.orders)
    wave_seconds = time.perf_counter() - began
    if one != len(single) or len(summary.reserved) != len(wave) or summary.short:
        raise SystemExit(
            f"not every order was reserved: {one}, {len(summary.reserved)}, "
            f"{len(summary.short)} short"
        )
    rows_one, rows_wave = check_ledger(single), check_ledger(wave)
    print(
        json.dumps(
            {
                "vendor": connection.vendor,
                "orders": args.orders,
                "one": {"seconds": one_seconds, "rows": rows_one},
                "wave": {"seconds": wave_seconds, "rows": rows_wave},
            }
        )
    )


def report(result: dict) -> None:
    n, one, wave = result["orders"], result["one"], result["wave"]
    ratio = one["seconds"] / wave["seconds"]
    print(f"{result['vendor']}: {n} orders per run")
    print(
        f"  one by one (stock_reserve_order):     {one['seconds']:6.2f} s "
        f"{n / one['seconds']:8.1f} orders/s ({one['rows']} reservation rows)"
    )
    print(
        f"  wave (orders_reserve_waiting, bulk):  {wave['seconds']:6.2f} s "
        f"{n / wave['seconds']:8.1f} orders/s ({wave['rows']} reservation rows)"
    )
    met = wave["seconds"] < TARGET_SECONDS and ratio >= TARGET_RATIO
    print(
        f"  ratio wave / one by one (speed): {ratio:.1f}× "
        f"(target: < {TARGET_SECONDS:.0f} s and ≥ {TARGET_RATIO:.0f}×: "
        f"{'met' if met else 'not met'})"
    )


def main() -> None:
    args = parse_args()
    if args.child:
        child(args)
        return
    run_on_each_database(
        args, prefix="shopops-bench-wave-", report=report, script=__file__
    )


if __name__ == "__main__":
    main()
