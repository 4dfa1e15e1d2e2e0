"""Buyers become customers by member name, then by their real number (issue 18).

The order import hands each batch's buyers to `customers.services`; these tests go
through `orders_import`, the code path of `shopops import-orders`.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from shopops.customers.models import Customer
from shopops.orders.models import Order

from . import test_import
from .test_import import import_files
from .test_import_files import ORDER_HEADER, order_row

write = test_import.write  # the fixture: write(name, header, rows) -> Path

pytestmark = pytest.mark.django_db


def customers_of(*order_nos: str) -> list[int | None]:
    by_no = dict(Order.objects.values_list("order_no", "customer_id"))
    return [by_no[no] for no in order_nos]


def test_the_same_masked_phone_of_two_receivers_is_two_customers(
    shop: Any, write: Callable[..., Path]
) -> None:
    # given two orders without a member name and the same masked phone, sent to
    # different receivers in different provinces
    rows = [
        order_row(
            "1",
            买家会员名="",
            收货人姓名="张三",
            收货地址="浙江省 杭州市 西湖区 文三路 100 号",
            联系手机="138****5678",
        ),
        order_row(
            "2",
            买家会员名="",
            收货人姓名="李四",
            收货地址="广东省 广州市 天河区 体育西路 8 号",
            联系手机="138****5678",
        ),
    ]

    # when they are imported
    report = import_files(shop, write("o.csv", ORDER_HEADER, rows))

    # then they are two customers, neither of whom can be messaged
    assert report.ok, report.errors
    assert not report.warnings
    first, second = customers_of("1", "2")
    assert first is not None
    assert second is not None
    assert first != second
    customers = Customer.objects.filter(pk__in=[first, second])
    assert {c.phone for c in customers} == {"138****5678"}  # kept for display
    assert {c.messageable_phone for c in customers} == {""}
    assert {c.phone_key for c in customers} == {""}
    assert {c.province for c in customers} == {"浙江省", "广东省"}


def test_the_same_masked_phone_receiver_and_address_is_one_customer(
    shop: Any, write: Callable[..., Path]
) -> None:
    address = "浙江省 杭州市 西湖区 文三路 100 号"
    rows = [
        order_row(
            "1",
            买家会员名="",
            收货人姓名="张三",
            收货地址=address,
            联系手机="138****5678",
        ),  # fmt: skip
        # the same receiver, written with other spaces; the mask the other way
        order_row(
            "2",
            买家会员名="",
            收货人姓名=" 张三",
            收货地址=address.replace(" ", ""),
            联系手机="138 **** 5678",
        ),  # fmt: skip
        # the same masked number, but another mask width: another key
        order_row(
            "3",
            买家会员名="",
            收货人姓名="张三",
            收货地址=address,
            联系手机="138*****678",
        ),  # fmt: skip
        # a masked phone and no receiver at all: a customer of their own, each time
        order_row(
            "4", 买家会员名="", 收货人姓名="", 收货地址="", 联系手机="138****5678"
        ),
        order_row(
            "5", 买家会员名="", 收货人姓名="", 收货地址="", 联系手机="138****5678"
        ),
    ]

    report = import_files(shop, write("o.csv", ORDER_HEADER, rows))

    assert report.ok, report.errors
    one, two, three, four, five = customers_of("1", "2", "3", "4", "5")
    assert one == two
    assert len({one, three, four, five}) == 4
    assert report.extra["customers_created"] == 4


def test_one_number_written_two_ways_is_one_customer(
    shop: Any, write: Callable[..., Path]
) -> None:
    # given two orders without a member name, the same receiver and address, and the
    # phone written as `+86 139-0000-1111` and as `13900001111`
    rows = [
        order_row("1", 买家会员名="", 联系手机="+86 139-0000-1111"),
        order_row("2", 买家会员名="", 联系手机="13900001111"),
    ]

    report = import_files(shop, write("o.csv", ORDER_HEADER, rows))

    # then they are one customer, messageable at the number in E.164
    assert report.ok, report.errors
    first, second = customers_of("1", "2")
    assert first is not None
    assert first == second
    customer = Customer.objects.get(pk=first)
    assert customer.phone == "+86 139-0000-1111"  # the text as exported
    assert customer.phone_key == customer.messageable_phone == "+8613900001111"
    assert Customer.objects.count() == 1

    # and a later import writing it `'0086 13900001111` finds the same customer
    later = import_files(
        shop,
        write(
            "o2.csv",
            ORDER_HEADER,
            [order_row("3", 买家会员名="", 联系手机="'0086 13900001111")],
        ),
    )
    assert later.ok, later.errors
    assert customers_of("3") == [first]
    assert later.extra["customers_created"] == 0


def test_members_match_first_by_member_name(
    shop: Any, write: Callable[..., Path]
) -> None:
    # given a member known by name with one number, and a buyer without a member name
    # known only by another number
    member = Customer.objects.create(
        shop=shop, member_name="tb_old", phone="13500000000"
    )
    nameless = Customer.objects.create(shop=shop, phone="13700000000")
    assert nameless.phone_key == "+8613700000000"  # computed on save
    rows = [
        # the member, with another number: still the member
        order_row("1", 买家会员名="tb_old", 联系手机="+86 137 0000 0000"),
        # a new member with the nameless buyer's number (written another way): that
        # buyer, now with their member name
        order_row("2", 买家会员名="tb_new", 联系手机="137-0000-0000"),
        # a second new member with the same number: a customer of their own (the
        # nameless buyer is taken), matched by member name from then on
        order_row("3", 买家会员名="tb_third", 联系手机="13700000000"),
        order_row("4", 买家会员名="tb_third", 联系手机="13911112222"),
        # no member name, the member's number: the oldest customer with that number
        order_row("5", 买家会员名="", 联系手机="13500000000"),
    ]

    report = import_files(shop, write("o.csv", ORDER_HEADER, rows))

    assert report.ok, report.errors
    one, two, three, four, five = customers_of("1", "2", "3", "4", "5")
    assert one == member.pk
    assert two == nameless.pk
    nameless.refresh_from_db()
    assert nameless.member_name == "tb_new"
    assert three == four not in (member.pk, nameless.pk)
    assert five == member.pk
    assert report.extra["customers_created"] == 1


def test_a_phone_that_is_not_one_is_kept_flagged_and_never_matched(
    shop: Any, write: Callable[..., Path]
) -> None:
    # given two orders without a member name and the same phone that is not a phone,
    # and one with a member name and such a phone
    rows = [
        order_row("1", 买家会员名="", 联系手机="12345"),
        order_row("2", 买家会员名="", 联系手机="12345"),
        order_row("3", 买家会员名="tb_x", 联系手机="tel: none"),
    ]

    report = import_files(shop, write("orders.csv", ORDER_HEADER, rows))

    # then the orders import, the phone kept as text
    assert report.ok, report.errors
    assert dict(Order.objects.values_list("order_no", "receiver_phone")) == {
        "1": "12345",
        "2": "12345",
        "3": "tel: none",
    }
    # and the report warns of each, by file, row, column and value
    assert [(w.file, w.row, w.column, w.value) for w in report.warnings] == [
        ("orders.csv", 2, "联系手机", "12345"),
        ("orders.csv", 3, "联系手机", "12345"),
        ("orders.csv", 4, "联系手机", "tel: none"),
    ]
    assert "不是有效的手机号" in report.warnings[0].reason
    assert report.as_dict()["warning_count"] == 3
    # and the phone matched no one: two customers of their own, and the member
    one, two, three = customers_of("1", "2", "3")
    assert len({one, two, three}) == 3
    assert not Customer.objects.exclude(phone_key="").exists()
    assert Customer.objects.get(pk=three).member_name == "tb_x"


def test_a_batch_of_thousands_of_buyers_takes_a_few_queries(
    shop: Any, django_assert_max_num_queries: Any
) -> None:
    from shopops.customers.services import Buyer, customers_match_or_create

    buyers = [
        Buyer(f"m{n}", member_name=f"tb_{n}", phone=f"139{n:08d}") for n in range(1500)
    ]
    buyers += [Buyer(f"p{n}", phone=f"+86 138 {n:08d}") for n in range(1500)]
    buyers += [
        Buyer(f"k{n}", receiver_name=f"收货人{n}", address="北京", phone="138****5678")
        for n in range(1000)
    ]

    # lookups by member name, phone key and receiver key, up to 900 values a query on
    # SQLite (2 + 4 + 2), and inserts of 1,024 rows, then powers of two (3 + 4)
    with django_assert_max_num_queries(15):
        matches = customers_match_or_create(shop_id=shop.pk, buyers=buyers)

    assert matches.created == 4000
    assert len(set(matches.customers.values())) == 4000
    # and again: all found, nothing created, fewer queries still
    with django_assert_max_num_queries(10):
        again = customers_match_or_create(shop_id=shop.pk, buyers=buyers)
    assert again.created == 0
    assert again.customers == matches.customers


def test_the_warnings_show_on_the_batch_page_and_in_the_command(
    client: Any,
    shop: Any,
    people: Any,
    login: Callable[..., Any],
    django_capture_on_commit_callbacks: Any,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.core.management import call_command
    from django.urls import reverse

    from .test_import_files import export_bytes

    data = export_bytes(
        ORDER_HEADER,
        [order_row("1", 联系手机="12345"), order_row("2", 联系手机="13900001111")],
    )
    login(client, people.logistics)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("orders:import"),
            {
                "shop": shop.pk,
                "orders_file": SimpleUploadedFile("o.csv", data, "text/csv"),
            },
        )
    html = client.get(response.url).content.decode()
    assert 'data-testid="import-ok"' in html
    table = html.split('data-testid="import-warnings"')[1].split("</table>")[0]
    assert "<code>12345</code>" in table
    assert "13900001111" not in table

    path = tmp_path / "again.csv"
    path.write_bytes(export_bytes(ORDER_HEADER, [order_row("3", 联系手机="未留")]))
    call_command("import_orders", str(path), shop=shop.code)
    out = capsys.readouterr().out
    assert "1 处提醒" in out
    assert "again.csv 第 2 行 [联系手机] “未留”" in out
