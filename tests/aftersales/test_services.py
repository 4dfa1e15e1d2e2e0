"""After-sales services: the evening outcome that raises one, raising, confirming
(the order's refund bookkeeping, closing) and rejecting."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError

from shopops.aftersales import services as aftersales_services
from shopops.aftersales.models import AfterSale
from shopops.core.models import Notification
from shopops.orders import services
from shopops.orders.models import HoldReason, Order
from tests.orders.test_services import audit_verbs

pytestmark = pytest.mark.django_db


def test_outcome_refund_raises_an_after_sale_for_logistics(make_order, people):
    order = make_order(paid_amount=Decimal("120.50"))
    hold = services.order_hold(
        actor=people.logistics.user, order=order, reason=HoldReason.OUT_OF_STOCK
    )
    aftersales_services.hold_outcome_record(
        actor=people.evening.user, hold=hold, outcome="refund", note="买家要退款"
    )
    after_sale = AfterSale.objects.get()
    assert after_sale.kind == AfterSale.Kind.REFUND_ONLY
    assert after_sale.amount == Decimal("120.50")  # the paid amount by default
    assert after_sale.hold == hold
    assert after_sale.state == AfterSale.State.REQUESTED
    assert after_sale.raised_by == people.evening.user
    order.refresh_from_db()
    assert order.refund_state == Order.RefundState.REQUESTED
    assert audit_verbs()[-2:] == ["hold.outcome", "after_sale.raise"]
    # logistics is told
    assert Notification.objects.filter(
        recipient=people.logistics.user,
        content_type=ContentType.objects.get_for_model(AfterSale),
        object_id=str(after_sale.pk),
    ).exists()


def test_outcome_refund_of_a_part(make_order, people):
    order = make_order(paid_amount=Decimal("300.00"))
    hold = services.order_hold(
        actor=people.logistics.user, order=order, reason=HoldReason.QUALITY
    )
    aftersales_services.hold_outcome_record(
        actor=people.evening.user,
        hold=hold,
        outcome="refund",
        refund_amount=Decimal("50"),
    )
    assert AfterSale.objects.get().amount == Decimal("50.00")


def test_outcome_exchange_needs_a_sku(make_order, make_sku, people):
    order = make_order()
    hold = services.order_hold(
        actor=people.logistics.user, order=order, reason=HoldReason.CANNOT_BUY
    )
    with pytest.raises(ValidationError, match="SKU"):
        aftersales_services.hold_outcome_record(
            actor=people.evening.user, hold=hold, outcome="exchange"
        )
    hold.refresh_from_db()
    assert hold.outcome == ""
    assert hold.handled_at is None
    assert not AfterSale.objects.exists()

    sku = make_sku("TENT-2P-GRN")
    aftersales_services.hold_outcome_record(
        actor=people.evening.user,
        hold=hold,
        outcome="exchange",
        exchange_sku=sku,
        exchange_quantity=2,
    )
    after_sale = AfterSale.objects.get()
    assert after_sale.kind == AfterSale.Kind.EXCHANGE
    assert (after_sale.exchange_sku, after_sale.exchange_quantity) == (sku, 2)
    assert after_sale.amount == Decimal("0.00")
    order.refresh_from_db()
    assert order.refund_state == ""  # an exchange is no refund


def test_confirm_a_partial_refund_updates_the_amounts(
    make_order, people, assert_rollups_clean
):
    order = make_order(paid_amount=Decimal("200.00"))
    after_sale = aftersales_services.after_sale_raise(
        actor=people.cs.user,
        order=order,
        kind="return_refund",
        reason="尺码不合适",
        amount=Decimal("80.00"),
    )
    aftersales_services.after_sale_confirm(
        actor=people.logistics.user, after_sale=after_sale, note="已收到退货"
    )
    order.refresh_from_db()
    after_sale.refresh_from_db()
    assert after_sale.state == AfterSale.State.CONFIRMED
    assert after_sale.decided_by == people.logistics.user
    assert order.refunded_amount == Decimal("80.00")
    assert order.refund_state == Order.RefundState.PARTIAL
    assert order.status == Order.Status.PAID
    assert_rollups_clean()
    change = order.history.get(note__startswith="确认退款")
    assert change.changes["refunded_amount"] == ["0.00", "80.00"]
    assert audit_verbs() == ["after_sale.raise", "after_sale.confirm"]
    # the raiser hears back
    assert Notification.objects.filter(
        recipient=people.cs.user, title__contains="售后已确认"
    ).exists()
    # a second decision is refused
    with pytest.raises(ValidationError, match="已处理"):
        aftersales_services.after_sale_confirm(
            actor=people.logistics.user, after_sale=after_sale
        )


def test_a_full_refund_of_an_unshipped_order_closes_it_and_releases_holds(
    make_order, people, assert_rollups_clean
):
    order = make_order(paid_amount=Decimal("99.90"))
    hold = services.order_hold(
        actor=people.logistics.user, order=order, reason=HoldReason.OUT_OF_STOCK
    )
    aftersales_services.hold_outcome_record(
        actor=people.evening.user, hold=hold, outcome="refund"
    )
    aftersales_services.after_sale_confirm(
        actor=people.logistics.user, after_sale=AfterSale.objects.get()
    )
    order.refresh_from_db()
    hold.refresh_from_db()
    assert order.status == Order.Status.CLOSED
    assert order.refund_state == Order.RefundState.REFUNDED
    assert order.refunded_amount == Decimal("99.90")
    assert order.flag is None  # its holds are gone, so is their flag
    assert not hold.active
    assert hold.released_by == people.logistics.user
    assert_rollups_clean()
    change = order.history.get(note__startswith="确认退款")
    assert (change.status_from, change.status_to) == ("paid", "closed")


def test_a_full_refund_of_a_shipped_order_keeps_its_status(
    make_order, people, assert_rollups_clean
):
    order = make_order(status=Order.Status.SHIPPED, paid_amount=Decimal("50.00"))
    after_sale = aftersales_services.after_sale_raise(
        actor=people.cs.user,
        order=order,
        kind="return_refund",
        reason="退货",
        amount=Decimal("50.00"),
    )
    aftersales_services.after_sale_confirm(
        actor=people.logistics.user, after_sale=after_sale
    )
    order.refresh_from_db()
    assert order.status == Order.Status.SHIPPED
    assert order.refund_state == Order.RefundState.REFUNDED
    assert_rollups_clean()


def test_confirm_an_exchange_records_history(make_order, make_sku, people):
    order = make_order()
    after_sale = aftersales_services.after_sale_raise(
        actor=people.cs.user,
        order=order,
        kind="exchange",
        reason="换颜色",
        exchange_sku=make_sku("TENT-RED"),
        exchange_quantity=1,
    )
    aftersales_services.after_sale_confirm(
        actor=people.logistics.user, after_sale=after_sale
    )
    order.refresh_from_db()
    assert order.refunded_amount is None
    assert order.history.filter(note__contains="TENT-RED").exists()


def test_a_refund_above_what_is_refundable_is_refused(make_order, people):
    order = make_order(paid_amount=Decimal("100.00"), refunded_amount=Decimal("30.00"))
    with pytest.raises(ValidationError, match="超过可退金额"):
        aftersales_services.after_sale_raise(
            actor=people.cs.user,
            order=order,
            kind="refund_only",
            reason="少发",
            amount=Decimal("70.01"),
        )
    with pytest.raises(ValidationError, match="大于 0"):
        aftersales_services.after_sale_raise(
            actor=people.cs.user,
            order=order,
            kind="refund_only",
            reason="少发",
            amount=Decimal("0"),
        )
    assert not AfterSale.objects.exists()
    aftersales_services.after_sale_raise(
        actor=people.cs.user,
        order=order,
        kind="refund_only",
        reason="少发",
        amount=Decimal("70.00"),
    )


def test_confirming_two_refunds_never_refunds_more_than_was_paid(make_order, people):
    order = make_order(paid_amount=Decimal("100.00"))
    first, second = (
        aftersales_services.after_sale_raise(
            actor=people.cs.user,
            order=order,
            kind="refund_only",
            reason="重复提交",
            amount=Decimal("100.00"),
        )
        for _ in range(2)
    )
    aftersales_services.after_sale_confirm(
        actor=people.logistics.user, after_sale=first
    )
    with pytest.raises(ValidationError, match="超过可退金额"):
        aftersales_services.after_sale_confirm(
            actor=people.logistics.user, after_sale=second
        )
    order.refresh_from_db()
    assert order.refunded_amount == Decimal("100.00")
    second.refresh_from_db()
    assert second.state == AfterSale.State.REQUESTED  # logistics rejects it


def test_an_after_sale_needs_a_reason_and_a_known_kind(make_order, people):
    order = make_order()
    with pytest.raises(ValidationError, match="原因"):
        aftersales_services.after_sale_raise(
            actor=people.cs.user, order=order, kind="refund_only", reason=" "
        )
    with pytest.raises(ValidationError, match="未知售后类型"):
        aftersales_services.after_sale_raise(
            actor=people.cs.user, order=order, kind="gift", reason="x"
        )


def test_reject_needs_a_note_and_clears_the_requested_refund_state(make_order, people):
    order = make_order()
    after_sale = aftersales_services.after_sale_raise(
        actor=people.cs.user,
        order=order,
        kind="refund_only",
        reason="不想要了",
        amount=Decimal("10.00"),
    )
    with pytest.raises(ValidationError, match="驳回需要说明原因"):
        aftersales_services.after_sale_reject(
            actor=people.logistics.user, after_sale=after_sale, note="  "
        )
    aftersales_services.after_sale_reject(
        actor=people.logistics.user, after_sale=after_sale, note="已发货，走退货流程"
    )
    after_sale.refresh_from_db()
    order.refresh_from_db()
    assert after_sale.state == AfterSale.State.REJECTED
    assert after_sale.decision_note == "已发货，走退货流程"
    assert order.refund_state == ""
    assert audit_verbs() == ["after_sale.raise", "after_sale.reject"]
    assert Notification.objects.filter(
        recipient=people.cs.user, title__contains="售后被驳回"
    ).exists()


# --- complaints -------------------------------------------------------------------
