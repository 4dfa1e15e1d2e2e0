"""Writes to customers: matching buyers to customers, set-based for a batch.

`customers_match_or_create(shop_id=…, buyers=[Buyer(…), …])` is what an import calls
for a batch of rows that name a buyer (the order import, and later the purchase-history
import). It returns {buyer's ref: customer id}, creating the customers it does not find,
in a few queries per batch whatever its size (one per kind of key, one insert, one
update), never one per row. The rules, in order:

1. **Member name** (买家会员名): the shop's customer of that name. A member not yet
   known takes over a customer without a member name that has the same real phone
   (or the same masked phone + receiver, see below) — the same buyer, seen before
   without their name — else becomes a new customer.
2. **Real phone** (no member name): the shop's earliest customer with the same phone
   key, the number in E.164 (`+86 139-0000-1111` and `13900001111` are one key; see
   `customers.phones`).
3. **Masked phone** (`138****5678`, no member name): never a key on its own; together
   with the receiver's name and address (`phones.receiver_key`) it is one. Without
   either, the buyer becomes a customer of their own.
4. A phone that is neither (`12345`) is kept as text on the customer and never used to
   match: such a buyer without a member name becomes a customer of their own.

Buyers of one batch with the same new key become one new customer.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import connection, models
from django.utils import timezone

from shopops.core import bulk
from shopops.customers.models import Customer
from shopops.customers.phones import BuyerKeys, buyer_keys


def _max_length(name: str) -> int:
    field = Customer._meta.get_field(name)
    if not isinstance(field, models.CharField) or not field.max_length:
        raise TypeError(f"Customer.{name} is not a text field")
    return field.max_length


_FIELD_MAX = {
    name: _max_length(name)
    for name in ("member_name", "name", "phone", "province", "city", "address")
}


@dataclass(frozen=True, slots=True)
class Buyer:
    """One row naming a buyer; `ref` is the caller's key for it (an order number)."""

    ref: Hashable
    member_name: str = ""
    receiver_name: str = ""
    phone: str = ""
    address: str = ""
    province: str = ""
    city: str = ""


@dataclass
class Matches:
    """{buyer's ref: customer id}, and how many customers were created."""

    customers: dict[Hashable, int]
    created: int = 0


def _lookup(
    shop_id: int, field: str, values: Iterable[str]
) -> list[tuple[str, int, str]]:
    """Return (value, id, member name) of the shop's customers whose `field` is one of
    `values`, oldest first.

    Plain SQL: an ORM filter of hundreds of values costs more to build than to run.
    """
    wanted = sorted(set(values))
    member = connection.ops.quote_name(bulk.column_name(Customer, "member_name"))
    # The member name's unique index only holds named customers: say so, in the
    # index's own words, or SQLite reads the whole table for every batch.
    extra = f"NOT ({member} = '')" if field == "member_name" else ""
    found: list[tuple[str, int, str]] = list(
        bulk.select_in(
            Customer,
            [field, "id", "member_name"],
            equal={"shop": shop_id},
            column=field,
            values=wanted,
            where=extra,
        )
    )
    found.sort(key=lambda row: row[1])
    return found


_INSERTED = (
    "shop",
    "member_name",
    "name",
    "phone",
    "phone_key",
    "receiver_key",
    "address",
    "province",
    "city",
    "created_at",
)


def customers_match_or_create(*, shop_id: int, buyers: Sequence[Buyer]) -> Matches:
    """Match each buyer to a customer of the shop, creating those not found.

    Buyers with neither a member name nor a phone get no customer. See the module's
    docstring for the rules. Call inside the caller's transaction: on an error (two
    imports creating the same member at once: IntegrityError) it has written nothing
    the caller keeps.
    """
    rows: list[tuple[Buyer, BuyerKeys]] = [
        (b, buyer_keys(b.phone, b.receiver_name, b.address))
        for b in buyers
        if b.member_name or b.phone
    ]
    if not rows:
        return Matches({})

    by_member = {
        member: pk
        for member, pk, _m in _lookup(
            shop_id, "member_name", (b.member_name for b, _k in rows if b.member_name)
        )
    }
    unnamed = [(b, k) for b, k in rows if b.member_name not in by_member]
    by_phone: dict[str, int] = {}
    nameless_by_phone: dict[str, int] = {}
    for value, pk, member in _lookup(
        shop_id, "phone_key", (k.phone_key for _b, k in unnamed if k.phone_key)
    ):
        by_phone.setdefault(value, pk)
        if not member:
            nameless_by_phone.setdefault(value, pk)
    by_receiver: dict[str, int] = {}
    nameless_by_receiver: dict[str, int] = {}
    for value, pk, member in _lookup(
        shop_id, "receiver_key", (k.receiver_key for _b, k in unnamed if k.receiver_key)
    ):
        by_receiver.setdefault(value, pk)
        if not member:
            nameless_by_receiver.setdefault(value, pk)

    result: dict[Hashable, int] = {}
    pending: dict[Hashable, tuple[str, Hashable]] = {}
    new: dict[tuple[str, Hashable], tuple[Any, ...]] = {}
    named: dict[int, str] = {}
    for buyer, keys in rows:
        member = buyer.member_name
        if member:
            known = by_member.get(member)
            if known is None:
                if keys.phone_key in nameless_by_phone:
                    known = nameless_by_phone.pop(keys.phone_key)
                elif keys.receiver_key in nameless_by_receiver:
                    known = nameless_by_receiver.pop(keys.receiver_key)
                if known is not None:
                    named[known] = member
                    by_member[member] = known
            if known is not None:
                result[buyer.ref] = known
                continue
            key: tuple[str, Hashable] = ("member", member)
        elif keys.phone_key:
            if keys.phone_key in by_phone:
                result[buyer.ref] = by_phone[keys.phone_key]
                continue
            key = ("phone", keys.phone_key)
        elif keys.receiver_key:
            if keys.receiver_key in by_receiver:
                result[buyer.ref] = by_receiver[keys.receiver_key]
                continue
            key = ("receiver", keys.receiver_key)
        else:
            key = ("own", buyer.ref)  # a customer of their own
        if key not in new:
            new[key] = _new_customer(shop_id, buyer, keys)
        pending[buyer.ref] = key

    if new:
        now = connection.ops.adapt_datetimefield_value(timezone.now())
        ids = bulk.insert_returning(
            Customer, _INSERTED, [(*row, now) for row in new.values()]
        )
        by_key = dict(zip(new, ids, strict=True))
        for ref, key in pending.items():
            result[ref] = by_key[key]
    if named:
        Customer.objects.bulk_update(
            [Customer(pk=pk, member_name=member) for pk, member in named.items()],
            ["member_name"],
        )
    return Matches(result, len(new))


def _cut(name: str, value: str) -> str:
    return value[: _FIELD_MAX[name]]


def _new_customer(shop_id: int, buyer: Buyer, keys: BuyerKeys) -> tuple[Any, ...]:
    """Return a new customer's values in `_INSERTED` order, without `created_at`."""
    return (
        shop_id,
        buyer.member_name,
        _cut("name", buyer.receiver_name),
        _cut("phone", buyer.phone),
        keys.phone_key,
        keys.receiver_key,
        _cut("address", buyer.address),
        _cut("province", buyer.province),
        _cut("city", buyer.city),
    )
