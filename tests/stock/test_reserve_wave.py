"""Reserving a wave in bulk (`stock_reserve_orders`, shipping's `orders_reserve_waiting`):
the same reservations as one order after another, set-based, and never oversold when
two waves run at once (processes on SQLite, threads on PostgreSQL)."""

from __future__ import annotations

import datetime as dt
import multiprocessing
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import connection, connections, transaction
from django.test.utils import CaptureQueriesContext

from shopops.core import clock
from shopops.core.models import AuditEntry
from shopops.orders.models import Hold, HoldReason, Order
from shopops.shipping.services import MAX_RESERVE_WAVE, orders_reserve_waiting
from shopops.stock import services
from shopops.stock.models import Location, Movement, Reservation, StockLevel


class RollbackError(Exception):
    """Raised to undo a run after it was recorded."""


def _ledger() -> dict[str, Any]:
    """Return what reserving wrote, in terms that do not depend on new rows' keys."""
    return {
        "reservations": sorted(
            Reservation.objects.values_list("line_id", "level_id", "quantity", "state")
        ),
        "levels": sorted(StockLevel.objects.values_list("pk", "on_hand", "reserved")),
        "movements": sorted(
            Movement.objects.filter(kind=Movement.Kind.RESERVATION).values_list(
                "level_id", "order_id", "reserved_delta", "reference"
            )
        ),
        "holds": sorted(
            Hold.objects.filter(released_at__isnull=True).values_list(
                "order_id", "reason", "note", "flag"
            )
        ),
        "flags": sorted(Order.objects.values_list("pk", "flag")),
        "audits": sorted(
            AuditEntry.objects.filter(verb="stock.reserve").values_list(
                "object_id", "changes"
            ),
            key=repr,
        ),
    }


def _recorded(run: Any) -> dict[str, Any]:
    """Run `run()`, record the ledger, and undo everything it wrote."""
    recorded: dict[str, Any] = {}
    try:
        with transaction.atomic():
            run()
            recorded.update(_ledger())
            raise RollbackError
    except RollbackError:
        return recorded
    raise AssertionError("unreachable")


@pytest.fixture
def world(make_sku, make_paid_order) -> list[int]:
    """Gas canisters in three lots on two shelves (one expiring first), tents on two
    shelves, a stove with 3 units, a lamp with none; fourteen paid orders, oldest
    first, some with two lines of one SKU, some that the stock cannot serve."""
    a1 = services.default_location()
    b1 = Location.objects.create(warehouse=a1.warehouse, code="B-01")
    gas = make_sku("GAS", shelf_life_days=1095)
    tent, stove, lamp = make_sku("TENT"), make_sku("STOVE"), make_sku("LAMP")
    today = clock.today()
    for lot, days, place, n in (
        ("G1", 400, a1, 7),
        ("G2", 90, b1, 4),
        ("G3", 90, a1, 2),
    ):
        services.stock_receive(
            actor=None,
            sku=gas,
            quantity=n,
            location=place,
            lot_no=lot,
            expiry_date=today + dt.timedelta(days=days),
        )
    services.stock_receive(actor=None, sku=tent, quantity=3, location=b1)
    services.stock_receive(actor=None, sku=tent, quantity=5, location=a1)
    services.stock_receive(actor=None, sku=stove, quantity=3)
    wants = [
        [(gas, 3)],
        [(tent, 2), (gas, 1)],
        [(stove, 2), (gas, 2), (gas, 1)],
        [(lamp, 1)],
        [(gas, 4), (tent, 1)],
        [(stove, 2)],  # one stove left: short, held
        [(tent, 3), (stove, 1)],
        [(gas, 5)],  # short by then
        [(tent, 1)],
        [(gas, 1), (lamp, 2)],  # the lamp is short: nothing reserved
        [(gas, 1)],
        [(tent, 2)],  # one tent left: short by one
        [(gas, 1)],
        [(tent, 1)],
    ]
    return [make_paid_order(*lines).pk for lines in wants]


def _one_by_one(order_ids: list[int]) -> None:
    for pk in order_ids:
        services.stock_reserve_order(actor=None, order=Order.objects.get(pk=pk))


@pytest.mark.django_db
def test_a_wave_reserves_exactly_what_one_order_after_another_does(world):
    # given the same data, reserved one by one and then as one wave
    by_one = _recorded(lambda: _one_by_one(world))
    in_bulk = _recorded(
        lambda: services.stock_reserve_orders(actor=None, order_ids=world)
    )
    through_shipping = _recorded(lambda: orders_reserve_waiting(actor=None))
    # then every reservation, level, movement, hold, flag and audit row is the same
    assert by_one["reservations"], "the data must reserve something"
    assert by_one["holds"], "and hold something"
    assert in_bulk == by_one
    assert through_shipping == by_one


@pytest.mark.django_db
def test_a_wave_reports_each_order_and_holds_the_short_ones_once(world):
    # given the first order is already held as out of stock by hand
    first = Order.objects.get(pk=world[3])  # wants a lamp: none in stock
    services.stock_reserve_order(actor=None, order=first)
    # when the wave runs
    results = services.stock_reserve_orders(actor=None, order_ids=world)
    # then each order has its result, the short ones their shortages
    assert set(results) == set(world)
    short = {pk for pk, r in results.items() if not r.reserved}
    assert {world[3], world[5], world[7], world[9], world[11]} == short
    assert results[world[5]].shortages == {"STOVE": 1}
    served = Reservation.objects.values_list("line__order_id", flat=True)
    assert set(served) == set(world) - short
    # and each short order holds one out-of-stock hold
    for pk in short:
        assert (
            Hold.objects.filter(
                order_id=pk, reason=HoldReason.OUT_OF_STOCK, released_at__isnull=True
            ).count()
            == 1
        )
    # a second wave finds nothing left to reserve and changes nothing
    before = _ledger()
    again = services.stock_reserve_orders(actor=None, order_ids=world)
    assert _ledger() == before
    assert {pk for pk, r in again.items() if not r.reserved} == short


