"""Reservations never oversell: FEFO, all-or-nothing, the out-of-stock hold, and a race
of twenty workers for ten units on SQLite (processes) and PostgreSQL (threads)."""

from __future__ import annotations

import datetime as dt
import multiprocessing
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, connections, transaction

from shopops.orders.models import HoldReason
from shopops.stock import services
from shopops.stock.models import Movement, Reservation, StockLevel


def _levels(sku: Any) -> list[StockLevel]:
    return list(StockLevel.objects.filter(sku=sku).select_related("lot"))


@pytest.mark.django_db
def test_reserve_takes_the_lot_that_expires_first(make_sku, make_paid_order):
    # given two lots of a gas canister, the later-received one expiring first
    sku = make_sku(shelf_life_days=1095)
    services.stock_receive(
        actor=None, sku=sku, quantity=3, lot_no="A", expiry_date=dt.date(2028, 1, 1)
    )
    services.stock_receive(
        actor=None, sku=sku, quantity=5, lot_no="B", expiry_date=dt.date(2027, 6, 1)
    )
    order = make_paid_order((sku, 6))
    # when the order is reserved
    result = services.stock_reserve_order(actor=None, order=order)
    # then lot B (expiring first) is used up before lot A
    assert result.reserved
    assert sorted((r.level.lot.lot_no, r.quantity) for r in result.reservations) == [
        ("A", 1),
        ("B", 5),
    ]
    assert {lv.lot.lot_no: lv.available for lv in _levels(sku)} == {"A": 2, "B": 0}


@pytest.mark.django_db
def test_an_order_short_of_stock_reserves_nothing_and_is_held(
    make_sku, make_paid_order
):
    # given 2 units of one SKU and 5 of another
    tent, pole = make_sku("TENT"), make_sku("POLE")
    services.stock_receive(actor=None, sku=tent, quantity=2)
    services.stock_receive(actor=None, sku=pole, quantity=5)
    order = make_paid_order((tent, 3), (pole, 1))
    # when it is reserved
    result = services.stock_reserve_order(actor=None, order=order)
    # then nothing is reserved, the shortage is named, and the order is held out of stock
    assert not result.reserved
    assert result.shortages == {"TENT": 1}
    assert Reservation.objects.count() == 0
    hold = order.holds.get()
    assert hold.reason == HoldReason.OUT_OF_STOCK
    assert "TENT" in hold.note


@pytest.mark.django_db
def test_reserving_twice_reserves_once(make_sku, make_paid_order):
    sku = make_sku()
    services.stock_receive(actor=None, sku=sku, quantity=5)
    order = make_paid_order((sku, 2))
    services.stock_reserve_order(actor=None, order=order)
    services.stock_reserve_order(actor=None, order=order)
    assert sum(lv.reserved for lv in _levels(sku)) == 2


@pytest.mark.django_db
def test_release_and_ship_move_the_ledger(make_sku, make_paid_order):
    sku = make_sku()
    services.stock_receive(actor=None, sku=sku, quantity=5)
    cancelled, shipped = make_paid_order((sku, 2)), make_paid_order((sku, 1))
    services.stock_reserve_order(actor=None, order=cancelled)
    services.stock_reserve_order(actor=None, order=shipped)
    assert (
        services.stock_release_order(actor=None, order=cancelled, reason="买家取消")
        == 2
    )
    assert services.stock_ship_order(actor=None, order=shipped) == 1
    (level,) = _levels(sku)
    assert (level.on_hand, level.reserved, level.available) == (4, 0, 4)
    kinds = list(Movement.objects.order_by("pk").values_list("kind", flat=True))
    assert kinds == ["receipt", "reservation", "reservation", "release", "shipment"]
    # the ledger adds up to the cached level
    assert (
        sum(Movement.objects.values_list("on_hand_delta", flat=True)) == level.on_hand
    )


@pytest.mark.django_db
def test_shipping_without_reservation_is_refused(make_sku, make_paid_order):
    order = make_paid_order((make_sku(), 1))
    with pytest.raises(ValidationError):
        services.stock_ship_order(actor=None, order=order)


@pytest.mark.django_db
def test_the_database_refuses_negative_available(make_sku):
    sku = make_sku()
    services.stock_receive(actor=None, sku=sku, quantity=1)
    (level,) = _levels(sku)
    with pytest.raises(IntegrityError), transaction.atomic():
        StockLevel.objects.filter(pk=level.pk).update(reserved=2)


