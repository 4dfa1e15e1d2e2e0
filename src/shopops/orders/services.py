"""Writes of orders: holds and flags, the evening queue's outcomes, the order's side
of a refund (after-sales themselves are `aftersales.services`), complaints.

Every function runs in one transaction, validates first, records an audit entry and the
order's history, and notifies the people a hand-off goes to.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _

from shopops.core import clock
from shopops.core.actors import Actor, signed_in
from shopops.core.audit import audit_record
from shopops.core.locks import lock, lock_row, lock_rows
from shopops.core.models import AuditEntry
from shopops.core.money import ZERO
from shopops.core.notifications import notify, notify_roles, users_with_role
from shopops.core.roles import Role, Shift
from shopops.core.validation import bounded
from shopops.orders.hold_defaults import BY_REASON
from shopops.orders.models import (
    Complaint,
    Hold,
    HoldReason,
    HoldReasonSetting,
    Order,
    OrderStatusChange,
)
from shopops.orders.rollups import RollupTracker


def evening_service_users() -> QuerySet[Any]:
    """Return the active customer-service staff of the evening shift."""
    return users_with_role(Role.CUSTOMER_SERVICE, shift=Shift.EVENING)


def _history(
    order: Order,
    *,
    actor: Actor,
    note: str,
    changes: dict[str, Any],
    status_from: str = "",
) -> None:
    OrderStatusChange.objects.create(
        order=order,
        at=clock.now(),
        source=OrderStatusChange.Source.SERVICE,
        status_from=status_from or order.status,
        status_to=order.status,
        changes=changes,
        actor=signed_in(actor),
        note=note[:200],
    )


def order_assert_shippable(order: Order) -> None:
    """Raise ValidationError if the order may not be packed or shipped now."""
    if order.holds.filter(released_at__isnull=True).exists():
        raise ValidationError(
            _("订单 %s 被扣留，解除前不能打包或发货") % order.order_no
        )
    if order.status != Order.Status.PAID:
        raise ValidationError(
            _("订单 %(no)s 的状态是“%(status)s”，不能发货")
            % {"no": order.order_no, "status": order.get_status_display()}
        )


def order_mark_shipped(
    *, actor: Actor, order: Order, courier: str, tracking_no: str, at: Any
) -> Order:
    """Record that a paid order left with `courier` under `tracking_no`, with its
    history row. The caller (shipping) runs it inside its own transaction, after it
    has checked the order may ship and consumed its stock."""
    order_assert_shippable(order)
    before = {"courier": order.courier, "tracking_no": order.tracking_no}
    status_from = order.status
    order.status = Order.Status.SHIPPED
    order.shipped_at = at
    order.courier = courier
    order.tracking_no = tracking_no
    order.save(
        update_fields=["status", "shipped_at", "courier", "tracking_no", "updated_at"]
    )
    _history(
        order,
        actor=actor,
        note=_("发货：%(courier)s %(no)s") % {"courier": courier, "no": tracking_no},
        changes={
            "courier": [before["courier"], courier],
            "tracking_no": [before["tracking_no"], tracking_no],
        },
        status_from=status_from,
    )
    return order


def _reason_setting(reason: str) -> HoldReasonSetting:
    if reason not in HoldReason.values:
        raise ValidationError(_("未知扣留原因：%s") % reason)
    flag, template = BY_REASON[reason]
    setting, _created = HoldReasonSetting.objects.get_or_create(
        reason=reason, defaults={"flag": flag, "message_template": template}
    )
    return setting


def _create_hold(
    *, actor: Actor, order: Order, setting: HoldReasonSetting, note: str, owner: Any
) -> Hold:
    if order.status != Order.Status.PAID:
        raise ValidationError(
            _("只有已付款未发货的订单可以扣留：%(no)s 是“%(status)s”")
            % {"no": order.order_no, "status": order.get_status_display()}
        )
    if order.holds.filter(reason=setting.reason, released_at__isnull=True).exists():
        raise ValidationError(
            _("订单 %(no)s 已因“%(reason)s”被扣留")
            % {"no": order.order_no, "reason": setting.get_reason_display()}
        )
    hold = Hold.objects.create(
        order=order,
        reason=setting.reason,
        note=note.strip(),
        flag=setting.flag,
        created_at=clock.now(),
        created_by=signed_in(actor),
        owner=owner,
    )
    old_flag = order.flag
    order.flag = setting.flag
    order.save(update_fields=["flag", "updated_at"])
    _history(
        order,
        actor=actor,
        note=_("扣留：%s") % setting.get_reason_display(),
        changes={"flag": [old_flag, setting.flag], "hold": setting.reason},
    )
    audit_record(
        actor=actor,
        verb="order.hold",
        obj=hold,
        action=AuditEntry.Action.CREATE,
        changes={"order": order.order_no, "reason": setting.reason, "note": hold.note},
    )
    return hold


def _notify_hold(holds: list[Hold]) -> None:
    if not holds:
        return
    queue = reverse("orders:evening_queue")
    for hold in holds:
        recipients = [hold.owner] if hold.owner else list(evening_service_users())
        notify(
            recipients=recipients,
            title=_("待告知买家：订单 %(no)s（%(reason)s）")
            % {"no": hold.order.order_no, "reason": hold.get_reason_display()},
            body=hold.note,
            url=queue,
            target=hold,
            roles=[Role.CUSTOMER_SERVICE],
        )


def order_hold(
    *, actor: Actor, order: Order, reason: str, note: str = "", owner: Any = None
) -> Hold:
    """Hold a paid order that cannot ship today, flag it, and hand it to the evening
    customer service (LOG-2.4)."""
    setting = _reason_setting(reason)
    note = bounded(note, 300, _("备注"))
    with transaction.atomic():
        order = lock_row(Order.objects.all(), order.pk)
        hold = _create_hold(
            actor=actor, order=order, setting=setting, note=note, owner=owner
        )
        _notify_hold([hold])
    return hold


def unshipped_orders(
    *, shop_id: int | None = None, courier: str = "", province: str = ""
) -> QuerySet[Order]:
    """Return paid orders not yet shipped, optionally of one courier or province."""
    qs = Order.objects.filter(status=Order.Status.PAID)
    if shop_id:
        qs = qs.filter(shop_id=shop_id)
    if courier:
        qs = qs.filter(courier=courier)
    if province:
        qs = qs.filter(province=province)
    return qs


def order_hold_bulk(
    *,
    actor: Actor,
    reason: str,
    note: str = "",
    shop_id: int | None = None,
    courier: str = "",
    province: str = "",
) -> list[Hold]:
    """Hold every unshipped order of a courier and/or a province (courier delays).

    Orders already held for the same reason are left as they are.
    """
    if not courier and not province:
        raise ValidationError(_("批量扣留需要指定快递公司或省份"))
    setting = _reason_setting(reason)
    note = bounded(note, 300, _("备注"))
    already = Hold.objects.filter(
        order=OuterRef("pk"), reason=reason, released_at__isnull=True
    )
    with transaction.atomic():
        orders = lock_rows(
            unshipped_orders(
                shop_id=shop_id, courier=courier, province=province
            ).exclude(Exists(already))
        )
        holds = [
            _create_hold(actor=actor, order=o, setting=setting, note=note, owner=None)
            for o in orders
        ]
        audit_record(
            actor=actor,
            verb="order.hold_bulk",
            action=AuditEntry.Action.ACTION,
            changes={
                "reason": reason,
                "courier": courier,
                "province": province,
                "orders": len(holds),
            },
        )
        _notify_hold(holds)
    return holds


def _lock_hold(hold: Hold) -> Hold:
    """Lock a hold's order, then the hold (`core.locks`: orders before holds)."""
    order_id = hold.order_id or Hold.objects.values_list("order_id", flat=True).get(
        pk=hold.pk
    )
    _orders, holds = lock(
        Order.objects.filter(pk=order_id),
        Hold.objects.filter(pk=hold.pk, order_id=order_id).select_related("order"),
    )
    if not holds:
        raise Hold.DoesNotExist(f"hold {hold.pk} does not exist")
    return holds[0]


