"""Phone texts as the seller center writes them, and the migration that keys customers."""

from __future__ import annotations

import datetime as dt
import importlib
from typing import Any

import pytest
from django.apps import apps

from shopops.customers.models import Customer
from shopops.customers.phones import PhoneKind, buyer_keys, read_phone, receiver_key

KEY = "+8613900001111"


@pytest.mark.parametrize(
    ("text", "kind", "key"),
    [
        ("13900001111", PhoneKind.PHONE, KEY),
        ("'13900001111", PhoneKind.PHONE, KEY),  # the seller center's leading '
        ("+86 139-0000-1111", PhoneKind.PHONE, KEY),
        ("0086 13900001111", PhoneKind.PHONE, KEY),
        ("8613900001111", PhoneKind.PHONE, KEY),
        ("139 0000 1111", PhoneKind.PHONE, KEY),
        ("(+86) 139.0000.1111", PhoneKind.PHONE, KEY),
        ("010-12345678", PhoneKind.PHONE, "+861012345678"),  # a Beijing landline
        ("+1 650 253 0000", PhoneKind.PHONE, "+16502530000"),
        ("14012345678", PhoneKind.PHONE, "+8614012345678"),  # a mobile's shape
        ("138****5678", PhoneKind.MASKED, "138****5678"),
        ("138*****678", PhoneKind.MASKED, "138*****678"),
        ("+86 138 **** 5678", PhoneKind.MASKED, "138****5678"),
        ("138＊＊＊＊5678", PhoneKind.MASKED, "138****5678"),
        ("138xxxx5678", PhoneKind.MASKED, "138****5678"),
        ("1-800-FLOWERS", PhoneKind.BAD, ""),  # never a keypad's digits
        ("139OOOO1111", PhoneKind.BAD, ""),
        ("电话13900001111", PhoneKind.BAD, ""),
        ("12345", PhoneKind.BAD, ""),
        ("hello", PhoneKind.BAD, ""),
        ("****", PhoneKind.BAD, ""),
        ("138*AB*5678", PhoneKind.BAD, ""),
        ("23900001111", PhoneKind.BAD, ""),
        ("", PhoneKind.EMPTY, ""),
        ("  ", PhoneKind.EMPTY, ""),
    ],
)
def test_read_phone(text: str, kind: PhoneKind, key: str) -> None:
    reading = read_phone(text)
    assert (reading.kind, reading.key) == (kind, key)


def test_a_masked_phone_is_a_key_only_with_a_receiver() -> None:
    assert receiver_key("138****5678", "", "") == ""
    assert buyer_keys("138****5678", "", "").receiver_key == ""
    with_name = buyer_keys("138****5678", "张三", "")
    assert with_name.phone_key == ""
    assert with_name.receiver_key
    assert with_name != buyer_keys("138****5678", "李四", "")
    assert buyer_keys("138****5678", "张三", "北京 朝阳区") == buyer_keys(
        "138****5678", " 张三", "北京朝阳区"
    )
    assert buyer_keys("13900001111", "张三", "x") == buyer_keys(
        "+8613900001111", "", ""
    )


@pytest.mark.django_db
def test_the_migration_keys_merges_and_reports(make_shop: Any) -> None:
    from shopops.orders.models import Order

    shop = make_shop()
    other_shop = make_shop(code="other")
    numbers = iter(range(1, 100))

    def customer(**fields: Any) -> Customer:
        made = Customer.objects.create(shop=fields.pop("shop", shop), **fields)
        # as before the migration: no keys, no address
        Customer.objects.filter(pk=made.pk).update(
            phone_key="", receiver_key="", address=""
        )
        return made

    def order(of: Customer, name: str = "", address: str = "", day: int = 1) -> Order:
        return Order.objects.create(
            shop=of.shop,
            order_no=str(next(numbers)),
            customer=of,
            receiver_name=name,
            address=address,
            created_at=dt.datetime(2024, 5, day, tzinfo=dt.UTC),
        )

    written_so = customer(phone="+86 139-0000-1111", name="张三")
    written_plain = customer(phone="13900001111", province="浙江省")
    member = customer(member_name="tb_m", phone="13900001111")
    elsewhere = customer(shop=other_shop, phone="13900001111")
    masked = customer(phone="138****5678", name="王五")
    bad = customer(phone="12345")
    order(written_so)
    moved = order(written_plain)
    order(member)
    order(elsewhere)
    order(masked, "王五", "北京 朝阳区 一路 1 号", day=1)
    order(masked, "赵六", "上海 浦东新区 二路 2 号", day=2)
    order(bad)

    lines: list[str] = []
    migration = importlib.import_module("shopops.customers.migrations.0002_phone_keys")
    migration.recompute_keys(apps, None, out=lines.append)

    # the same number written two ways, without a member name, in one shop: merged
    assert not Customer.objects.filter(pk=written_plain.pk).exists()
    moved.refresh_from_db()
    assert moved.customer_id == written_so.pk
    written_so.refresh_from_db()
    assert written_so.phone_key == KEY
    assert written_so.province == "浙江省"  # filled from the merged one
    # the member and the other shop's buyer are left alone
    member.refresh_from_db()
    elsewhere.refresh_from_db()
    assert member.phone_key == elsewhere.phone_key == KEY
    # the masked one is keyed by its first receiver, and reported as a would-be split
    masked.refresh_from_db()
    assert masked.phone_key == ""
    assert masked.address == "北京 朝阳区 一路 1 号"
    assert masked.receiver_key == receiver_key("138****5678", "王五", masked.address)
    assert masked.orders.count() == 2
    bad.refresh_from_db()
    assert (bad.phone_key, bad.receiver_key) == ("", "")
    assert any(f"into {written_so.pk}" in line for line in lines)
    assert any(f"customer {masked.pk} " in line for line in lines)
    assert lines[-1] == (
        "customers: 1 merged, 1 would split (left), 1 with a phone that is not one "
        "(no key)"
    )

    # and run again, it finds nothing more to do
    again: list[str] = []
    migration.recompute_keys(apps, None, out=again.append)
    assert again == [
        f"customers: customer {masked.pk} (masked phone 138****5678) has orders of "
        "2 receivers; left as it is (see 0002_phone_keys)",
        "customers: 0 merged, 1 would split (left), 1 with a phone that is not one "
        "(no key)",
    ]


@pytest.mark.django_db
def test_only_a_real_number_is_messageable(make_shop: Any) -> None:
    from shopops.customers.selectors import messageable_customers

    shop, other = make_shop(), make_shop(code="other")
    real = Customer.objects.create(shop=shop, phone="'139 0000 1111")
    Customer.objects.create(shop=shop, phone="138****5678", name="张三", address="北京")
    Customer.objects.create(shop=shop, phone="12345")
    Customer.objects.create(shop=shop, phone="")
    Customer.objects.create(shop=other, phone="13900001111")

    assert list(messageable_customers(shop_id=shop.pk)) == [real]
    assert real.messageable_phone == KEY
    assert {c.messageable_phone for c in Customer.objects.exclude(pk=real.pk)} <= {
        "",
        KEY,
    }
    assert Customer.objects.get(phone="138****5678").messageable_phone == ""
