"""Order services: holds and flags, the evening outcome, after-sales, complaints."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError

from shopops.core.models import AuditEntry, Notification
from shopops.orders import services
from shopops.orders.models import (
    AfterSale,
    Complaint,
    Hold,
    HoldReason,
    HoldReasonSetting,
    Order,
    OrderStatusChange,
)

pytestmark = pytest.mark.django_db


ORDER_VERBS = ("order.", "hold.", "hold_reason.", "after_sale.", "complaint.")


def audit_verbs() -> list[str]:
    """Return the verbs the orders services wrote, oldest first."""
    verbs = AuditEntry.objects.order_by("pk").values_list("verb", flat=True)
    return [v for v in verbs if v.startswith(ORDER_VERBS)]


def notes_of(order: Order) -> list[str]:
    return list(order.history.values_list("note", flat=True))


def hold_notifications(user) -> list[Notification]:
    return list(
        Notification.objects.filter(
            recipient=user, content_type=ContentType.objects.get_for_model(Hold)
        )
    )


# --- holds --------------------------------------------------------------------


def test_hold_sets_the_reasons_flag_and_notifies_the_evening_shift(make_order, people):
    # given a paid order and the flag configured for "out of stock"
    order = make_order()
    flag = HoldReasonSetting.objects.get(reason=HoldReason.OUT_OF_STOCK).flag
    # when logistics holds it
    hold = services.order_hold(
        actor=people.logistics.user,
        order=order,
        reason=HoldReason.OUT_OF_STOCK,
        note="  下周一到货 ",
    )
    # then the order carries the reason's flag and the hold is active and unhandled
    order.refresh_from_db()
    assert order.flag == flag == hold.flag
    assert hold.active
    assert hold.outcome == ""
    assert hold.note == "下周一到货"
    assert hold.created_by == people.logistics.user
    # and each evening-shift customer service got a notification pointing at the hold
    for person in (people.evening, people.evening2):
        [note] = hold_notifications(person.user)
        assert note.object_id == str(hold.pk)
        assert order.order_no in note.title
    assert hold_notifications(people.cs.user) == []  # the day shift is not told
    # and the audit trail and the order's history record it
    assert audit_verbs() == ["order.hold"]
    change = OrderStatusChange.objects.get(order=order)
    assert change.source == OrderStatusChange.Source.SERVICE
    assert change.changes["flag"] == [None, flag]
    assert change.actor == people.logistics.user


def test_hold_with_an_owner_notifies_only_the_owner(make_order, people):
    order = make_order()
    services.order_hold(
        actor=people.logistics.user,
        order=order,
        reason=HoldReason.QUALITY,
        owner=people.evening2.user,
    )
    assert len(hold_notifications(people.evening2.user)) == 1
    assert hold_notifications(people.evening.user) == []


@pytest.mark.parametrize(
    "status",
    [Order.Status.AWAITING_PAYMENT, Order.Status.SHIPPED, Order.Status.CLOSED],
)
def test_a_hold_on_an_order_that_is_not_paid_and_unshipped_is_refused(
    make_order, people, status
):
    order = make_order(status=status)
    with pytest.raises(ValidationError):
        services.order_hold(
            actor=people.logistics.user, order=order, reason=HoldReason.QUALITY
        )
    assert not Hold.objects.exists()
    assert audit_verbs() == []
    order.refresh_from_db()
    assert order.flag is None


def test_an_unknown_reason_or_an_overlong_note_is_refused(make_order, people):
    order = make_order()
    with pytest.raises(ValidationError, match="未知扣留原因"):
        services.order_hold(actor=people.logistics.user, order=order, reason="rain")
    with pytest.raises(ValidationError, match="300"):
        services.order_hold(
            actor=people.logistics.user,
            order=order,
            reason=HoldReason.OTHER,
            note="长" * 301,
        )
    assert not Hold.objects.exists()


def test_one_active_hold_per_reason(make_order, people):
    order = make_order()
    actor = people.logistics.user
    first = services.order_hold(actor=actor, order=order, reason=HoldReason.QUALITY)
    # a second hold for the same reason is refused ...
    with pytest.raises(ValidationError, match="已因"):
        services.order_hold(actor=actor, order=order, reason=HoldReason.QUALITY)
    # ... another reason is not
    services.order_hold(actor=actor, order=order, reason=HoldReason.OUT_OF_STOCK)
    # and once released, the reason may hold the order again
    services.hold_release(actor=actor, hold=first)
    services.order_hold(actor=actor, order=order, reason=HoldReason.QUALITY)
    assert order.holds.filter(released_at__isnull=True).count() == 2


def test_bulk_hold_by_courier_skips_orders_already_held(make_order, make_shop, people):
    actor = people.logistics.user
    zto = [make_order(courier="中通快递") for _ in range(3)]
    make_order(courier="圆通速递")
    make_order(courier="中通快递", status=Order.Status.SHIPPED)
    services.order_hold(actor=actor, order=zto[0], reason=HoldReason.COURIER_DELAY)

    holds = services.order_hold_bulk(
        actor=actor, reason=HoldReason.COURIER_DELAY, courier="中通快递", note="暴雪"
    )

    assert sorted(h.order_id for h in holds) == sorted(o.pk for o in zto[1:])
    assert all(h.note == "暴雪" for h in holds)
    assert Hold.objects.filter(reason=HoldReason.COURIER_DELAY).count() == 3
    assert audit_verbs().count("order.hold_bulk") == 1
    # a second run holds nothing new
    assert (
        services.order_hold_bulk(
            actor=actor, reason=HoldReason.COURIER_DELAY, courier="中通快递"
        )
        == []
    )


def test_bulk_hold_by_province_in_one_shop(make_order, make_shop, people):
    other_shop = make_shop(code="second")
    mine = [make_order(province="新疆维吾尔自治区") for _ in range(2)]
    make_order(province="新疆维吾尔自治区", shop_=other_shop)
    make_order(province="浙江省")

    holds = services.order_hold_bulk(
        actor=people.logistics.user,
        reason=HoldReason.COURIER_DELAY,
        province="新疆维吾尔自治区",
        shop_id=mine[0].shop_id,
    )

    assert sorted(h.order_id for h in holds) == sorted(o.pk for o in mine)
    flag = HoldReasonSetting.objects.get(reason=HoldReason.COURIER_DELAY).flag
    assert set(Order.objects.filter(flag=flag).values_list("pk", flat=True)) == {
        o.pk for o in mine
    }


def test_bulk_hold_needs_a_courier_or_a_province(people):
    with pytest.raises(ValidationError):
        services.order_hold_bulk(
            actor=people.logistics.user, reason=HoldReason.COURIER_DELAY
        )


def test_release_clears_the_flag_only_when_the_last_hold_goes(make_order, people):
    actor = people.logistics.user
    order = make_order()
    quality = services.order_hold(actor=actor, order=order, reason=HoldReason.QUALITY)
    stock = services.order_hold(
        actor=actor, order=order, reason=HoldReason.OUT_OF_STOCK
    )
    order.refresh_from_db()
    assert order.flag == stock.flag

    services.hold_release(actor=actor, hold=stock, note="到货了")
    order.refresh_from_db()
    assert order.flag == quality.flag  # the remaining hold's flag

    services.hold_release(actor=actor, hold=quality)
    order.refresh_from_db()
    assert order.flag is None
    stock.refresh_from_db()
    assert stock.released_by == actor
    assert stock.released_at is not None
    assert audit_verbs().count("hold.release") == 2
    assert "解除扣留：缺货" in notes_of(order)
    # releasing twice is refused
    with pytest.raises(ValidationError, match="已解除"):
        services.hold_release(actor=actor, hold=stock)


def test_a_held_order_cannot_ship_until_released(make_order, people):
    order = make_order()
    services.order_assert_shippable(order)  # paid, not held: fine
    hold = services.order_hold(
        actor=people.logistics.user, order=order, reason=HoldReason.QUALITY
    )
    with pytest.raises(ValidationError, match="被扣留"):
        services.order_assert_shippable(order)
    services.hold_release(actor=people.logistics.user, hold=hold)
    services.order_assert_shippable(order)
    with pytest.raises(ValidationError, match="不能发货"):
        services.order_assert_shippable(make_order(status=Order.Status.SHIPPED))


def test_the_message_fills_the_reasons_template(make_order, people):
    order = make_order(receiver_name="张三")
    services.hold_reason_setting_update(
        actor=people.ops.user,
        reason=HoldReason.OTHER,
        flag=Order.Flag.PURPLE,
        message_template="{receiver}您好，订单 {order_no}：{note}",
    )
    hold = services.order_hold(
        actor=people.logistics.user, order=order, reason="other", note="仓库盘点"
    )
    assert hold.flag == Order.Flag.PURPLE
    settings_by_reason = {s.reason: s for s in HoldReasonSetting.objects.all()}
    assert (
        services.hold_message(hold, settings_by_reason)
        == f"张三您好，订单 {order.order_no}：仓库盘点"
    )
    assert "hold_reason.update" in audit_verbs()


def test_a_hold_reason_setting_needs_a_known_flag_and_a_template(people):
    with pytest.raises(ValidationError):
        services.hold_reason_setting_update(
            actor=people.ops.user, reason="other", flag=9, message_template="x"
        )
    with pytest.raises(ValidationError):
        services.hold_reason_setting_update(
            actor=people.ops.user, reason="other", flag=1, message_template="  "
        )


# --- the evening outcome -------------------------------------------------------


def test_outcome_informed_marks_the_hold_handled(make_order, people):
    hold = services.order_hold(
        actor=people.logistics.user, order=make_order(), reason=HoldReason.QUALITY
    )
    services.hold_record_outcome(
        actor=people.evening.user, hold=hold, outcome="agreed_to_wait", note="可以等"
    )
    hold.refresh_from_db()
    assert hold.outcome == Hold.Outcome.AGREED_TO_WAIT
    assert hold.handled_by == people.evening.user
    assert hold.handled_at is not None
    assert hold.active  # handled is not released: logistics releases it
    assert audit_verbs()[-1] == "hold.outcome"
    assert not AfterSale.objects.exists()


def test_outcome_refund_raises_an_after_sale_for_logistics(make_order, people):
    order = make_order(paid_amount=Decimal("120.50"))
    hold = services.order_hold(
        actor=people.logistics.user, order=order, reason=HoldReason.OUT_OF_STOCK
    )
    services.hold_record_outcome(
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
    services.hold_record_outcome(
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
        services.hold_record_outcome(
            actor=people.evening.user, hold=hold, outcome="exchange"
        )
    hold.refresh_from_db()
    assert hold.outcome == ""
    assert hold.handled_at is None
    assert not AfterSale.objects.exists()

    sku = make_sku("TENT-2P-GRN")
    services.hold_record_outcome(
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


def test_outcome_on_a_released_hold_or_unknown_is_refused(make_order, people):
    hold = services.order_hold(
        actor=people.logistics.user, order=make_order(), reason=HoldReason.QUALITY
    )
    with pytest.raises(ValidationError, match="未知处理结果"):
        services.hold_record_outcome(actor=people.evening.user, hold=hold, outcome="x")
    services.hold_release(actor=people.logistics.user, hold=hold)
    with pytest.raises(ValidationError, match="已解除"):
        services.hold_record_outcome(
            actor=people.evening.user, hold=hold, outcome="informed"
        )


# --- after-sales ----------------------------------------------------------------


def test_confirm_a_partial_refund_updates_the_amounts(
    make_order, people, assert_rollups_clean
):
    order = make_order(paid_amount=Decimal("200.00"))
    after_sale = services.after_sale_raise(
        actor=people.cs.user,
        order=order,
        kind="return_refund",
        reason="尺码不合适",
        amount=Decimal("80.00"),
    )
    services.after_sale_confirm(
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
        services.after_sale_confirm(actor=people.logistics.user, after_sale=after_sale)


def test_a_full_refund_of_an_unshipped_order_closes_it_and_releases_holds(
    make_order, people, assert_rollups_clean
):
    order = make_order(paid_amount=Decimal("99.90"))
    hold = services.order_hold(
        actor=people.logistics.user, order=order, reason=HoldReason.OUT_OF_STOCK
    )
    services.hold_record_outcome(actor=people.evening.user, hold=hold, outcome="refund")
    services.after_sale_confirm(
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
    change = order.history.get(note__startswith="确认退款")
    assert (change.status_from, change.status_to) == ("paid", "closed")
    assert_rollups_clean()


def test_a_full_refund_of_a_shipped_order_keeps_its_status(
    make_order, people, assert_rollups_clean
):
    order = make_order(status=Order.Status.SHIPPED, paid_amount=Decimal("50.00"))
    after_sale = services.after_sale_raise(
        actor=people.cs.user,
        order=order,
        kind="return_refund",
        reason="退货",
        amount=Decimal("50.00"),
    )
    services.after_sale_confirm(actor=people.logistics.user, after_sale=after_sale)
    order.refresh_from_db()
    assert order.status == Order.Status.SHIPPED
    assert order.refund_state == Order.RefundState.REFUNDED
    assert_rollups_clean()


def test_confirm_an_exchange_records_history(make_order, make_sku, people):
    order = make_order()
    after_sale = services.after_sale_raise(
        actor=people.cs.user,
        order=order,
        kind="exchange",
        reason="换颜色",
        exchange_sku=make_sku("TENT-RED"),
        exchange_quantity=1,
    )
    services.after_sale_confirm(actor=people.logistics.user, after_sale=after_sale)
    order.refresh_from_db()
    assert order.refunded_amount is None
    assert order.history.filter(note__contains="TENT-RED").exists()


def test_a_refund_above_what_is_refundable_is_refused(make_order, people):
    order = make_order(paid_amount=Decimal("100.00"), refunded_amount=Decimal("30.00"))
    with pytest.raises(ValidationError, match="超过可退金额"):
        services.after_sale_raise(
            actor=people.cs.user,
            order=order,
            kind="refund_only",
            reason="少发",
            amount=Decimal("70.01"),
        )
    with pytest.raises(ValidationError, match="大于 0"):
        services.after_sale_raise(
            actor=people.cs.user,
            order=order,
            kind="refund_only",
            reason="少发",
            amount=Decimal("0"),
        )
    assert not AfterSale.objects.exists()
    services.after_sale_raise(
        actor=people.cs.user,
        order=order,
        kind="refund_only",
        reason="少发",
        amount=Decimal("70.00"),
    )


def test_confirming_two_refunds_never_refunds_more_than_was_paid(
    make_order, people, assert_rollups_clean
):
    order = make_order(paid_amount=Decimal("100.00"))
    first, second = (
        services.after_sale_raise(
            actor=people.cs.user,
            order=order,
            kind="refund_only",
            reason="重复提交",
            amount=Decimal("100.00"),
        )
        for _ in range(2)
    )
    services.after_sale_confirm(actor=people.logistics.user, after_sale=first)
    with pytest.raises(ValidationError, match="超过可退金额"):
        services.after_sale_confirm(actor=people.logistics.user, after_sale=second)
    order.refresh_from_db()
    assert order.refunded_amount == Decimal("100.00")
    second.refresh_from_db()
    assert second.state == AfterSale.State.REQUESTED  # logistics rejects it
    assert_rollups_clean()


def test_an_after_sale_needs_a_reason_and_a_known_kind(make_order, people):
    order = make_order()
    with pytest.raises(ValidationError, match="原因"):
        services.after_sale_raise(
            actor=people.cs.user, order=order, kind="refund_only", reason=" "
        )
    with pytest.raises(ValidationError, match="未知售后类型"):
        services.after_sale_raise(
            actor=people.cs.user, order=order, kind="gift", reason="x"
        )


def test_reject_needs_a_note_and_clears_the_requested_refund_state(make_order, people):
    order = make_order()
    after_sale = services.after_sale_raise(
        actor=people.cs.user,
        order=order,
        kind="refund_only",
        reason="不想要了",
        amount=Decimal("10.00"),
    )
    with pytest.raises(ValidationError, match="驳回需要说明原因"):
        services.after_sale_reject(
            actor=people.logistics.user, after_sale=after_sale, note="  "
        )
    services.after_sale_reject(
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


def test_complaints_are_recorded_and_closed_with_an_outcome(make_order, people):
    order = make_order()
    complaint = services.complaint_create(
        actor=people.cs.user, order=order, kind="dispute", description="买家称未收到货"
    )
    assert complaint.state == Complaint.State.OPEN
    assert Notification.objects.filter(
        recipient=people.ops.user, object_id=str(complaint.pk)
    ).exists()
    with pytest.raises(ValidationError, match="结果"):
        services.complaint_update(
            actor=people.ops.user, complaint=complaint, state="resolved"
        )
    services.complaint_update(
        actor=people.ops.user,
        complaint=complaint,
        state="resolved",
        outcome="补发，买家撤诉",
    )
    complaint.refresh_from_db()
    assert complaint.state == Complaint.State.RESOLVED
    assert complaint.resolved_at is not None
    assert audit_verbs() == ["complaint.create", "complaint.update"]
    with pytest.raises(ValidationError):
        services.complaint_create(
            actor=people.cs.user, order=order, kind="praise", description="好评"
        )
