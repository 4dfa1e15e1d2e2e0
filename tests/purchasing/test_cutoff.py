"""The 18:00 cut-off (LOG-1.1) with a frozen clock: purchase orders once per supplier,
the operations manager told, acceptance after 18:00 going to tomorrow, the worklist."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError

from shopops.core.duties import registry
from shopops.core.models import Notification
from shopops.core.services import duties_tick
from shopops.purchasing import selectors, services
from shopops.purchasing.models import (
    PurchaseOrder,
    PurchaseSuggestion,
    SupplierPrice,
    SupplierTerms,
)
from tests.factories import at_local

pytestmark = pytest.mark.django_db

DAY = dt.date(2026, 11, 26)
TOMORROW = DAY + dt.timedelta(days=1)


def po_notices(user) -> list[Notification]:
    return list(
        Notification.objects.filter(
            recipient=user,
            content_type=ContentType.objects.get_for_model(PurchaseOrder),
        )
    )


@pytest.fixture
def two_suppliers(frozen_clock, make_supplier, make_sku, make_order):
    """Two suppliers, two SKUs each, every SKU wanted by a paid order of 4 at 09:00."""
    frozen_clock(f"{DAY} 09:00")
    north = make_supplier("north", lead_time_days=2)
    south = make_supplier("south", lead_time_days=5)
    SupplierTerms.objects.create(supplier=south, payment_terms="月结 30 天")
    skus = [make_sku(f"N{i}", supplier=north) for i in (1, 2)] + [
        make_sku(f"S{i}", supplier=south) for i in (1, 2)
    ]
    SupplierPrice.objects.create(supplier=north, sku=skus[0], price=Decimal("3.30"))
    for sku in skus:
        make_order((sku, 4))
    return north, south, skus


def test_the_duty_is_implemented_with_its_jobs():
    duty = registry.get("LOG-1.1")
    assert duty.implemented
    assert duty.jobs
    assert duty.deadline_jobs


def test_at_17_the_days_suggestions_are_built_and_counted_on_the_worklist(
    frozen_clock, two_suppliers, people
):
    duties_tick(at=frozen_clock(f"{DAY} 17:00:30"))
    assert PurchaseSuggestion.objects.filter(day=DAY).count() == 4
    worklist = registry.get("LOG-1.1").worklist(people.logistics.user, DAY)
    assert worklist.count == 4
    assert worklist.url.endswith(f"?day={DAY}")


def test_the_cutoff_makes_one_order_per_supplier_once_and_tells_the_ops_manager(
    frozen_clock, two_suppliers, people
):
    north, south, skus = two_suppliers
    frozen_clock(f"{DAY} 10:00")
    services.purchase_suggestions_build(day=DAY)
    user = people.logistics.user
    services.purchase_suggestions_accept_supplier(actor=user, day=DAY, supplier=north)
    services.purchase_suggestion_accept(
        actor=user, suggestion=PurchaseSuggestion.objects.get(sku=skus[2])
    )
    services.purchase_suggestion_set_quantity(
        actor=user, suggestion=PurchaseSuggestion.objects.get(sku=skus[2]), quantity=9
    )

    handled = duties_tick(at=frozen_clock(f"{DAY} 18:00:30"))
    again = duties_tick(at=frozen_clock(f"{DAY} 18:01:30"))

    assert "LOG-1.1@2026-11-26:deadline" in handled
    assert "LOG-1.1@2026-11-26:deadline" not in again
    orders = {o.supplier.code: o for o in PurchaseOrder.objects.all()}
    assert set(orders) == {"north", "south"}
    assert orders["north"].number == "PO20261126-north"
    assert orders["north"].state == PurchaseOrder.State.ORDERED
    assert orders["north"].cutoff_day == DAY
    assert orders["north"].ordered_at == at_local(f"{DAY} 18:00:30")
    assert orders["north"].expected_date == DAY + dt.timedelta(days=2)
    assert orders["south"].expected_date == DAY + dt.timedelta(days=5)
    assert orders["south"].payment_terms == "月结 30 天"
    assert {
        (line.sku.outer_code, line.quantity, line.unit_price)
        for o in orders.values()
        for line in o.lines.all()
    } == {
        ("N1", 4, Decimal("3.30")),
        ("N2", 4, Decimal("80.00")),
        ("S1", 9, Decimal("80.00")),  # the edited quantity
    }
    # the unaccepted suggestion stays open; the ordered ones point at their order
    assert not PurchaseSuggestion.objects.get(day=DAY, sku=skus[3]).ordered
    assert (
        PurchaseSuggestion.objects.get(day=DAY, sku=skus[0]).purchase_order
        == (orders["north"])
    )
    # the ops manager is told once per order, pointing at it; logistics is not
    notices = po_notices(people.ops.user)
    assert sorted(n.object_id for n in notices) == sorted(
        str(o.pk) for o in orders.values()
    )
    assert all(n.url == f"/purchasing/orders/{n.object_id}/" for n in notices)
    assert not po_notices(people.logistics.user)
    # tomorrow's suggestions are ready, counting today's orders as on order
    tomorrow = {
        s.sku.outer_code: s for s in PurchaseSuggestion.objects.filter(day=TOMORROW)
    }
    assert "S1" not in tomorrow  # 9 on order cover the 4 wanted and the reorder point
    assert tomorrow["N1"].on_order == 4
    assert tomorrow["S2"].on_order == 0


def test_running_the_cutoff_twice_creates_nothing_new(
    frozen_clock, two_suppliers, people
):
    north, south, _skus = two_suppliers
    frozen_clock(f"{DAY} 16:00")
    services.purchase_suggestions_build(day=DAY)
    services.purchase_suggestions_accept_supplier(
        actor=people.logistics.user, day=DAY, supplier=south
    )
    first = services.purchase_cutoff(day=DAY)
    second = services.purchase_cutoff(day=DAY)
    assert [o.supplier for o in first.created] == [south]
    assert second.created == second.extended == []
    assert PurchaseOrder.objects.count() == 1
    assert PurchaseOrder.objects.get().lines.count() == 2


def test_an_early_cutoff_then_the_18_00_one_add_to_the_same_order(
    frozen_clock, two_suppliers, people
):
    north, _south, skus = two_suppliers
    frozen_clock(f"{DAY} 16:00")
    services.purchase_suggestions_build(day=DAY)
    user = people.logistics.user
    services.purchase_suggestion_accept(
        actor=user, suggestion=PurchaseSuggestion.objects.get(sku=skus[0])
    )
    services.purchase_cutoff(day=DAY, actor=people.ops.user)
    services.purchase_suggestion_accept(
        actor=user, suggestion=PurchaseSuggestion.objects.get(sku=skus[1])
    )
    result = services.purchase_cutoff(day=DAY)
    assert [o.supplier for o in result.extended] == [north]
    assert PurchaseOrder.objects.get().lines.count() == 2


def test_after_18_00_building_and_accepting_target_tomorrow(
    frozen_clock, two_suppliers, people
):
    _north, south, skus = two_suppliers
    frozen_clock(f"{DAY} 12:00")
    services.purchase_suggestions_build(day=DAY)
    today_row = PurchaseSuggestion.objects.get(day=DAY, sku=skus[2])
    # at 18:30 the cut-off has passed
    frozen_clock(f"{DAY} 18:30")
    assert selectors.purchasing_day() == TOMORROW
    user = people.logistics.user
    # accepting today's row goes to tomorrow's purchase
    moved = services.purchase_suggestion_accept(actor=user, suggestion=today_row)
    assert moved.day == TOMORROW
    assert moved.accepted
    assert moved.reasoning["carried_from"] == str(DAY)
    today_row.refresh_from_db()
    assert not today_row.accepted
    # a whole supplier cannot be accepted for a day whose cut-off has passed
    with pytest.raises(ValidationError):
        services.purchase_suggestions_accept_supplier(
            actor=user, day=DAY, supplier=south
        )
    # tonight's tick for today orders nothing; tomorrow's 18:00 orders it
    duties_tick(at=frozen_clock(f"{DAY} 18:31"))
    assert not PurchaseOrder.objects.exists()
    duties_tick(at=frozen_clock(f"{TOMORROW} 18:00:30"))
    order = PurchaseOrder.objects.get()
    assert order.cutoff_day == TOMORROW
    assert [line.sku for line in order.lines.all()] == [skus[2]]


def test_the_worklist_after_18_00_counts_tomorrows_suggestions(
    frozen_clock, two_suppliers, people
):
    frozen_clock(f"{DAY} 18:10")
    services.purchase_suggestions_build(day=selectors.purchasing_day())
    worklist = registry.get("LOG-1.1").worklist(people.logistics.user, DAY)
    assert worklist.count == 4
    assert str(TOMORROW) in worklist.url


def test_suggestions_without_a_supplier_cannot_be_accepted(
    frozen_clock, make_sku, make_order, people
):
    frozen_clock(f"{DAY} 10:00")
    orphan = make_sku()
    make_order((orphan, 1))
    services.purchase_suggestions_build(day=DAY)
    with pytest.raises(ValidationError):
        services.purchase_suggestion_accept(
            actor=people.logistics.user,
            suggestion=PurchaseSuggestion.objects.get(sku=orphan),
        )


def test_an_ordered_suggestion_cannot_change(frozen_clock, two_suppliers, people):
    north, _south, skus = two_suppliers
    frozen_clock(f"{DAY} 10:00")
    services.purchase_suggestions_build(day=DAY)
    user = people.logistics.user
    services.purchase_suggestions_accept_supplier(actor=user, day=DAY, supplier=north)
    services.purchase_cutoff(day=DAY)
    row = PurchaseSuggestion.objects.get(sku=skus[0])
    with pytest.raises(ValidationError):
        services.purchase_suggestion_set_quantity(
            actor=user, suggestion=row, quantity=1
        )
    with pytest.raises(ValidationError):
        services.purchase_suggestion_accept(actor=user, suggestion=row, accepted=False)