@pytest.mark.django_db
def test_a_wave_is_set_based(make_sku, make_paid_order):
    # given two SKUs in stock and 10, then 40 more orders of both
    gas, tent = make_sku("GAS"), make_sku("TENT")
    services.stock_receive(actor=None, sku=gas, quantity=500)
    services.stock_receive(actor=None, sku=tent, quantity=500)

    def wave_of(n: int) -> int:
        ids = [make_paid_order((gas, 1), (tent, 2)).pk for _ in range(n)]
        # each wave from a cold content-type cache (the audit rows look theirs up once)
        ContentType.objects.clear_cache()
        with CaptureQueriesContext(connection) as queries:
            results = services.stock_reserve_orders(actor=None, order_ids=ids)
        assert all(r.reserved for r in results.values())
        return len(queries)

    # then the number of queries does not grow with the orders
    assert wave_of(40) == wave_of(10)
    sql = []
    ids = [make_paid_order((gas, 1), (tent, 1)).pk for _ in range(5)]
    with CaptureQueriesContext(connection) as queries:
        services.stock_reserve_orders(actor=None, order_ids=ids)
    sql = [q["sql"] for q in queries]
    if connection.vendor == "postgresql":
        # the levels are locked once, after the orders
        locks = [s.split(" FROM ", 1)[1].split()[0] for s in sql if "FOR UPDATE" in s]
        assert locks == ['"orders_order"', '"stock_stocklevel"']
    # the levels' reserved units in one statement run per level
    updates = [s for s in sql if 'UPDATE "stock_stocklevel" SET' in s]
    assert len(updates) == 1


@pytest.mark.django_db
def test_the_wave_has_a_limit(shop):
    with pytest.raises(ValidationError):
        orders_reserve_waiting(actor=None, limit=MAX_RESERVE_WAVE + 1)
    with pytest.raises(ValidationError):
        orders_reserve_waiting(actor=None, limit=0)


# --- two waves at once ------------------------------------------------------------


def _wave_in_child(results: Any) -> None:
    """Run in a forked process: reserve the waiting orders on a connection of its own."""
    connections.close_all()
    try:
        summary = orders_reserve_waiting(actor=None)
        results.put(("ok", summary.reserved, list(summary.short)))
    except Exception as exc:  # reported to the parent, which fails the test
        results.put(("error", repr(exc), []))
    finally:
        connections.close_all()


def _wave_in_thread(_: int) -> tuple[str, Any, Any]:
    try:
        summary = orders_reserve_waiting(actor=None)
        return ("ok", summary.reserved, list(summary.short))
    except Exception as exc:
        return ("error", repr(exc), [])
    finally:
        connection.close()


@pytest.mark.django_db(transaction=True)
def test_two_waves_at_once_never_oversell(make_sku, make_paid_order):
    # given 10 tents and 2 stoves, and 16 paid orders that want them
    tent, stove = make_sku("RACE-TENT"), make_sku("RACE-STOVE")
    services.stock_receive(actor=None, sku=tent, quantity=10)
    services.stock_receive(actor=None, sku=stove, quantity=2)
    singles = [make_paid_order((tent, 1)).pk for _ in range(12)]
    pairs = [make_paid_order((tent, 1), (stove, 1)).pk for _ in range(4)]
    # when two waves reserve at once: processes on SQLite, threads on PostgreSQL
    if connection.vendor == "sqlite":
        ctx = multiprocessing.get_context("fork")
        queue = ctx.Queue()
        connections.close_all()
        workers = [ctx.Process(target=_wave_in_child, args=(queue,)) for _ in range(2)]
        for w in workers:
            w.start()
        outcomes = [queue.get(timeout=600) for _ in workers]
        for w in workers:
            w.join(timeout=60)
    else:
        with ThreadPoolExecutor(max_workers=2) as pool:
            outcomes = list(pool.map(_wave_in_thread, range(2)))
    # then neither met an error, and the stock went to the oldest orders, once each
    assert [o for o in outcomes if o[0] == "error"] == []
    reserved = [no for o in outcomes for no in o[1]]
    assert len(reserved) == len(set(reserved)) == 10
    numbers = dict(Order.objects.values_list("pk", "order_no"))
    assert set(reserved) == {numbers[pk] for pk in singles[:10]}
    for sku, on_hand in ((tent, 10), (stove, 2)):
        (level,) = StockLevel.objects.filter(sku=sku)
        assert (level.on_hand, level.reserved) == (
            on_hand,
            on_hand if sku == tent else 0,
        )
    assert Reservation.objects.filter(state="active").count() == 10
    # the orders the stock could not serve are held out of stock, once each
    held = Hold.objects.filter(reason=HoldReason.OUT_OF_STOCK)
    assert sorted(held.values_list("order_id", flat=True)) == sorted(
        singles[10:] + pairs
    )
