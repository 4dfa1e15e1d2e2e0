"""Goods a buyer sends back go back into stock when logistics confirms the return: to
the lot and shelf they shipped from, damaged units set aside, never more than shipped;
the refund and the goods move together. Through the service, the page and the API."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from shopops.aftersales.models import AfterSale
from shopops.aftersales.services import after_sale_confirm, after_sale_raise
from shopops.core.models import AuditEntry
from shopops.stock import services
from shopops.stock.models import Location, Movement, Reservation, StockLevel
from shopops.stock.services import ReturnedLine, default_location

from .ledger import assert_ledger_matches_levels

pytestmark = pytest.mark.django_db


@pytest.fixture
def shipped(make_sku, make_paid_order):
    """An order of 3 tents and a lamp, shipped: 2 tents from lot T1 on A-01 (its
    earlier expiry), 1 from lot T2 on B-01."""
    warehouse = default_location().warehouse
    a1 = Location.objects.create(warehouse=warehouse, code="A-01")
    b1 = Location.objects.create(warehouse=warehouse, code="B-01")
    tent, lamp = make_sku("TENT", shelf_life_days=3650), make_sku("LAMP")
    services.stock_receive(
        actor=None,
        sku=tent,
        quantity=2,
        location=a1,
        lot_no="T1",
        expiry_date=default_expiry(1),
    )
    services.stock_receive(
        actor=None,
        sku=tent,
        quantity=5,
        location=b1,
        lot_no="T2",
        expiry_date=default_expiry(2),
    )
    services.stock_receive(actor=None, sku=lamp, quantity=1, location=a1)
    order = make_paid_order((tent, 3), (lamp, 1))
    assert services.stock_reserve_order(actor=None, order=order).reserved
    services.stock_ship_order(actor=None, order=order)
    return order


def default_expiry(years: int) -> dt.date:
    return dt.date(2030 + years, 1, 1)


def _line(order, code):
    return order.lines.get(outer_code=code)


def _level(code: str, place: str) -> StockLevel:
    return StockLevel.objects.get(sku__outer_code=code, location__code=place)


def _return_request(
    order, actor, kind=AfterSale.Kind.RETURN_REFUND, amount: str = "99.00"
):
    exchange = kind == AfterSale.Kind.EXCHANGE
    return after_sale_raise(
        actor=actor,
        order=order,
        kind=kind,
        amount=Decimal("0.00") if exchange else Decimal(amount),
        reason="尺码不合适",
        exchange_sku=order.lines.get(outer_code="LAMP").sku if exchange else None,
        exchange_quantity=1 if exchange else 0,
    )


def test_returned_units_go_back_where_they_shipped_from(shipped):
    tent = _line(shipped, "TENT")
    movements = services.stock_return_order(
        actor=None,
        order=shipped,
        lines=[ReturnedLine(tent.pk, good=2, damaged=1)],
        reason="七天无理由",
    )
    # T1 on A-01 (2 units, shipped first) gets 2 back, the damaged one set aside
    # there; T2 on B-01 the last one
    a1, b1 = _level("TENT", "A-01"), _level("TENT", "B-01")
    assert (a1.on_hand, a1.quarantined, a1.available) == (2, 1, 1)
    assert (b1.on_hand, b1.quarantined, b1.available) == (5, 0, 5)
    assert {m.kind for m in movements} == {Movement.Kind.RETURN}
    assert all(m.order_id == shipped.pk for m in movements)
    assert sum(r.returned_quantity for r in Reservation.objects.filter(line=tent)) == 3
    assert AuditEntry.objects.get(verb="stock.return").changes["lines"] == {
        "TENT": [2, 1]
    }
    assert_ledger_matches_levels()


def test_never_more_than_shipped_and_nothing_changes_when_refused(shipped):
    tent, lamp = _line(shipped, "TENT"), _line(shipped, "LAMP")
    services.stock_return_order(
        actor=None, order=shipped, lines=[ReturnedLine(tent.pk, good=1)]
    )
    before = Movement.objects.count()
    with pytest.raises(ValidationError) as caught:
        services.stock_return_order(
            actor=None,
            order=shipped,
            lines=[ReturnedLine(lamp.pk, good=1), ReturnedLine(tent.pk, good=3)],
        )
    assert caught.value.messages == ["TENT：最多可退回 2 件"]
    assert Movement.objects.count() == before  # not even the lamp
    with pytest.raises(ValidationError, match="请填写退回的件数"):
        services.stock_return_order(actor=None, order=shipped, lines=[])


def test_an_unshipped_line_has_nothing_to_return(make_sku, make_paid_order):
    sku = make_sku("MUG")
    services.stock_receive(actor=None, sku=sku, quantity=1)
    order = make_paid_order((sku, 1))
    services.stock_reserve_order(actor=None, order=order)
    with pytest.raises(ValidationError, match="MUG：最多可退回 0 件"):
        services.stock_return_order(
            actor=None,
            order=order,
            lines=[ReturnedLine(order.lines.get().pk, good=1)],
        )


def test_confirming_a_return_refunds_and_restocks_together(shipped, make_staff):
    cs, logistics = make_staff("customer_service"), make_staff("logistics")
    request = _return_request(shipped, cs.user)
    lamp = _line(shipped, "LAMP")

    after_sale_confirm(
        actor=logistics.user,
        after_sale=request,
        note="退货已签收",
        returned=[ReturnedLine(lamp.pk, good=1)],
    )

    shipped.refresh_from_db()
    assert shipped.refunded_amount == Decimal("99.00")
    assert _level("LAMP", "A-01").available == 1
    # a refused return leaves the money alone too
    again = _return_request(shipped, cs.user, amount="50.00")
    with pytest.raises(ValidationError):
        after_sale_confirm(
            actor=logistics.user,
            after_sale=again,
            returned=[ReturnedLine(lamp.pk, good=1)],
        )
    shipped.refresh_from_db()
    assert shipped.refunded_amount == Decimal("99.00")
    again.refresh_from_db()
    assert again.state == AfterSale.State.REQUESTED


def test_a_refund_only_request_takes_no_goods(shipped, make_staff):
    cs = make_staff("customer_service")
    request = _return_request(shipped, cs.user, kind=AfterSale.Kind.REFUND_ONLY)
    with pytest.raises(ValidationError, match="仅退款"):
        after_sale_confirm(
            actor=None,
            after_sale=request,
            returned=[ReturnedLine(_line(shipped, "LAMP").pk, good=1)],
        )


def test_the_after_sales_page_takes_the_returned_goods(client, shipped, make_staff):
    cs, logistics = make_staff("customer_service"), make_staff("logistics")
    request = _return_request(shipped, cs.user)
    tent = _line(shipped, "TENT")
    client.force_login(logistics.user)

    page = client.get("/orders/after-sales/").content.decode()
    # a return of a shipped order offers its lines, prefilled as all fit to sell
    assert 'data-testid="returned-goods" open' in page
    assert f'name="good_{tent.pk}" class="form-control form-control-sm" ' in page
    assert 'value="3" aria-label="完好 TENT"' in page

    refused = client.post(
        f"/orders/after-sales/{request.pk}/confirm/",
        {f"good_{tent.pk}": "x"},
        follow=True,
    )
    assert "TENT：退回件数必须是整数" in refused.content.decode()

    client.post(
        f"/orders/after-sales/{request.pk}/confirm/",
        {f"good_{tent.pk}": "2", f"damaged_{tent.pk}": "1", "note": "外箱破"},
    )
    request.refresh_from_db()
    assert request.state == AfterSale.State.CONFIRMED
    assert sum(lv.quarantined for lv in StockLevel.objects.filter(sku=tent.sku)) == 1
    assert sum(lv.available for lv in StockLevel.objects.filter(sku=tent.sku)) == 6
    assert_ledger_matches_levels()


def test_the_api_confirms_with_returned_goods(api_client, shipped, make_staff):
    cs, logistics = make_staff("customer_service"), make_staff("logistics")
    request = _return_request(shipped, cs.user, kind=AfterSale.Kind.EXCHANGE)
    lamp = _line(shipped, "LAMP")
    api_client.force_login(logistics.user)
    url = f"/api/v1/after-sales/{request.pk}/confirm"

    too_many = api_client.post(
        url,
        {"returned": [{"line_id": lamp.pk, "good": 2}]},
        content_type="application/json",
    )
    assert too_many.status_code == 422
    assert "LAMP：最多可退回 1 件" in too_many.json()["detail"]

    done = api_client.post(
        url,
        {"note": "换货", "returned": [{"line_id": lamp.pk, "damaged": 1}]},
        content_type="application/json",
    )
    assert done.status_code == 200, done.content
    assert done.json()["state"] == "confirmed"
    assert _level("LAMP", "A-01").quarantined == 1


def _stock_figures() -> list[tuple[str, str, int, int, int]]:
    return [
        (lv.sku.outer_code, lv.location.code, lv.on_hand, lv.reserved, lv.quarantined)
        for lv in StockLevel.objects.select_related("sku", "location").order_by("pk")
    ]


@pytest.mark.parametrize("role", ["customer_service", "finance", "shipping"])
def test_only_a_role_that_confirms_after_sales_takes_goods_back(
    client, shipped, make_staff, role
):
    cs = make_staff("customer_service")
    request = _return_request(shipped, cs.user)
    tent = _line(shipped, "TENT")
    before, movements = _stock_figures(), Movement.objects.count()
    client.force_login(make_staff(role).user)

    page = client.post(
        f"/orders/after-sales/{request.pk}/confirm/",
        {f"good_{tent.pk}": "2", f"damaged_{tent.pk}": "1"},
    )
    api = client.post(
        f"/api/v1/after-sales/{request.pk}/confirm",
        {"returned": [{"line_id": tent.pk, "good": 3}]},
        content_type="application/json",
        HTTP_ACCEPT="application/json",
    )

    assert (page.status_code, api.status_code) == (403, 403)
    request.refresh_from_db()
    assert request.state == AfterSale.State.REQUESTED
    assert (_stock_figures(), Movement.objects.count()) == (before, movements)
    assert not Reservation.objects.filter(returned_quantity__gt=0).exists()


def test_the_order_then_its_levels_are_locked_before_a_return_is_written(
    shipped, monkeypatch
):
    events: list[str] = []
    real_lock_order, real_lock, real_move = (
        services._lock_order,
        services.lock_levels,
        services._move,
    )

    def spy_lock_order(order):
        events.append("order")
        return real_lock_order(order)

    def spy_lock(**kwargs):
        events.append("levels")
        return real_lock(**kwargs)

    def spy_move(*args, **kwargs):
        events.append("write")
        return real_move(*args, **kwargs)

    monkeypatch.setattr(services, "_lock_order", spy_lock_order)
    monkeypatch.setattr(services, "lock_levels", spy_lock)
    monkeypatch.setattr(services, "_move", spy_move)
    services.stock_return_order(
        actor=None,
        order=shipped,
        lines=[ReturnedLine(_line(shipped, "TENT").pk, good=3)],
    )
    assert events[:3] == ["order", "levels", "write"]


def test_a_return_of_an_unshipped_order_offers_no_goods_and_confirms_as_before(
    client, make_sku, make_paid_order, make_staff
):
    sku = make_sku("MUG")
    services.stock_receive(actor=None, sku=sku, quantity=2)
    order = make_paid_order((sku, 1))
    services.stock_reserve_order(actor=None, order=order)
    request = after_sale_raise(
        actor=make_staff("customer_service").user,
        order=order,
        kind=AfterSale.Kind.RETURN_REFUND,
        amount=Decimal("199.00"),
        reason="不想要了",
    )
    client.force_login(make_staff("logistics").user)

    assert (
        'data-testid="returned-goods"'
        not in client.get("/orders/after-sales/").content.decode()
    )
    client.post(f"/orders/after-sales/{request.pk}/confirm/", {"note": "ok"})

    request.refresh_from_db()
    order.refresh_from_db()
    assert request.state == AfterSale.State.CONFIRMED
    assert order.refunded_amount == Decimal("199.00")
    assert not Movement.objects.filter(kind=Movement.Kind.RETURN).exists()


def test_the_after_sales_page_makes_a_bounded_number_of_queries(
    client, make_sku, make_paid_order, make_staff, django_assert_max_num_queries
):
    cs = make_staff("customer_service")
    skus = [make_sku(f"S{i}") for i in range(3)]
    for sku in skus:
        services.stock_receive(actor=None, sku=sku, quantity=50)
    for _ in range(12):
        order = make_paid_order(*((sku, 1) for sku in skus))
        services.stock_reserve_order(actor=None, order=order)
        services.stock_ship_order(actor=None, order=order)
        _return_request(order, cs.user)
    client.force_login(make_staff("logistics").user)

    # session, user, permissions, the queue, its lines, what the lines may return,
    # recently decided, the bell, …: none per request or per line
    with django_assert_max_num_queries(10):
        page = client.get("/orders/after-sales/").content.decode()
    assert page.count('data-testid="returned-goods"') == 12


def test_the_weekly_shipping_analysis_counts_the_week_s_returns(shipped, frozen_clock):
    from shopops.core.clock import IsoWeek
    from shopops.shipping.selectors import shipping_analysis_for_week

    tent, lamp = _line(shipped, "TENT"), _line(shipped, "LAMP")
    frozen_clock("2026-06-03 10:00")  # Wednesday of 2026-W23
    services.stock_return_order(
        actor=None, order=shipped, lines=[ReturnedLine(tent.pk, good=1, damaged=1)]
    )
    frozen_clock("2026-06-08 09:00")  # Monday of the week after
    services.stock_return_order(
        actor=None, order=shipped, lines=[ReturnedLine(lamp.pk, good=1)]
    )

    week = shipping_analysis_for_week(IsoWeek(2026, 23))
    assert [(r.outer_code, r.returned, r.damaged) for r in week.returns] == [
        ("TENT", 2, 1)
    ]
    assert week.returns[0].damaged_rate == Decimal("50.0")
    after = shipping_analysis_for_week(IsoWeek(2026, 24))
    assert [(r.outer_code, r.returned, r.damaged) for r in after.returns] == [
        ("LAMP", 1, 0)
    ]
