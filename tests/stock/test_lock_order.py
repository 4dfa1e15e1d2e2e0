"""One lock order (`core.locks`): orders, then stock levels, then holds, each by key.

The module sorts what it is given into that order; the holds' services lock the order
before the hold; releasing holds in bulk writes each hold's history and audit row; and
on PostgreSQL the holds page's release races a stock reservation of the same order
many times without a deadlock or a lost hold."""

from __future__ import annotations

import random
import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from shopops.aftersales.models import AfterSale
from shopops.aftersales.services import after_sale_confirm, after_sale_raise
from shopops.core.locks import LOCK_ORDER, lock, lock_row, lock_rows
from shopops.core.models import AuditEntry
from shopops.orders.models import Hold, HoldReason, Order, OrderStatusChange
from shopops.orders.services import (
    hold_release,
    holds_release_all,
    order_hold,
)
from shopops.stock import services
from shopops.stock.models import Reservation, StockLevel

ON_SQLITE = (
    "SQLite: IMMEDIATE transactions take the whole database's write lock at BEGIN, "
    "so writers queue and no row-lock order can deadlock; this race runs on "
    "PostgreSQL (DATABASE_URL=postgres://…)"
)


def _locked_tables(sql: list[str]) -> list[str]:
    """Return the tables of the SELECT … FOR UPDATE statements, in the order run."""
    tables = []
    for statement in sql:
        if "FOR UPDATE" in statement:
            tables.append(statement.split(" FROM ", 1)[1].split()[0].strip('"'))
    return tables


# --- the module -------------------------------------------------------------------


def test_the_order_is_orders_then_levels_then_holds() -> None:
    assert (
        LOCK_ORDER.index("orders.Order")
        < LOCK_ORDER.index("stock.StockLevel")
        < LOCK_ORDER.index("orders.Hold")
    )


@pytest.mark.django_db
def test_lock_takes_the_kinds_in_the_fixed_order_whatever_the_caller_gives(
    make_sku, make_paid_order
):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite has no SELECT … FOR UPDATE to watch")
    sku = make_sku()
    services.stock_receive(actor=None, sku=sku, quantity=1)
    order = make_paid_order((sku, 1))
    order_hold(actor=None, order=order, reason=HoldReason.QUALITY)
    with CaptureQueriesContext(connection) as queries, transaction.atomic():
        holds, levels, orders = lock(
            Hold.objects.filter(order=order),
            StockLevel.objects.filter(sku=sku),
            Order.objects.filter(pk=order.pk),
        )
    assert (len(holds), len(levels), len(orders)) == (1, 1, 1)
    assert _locked_tables([q["sql"] for q in queries]) == [
        "orders_order",
        "stock_stocklevel",
        "orders_hold",
    ]


@pytest.mark.django_db
def test_lock_refuses_a_kind_without_a_place_and_two_querysets_of_one_kind(
    make_sku,
):
    from shopops.catalog.models import Sku

    make_sku()
    with pytest.raises(ValueError, match="LOCK_ORDER"), transaction.atomic():
        lock_rows(Sku.objects.all())
    with pytest.raises(ValueError, match="one queryset per kind"), transaction.atomic():
        lock(Order.objects.all(), Order.objects.all())
    with pytest.raises(Order.DoesNotExist), transaction.atomic():
        lock_row(Order.objects.all(), 987654)


@pytest.mark.django_db
def test_releasing_a_hold_locks_its_order_before_the_hold(make_sku, make_paid_order):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite has no SELECT … FOR UPDATE to watch")
    order = make_paid_order((make_sku(), 1))
    hold = order_hold(actor=None, order=order, reason=HoldReason.QUALITY)
    with CaptureQueriesContext(connection) as queries:
        hold_release(actor=None, hold=hold)
    assert _locked_tables([q["sql"] for q in queries]) == [
        "orders_order",
        "orders_hold",
    ]


# --- releasing in bulk ------------------------------------------------------------


@pytest.mark.django_db
def test_releasing_every_hold_writes_each_holds_history_and_audit_row(
    make_sku, make_paid_order
):
    # given an order held for quality and for a courier delay
    order = make_paid_order((make_sku(), 1))
    quality = order_hold(actor=None, order=order, reason=HoldReason.QUALITY)
    delay = order_hold(actor=None, order=order, reason=HoldReason.COURIER_DELAY)
    # when every hold is released at once
    released = holds_release_all(actor=None, order=order, note="批量解除")
    # then each hold has its release, its history row and its audit row, as one by one
    assert sorted(h.pk for h in released) == sorted([quality.pk, delay.pk])
    assert not Hold.objects.filter(order=order, released_at__isnull=True).exists()
    history = OrderStatusChange.objects.filter(order=order, changes__has_key="release")
    assert sorted(history.values_list("changes__release", flat=True)) == sorted(
        [HoldReason.QUALITY, HoldReason.COURIER_DELAY]
    )
    audits = AuditEntry.objects.filter(verb="hold.release")
    assert sorted(audits.values_list("object_id", flat=True)) == sorted(
        [str(quality.pk), str(delay.pk)]
    )
    order.refresh_from_db()
    assert order.flag is None