def _release(
    hold: Hold, *, actor: Actor, note: str, at: Any, flag_after: int | None
) -> None:
    """Release a locked hold, with its order's history row and its audit row."""
    hold.released_at = at
    hold.released_by = signed_in(actor)
    hold.save(update_fields=["released_at", "released_by"])
    order = hold.order
    old_flag = order.flag
    if flag_after != old_flag:
        order.flag = flag_after
        order.save(update_fields=["flag", "updated_at"])
    _history(
        order,
        actor=actor,
        note=_("解除扣留：%s") % hold.get_reason_display(),
        changes={"flag": [old_flag, order.flag], "release": hold.reason},
    )
    audit_record(
        actor=actor, verb="hold.release", obj=hold, changes={"note": note.strip()}
    )


def hold_release(*, actor: Actor, hold: Hold, note: str = "") -> Hold:
    """Release a hold: the order may ship again; its flag clears with its last hold."""
    with transaction.atomic():
        hold = _lock_hold(hold)
        if hold.released_at is not None:
            raise ValidationError(_("该扣留已解除"))
        remaining = (
            hold.order.holds.filter(released_at__isnull=True)
            .exclude(pk=hold.pk)
            .order_by("-created_at")
        )
        newest = remaining.first()
        _release(
            hold,
            actor=actor,
            note=note,
            at=clock.now(),
            flag_after=newest.flag if newest else None,
        )
    return hold


