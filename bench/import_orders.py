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
import random
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

ORDER_HEADER = [
    "订单编号",
    "买家会员名",
    "买家应付货款",
    "买家应付邮费",
    "总金额",
    "买家实际支付金额",
    "订单状态",
    "买家留言",
    "收货人姓名",
    "收货地址 ",
    "联系手机",
    "订单创建时间",
    "订单付款时间 ",
    "物流单号",
    "物流公司",
    "订单备注",
    "宝贝总数量",
    "店铺名称",
    "订单关闭原因",
    "退款金额",
    "发货时间",
    "商家备忘",
]
ITEM_HEADER = [
    "订单编号",
    "标题",
    "价格",
    "购买数量",
    "外部系统编号",
    "商品属性",
    "套餐信息",
    "备注",
    "订单状态",
    "商家编码",
]
PLACES = [
    ("浙江省", "杭州市", "西湖区"),
    ("浙江省", "宁波市", "鄞州区"),
    ("江苏省", "南京市", "玄武区"),
    ("广东省", "深圳市", "南山区"),
    ("广东省", "广州市", "天河区"),
    ("上海", "上海市", "浦东新区"),
    ("北京", "北京市", "朝阳区"),
    ("四川省", "成都市", "武侯区"),
    ("内蒙古自治区", "呼和浩特市", "新城区"),
    ("新疆维吾尔自治区", "乌鲁木齐市", "天山区"),
]
STREETS = ["文三路", "人民路", "解放大道", "中山路", "建设路", "科技园路"]
SURNAMES = "张王李赵刘陈杨黄吴周徐孙马朱胡郭何高林罗"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚"
PRODUCTS = [
    ("山野 双人帐篷 防暴雨", "TENT-2P", ["军绿色", "橙色"], Decimal("399.00")),
    ("山野 户外炉头 分体式", "STOVE-1", ["标准款"], Decimal("129.00")),
    ("山野 防潮垫 加厚", "MAT-1", ["单人", "双人"], Decimal("59.90")),
    ("山野 头灯 USB 充电", "LAMP-1", ["黑色"], Decimal("79.00")),
    ("山野 登山杖 碳素", "POLE-1", ["一对装"], Decimal("168.00")),
    ("山野 睡袋 羽绒 -10℃", "BAG-1", ["M", "L"], Decimal("459.00")),
]
STATUSES = [
    ("交易成功", 50),
    ("卖家已发货，等待买家确认", 15),
    ("买家已付款，等待卖家发货", 15),
    ("买家已付款,等待卖家发货", 5),
    ("等待买家付款", 8),
    ("交易关闭", 7),
]
COURIERS = ["中通快递", "圆通速递", "顺丰速运", "韵达快递"]


# --- the files --------------------------------------------------------------------


def generate(orders: int, seed: int, folder: Path) -> tuple[Path, Path, int]:
    """Write the two reports; return their paths and the number of item rows."""
    rng = random.Random(seed)
    statuses = [s for s, _w in STATUSES]
    weights = [w for _s, w in STATUSES]
    start = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)  # written as shop-local text
    order_path = folder / "ExportOrderList202401.csv"
    item_path = folder / "ExportOrderDetailList202401.csv"
    item_rows = 0
    with (
        order_path.open("w", encoding="gbk", newline="") as of,
        item_path.open("w", encoding="gbk", newline="") as itf,
    ):
        ow = csv.writer(of, lineterminator="\r\n")
        iw = csv.writer(itf, lineterminator="\r\n")
        ow.writerow(ORDER_HEADER)
        iw.writerow(ITEM_HEADER)
        for n in range(orders):
            no = str(
                4_000_000_000_000_000_000 + n * 7919 % 999_999_937 * 1000 + n % 1000
            )
            status = rng.choices(statuses, weights)[0]
            created = start + dt.timedelta(seconds=n * 86400 * 300 // max(orders, 1))
            created += dt.timedelta(seconds=rng.randrange(60))
            paid = status not in ("等待买家付款",) and not (
                status == "交易关闭" and rng.random() < 0.7
            )
            province, city, district = rng.choice(PLACES)
            buyer = rng.randrange(max(1, orders * 7 // 10))
            lines = []
            goods = Decimal(0)
            for _ in range(rng.choice((1, 2, 3))):
                title, code, options, price = rng.choice(PRODUCTS)
                option = rng.choice(options)
                quantity = rng.choice((1, 1, 1, 2))
                goods += price * quantity
                lines.append((title, price, quantity, code, option))
            postage = Decimal("0.00") if goods >= 99 else Decimal("10.00")
            total = goods + postage
            refunded = Decimal("0.00")
            if status == "交易成功" and rng.random() < 0.05:
                refunded = lines[0][1]
            shipped = status in ("交易成功", "卖家已发货，等待买家确认")
            name = rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN)
            ow.writerow(
                [
                    f'="{no}"',
                    f"tb_buyer{buyer:07d}",
                    f"{goods:.2f}",
                    f"{postage:.2f}",
                    f"{total:.2f}元" if n % 10 == 0 else f"{total:.2f}",
                    f"{total:.2f}" if paid else "0.00",
                    status,
                    "请尽快发货" if n % 17 == 0 else "",
                    name,
                    f"{province} {city} {district} {rng.choice(STREETS)} "
                    f"{rng.randrange(1, 999)} 号",
                    f"'1{rng.randrange(3, 9)}{rng.randrange(10**9):09d}",
                    f"{created:%Y-%m-%d %H:%M:%S}",
                    f"{created + dt.timedelta(minutes=2):%Y-%m-%d %H:%M:%S}"
                    if paid
                    else "",
                    f"'YT{rng.randrange(10**12):012d}" if shipped else "",
                    rng.choice(COURIERS) if shipped else "",
                    "",
                    str(sum(q for _t, _p, q, _c, _o in lines)),
                    "山野户外旗舰店",
                    "买家不想买了" if status == "交易关闭" else "",
                    f"{refunded:.2f}",
                    f"{created + dt.timedelta(days=1):%Y-%m-%d %H:%M:%S}"
                    if shipped
                    else "",
                    "",
                ]
            )
            for title, price, quantity, code, option in lines:
                iw.writerow(
                    [
                        f'="{no}"',
                        title,
                        f"{price:.2f}",
                        str(quantity),
                        code,
                        f"颜色分类：{option}",
                        "",
                        "",
                        status,
                        f"{code}-{option}",
                    ]
                )
                item_rows += 1
    return order_path, item_path, item_rows


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
        "('orders_order', 'orders_orderline', 'orders_order_search') "
        "AND sql IS NOT NULL AND name NOT LIKE 'sqlite_%' "
        "ORDER BY type = 'trigger', tbl_name DESC, type DESC"
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