@pytest.mark.django_db
def test_adjust_and_quarantine_keep_available_honest(make_sku):
    sku = make_sku()
    services.stock_receive(actor=None, sku=sku, quantity=3)
    (level,) = _levels(sku)
    services.stock_quarantine(actor=None, level=level, quantity=1, reason="外包装破损")
    with pytest.raises(ValidationError):
        services.stock_adjust(actor=None, level=level, delta=-3, reason="盘亏")
    services.stock_adjust(actor=None, level=level, delta=-2, reason="盘亏")
    (level,) = _levels(sku)
    assert (level.on_hand, level.quarantined, level.available) == (1, 1, 0)


@pytest.mark.django_db
def test_levels_are_locked_before_they_are_written(
    make_sku, make_paid_order, monkeypatch
):
    sku = make_sku()
    services.stock_receive(actor=None, sku=sku, quantity=2)
    order = make_paid_order((sku, 1))
    events: list[str] = []
    real_lock, real_move = services.lock_levels, services._move

    def spy_lock(**kwargs: Any) -> Any:
        events.append("lock")
        return real_lock(**kwargs)

    def spy_move(*args: Any, **kwargs: Any) -> Any:
        events.append("write")
        return real_move(*args, **kwargs)

    monkeypatch.setattr(services, "lock_levels", spy_lock)
    monkeypatch.setattr(services, "_move", spy_move)
    services.stock_reserve_order(actor=None, order=order)
    assert events[0] == "lock"
    assert "write" in events


def _reserve_in_child(order_id: int, results: Any) -> None:
    """Run in a forked process: reserve one order on a connection of its own."""
    from shopops.orders.models import Order

    connections.close_all()
    try:
        result = services.stock_reserve_order(
            actor=None, order=Order.objects.get(pk=order_id)
        )
        results.put(("ok", result.reserved))
    except Exception as exc:  # reported to the parent, which fails the test
        results.put(("error", repr(exc)))
    finally:
        connections.close_all()


def _reserve_in_thread(order_id: int) -> tuple[str, Any]:
    from shopops.orders.models import Order

    try:
        result = services.stock_reserve_order(
            actor=None, order=Order.objects.get(pk=order_id)
        )
        return ("ok", result.reserved)
    except Exception as exc:
        return ("error", repr(exc))
    finally:
        connection.close()


@pytest.mark.django_db(transaction=True)
def test_twenty_workers_race_for_ten_units(make_sku, make_paid_order):
    # given 10 units and 20 paid orders of 1 unit each
    sku = make_sku("RACE")
    services.stock_receive(actor=None, sku=sku, quantity=10)
    order_ids = [make_paid_order((sku, 1)).pk for _ in range(20)]
    # when 20 workers reserve at once: processes on SQLite, threads on PostgreSQL
    if connection.vendor == "sqlite":
        ctx = multiprocessing.get_context("fork")
        results = ctx.Queue()
        connections.close_all()
        workers = [
            ctx.Process(target=_reserve_in_child, args=(pk, results))
            for pk in order_ids
        ]
        for w in workers:
            w.start()
        outcomes = [results.get(timeout=600) for _ in workers]
        for w in workers:
            w.join(timeout=60)
    else:
        with ThreadPoolExecutor(max_workers=20) as pool:
            outcomes = list(pool.map(_reserve_in_thread, order_ids))
    # then no worker met an unhandled error, exactly 10 orders got a unit, never negative
    assert [o for o in outcomes if o[0] == "error"] == []
    assert sorted(reserved for _, reserved in outcomes) == [False] * 10 + [True] * 10
    (level,) = _levels(sku)
    assert (level.on_hand, level.reserved, level.available) == (10, 10, 0)
    assert Reservation.objects.filter(state="active").count() == 10
    # the ten that lost are held out of stock for the evening customer service
    from shopops.orders.models import Hold

    assert Hold.objects.filter(reason=HoldReason.OUT_OF_STOCK).count() == 10


@pytest.mark.django_db
def test_a_confirmed_full_refund_gives_the_reserved_stock_back(
    make_sku, make_paid_order
):
    from shopops.aftersales.models import AfterSale
    from shopops.aftersales.services import after_sale_confirm, after_sale_raise

    # given a paid order holding 2 of 5 units
    sku = make_sku()
    services.stock_receive(actor=None, sku=sku, quantity=5)
    order = make_paid_order((sku, 2))
    services.stock_reserve_order(actor=None, order=order)
    # when its full refund is raised and confirmed
    request = after_sale_raise(
        actor=None,
        order=order,
        kind=AfterSale.Kind.REFUND_ONLY,
        reason="买家不要了",
        amount=order.paid_amount,
    )
    after_sale_confirm(actor=None, after_sale=request)
    # then the order is closed and its units are available again
    order.refresh_from_db()
    assert order.status == "closed"
    (level,) = _levels(sku)
    assert (level.reserved, level.available) == (0, 5)
    assert Reservation.objects.get().state == Reservation.State.RELEASED