def holds_release_all(*, actor: Actor, order: Order, note: str = "") -> list[Hold]:
    """Release every active hold of an order (a refund closed it): each hold gets its
    history row and audit row, as a single release does; the flag clears."""
    with transaction.atomic():
        locked, holds = lock(
            Order.objects.filter(pk=order.pk),
            Hold.objects.filter(order_id=order.pk, released_at__isnull=True),
        )
        if not locked:
            raise Order.DoesNotExist(f"order {order.pk} does not exist")
        now = clock.now()
        for hold in holds:
            hold.order = locked[0]
            _release(hold, actor=actor, note=note, at=now, flag_after=None)
    return holds


def hold_message(hold: Hold, settings_by_reason: dict[str, HoldReasonSetting]) -> str:
    """Return what evening customer service tells the buyer about `hold`."""
    template = settings_by_reason[hold.reason].message_template
    values = {
        "receiver": hold.order.receiver_name or hold.order.buyer_member_name,
        "order_no": hold.order.order_no,
        "note": hold.note,
    }
    try:
        return template.format(**values)
    except (KeyError, IndexError, ValueError):
        return template


def hold_record_outcome(
    *,
    actor: Actor,
    hold: Hold,
    outcome: str,
    note: str = "",
    after_sale_follows: bool = False,
) -> Hold:
    """Record what the buyer was told and agreed (CS-1).

    A refund or an exchange raises an after-sale for logistics in the same step: that
    flow lives in `aftersales.services.hold_outcome_record`, which calls this with
    `after_sale_follows=True` inside its transaction. Called alone, those two outcomes
    are refused, so no hold says "refund" without the request that carries it out.
    """
    if outcome not in Hold.Outcome.values:
        raise ValidationError(_("未知处理结果：%s") % outcome)
    if (
        outcome in (Hold.Outcome.REFUND, Hold.Outcome.EXCHANGE)
        and not after_sale_follows
    ):
        raise ValidationError(_("退款或换货的处理结果需要同时提交售后"))
    note = bounded(note, 300, _("处理说明"))
    with transaction.atomic():
        hold = _lock_hold(hold)
        if hold.released_at is not None:
            raise ValidationError(_("该扣留已解除"))
        hold.outcome = outcome
        hold.outcome_note = note.strip()
        hold.handled_at = clock.now()
        hold.handled_by = signed_in(actor)
        hold.save(update_fields=["outcome", "outcome_note", "handled_at", "handled_by"])
        audit_record(
            actor=actor,
            verb="hold.outcome",
            obj=hold,
            changes={"outcome": outcome, "note": hold.outcome_note},
        )
    return hold


def hold_reason_setting_update(
    *, actor: Actor, reason: str, flag: int, message_template: str
) -> HoldReasonSetting:
    setting = _reason_setting(reason)
    if flag not in Order.Flag.values:
        raise ValidationError(_("未知旗帜：%s") % flag)
    if not message_template.strip():
        raise ValidationError(_("话术模板不能为空"))
    with transaction.atomic():
        before = {"flag": setting.flag, "message_template": setting.message_template}
        setting.flag = flag
        setting.message_template = message_template.strip()
        setting.save()
        audit_record(
            actor=actor,
            verb="hold_reason.update",
            obj=setting,
            changes={
                k: [before[k], getattr(setting, k)]
                for k in before
                if before[k] != getattr(setting, k)
            },
        )
    return setting


def order_history_record(
    *, actor: Actor, order: Order, note: str, changes: dict[str, Any]
) -> None:
    """Add a row to the order's history (an app above orders records a step it took
    on the order, such as a confirmed exchange). Runs in the caller's transaction."""
    _history(order, actor=actor, note=note, changes=changes)