@pytest.mark.django_db
def test_a_refund_that_closes_a_held_order_writes_each_holds_release(
    make_sku, make_paid_order
):
    # given a reserved order held for quality and for a courier delay
    sku = make_sku()
    services.stock_receive(actor=None, sku=sku, quantity=3)
    order = make_paid_order((sku, 2))
    services.stock_reserve_order(actor=None, order=order)
    holds = [
        order_hold(actor=None, order=order, reason=reason)
        for reason in (HoldReason.QUALITY, HoldReason.COURIER_DELAY)
    ]
    # when its full refund is confirmed
    request = after_sale_raise(
        actor=None,
        order=order,
        kind=AfterSale.Kind.REFUND_ONLY,
        reason="买家不要了",
        amount=order.paid_amount,
    )
    after_sale_confirm(actor=None, after_sale=request)
    # then the order is closed, its stock given back, and each hold released with its
    # own history and audit row (no bare update)
    order.refresh_from_db()
    assert (order.status, order.flag) == ("closed", None)
    assert Reservation.objects.get().state == Reservation.State.RELEASED
    for hold in holds:
        hold.refresh_from_db()
        assert hold.released_at is not None
        assert AuditEntry.objects.filter(
            verb="hold.release", object_id=str(hold.pk)
        ).exists()
        assert OrderStatusChange.objects.filter(
            order=order, changes__release=hold.reason
        ).exists()


# --- the race on PostgreSQL -------------------------------------------------------


def _race(first: Callable[[], Any], second: Callable[[], Any]) -> list[str]:
    """Run two callables at once, each on a thread (and connection) of its own;
    return the errors they raised."""
    barrier = threading.Barrier(2)
    errors: list[str] = []

    def run(work: Callable[[], Any], jitter: float) -> None:
        try:
            barrier.wait()
            threading.Event().wait(jitter)
            work()
        except Exception as exc:  # reported to the test, which fails
            errors.append(repr(exc))
        finally:
            connection.close()

    threads = [
        threading.Thread(target=run, args=(work, random.uniform(0, 0.004)))  # noqa: S311
        for work in (first, second)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return errors


def _page_release(user: Any, hold: Hold) -> Callable[[], None]:
    """Return a callable that releases `hold` through the holds page, as `user`."""

    def release() -> None:
        client = Client()
        client.force_login(user)
        response = client.post(
            reverse("orders:hold_release", args=[hold.pk]), {"note": "页面解除"}
        )
        assert response.status_code == 302, response.status_code

    return release


ROUNDS = 25


@pytest.mark.django_db(transaction=True)
def test_the_holds_page_and_a_reservation_race_without_deadlock_or_lost_hold(
    make_sku, make_paid_order, people
):
    if connection.vendor == "sqlite":
        pytest.skip(ON_SQLITE)
    logistics = people["logistics"].user
    out_of_stock_flag = None
    for _round in range(ROUNDS):
        # (1) an order with nothing in stock, held for quality: the page releases the
        # quality hold while the reservation holds the order as out of stock
        short = make_paid_order((make_sku(), 1))
        quality = order_hold(actor=None, order=short, reason=HoldReason.QUALITY)
        errors = _race(
            _page_release(logistics, quality),
            lambda order=short: services.stock_reserve_order(actor=None, order=order),
        )
        assert errors == []
        active = list(Hold.objects.filter(order=short, released_at__isnull=True))
        assert [h.reason for h in active] == [HoldReason.OUT_OF_STOCK]
        short.refresh_from_db()
        out_of_stock_flag = active[0].flag
        assert short.flag == out_of_stock_flag  # the new hold's flag is not lost
        assert (
            AuditEntry.objects.filter(
                verb="hold.release", object_id=str(quality.pk)
            ).count()
            == 1
        )

        # (2) an order held as out of stock whose goods arrived: the page releases the
        # hold while the stock ledger serves the held order (reserve, release the hold)
        sku = make_sku()
        held = make_paid_order((sku, 1))
        services.stock_reserve_order(actor=None, order=held)
        waiting = Hold.objects.get(order=held, released_at__isnull=True)
        services.stock_receive(actor=None, sku=sku, quantity=1)
        errors = _race(
            _page_release(logistics, waiting),
            lambda sku_id=sku.pk: services.stock_serve_held_orders(
                actor=None, sku_ids=[sku_id]
            ),
        )
        assert errors == []
        assert not Hold.objects.filter(order=held, released_at__isnull=True).exists()
        assert (
            AuditEntry.objects.filter(
                verb="hold.release", object_id=str(waiting.pk)
            ).count()
            == 1
        )
        (level,) = StockLevel.objects.filter(sku=sku)
        reserved = sum(
            Reservation.objects.filter(
                level=level, state=Reservation.State.ACTIVE
            ).values_list("quantity", flat=True)
        )
        assert level.reserved == reserved <= level.on_hand == 1
        held.refresh_from_db()
        assert held.flag is None
