"""The real Tmall report, with buyers, re-imported: the customers the rules say.

The real report (`/work/shared/data/real/tmall_order_report.csv`, 28,010 orders) has no
buyer columns (its 7 columns are numbers, amounts, province and times), so imported as
it is it names no buyer and makes no customer — before and after the phone keys (the
first test). To see the rules on its real shapes (real order numbers, provinces, times
and how often a buyer comes back is not in it), the second test adds to every real row
the three buyer columns the seller center writes — 买家会员名, 收货人姓名, 联系手机 —
drawn deterministically from the row's own order number, in the ways the seller
center and spreadsheets write phones: `'13912345678`, `+86 139-1234-5678`, masked
`138****5678`, and a phone that is none (`未留`). The expected customers are computed
here from the raw file twice, by rules written out plainly (no `phonenumbers`):

- as before the phone keys: by member name, else by the phone's text;
- as now: by member name, else by the number's digits, else by the masked phone with
  the receiver's name and address, else a customer of the order's own.

The import must give exactly the second. How many differ from the first, and why, is
computed too and stated by the assertions: each buyer who wrote their number both ways
was two customers and is one (merges); each masked phone shared by several receivers
was one customer and is one per receiver, and the orders with a phone that is none
were one customer and are one each (splits). With this file and these draws: 5,146
customers before, 8,243 now: 950 merges (1,900 customers before, 950 now); 36
masked phones, 36 customers before, split into 1,185 now; 2,899 orders with a phone
that is none, one customer before, 2,899 now. Every other buyer is the same customer.
"""

from __future__ import annotations

import csv
import hashlib
import re
from collections import defaultdict
from collections.abc import Hashable
from pathlib import Path
from typing import Any

import pytest

from shopops.customers.models import Customer
from shopops.orders.imports import orders_import
from shopops.orders.models import Order

from .test_import_tmall import TMALL

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(not TMALL.exists(), reason="the shared real data is not here"),
]

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平"
STREETS = ("人民路", "解放路", "中山路", "建设路", "和平路", "新华路")
BUYERS = 6000
MASKS = 36  # masked numbers in use: many buyers share one


def _draw(text: str) -> int:
    return int.from_bytes(hashlib.sha256(text.encode()).digest()[:8], "big")