def order_refund_request_set(*, order: Order, requested: bool) -> None:
    """Mark that a refund is asked for (`requested`), or that no request is left:
    an order with no refund state becomes "requested"; one still "requested" goes
    back to none when the last request is withdrawn. Runs in the caller's transaction
    (`aftersales.services`, which knows which requests are pending)."""
    if requested and not order.refund_state:
        order.refund_state = Order.RefundState.REQUESTED
    elif not requested and order.refund_state == Order.RefundState.REQUESTED:
        order.refund_state = Order.RefundState.NONE
    else:
        return
    order.save(update_fields=["refund_state", "updated_at"])


def order_refund_apply(*, actor: Actor, order: Order, amount: Decimal) -> bool:
    """Book a confirmed refund on the order, which the caller has locked: the refunded
    amount, the refund state (partial or refunded), the history row; a full refund of
    an unshipped order closes it and clears its flag. Runs in the caller's
    transaction (`aftersales.services.after_sale_confirm`).

    Returns whether the order is closed, so that the caller gives back its stock,
    then releases its holds (`holds_release_all`): `core.locks` takes stock levels
    before holds.
    """
    rollup = RollupTracker()
    rollup.before([order.pk])  # the refunded amount counts in the daily rollups
    status_from = order.status
    before = {
        "refunded_amount": order.refunded_amount,
        "refund_state": order.refund_state,
        "flag": order.flag,
    }
    refunded = (order.refunded_amount or ZERO) + amount
    order.refunded_amount = refunded
    full = refunded >= (order.paid_amount or ZERO)
    order.refund_state = (
        Order.RefundState.REFUNDED if full else Order.RefundState.PARTIAL
    )
    releasing = False
    if full and order.status == Order.Status.PAID:
        order.status = Order.Status.CLOSED
        order.close_reason = _("退款成功")
        # A closed order needs no hold any more; its holds' flag goes with them.
        releasing = order.holds.filter(released_at__isnull=True).exists()
        if releasing:
            order.flag = None
    order.save()
    _history(
        order,
        actor=actor,
        note=_("确认退款 %s 元") % amount,
        changes={
            "refunded_amount": [str(before["refunded_amount"] or ZERO), str(refunded)],
            "refund_state": [before["refund_state"], order.refund_state],
            **({"flag": [before["flag"], None]} if releasing else {}),
        },
        status_from=status_from,
    )
    rollup.after()
    return order.status == Order.Status.CLOSED


def complaint_create(
    *, actor: Actor, order: Order, kind: str, description: str
) -> Complaint:
    """Record a complaint or a dispute (OPS-2.5)."""
    if kind not in Complaint.Kind.values:
        raise ValidationError(_("未知类型：%s") % kind)
    if not description.strip():
        raise ValidationError(_("请填写内容"))
    with transaction.atomic():
        complaint = Complaint.objects.create(
            order=order,
            kind=kind,
            description=description.strip(),
            raised_by=signed_in(actor),
            raised_at=clock.now(),
        )
        audit_record(
            actor=actor,
            verb="complaint.create",
            obj=complaint,
            action=AuditEntry.Action.CREATE,
            changes={"order": order.order_no, "kind": kind},
        )
        notify_roles(
            roles=[Role.OPS_MANAGER],
            title=_("新%(kind)s：订单 %(no)s")
            % {"kind": complaint.get_kind_display(), "no": order.order_no},
            body=complaint.description[:200],
            url=reverse("orders:detail", args=[order.pk]),
            target=complaint,
        )
    return complaint


def complaint_update(
    *, actor: Actor, complaint: Complaint, state: str, outcome: str = ""
) -> Complaint:
    if state not in Complaint.State.values:
        raise ValidationError(_("未知状态：%s") % state)
    closing = state in (Complaint.State.RESOLVED, Complaint.State.CLOSED)
    if closing and not outcome.strip():
        raise ValidationError(_("结案需要填写结果"))
    with transaction.atomic():
        before = {"state": complaint.state, "outcome": complaint.outcome}
        complaint.state = state
        complaint.outcome = outcome.strip()
        complaint.resolved_at = clock.now() if closing else None
        complaint.save(update_fields=["state", "outcome", "resolved_at"])
        audit_record(
            actor=actor,
            verb="complaint.update",
            obj=complaint,
            changes={
                "state": [before["state"], state],
                "outcome": [before["outcome"], complaint.outcome],
            },
        )
    return complaint
