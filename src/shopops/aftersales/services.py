"""Writes of after-sales: raising a refund or an exchange (by hand or from the evening
shift's outcome of a hold), and logistics' confirmation or rejection.

A flow that touches orders and stock lives here, above both: the order's side of a
refund is `orders.services.order_refund_apply`, the goods' side
`stock.services.stock_return_order` and `stock_release_order`, all in one transaction.
"""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from shopops.aftersales.models import AfterSale
from shopops.catalog.models import Sku
from shopops.core import clock
from shopops.core.actors import Actor, signed_in
from shopops.core.audit import audit_record
from shopops.core.locks import lock_row
from shopops.core.models import AuditEntry
from shopops.core.money import ZERO, to_money
from shopops.core.notifications import notify, notify_roles
from shopops.core.roles import Role
from shopops.core.validation import bounded
from shopops.orders.models import Hold, Order
from shopops.orders.services import (
    hold_record_outcome,
    holds_release_all,
    order_history_record,
    order_refund_apply,
    order_refund_request_set,
)
from shopops.stock.services import (
    ReturnedLine,
    stock_release_order,
    stock_return_order,
)


def hold_outcome_record(
    *,
    actor: Actor,
    hold: Hold,
    outcome: str,
    note: str = "",
    refund_amount: Decimal | None = None,
    exchange_sku: Sku | None = None,
    exchange_quantity: int = 1,
) -> Hold:
    """Record what the buyer was told and agreed (CS-1). A refund or an exchange raises
    the after-sale request that logistics confirms (LOG-4.2), in the same transaction
    as the outcome."""
    with transaction.atomic():
        hold = hold_record_outcome(
            actor=actor, hold=hold, outcome=outcome, note=note, after_sale_follows=True
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


def after_sale_raise(
    *,
    actor: Actor,
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
    reason = bounded(reason, 300, _("售后原因"))
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
            raised_by=signed_in(actor),
            raised_at=clock.now(),
            hold=hold,
        )
        if kind != AfterSale.Kind.EXCHANGE:
            order_refund_request_set(order=order, requested=True)
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
            url=reverse("aftersales:list"),
            target=after_sale,
        )
    return after_sale


def after_sale_confirm(
    *,
    actor: Actor,
    after_sale: AfterSale,
    note: str = "",
    returned: list[ReturnedLine] | None = None,
) -> AfterSale:
    """Confirm a request (LOG-4.2): a refund updates the order's refunded amount and
    refund state (`orders.services.order_refund_apply`); a full refund of an unshipped
    order closes it, and its reserved stock goes back (`stock_release_order`).

    `returned` (`stock.services.ReturnedLine`s) records the goods the buyer sent back
    for a return or an exchange: they go back to stock (damaged ones set aside) in the
    same transaction, so the money and the goods move together or not at all.
    """
    note = bounded(note, 300, _("说明"))
    with transaction.atomic():
        after_sale = lock_row(AfterSale.objects.select_related("order"), after_sale.pk)
        if after_sale.state != AfterSale.State.REQUESTED:
            raise ValidationError(_("该售后已处理"))
        order = lock_row(Order.objects.all(), after_sale.order_id)
        if after_sale.kind != AfterSale.Kind.EXCHANGE:
            # Another refund may have been confirmed since this one was raised.
            refundable = (order.paid_amount or ZERO) - (order.refunded_amount or ZERO)
            if after_sale.amount > refundable:
                raise ValidationError(
                    _("退款金额 %(amount)s 超过可退金额 %(left)s")
                    % {"amount": after_sale.amount, "left": refundable}
                )
        after_sale.state = AfterSale.State.CONFIRMED
        after_sale.decided_by = signed_in(actor)
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
            closed = order_refund_apply(
                actor=actor, order=order, amount=after_sale.amount
            )
            if closed:
                # A refunded, closed order gives back what it reserved, then its
                # holds go (`core.locks`: stock levels before holds).
                stock_release_order(actor=actor, order=order, reason=_("退款关闭"))
                holds_release_all(actor=actor, order=order, note=_("退款关闭"))
        else:
            order_history_record(
                order=order,
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


def after_sale_reject(*, actor: Actor, after_sale: AfterSale, note: str) -> AfterSale:
    if not note.strip():
        raise ValidationError(_("驳回需要说明原因"))
    note = bounded(note, 300, _("驳回原因"))
    with transaction.atomic():
        after_sale = lock_row(AfterSale.objects.all(), after_sale.pk)
        if after_sale.state != AfterSale.State.REQUESTED:
            raise ValidationError(_("该售后已处理"))
        after_sale.state = AfterSale.State.REJECTED
        after_sale.decided_by = signed_in(actor)
        after_sale.decided_at = clock.now()
        after_sale.decision_note = note.strip()
        after_sale.save(
            update_fields=["state", "decided_by", "decided_at", "decision_note"]
        )
        order = after_sale.order
        pending = order.after_sales.filter(state=AfterSale.State.REQUESTED).exists()
        if not pending:
            order_refund_request_set(order=order, requested=False)
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
