"""Benchmark: rows per second written by `core.exports` (CSV and XLSX), beside the
baseline it replaced — a bare `csv.writer` and a write-only openpyxl sheet fed the same
values with `append` — and the ratio (exports / baseline; below 1 is slower).

The rows are the order list export's 18 columns, as the database hands them out: a
19-digit order number, member and receiver names (every tenth a formula), a phone,
province, city and district, three `Decimal` amounts, three aware datetimes, a flag, a
courier and a 15-digit tracking number. No database: the writers alone are timed, each
best of `--repeat` runs.

    .venv/bin/python bench/exports.py [--rows 20000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import os
import sys
import time
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shopops.settings")


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    if args.rows < 1 or args.repeat < 1:
        parser.error("--rows and --repeat must be ≥ 1")
    return args


def make_rows(count: int) -> list[list[Any]]:
    zone = ZoneInfo("Asia/Shanghai")
    start = dt.datetime(2026, 11, 1, 9, 0, tzinfo=zone)
    rows = []
    for n in range(count):
        at = start + dt.timedelta(minutes=n)
        rows.append(
            [
                "main",
                f"{3_301_234_567_890_000_000 + n}",
                "买家已付款，等待卖家发货",
                "=1+1" if n % 10 == 0 else f"tb{n:08d}",
                f"收货人{n}",
                f"138{n % 10**8:08d}",
                "浙江省",
                "杭州市",
                "西湖区",
                Decimal("199.00"),
                Decimal("189.00"),
                Decimal("0.00"),
                at,
                at,
                None,
                n % 6,
                "中通快递",
                f"78{n:013d}",
            ]
        )
    return rows


def best(repeat: int, run: Callable[[], int]) -> float:
    times = []
    for _ in range(repeat):
        began = time.perf_counter()
        run()
        times.append(time.perf_counter() - began)
    return min(times)


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    import django

    django.setup()
    from openpyxl import Workbook

    from shopops.core import clock, exports

    rows = make_rows(args.rows)
    columns = [exports.Column(f"c{i}") for i in range(len(rows[0]))]
    zone = clock.shop_zone()

    def old_cell(value: Any) -> Any:  # the order export's own cell function, before
        if value is None:
            return ""
        if isinstance(value, dt.datetime):
            return value.astimezone(zone).strftime("%Y-%m-%d %H:%M:%S")
        return value

    class Echo:
        def write(self, value: str) -> str:
            return value

    def csv_baseline() -> int:
        writer = csv.writer(Echo())
        return sum(
            len(writer.writerow([old_cell(v) for v in row]).encode()) for row in rows
        )

    def csv_exports() -> int:
        return sum(len(chunk) for chunk in exports.csv_stream(columns, rows))

    def xlsx_baseline() -> int:
        book = Workbook(write_only=True)
        sheet = book.create_sheet("s")
        for row in rows:
            sheet.append([old_cell(v) for v in row])
        out = io.BytesIO()
        book.save(out)
        return len(out.getvalue())

    def xlsx_exports() -> int:
        return len(exports.xlsx_bytes([exports.Sheet("s", columns, rows)]))

    # the file must be what the rules say before its speed means anything
    lines = list(exports.csv_lines(columns, rows[:10]))
    check = list(csv.reader(io.StringIO("".join(lines), newline="")))
    if check[1][1] != f'="{rows[0][1]}"' or check[1][3] != "'=1+1":
        raise SystemExit(f"core.exports wrote {check[1]!r}")
    print(f"rows: {args.rows}, columns: {len(columns)}, best of {args.repeat}")
    for kind, baseline, ours in (
        ("CSV", csv_baseline, csv_exports),
        ("XLSX", xlsx_baseline, xlsx_exports),
    ):
        base = best(args.repeat, baseline)
        mine = best(args.repeat, ours)
        print(
            f"{kind:5} baseline {args.rows / base:10,.0f} rows/s   "
            f"core.exports {args.rows / mine:10,.0f} rows/s   "
            f"ratio {base / mine:.2f}"
        )


if __name__ == "__main__":
    main()