def _buyer_columns(order_no: str, home: dict[int, str]) -> tuple[str, str, str, str]:
    """Return (member name, receiver, address, phone) for a real order number."""
    buyer = _draw(order_no) % BUYERS
    kind = buyer % 10
    name = SURNAMES[buyer % 20] + GIVEN[buyer // 20 % 20]
    address = f"{home[buyer]} {STREETS[buyer % 6]} {buyer % 97 + 1} 号"
    number = f"139{buyer:08d}"
    if kind < 4:  # a member, whose number is written plainly
        return f"tb_{buyer:05d}", name, address, f"'{number}"
    if kind < 6:  # no member name; the number written one way or the other
        if _draw("way" + order_no) % 2:
            return "", name, address, f"+86 {number[:3]}-{number[3:7]}-{number[7:]}"
        return "", name, address, f"'{number}"
    if kind < 8:  # no member name; a masked number shared by many buyers
        mask = buyer % MASKS
        return "", name, address, f"13{mask % 10}****{mask:04d}"
    if kind == 8:  # no member name; a phone that is none
        return "", name, address, "未留"
    return "", name, address, f"'{number}"


def enrich(path: Path) -> tuple[list[dict[str, str]], list[str]]:
    """Return the real rows with buyer columns, and the header to write them with."""
    with TMALL.open(encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        header = list(reader.fieldnames or [])
        raw = [{key.strip(): value.strip() for key, value in r.items()} for r in reader]
    home: dict[int, str] = {}
    for row in raw:  # a buyer lives where their first order went
        home.setdefault(_draw(row["订单编号"]) % BUYERS, row["收货地址"])
    rows = []
    for row in raw:
        member, name, address, phone = _buyer_columns(row["订单编号"], home)
        rows.append(
            {
                **row,
                "买家会员名": member,
                "收货人姓名": name,
                "收货地址": address,
                "联系手机": phone,
            }  # fmt: skip
        )
    header += ["买家会员名", "收货人姓名", "联系手机"]
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f, lineterminator="\r\n")
        writer.writerow(header)
        for row in rows:
            writer.writerow([row[h.strip()] for h in header])
    return rows, header


def before_key(row: dict[str, str]) -> Hashable:
    """Who the buyer was before the phone keys: member name, else the phone's text."""
    if row["买家会员名"]:
        return ("member", row["买家会员名"])
    return ("phone", row["联系手机"].lstrip("'"))


def now_key(row: dict[str, str]) -> Hashable:
    """Who the buyer is now, by the rules written out plainly."""
    if row["买家会员名"]:
        return ("member", row["买家会员名"])
    phone = row["联系手机"].lstrip("'")
    if "*" in phone:
        fold = "".join(row["收货人姓名"].split()), "".join(row["收货地址"].split())
        return ("masked", phone, *fold)
    digits = re.sub(r"\D", "", phone)
    if len(digits) == 13 and digits.startswith("86"):
        digits = digits[2:]
    if re.fullmatch(r"1[3-9]\d{9}", digits):
        return ("number", digits)
    return ("own", row["订单编号"])


def partition(rows: list[dict[str, str]], key: Any) -> set[frozenset[str]]:
    groups: dict[Hashable, set[str]] = defaultdict(set)
    for row in rows:
        groups[key(row)].add(row["订单编号"])
    return {frozenset(group) for group in groups.values()}


def test_the_real_report_as_it_is_names_no_buyer(make_shop: Any) -> None:
    shop = make_shop(code="tmall-bare")
    for _ in range(2):
        report = orders_import(actor=None, shop=shop, orders_file=TMALL)
        assert report.ok, report.errors[:5]
        assert report.extra["customers_created"] == 0
        assert not report.warnings
    assert not Customer.objects.filter(shop=shop).exists()


def test_the_real_report_with_buyers_gives_the_customers_the_rules_say(
    make_shop: Any, tmp_path: Path
) -> None:
    # given the real report with the buyers' columns
    shop = make_shop(code="tmall-buyers")
    path = tmp_path / "tmall_with_buyers.csv"
    rows, _header = enrich(path)
    before, now = partition(rows, before_key), partition(rows, now_key)

    # when it is imported, and imported again
    report = orders_import(actor=None, shop=shop, orders_file=path)
    again = orders_import(actor=None, shop=shop, orders_file=path)

    # then its customers are those of the rules as now, and the second import
    # changes nothing
    assert report.ok, report.errors[:5]
    assert report.created == len(rows)
    got: dict[int, set[str]] = defaultdict(set)
    for order_no, customer_id in Order.objects.filter(shop=shop).values_list(
        "order_no", "customer_id"
    ):
        got[customer_id].add(order_no)
    assert {frozenset(group) for group in got.values()} == now
    assert report.extra["customers_created"] == len(now)
    assert Customer.objects.filter(shop=shop).count() == len(now)
    assert again.ok
    assert (again.created, again.updated, again.unchanged) == (0, 0, len(rows))
    assert again.extra["customers_created"] == 0
    # and every order whose phone is none is warned of, once, the first time
    no_phone = [r for r in rows if r["联系手机"] == "未留"]
    assert report.warning_count == len(no_phone)
    assert {w.value for w in report.warnings} == {"未留"}
    assert not again.warnings

    # and it differs from the customers as before only where the rules say
    befores: dict[Hashable, set[Hashable]] = defaultdict(set)  # now → before
    nows: dict[Hashable, set[Hashable]] = defaultdict(set)  # before → now
    for row in rows:
        befores[now_key(row)].add(before_key(row))
        nows[before_key(row)].add(now_key(row))
    merged = {key for key, was in befores.items() if len(was) > 1}
    split = {key for key, become in nows.items() if len(become) > 1}
    # merges: one number written both ways, two texts that were two customers
    assert {key[0] for key in merged} == {"number"}
    assert all(len(befores[key]) == 2 for key in merged)
    # splits: a masked phone of several receivers, or the phone that is none
    split_masked = {key for key in split if "*" in key[1]}
    assert split - split_masked == {("phone", "未留")}
    assert len(nows["phone", "未留"]) == len(no_phone)
    # everyone else is the same customer as before
    unchanged = {key for key, was in befores.items() if key not in merged}
    assert all(
        nows[before] == {key}
        for key in unchanged
        for before in befores[key]
        if before not in split
    )
    # the figures the module's docstring states
    masked_customers = sum(len(nows[key]) for key in split_masked)
    assert (len(merged), len(split_masked), masked_customers, len(no_phone)) == (
        950,
        MASKS,
        1185,
        2899,
    )
    assert (len(before), len(now)) == (5146, 8243)
