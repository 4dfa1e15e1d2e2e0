"""Shipping services: the quality check quarantines and holds, the shipping service
refuses what may not ship, pick lists walk the warehouse, courier delays hold exactly
the orders they concern."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from shopops.core.models import AuditEntry, Notification
from shopops.orders.models import Hold, HoldReason, Order, OrderStatusChange
from shopops.orders.services import hold_release, order_hold
from shopops.shipping import selectors, services
from shopops.shipping.models import (
    CourierDelay,
    HandoffProblem,
    PickList,
    QualityCheck,
    Shipment,
)
from shopops.stock.models import Movement, Reservation, StockLevel

pytestmark = pytest.mark.django_db

ZTO_NO = "781234567890123"


def level_of(order: Order) -> StockLevel:
    return StockLevel.objects.get(sku=order.lines.get().sku)


def quantities(level: StockLevel) -> tuple[int, int, int]:
    level.refresh_from_db()
    return level.on_hand, level.reserved, level.quarantined


def assert_not_shipped(order: Order, on_hand: int) -> None:
    order.refresh_from_db()
    assert order.status == Order.Status.PAID
    assert order.shipped_at is None
    assert order.tracking_no == ""
    assert not Shipment.objects.filter(order=order).exists()
    assert level_of(order).on_hand == on_hand
    assert Reservation.objects.filter(
        line__order=order, state=Reservation.State.ACTIVE
    ).exists()


# --- the quality check ------------------------------------------------------------


def test_a_failed_unit_is_quarantined_and_the_order_held_for_the_evening_shift(
    ready_order, clerk, people
):
    # given an order of two tents, reserved from a shelf of five
    order = ready_order(quantity=2, stock=5)
    line = order.lines.get()
    # when the clerk finds one of them damaged
    check = services.qc_record(
        actor=clerk,
        order=order,
        line=line,
        result=QualityCheck.Result.FAIL,
        quantity=1,
        defect_reason=QualityCheck.Defect.DAMAGED,
        note="外箱压坏",
    )
    # then the unit is quarantined on the level the reservation came from
    assert check.result == "fail"
    assert quantities(level_of(order)) == (5, 2, 1)
    movement = Movement.objects.get(kind=Movement.Kind.QUARANTINE)
    assert movement.level == level_of(order)
    assert order.order_no in movement.reason
    # and the order carries the quality hold, with a flag
    hold = Hold.objects.get(order=order, released_at__isnull=True)
    assert hold.reason == HoldReason.QUALITY
    assert line.outer_code in hold.note
    assert "破损" in hold.note
    order.refresh_from_db()
    assert order.flag is not None
    # and the evening customer service is told; the day shift is not
    told = Notification.objects.filter(recipient=people.evening.user)
    assert [n.url for n in told] == ["/orders/evening/"]
    assert order.order_no in told.get().title
    assert not Notification.objects.filter(recipient=people.cs.user).exists()
    assert AuditEntry.objects.filter(verb="qc.fail").count() == 1


def test_with_no_spare_unit_the_reserved_one_is_quarantined(ready_order, clerk):
    order = ready_order(quantity=1, stock=1)
    services.qc_record(
        actor=clerk,
        order=order,
        line=order.lines.get(),
        result="fail",
        defect_reason="defective",
    )
    # the reservation went back and the unit is set aside: nothing is available
    assert quantities(level_of(order)) == (1, 0, 1)
    assert not Reservation.objects.filter(state=Reservation.State.ACTIVE).exists()
    assert order.holds.get().reason == HoldReason.QUALITY


def test_a_failed_check_needs_a_reason(ready_order, clerk):
    order = ready_order()
    with pytest.raises(ValidationError, match="问题类型"):
        services.qc_record(
            actor=clerk, order=order, line=order.lines.get(), result="fail"
        )
    assert not QualityCheck.objects.exists()


def test_a_held_order_cannot_be_checked(ready_order, clerk):
    order = ready_order()
    order_hold(actor=clerk, order=order, reason=HoldReason.OTHER)
    with pytest.raises(ValidationError, match="扣留"):
        services.qc_record(
            actor=clerk, order=order, line=order.lines.get(), result="pass"
        )


def test_more_units_than_the_line_has_cannot_pass(ready_order, clerk):
    order = ready_order(quantity=2)
    line = order.lines.get()
    services.qc_record(actor=clerk, order=order, line=line, result="pass", quantity=1)
    with pytest.raises(ValidationError, match="1 到 1"):
        services.qc_record(
            actor=clerk, order=order, line=line, result="pass", quantity=2
        )
    services.qc_record(actor=clerk, order=order, line=line, result="pass")
    assert [s.state for s in selectors.qc_status(order)] == ["passed"]


def test_an_unreserved_order_cannot_be_checked(make_sku, make_paid_order, clerk):
    order = make_paid_order((make_sku(), 1))
    with pytest.raises(ValidationError, match="预留"):
        services.qc_record(
            actor=clerk, order=order, line=order.lines.get(), result="pass"
        )


# --- the shipping service refuses --------------------------------------------------


def test_shipping_is_refused_without_a_quality_check(ready_order, clerk):
    order = ready_order(quantity=1, stock=3)
    with pytest.raises(ValidationError, match="质检未通过.*未质检"):
        services.shipment_create(
            actor=clerk, order=order, courier="ZTO", tracking_no=ZTO_NO
        )
    assert_not_shipped(order, on_hand=3)


def test_shipping_is_refused_when_only_some_units_passed(ready_order, clerk):
    order = ready_order(quantity=2, stock=3)
    services.qc_record(
        actor=clerk, order=order, line=order.lines.get(), result="pass", quantity=1
    )
    with pytest.raises(ValidationError, match="部分已检"):
        services.shipment_create(
            actor=clerk, order=order, courier="ZTO", tracking_no=ZTO_NO
        )
    assert_not_shipped(order, on_hand=3)


def test_shipping_is_refused_after_a_failed_check_even_once_the_hold_is_released(
    ready_order, clerk, people
):
    # given a failed unit: the order is held
    order = ready_order(quantity=1, stock=3)
    line = order.lines.get()
    services.qc_record(
        actor=clerk, order=order, line=line, result="fail", defect_reason="expired"
    )
    with pytest.raises(ValidationError, match="扣留"):
        services.shipment_create(
            actor=clerk, order=order, courier="ZTO", tracking_no=ZTO_NO
        )
    # when the evening shift settles it and logistics releases the hold
    hold_release(actor=people.logistics.user, hold=order.holds.get())
    # then the failed check still refuses the shipment
    with pytest.raises(ValidationError, match="质检未通过.*不合格"):
        services.shipment_create(
            actor=clerk, order=order, courier="ZTO", tracking_no=ZTO_NO
        )
    assert_not_shipped(order, on_hand=3)
    # until the replacement unit is checked and passes
    services.qc_record(actor=clerk, order=order, line=line, result="pass")
    services.shipment_create(
        actor=clerk, order=order, courier="ZTO", tracking_no=ZTO_NO
    )
    order.refresh_from_db()
    assert order.status == Order.Status.SHIPPED
    # the quarantined unit stays aside: 3 on hand − 1 shipped, 1 quarantined
    assert quantities(level_of(order)) == (2, 0, 1)


def test_shipping_is_refused_while_the_order_is_held(passed_order, clerk):
    order = passed_order(stock=3)
    order_hold(actor=clerk, order=order, reason=HoldReason.OUT_OF_STOCK)
    with pytest.raises(ValidationError, match="扣留"):
        services.shipment_create(
            actor=clerk, order=order, courier="ZTO", tracking_no=ZTO_NO
        )
    assert_not_shipped(order, on_hand=3)


def test_shipping_is_refused_for_a_number_of_another_courier(passed_order, clerk):
    order = passed_order(stock=3)
    with pytest.raises(ValidationError, match="格式"):
        services.shipment_create(
            actor=clerk, order=order, courier="SF", tracking_no=ZTO_NO
        )
    assert_not_shipped(order, on_hand=3)


def test_a_tracking_number_ships_one_order_only(passed_order, clerk):
    first, second = passed_order(), passed_order()
    services.shipment_create(
        actor=clerk, order=first, courier="ZTO", tracking_no=ZTO_NO
    )
    with pytest.raises(ValidationError, match=first.order_no):
        services.shipment_create(
            actor=clerk, order=second, courier="ZTO", tracking_no=ZTO_NO
        )
    with pytest.raises(ValidationError, match="不能发货"):
        services.shipment_create(
            actor=clerk, order=first, courier="ZTO", tracking_no="781234567890124"
        )


# --- shipping -----------------------------------------------------------------------


def test_shipping_ships_the_order_and_consumes_the_reservation(
    passed_order, clerk, frozen_clock
):
    when = frozen_clock("2025-06-10 16:30")
    order = passed_order(quantity=2, stock=5)
    shipment = services.shipment_create(
        actor=clerk, order=order, courier="sf", tracking_no="sf 1234 5678 90123"
    )
    order.refresh_from_db()
    assert (order.status, order.shipped_at) == (Order.Status.SHIPPED, when)
    assert (order.courier, order.tracking_no) == ("顺丰速运", "SF1234567890123")
    assert (shipment.courier, shipment.shipped_by) == ("SF", clerk)
    # the stock left: on hand down by two, nothing reserved any more
    assert quantities(level_of(order)) == (3, 0, 0)
    assert set(
        Reservation.objects.filter(line__order=order).values_list("state", flat=True)
    ) == {Reservation.State.SHIPPED}
    shipped = Movement.objects.get(kind=Movement.Kind.SHIPMENT)
    assert (shipped.on_hand_delta, shipped.reference) == (-2, "SF1234567890123")
    # the order's history and the audit trail say who shipped it
    change = OrderStatusChange.objects.get(order=order)
    assert (change.status_from, change.status_to, change.actor) == (
        "paid",
        "shipped",
        clerk,
    )
    entry = AuditEntry.objects.get(verb="shipment.create")
    assert entry.actor == clerk
    assert entry.changes["tracking_no"] == "SF1234567890123"


def test_a_failure_midway_leaves_nothing_half_done(passed_order, clerk, monkeypatch):
    order = passed_order(stock=3)

    def broken(**kwargs):
        raise RuntimeError("audit store down")

    monkeypatch.setattr(services, "audit_record", broken)
    with pytest.raises(RuntimeError):
        services.shipment_create(
            actor=clerk, order=order, courier="ZTO", tracking_no=ZTO_NO
        )
    assert_not_shipped(order, on_hand=3)
    assert not OrderStatusChange.objects.filter(order=order).exists()


# --- reserving and pick lists -----------------------------------------------------


def test_pick_list_lines_walk_by_location_then_sku(
    make_sku, put_away, make_paid_order, clerk
):
    # given SKUs on three shelf places (codes sort A-01 < A-02 < B-01)
    tent, pole, peg, mat = (
        make_sku(c) for c in ("PK-TENT", "PK-POLE", "PK-PEG", "PK-MAT")
    )
    put_away(tent, 10, location="B-01-01")
    put_away(pole, 10, location="A-02-03")
    put_away(peg, 10, location="A-02-03")
    put_away(mat, 10, location="A-01-05")
    first = make_paid_order((tent, 1), (pole, 2))
    second = make_paid_order((peg, 4), (tent, 1), (mat, 1))
    summary = services.orders_reserve_waiting(actor=clerk)
    assert sorted(summary.reserved) == sorted([first.order_no, second.order_no])
    # when a wave is picked
    pick_list = services.pick_list_create(actor=clerk)
    # then the picker walks place by place, SKUs in order within a place
    lines = [
        (line.location_code, line.outer_code, line.quantity, line.order_quantities)
        for line in pick_list.lines.order_by("position")
    ]
    assert lines == [
        ("A-01-05", "PK-MAT", 1, {second.order_no: 1}),
        ("A-02-03", "PK-PEG", 4, {second.order_no: 4}),
        ("A-02-03", "PK-POLE", 2, {first.order_no: 2}),
        ("B-01-01", "PK-TENT", 2, {first.order_no: 1, second.order_no: 1}),
    ]
    assert [o.order_no for o in selectors.pick_list_orders(pick_list)] == [
        first.order_no,
        second.order_no,
    ]


def test_a_wave_takes_only_reserved_unheld_orders_not_on_an_open_list(
    ready_order, make_sku, make_paid_order, clerk
):
    picked, held = ready_order(), ready_order()
    order_hold(actor=clerk, order=held, reason=HoldReason.OTHER)
    unreserved = make_paid_order((make_sku(), 1))
    first = services.pick_list_create(actor=clerk)
    assert list(first.orders.all()) == [picked]
    fresh = ready_order()
    second = services.pick_list_create(actor=clerk)
    assert list(second.orders.all()) == [fresh]
    with pytest.raises(ValidationError, match="没有待拣货"):
        services.pick_list_create(actor=clerk)
    # closing a list lets its unshipped orders go on a later wave
    services.pick_list_close(actor=clerk, pick_list=first)
    assert list(services.pick_list_create(actor=clerk).orders.all()) == [picked]
    assert unreserved not in selectors.orders_waiting_to_pack()


def test_shipping_the_last_order_of_a_pick_list_completes_it(passed_order, clerk):
    orders = [passed_order(), passed_order()]
    pick_list = services.pick_list_create(actor=clerk)
    numbers = [ZTO_NO, "781234567890124"]
    for order, number in zip(orders, numbers, strict=True):
        pick_list.refresh_from_db()
        assert pick_list.state == PickList.State.OPEN
        services.shipment_create(
            actor=clerk, order=order, courier="ZTO", tracking_no=number
        )
    pick_list.refresh_from_db()
    assert pick_list.state == PickList.State.DONE
    assert pick_list.shipments.count() == 2


def test_reserving_holds_the_orders_short_of_stock(
    make_sku, put_away, make_paid_order, clerk, people
):
    sku = make_sku()
    put_away(sku, 1)
    served, short = make_paid_order((sku, 1)), make_paid_order((sku, 1))
    summary = services.orders_reserve_waiting(actor=clerk)
    assert summary.reserved == [served.order_no]
    assert summary.short == {short.order_no: {sku.outer_code: 1}}
    assert short.holds.get().reason == HoldReason.OUT_OF_STOCK
    assert Notification.objects.filter(recipient=people.evening.user).count() == 1


# --- courier delays -----------------------------------------------------------------


def test_a_courier_delay_holds_exactly_the_unshipped_orders_of_that_courier_and_province(
    make_sku, make_paid_order, clerk, people
):
    sku = make_sku()
    concerned = [
        make_paid_order((sku, 1), courier="中通快递", province="浙江省"),
        make_paid_order((sku, 1), courier="中通", province="浙江省"),  # same courier
    ]
    other_province = make_paid_order((sku, 1), courier="中通快递", province="广东省")
    other_courier = make_paid_order((sku, 1), courier="顺丰速运", province="浙江省")
    shipped = make_paid_order((sku, 1), courier="中通快递", province="浙江省")
    Order.objects.filter(pk=shipped.pk).update(status=Order.Status.SHIPPED)
    unpaid = make_paid_order((sku, 1), courier="中通快递", province="浙江省")
    Order.objects.filter(pk=unpaid.pk).update(status=Order.Status.AWAITING_PAYMENT)

    delay = services.courier_delay_declare(
        actor=people.logistics.user, courier="ZTO", province="浙江省", note="暴雨停运"
    )

    held = Hold.objects.filter(reason=HoldReason.COURIER_DELAY)
    assert {h.order_id for h in held} == {o.pk for o in concerned}
    assert set(delay.holds.all()) == set(held)
    assert {h.note for h in held} == {"暴雨停运"}
    for order in (other_province, other_courier, shipped, unpaid):
        assert not order.holds.exists()
    titles = Notification.objects.filter(recipient=people.evening.user).values_list(
        "title", flat=True
    )
    assert sorted(titles) == sorted(
        f"待告知买家：订单 {o.order_no}（快递延误）" for o in concerned
    )
    # one delay per courier and province at a time
    with pytest.raises(ValidationError, match="已登记"):
        services.courier_delay_declare(
            actor=people.logistics.user, courier="ZTO", province="浙江省"
        )


def test_a_delayed_courier_cannot_ship_and_lifting_releases_its_holds(
    passed_order, clerk, people
):
    order = passed_order(province="广东省")
    delay = services.courier_delay_declare(actor=people.logistics.user, courier="YTO")
    assert delay.holds.count() == 0  # the order is ZTO's
    with pytest.raises(ValidationError, match="延误"):
        services.shipment_create(
            actor=clerk, order=order, courier="YTO", tracking_no="YT1234567890123"
        )
    zto = services.courier_delay_declare(
        actor=people.logistics.user, courier="ZTO", province="广东省"
    )
    nationwide = services.courier_delay_declare(
        actor=people.logistics.user, courier="ZTO"
    )
    # the nationwide delay takes on the hold the province's delay made
    assert list(zto.holds.all()) == list(nationwide.holds.all()) == [order.holds.get()]
    # lifting the province's delay keeps the hold: the nationwide one still covers it
    services.courier_delay_lift(actor=people.logistics.user, delay=zto)
    assert order.holds.filter(released_at__isnull=True).exists()
    # lifting the last delay that covers the order releases it
    services.courier_delay_lift(actor=people.logistics.user, delay=nationwide)
    assert not order.holds.filter(released_at__isnull=True).exists()
    zto = CourierDelay.objects.get(pk=zto.pk)
    assert not zto.active
    with pytest.raises(ValidationError, match="已解除"):
        services.courier_delay_lift(actor=people.logistics.user, delay=zto)


def test_lifting_a_delay_releases_the_holds_it_made(make_sku, make_paid_order, people):
    order = make_paid_order((make_sku(), 1), courier="韵达快递")
    delay = services.courier_delay_declare(actor=people.logistics.user, courier="YUNDA")
    services.courier_delay_lift(actor=people.logistics.user, delay=delay)
    hold = order.holds.get()
    assert hold.released_at is not None
    order.refresh_from_db()
    assert order.flag is None


def test_orders_paid_after_the_delay_are_held_when_applied_again(
    make_sku, make_paid_order, people
):
    delay = services.courier_delay_declare(actor=people.logistics.user, courier="STO")
    late = make_paid_order((make_sku(), 1), courier="申通快递")
    assert services.courier_delay_apply(actor=people.logistics.user, delay=delay) == 1
    assert late.holds.get().reason == HoldReason.COURIER_DELAY


# --- hand-off problems --------------------------------------------------------------


def test_a_hand_off_problem_is_logged(passed_order, clerk):
    order = passed_order()
    problem = services.handoff_problem_record(
        actor=clerk, courier="ZTO", kind="late_pickup", note="17:00 才来", order=order
    )
    assert (problem.courier, problem.kind, problem.order) == (
        "ZTO",
        "late_pickup",
        order,
    )
    assert AuditEntry.objects.filter(verb="handoff_problem.record").exists()
    with pytest.raises(ValidationError):
        services.handoff_problem_record(actor=clerk, courier="ZTO", kind="aliens")
    assert HandoffProblem.objects.count() == 1


def test_the_order_is_locked_before_it_is_written(passed_order, clerk):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    if connection.vendor != "postgresql":
        pytest.skip("SQLite's IMMEDIATE transactions lock the whole database")
    order = passed_order()
    with CaptureQueriesContext(connection) as queries:
        services.shipment_create(
            actor=clerk, order=order, courier="ZTO", tracking_no=ZTO_NO
        )
    sql = [q["sql"] for q in queries]
    lock = next(
        i for i, s in enumerate(sql) if 'FROM "orders_order"' in s and "FOR UPDATE" in s
    )
    write = next(i for i, s in enumerate(sql) if s.startswith('UPDATE "orders_order"'))
    level_lock = next(
        i
        for i, s in enumerate(sql)
        if 'FROM "stock_stocklevel"' in s and "FOR UPDATE" in s
    )
    level_write = next(
        i for i, s in enumerate(sql) if s.startswith('UPDATE "stock_stocklevel"')
    )
    assert lock < level_lock < level_write < write
