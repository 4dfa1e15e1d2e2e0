"""Writes of orders: holds and flags, the evening queue's outcomes, after-sales.

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

from shopops.catalog.models import Sku
from shopops.core import clock
from shopops.core.audit import audit_record
from shopops.core.models import AuditEntry
from shopops.core.money import ZERO, to_money
from shopops.core.notifications import notify, notify_roles, users_with_role
from shopops.core.roles import Role, Shift
from shopops.orders.hold_defaults import BY_REASON
from shopops.orders.models import (
    AfterSale,
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
    actor: Any,
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
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        note=note[:200],
    )


def _bounded(value: str, limit: int, label: str) -> str:
    """Return `value` stripped; refuse it if its column cannot hold it."""
    value = value.strip()
    if len(value) > limit:
        raise ValidationError(
            _("%(label)s最多 %(limit)d 个字") % {"label": label, "limit": limit}
        )
    return value


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
    *, actor: Any, order: Order, courier: str, tracking_no: str, at: Any
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
    *, actor: Any, order: Order, setting: HoldReasonSetting, note: str, owner: Any
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
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
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
    *, actor: Any, order: Order, reason: str, note: str = "", owner: Any = None
) -> Hold:
    """Hold a paid order that cannot ship today, flag it, and hand it to the evening
    customer service (LOG-2.4)."""
    setting = _reason_setting(reason)
    note = _bounded(note, 300, _("备注"))
    with transaction.atomic():
        order = Order.objects.select_for_update().get(pk=order.pk)
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
    actor: Any,
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
    note = _bounded(note, 300, _("备注"))
    already = Hold.objects.filter(
        order=OuterRef("pk"), reason=reason, released_at__isnull=True
    )
    with transaction.atomic():
        orders = list(
            unshipped_orders(shop_id=shop_id, courier=courier, province=province)
            .exclude(Exists(already))
            .order_by("pk")
            .select_for_update()
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


def hold_release(*, actor: Any, hold: Hold, note: str = "") -> Hold:
    """Release a hold: the order may ship again; its flag clears with its last hold."""
    with transaction.atomic():
        hold = Hold.objects.select_for_update().select_related("order").get(pk=hold.pk)
        if hold.released_at is not None:
            raise ValidationError(_("该扣留已解除"))
        hold.released_at = clock.now()
        hold.released_by = actor
        hold.save(update_fields=["released_at", "released_by"])
        order = hold.order
        remaining = order.holds.filter(released_at__isnull=True).order_by("-created_at")
        old_flag = order.flag
        order.flag = remaining[0].flag if remaining else None
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
    return hold


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
    actor: Any,
    hold: Hold,
    outcome: str,
    note: str = "",
    refund_amount: Decimal | None = None,
    exchange_sku: Sku | None = None,
    exchange_quantity: int = 1,
) -> Hold:
    """Record what the buyer was told and agreed (CS-1). A refund or an exchange raises
    the after-sale request that logistics confirms (LOG-4.2)."""
    if outcome not in Hold.Outcome.values:
        raise ValidationError(_("未知处理结果：%s") % outcome)
    note = _bounded(note, 300, _("处理说明"))
    with transaction.atomic():
        hold = Hold.objects.select_for_update().select_related("order").get(pk=hold.pk)
        if hold.released_at is not None:
            raise ValidationError(_("该扣留已解除"))
        hold.outcome = outcome
        hold.outcome_note = note.strip()
        hold.handled_at = clock.now()
        hold.handled_by = actor
        hold.save(update_fields=["outcome", "outcome_note", "handled_at", "handled_by"])
        audit_record(
            actor=actor,
            verb="hold.outcome",
            obj=hold,
            changes={"outcome": outcome, "note": hold.outcome_note},
        )
        if outcome == Hold.Outcome.REFUND:
            amount = (
                refund_amount if refund_amount is not None else hold.order.paid_amount
            )
            after_sale_raise(
                actor=actor,
                order=hold.order,
                kind=AfterSale.Kind.REFUND_ONLY,
                amount=amount or ZERO,
                reason=_("扣留协商退款：%s") % hold.get_reason_display(),
                hold=hold,
            )
        elif outcome == Hold.Outcome.EXCHANGE:
            if exchange_sku is None:
                raise ValidationError(_("换货需要选择换成的 SKU"))
            after_sale_raise(
                actor=actor,
                order=hold.order,
                kind=AfterSale.Kind.EXCHANGE,
                reason=_("扣留协商换货：%s") % hold.get_reason_display(),
                exchange_sku=exchange_sku,
                exchange_quantity=exchange_quantity,
                hold=hold,
            )
    return hold


def hold_reason_setting_update(
    *, actor: Any, reason: str, flag: int, message_template: str
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


def after_sale_raise(
    *,
    actor: Any,
    order: Order,
    kind: str,
    reason: str,
    amount: Decimal | None = None,
    exchange_sku: Sku | None = None,
    exchange_quantity: int = 0,
    hold: Hold | None = None,
) -> AfterSale:
    """Raise a refund or exchange for logistics to confirm (CS-2)."""
    if kind not in AfterSale.Kind.values:
        raise ValidationError(_("未知售后类型：%s") % kind)
    if not reason.strip():
        raise ValidationError(_("请填写售后原因"))
    reason = _bounded(reason, 300, _("售后原因"))
    amount = to_money(amount) if amount is not None else ZERO
    if kind == AfterSale.Kind.EXCHANGE:
        if exchange_sku is None or exchange_quantity < 1:
            raise ValidationError(_("换货需要 SKU 和数量"))
        amount = ZERO
    else:
        refundable = (order.paid_amount or ZERO) - (order.refunded_amount or ZERO)
        if amount <= ZERO:
            raise ValidationError(_("退款金额必须大于 0"))
        if amount > refundable:
            raise ValidationError(
                _("退款金额 %(amount)s 超过可退金额 %(left)s")
                % {"amount": amount, "left": refundable}
            )
    with transaction.atomic():
        after_sale = AfterSale.objects.create(
            order=order,
            kind=kind,
            amount=amount,
            reason=reason.strip(),
            exchange_sku=exchange_sku if kind == AfterSale.Kind.EXCHANGE else None,
            exchange_quantity=exchange_quantity
            if kind == AfterSale.Kind.EXCHANGE
            else 0,
            raised_by=actor,
            raised_at=clock.now(),
            hold=hold,
        )
        if kind != AfterSale.Kind.EXCHANGE and not order.refund_state:
            order.refund_state = Order.RefundState.REQUESTED
            order.save(update_fields=["refund_state", "updated_at"])
        audit_record(
            actor=actor,
            verb="after_sale.raise",
            obj=after_sale,
            action=AuditEntry.Action.CREATE,
            changes={"order": order.order_no, "kind": kind, "amount": amount},
        )
        notify_roles(
            roles=[Role.LOGISTICS],
            title=_("待确认售后：订单 %(no)s %(kind)s")
            % {"no": order.order_no, "kind": after_sale.get_kind_display()},
            body=after_sale.reason,
            url=reverse("orders:after_sales"),
            target=after_sale,
        )
    return after_sale


def after_sale_confirm(
    *,
    actor: Any,
    after_sale: AfterSale,
    note: str = "",
    returned: list[Any] | None = None,
) -> AfterSale:
    """Confirm a request (LOG-4.2): a refund updates the order's refunded amount and
    refund state; a full refund of an unshipped order closes it.

    `returned` (`stock.services.ReturnedLine`s) records the goods the buyer sent back
    for a return or an exchange: they go back to stock (damaged ones set aside) in the
    same transaction, so the money and the goods move together or not at all.
    """
    from shopops.stock.services import stock_return_order

    note = _bounded(note, 300, _("说明"))
    with transaction.atomic():
        after_sale = (
            AfterSale.objects.select_for_update()
            .select_related("order")
            .get(pk=after_sale.pk)
        )
        if after_sale.state != AfterSale.State.REQUESTED:
            raise ValidationError(_("该售后已处理"))
        order = Order.objects.select_for_update().get(pk=after_sale.order_id)
        if after_sale.kind != AfterSale.Kind.EXCHANGE:
            # Another refund may have been confirmed since this one was raised.
            refundable = (order.paid_amount or ZERO) - (order.refunded_amount or ZERO)
            if after_sale.amount > refundable:
                raise ValidationError(
                    _("退款金额 %(amount)s 超过可退金额 %(left)s")
                    % {"amount": after_sale.amount, "left": refundable}
                )
        after_sale.state = AfterSale.State.CONFIRMED
        after_sale.decided_by = actor
        after_sale.decided_at = clock.now()
        after_sale.decision_note = note.strip()
        after_sale.save(
            update_fields=["state", "decided_by", "decided_at", "decision_note"]
        )
        if returned and any(item.good or item.damaged for item in returned):
            if after_sale.kind == AfterSale.Kind.REFUND_ONLY:
                raise ValidationError(_("仅退款的售后没有退回的商品"))
            stock_return_order(
                actor=actor,
                order=order,
                lines=returned,
                reason=_("%(kind)s：%(reason)s")
                % {"kind": after_sale.get_kind_display(), "reason": after_sale.reason},
            )
        if after_sale.kind != AfterSale.Kind.EXCHANGE:
            _apply_refund(actor=actor, order=order, amount=after_sale.amount)
        else:
            _history(
                order,
                actor=actor,
                note=_("确认换货：%s") % after_sale.exchange_sku,
                changes={"exchange": str(after_sale.exchange_sku)},
            )
        audit_record(
            actor=actor,
            verb="after_sale.confirm",
            obj=after_sale,
            changes={
                "state": ["requested", "confirmed"],
                "note": after_sale.decision_note,
            },
        )
        if after_sale.raised_by_id:
            notify(
                recipients=[after_sale.raised_by],
                title=_("售后已确认：订单 %s") % order.order_no,
                url=reverse("orders:detail", args=[order.pk]),
                target=after_sale,
            )
    return after_sale


def _apply_refund(*, actor: Any, order: Order, amount: Decimal) -> None:
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
    if releasing:
        order.holds.filter(released_at__isnull=True).update(
            released_at=clock.now(), released_by=actor
        )
    if order.status == Order.Status.CLOSED:
        # The one call from orders up into stock (issue 3: "returns goods to stock
        # through its service"): a refunded, closed order gives back what it reserved.
        from shopops.stock.services import stock_release_order

        stock_release_order(actor=actor, order=order, reason=_("退款关闭"))


def after_sale_reject(*, actor: Any, after_sale: AfterSale, note: str) -> AfterSale:
    if not note.strip():
        raise ValidationError(_("驳回需要说明原因"))
    note = _bounded(note, 300, _("驳回原因"))
    with transaction.atomic():
        after_sale = AfterSale.objects.select_for_update().get(pk=after_sale.pk)
        if after_sale.state != AfterSale.State.REQUESTED:
            raise ValidationError(_("该售后已处理"))
        after_sale.state = AfterSale.State.REJECTED
        after_sale.decided_by = actor
        after_sale.decided_at = clock.now()
        after_sale.decision_note = note.strip()
        after_sale.save(
            update_fields=["state", "decided_by", "decided_at", "decision_note"]
        )
        order = after_sale.order
        pending = order.after_sales.filter(state=AfterSale.State.REQUESTED).exists()
        if order.refund_state == Order.RefundState.REQUESTED and not pending:
            order.refund_state = Order.RefundState.NONE
            order.save(update_fields=["refund_state", "updated_at"])
        audit_record(
            actor=actor,
            verb="after_sale.reject",
            obj=after_sale,
            changes={
                "state": ["requested", "rejected"],
                "note": after_sale.decision_note,
            },
        )
        if after_sale.raised_by_id:
            notify(
                recipients=[after_sale.raised_by],
                title=_("售后被驳回：订单 %s") % order.order_no,
                body=after_sale.decision_note,
                url=reverse("orders:detail", args=[order.pk]),
                target=after_sale,
            )
    return after_sale


def complaint_create(
    *, actor: Any, order: Order, kind: str, description: str
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
            raised_by=actor,
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
    *, actor: Any, complaint: Complaint, state: str, outcome: str = ""
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
