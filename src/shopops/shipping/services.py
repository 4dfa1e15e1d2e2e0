"""Writes of shipping: reserve and pick a wave, check every unit at packing, ship with
a tracking number, declare and lift courier delays, log hand-off problems.

Each function validates first, runs in one transaction, records an audit entry, and
reaches other departments through their services (orders' holds hand an order to the
evening customer service; the stock ledger quarantines and ships).
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from shopops.core import clock
from shopops.core.actors import Actor, signed_in
from shopops.core.audit import audit_record
from shopops.core.locks import lock_row, lock_rows
from shopops.core.models import AuditEntry
from shopops.core.validation import bounded
from shopops.orders.models import (
    Hold,
    HoldReason,
    Order,
    OrderLine,
)
from shopops.orders.services import (
    hold_release,
    order_assert_shippable,
    order_hold,
    order_hold_bulk,
    order_mark_shipped,
    unshipped_orders,
)
from shopops.shipping import selectors
from shopops.shipping.couriers import (
    courier_check,
    names_of,
    seller_center_name,
    tracking_no_check,
)
from shopops.shipping.models import (
    CourierDelay,
    HandoffProblem,
    PickList,
    PickListLine,
    PickListOrder,
    QualityCheck,
    Shipment,
)
from shopops.stock.locks import lock_levels, with_lock_retries
from shopops.stock.models import Reservation, StockLevel
from shopops.stock.services import (
    stock_quarantine,
    stock_release_order,
    stock_reserve_orders,
    stock_serve_held_orders,
    stock_ship_order,
)

MAX_WAVE = 200
# Reserving is set-based (`stock_reserve_orders`): a wave may be ten pick lists long.
MAX_RESERVE_WAVE = 2000
MAX_PHOTO_BYTES = 10 * 1024 * 1024
# Image types a phone camera or a scanner station uploads, by their first bytes.
PHOTO_TYPES = {
    "image/jpeg": ".jpg",
    "image/png": ".png",
    "image/gif": ".gif",
    "image/webp": ".webp",
    "image/heic": ".heic",
}


def _actor(actor: Actor) -> Any:
    return signed_in(actor)


def _lock_order(order: Order) -> Order:
    return lock_row(Order.objects.all(), order.pk)


# --- reserving and picking --------------------------------------------------------


@dataclass
class ReserveSummary:
    reserved: list[str] = field(default_factory=list)  # order numbers
    short: dict[str, dict[str, int]] = field(default_factory=dict)  # no → shortages
    # Orders held as out of stock that the stock on hand now serves: reserved and
    # released (counted in `reserved` too).
    released: list[str] = field(default_factory=list)


def orders_reserve_waiting(
    *, actor: Actor, shop_id: int | None = None, limit: int = MAX_RESERVE_WAVE
) -> ReserveSummary:
    """Reserve stock for paid, unheld orders that have none yet, oldest first.

    Orders already held as out of stock go first, as they waited longest: those the
    stock now serves (goods returned, counted or adjusted since) are reserved and
    released, each in its own transaction (`stock_serve_held_orders`). Then the
    waiting orders are reserved as one wave, set-based, by the stock ledger
    (`stock_reserve_orders`): each order all or nothing, oldest first, an order it
    cannot serve held as out of stock (handed to the evening customer service).
    """
    if not 1 <= limit <= MAX_RESERVE_WAVE:
        raise ValidationError(_("一次最多预留 %d 个订单") % MAX_RESERVE_WAVE)
    summary = ReserveSummary()
    summary.released = stock_serve_held_orders(actor=actor, shop_id=shop_id)
    summary.reserved.extend(summary.released)
    reserved, summary.short = _reserve_wave(actor=actor, shop_id=shop_id, limit=limit)
    summary.reserved.extend(reserved)
    return summary


@with_lock_retries
def _reserve_wave(
    *, actor: Actor, shop_id: int | None, limit: int
) -> tuple[list[str], dict[str, dict[str, int]]]:
    """Reserve the oldest waiting orders in one transaction; return the numbers of
    those reserved and the shortages of those held."""
    waiting = selectors.orders_waiting_for_reservation(shop_id=shop_id).order_by(
        "paid_at", "pk"
    )
    with transaction.atomic():
        candidates = list(waiting.values_list("pk", flat=True)[:limit])
        # Lock them, then look again: another wave may have taken some meanwhile.
        locked = lock_rows(Order.objects.filter(pk__in=candidates).only("order_no"))
        numbers = {o.pk: o.order_no for o in locked}
        still = set(waiting.filter(pk__in=candidates).values_list("pk", flat=True))
        wave = [pk for pk in candidates if pk in still]
        results = stock_reserve_orders(actor=actor, order_ids=wave)
    reserved = [numbers[pk] for pk in wave if results[pk].reserved]
    short = {
        numbers[pk]: results[pk].shortages for pk in wave if not results[pk].reserved
    }
    return reserved, short


@with_lock_retries
def pick_list_create(
    *, actor: Actor, shop_id: int | None = None, limit: int = 50
) -> PickList:
    """Put the oldest reserved, unheld orders not yet on an open pick list on a new
    one, its lines walking the warehouse by location code, then SKU (LOG-2.5)."""
    if not 1 <= limit <= MAX_WAVE:
        raise ValidationError(_("一张拣货单最多 %d 个订单") % MAX_WAVE)
    with transaction.atomic():
        candidates = list(
            selectors.orders_ready_to_pick(shop_id=shop_id)
            .order_by("paid_at", "pk")
            .values_list("pk", flat=True)[:limit]
        )
        # Lock them, then look again: another wave may have taken some meanwhile.
        lock_rows(Order.objects.filter(pk__in=candidates))
        ready = set(
            selectors.orders_ready_to_pick(shop_id=shop_id)
            .filter(pk__in=candidates)
            .values_list("pk", flat=True)
        )
        order_ids = [pk for pk in candidates if pk in ready]
        if not order_ids:
            raise ValidationError(_("没有待拣货的订单（已付款、已预留、未扣留）"))
        pick_list = PickList.objects.create(
            shop_id=shop_id, created_at=clock.now(), created_by=_actor(actor)
        )
        PickListOrder.objects.bulk_create(
            PickListOrder(pick_list=pick_list, order_id=pk, position=i)
            for i, pk in enumerate(order_ids, start=1)
        )
        lines = _pick_lines(order_ids)
        for position, line in enumerate(lines, start=1):
            line.pick_list = pick_list
            line.position = position
        PickListLine.objects.bulk_create(lines)
        audit_record(
            actor=actor,
            verb="pick_list.create",
            obj=pick_list,
            action=AuditEntry.Action.CREATE,
            changes={
                "orders": len(order_ids),
                "lines": len(lines),
                "units": sum(line.quantity for line in lines),
            },
        )
    return pick_list


def _pick_lines(order_ids: list[int]) -> list[PickListLine]:
    """Return one line per stock level the orders' reservations take from, sorted by
    location code, then SKU, then lot."""
    reservations = Reservation.objects.filter(
        line__order_id__in=order_ids, state=Reservation.State.ACTIVE
    ).select_related(
        "line__order", "level__location", "level__lot", "level__sku__product"
    )
    units: dict[int, int] = defaultdict(int)
    for_orders: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    levels: dict[int, StockLevel] = {}
    for r in reservations:
        levels[r.level_id] = r.level
        units[r.level_id] += r.quantity
        for_orders[r.level_id][r.line.order.order_no] += r.quantity
    lines = [
        PickListLine(
            level=level,
            sku=level.sku,
            location_code=level.location.code,
            outer_code=level.sku.outer_code,
            title=level.sku.product.title[:200],
            lot_no=level.lot.lot_no,
            quantity=units[pk],
            order_quantities=dict(sorted(for_orders[pk].items())),
            position=0,
        )
        for pk, level in levels.items()
    ]
    return sorted(lines, key=lambda x: (x.location_code, x.outer_code, x.lot_no))


def pick_list_close(*, actor: Actor, pick_list: PickList) -> PickList:
    """Mark a pick list done; its unshipped orders may go on a later wave."""
    with transaction.atomic():
        pick_list = PickList.objects.select_for_update().get(pk=pick_list.pk)
        if pick_list.state == PickList.State.DONE:
            raise ValidationError(_("拣货单 %s 已完成") % pick_list.number)
        _close(pick_list)
        audit_record(actor=actor, verb="pick_list.close", obj=pick_list)
    return pick_list


def _close(pick_list: PickList) -> None:
    pick_list.state = PickList.State.DONE
    pick_list.closed_at = clock.now()
    pick_list.save(update_fields=["state", "closed_at"])


# --- the quality check at packing (LOG-2.1) -------------------------------------


def _photo_type(photo: UploadedFile) -> str:
    """Return the image type of an upload from its first bytes; refuse anything else."""
    if photo.size is not None and photo.size > MAX_PHOTO_BYTES:
        raise ValidationError(_("照片不能超过 10 MB"))
    declared = (photo.content_type or "").lower()
    if declared and not declared.startswith("image/"):
        raise ValidationError(_("照片必须是图片文件"))
    photo.seek(0)
    head = photo.read(16)
    photo.seek(0)
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return "image/gif"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    if head[4:8] == b"ftyp" and head[8:12] in (b"heic", b"heix", b"mif1", b"msf1"):
        return "image/heic"
    raise ValidationError(_("照片必须是 JPEG、PNG、GIF、WebP 或 HEIC 图片"))


@with_lock_retries
def qc_record(
    *,
    actor: Actor,
    order: Order,
    line: OrderLine,
    result: str,
    quantity: int | None = None,
    defect_reason: str = "",
    note: str = "",
    photo: UploadedFile | None = None,
) -> QualityCheck:
    """Record the check of `quantity` units of an order line (by default: all its
    unchecked units when they pass, one unit when it fails). A failed unit is quarantined on the stock level its reservation came
    from, and the order gets the quality hold, which hands it to the evening customer
    service."""
    if result not in QualityCheck.Result.values:
        raise ValidationError(_("未知质检结果：%s") % result)
    failing = result == QualityCheck.Result.FAIL
    if failing and defect_reason not in QualityCheck.Defect.values:
        raise ValidationError(_("不合格需要选择问题类型"))
    if not failing:
        defect_reason = ""
    note = bounded(note, 300, _("说明"))
    if line.order_id != order.pk:
        raise ValidationError(_("该明细不属于订单 %s") % order.order_no)
    if photo is not None:
        _photo_type(photo)
    saved: list[Any] = []
    try:
        with transaction.atomic():
            order = _lock_order(order)
            order_assert_shippable(order)
            line = OrderLine.objects.select_related("sku").get(pk=line.pk)
            status = selectors.line_qc(line, list(line.quality_checks.all()))
            if quantity is None:
                quantity = 1 if failing else status.open_units
            limit = line.quantity if failing else status.open_units
            if quantity < 1 or quantity > limit:
                raise ValidationError(
                    _("%(code)s 可检数量为 1 到 %(n)d 件")
                    % {"code": line.outer_code or line.title[:20], "n": limit}
                    if limit
                    else _("%s 已全部质检合格") % (line.outer_code or line.title[:20])
                )
            reserved = _reserved_units(line)
            if line.sku_id and reserved < line.quantity:
                raise ValidationError(
                    _("订单 %s 还没有预留库存，请先预留再打包") % order.order_no
                )
            check = QualityCheck(
                order=order,
                line=line,
                sku_id=line.sku_id,
                quantity=quantity,
                result=result,
                defect_reason=defect_reason,
                note=note,
                checked_at=clock.now(),
                checked_by=_actor(actor),
            )
            if photo is not None:
                name = f"{order.pk}-{uuid.uuid4().hex[:12]}"
                check.photo.save(
                    name + PHOTO_TYPES[_photo_type(photo)], photo, save=False
                )
                saved.append((check.photo.storage, check.photo.name))
            check.save()
            audit_record(
                actor=actor,
                verb=f"qc.{result}",
                obj=check,
                action=AuditEntry.Action.CREATE,
                changes={
                    "order": order.order_no,
                    "sku": line.outer_code,
                    "quantity": quantity,
                    "defect": defect_reason,
                },
            )
            if failing:
                _quarantine_failed(actor=actor, order=order, line=line, check=check)
    except BaseException:
        for storage, name in saved:
            storage.delete(name)
        raise
    return check


def _reserved_units(line: OrderLine) -> int:
    return sum(
        Reservation.objects.filter(
            line=line, state=Reservation.State.ACTIVE
        ).values_list("quantity", flat=True)
    )


def _quarantine_failed(
    *, actor: Actor, order: Order, line: OrderLine, check: QualityCheck
) -> None:
    """Set the failed units aside on the levels the line's reservations came from and
    hold the order for quality."""
    reason_label = check.get_defect_reason_display()
    reason = _("质检不合格：订单 %(no)s %(code)s（%(defect)s）") % {
        "no": order.order_no,
        "code": line.outer_code,
        "defect": reason_label,
    }
    taking: dict[int, int] = defaultdict(int)  # level → failed units from it
    left = check.quantity
    for reservation in Reservation.objects.filter(
        line=line, state=Reservation.State.ACTIVE
    ).order_by("pk"):
        take = min(left, reservation.quantity)
        taking[reservation.level_id] += take
        left -= take
        if not left:
            break
    plan = [
        (level, taking[level.pk])
        for level in StockLevel.objects.filter(pk__in=taking).order_by("pk")
    ]
    # Lock the levels of every SKU the order holds (the order row is already locked:
    # `core.locks`), all at once: releasing the reservation below locks them again.
    held_skus = Reservation.objects.filter(
        line__order=order, state=Reservation.State.ACTIVE
    ).values_list("level__sku_id", flat=True)
    locked = {
        lv.pk: lv
        for lv in lock_levels(
            sku_ids={level.sku_id for level, _n in plan} | set(held_skus)
        )
    }
    if any(locked[lv.pk].available < n for lv, n in plan):
        # No spare unit on the shelf: the defective units are the reserved ones.
        # Give the order's reservation back; it is reserved again once released.
        stock_release_order(actor=actor, order=order, reason=reason)
    for level, n in plan:
        stock_quarantine(actor=actor, level=level, quantity=n, reason=reason)
    note = _("%(code)s × %(n)d：%(defect)s") % {
        "code": line.outer_code or line.title[:40],
        "n": check.quantity,
        "defect": reason_label,
    }
    if check.note:
        note = f"{note}（{check.note}）"
    order_hold(actor=actor, order=order, reason=HoldReason.QUALITY, note=note[:300])


def qc_pass_all(*, actor: Actor, order: Order) -> list[QualityCheck]:
    """Pass every unit of the order not yet checked (one tap at the pack station)."""
    with transaction.atomic():
        order = _lock_order(order)
        checks = [
            qc_record(
                actor=actor,
                order=order,
                line=status.line,
                result=QualityCheck.Result.PASS,
                quantity=status.open_units,
            )
            for status in selectors.qc_status(order)
            if status.open_units and not status.failed
        ]
        if not checks:
            raise ValidationError(_("订单 %s 没有待质检的商品") % order.order_no)
    return checks


def qc_photo_attach(
    *, actor: Actor, check: QualityCheck, photo: UploadedFile
) -> QualityCheck:
    """Attach a photo of the defect to a check made without one."""
    kind = _photo_type(photo)
    with transaction.atomic():
        check = QualityCheck.objects.select_for_update().get(pk=check.pk)
        if check.photo:
            raise ValidationError(_("该质检记录已有照片"))
        name = f"{check.order_id}-{uuid.uuid4().hex[:12]}{PHOTO_TYPES[kind]}"
        check.photo.save(name, photo, save=False)
        try:
            check.save(update_fields=["photo"])
            audit_record(
                actor=actor,
                verb="qc.photo",
                obj=check,
                changes={"photo": check.photo.name},
            )
        except BaseException:
            if check.photo.name:
                check.photo.storage.delete(check.photo.name)
            raise
    return check


def order_assert_qc_passed(order: Order) -> None:
    """Raise ValidationError unless every unit of every line passed the check."""
    statuses = selectors.qc_status(order)
    problems = [
        f"{s.line.outer_code or s.line.title[:20]}（{s.state_label}）"
        for s in statuses
        if s.state != "passed"
    ]
    if not statuses:
        raise ValidationError(_("订单 %s 没有商品明细，不能发货") % order.order_no)
    if problems:
        raise ValidationError(
            _("订单 %(no)s 质检未通过，不能发货：%(lines)s")
            % {"no": order.order_no, "lines": "、".join(problems)}
        )


# --- shipping (LOG-2.5) ---------------------------------------------------------


@with_lock_retries
def shipment_create(
    *, actor: Actor, order: Order, courier: str, tracking_no: str
) -> Shipment:
    """Ship an order: it must be shippable (paid, not held), every unit must have
    passed the quality check, and its courier must not be delayed for its province.
    Consumes the reservation, marks the order shipped with its courier and tracking
    number, and records the order's history and the audit entry — all or nothing."""
    courier = courier_check(courier)
    tracking_no = tracking_no_check(courier, tracking_no)
    with transaction.atomic():
        order = _lock_order(order)
        order_assert_shippable(order)
        order_assert_qc_passed(order)
        delay = selectors.delay_covering(courier=courier, province=order.province)
        if delay is not None:
            raise ValidationError(
                _("%(courier)s在%(where)s延误中，请改用其他快递或等待恢复")
                % {"courier": delay.get_courier_display(), "where": delay}
            )
        used = (
            Shipment.objects.filter(courier=courier, tracking_no=tracking_no)
            .select_related("order")
            .first()
        )
        if used is not None:
            raise ValidationError(
                _("运单号 %(no)s 已用于订单 %(order)s")
                % {"no": tracking_no, "order": used.order.order_no}
            )
        units = stock_ship_order(actor=actor, order=order, reference=tracking_no)
        now = clock.now()
        status_before = order.status
        order_mark_shipped(
            actor=actor,
            order=order,
            courier=seller_center_name(courier),
            tracking_no=tracking_no,
            at=now,
        )
        pick_list = selectors.open_pick_list_of(order)
        shipment = Shipment.objects.create(
            order=order,
            courier=courier,
            tracking_no=tracking_no,
            pick_list=pick_list,
            shipped_at=now,
            shipped_by=_actor(actor),
        )
        audit_record(
            actor=actor,
            verb="shipment.create",
            obj=shipment,
            action=AuditEntry.Action.CREATE,
            changes={
                "order": order.order_no,
                "courier": courier,
                "tracking_no": tracking_no,
                "units": units,
                "status": [status_before, order.status],
            },
        )
        if pick_list is not None:
            _close_when_finished(pick_list)
    return shipment


def _close_when_finished(pick_list: PickList) -> None:
    """Close a pick list once none of its orders is still paid and unshipped."""
    waiting = pick_list.entries.filter(order__status=Order.Status.PAID).exists()
    if not waiting:
        _close(lock_row(PickList.objects.all(), pick_list.pk))


# --- courier delays (LOG-2.3) ---------------------------------------------------


@with_lock_retries
def courier_delay_declare(
    *, actor: Actor, courier: str, province: str = "", note: str = ""
) -> CourierDelay:
    """Declare that a courier (in a province, or everywhere) cannot carry: every paid,
    unshipped order of that courier there gets the courier-delay hold, which hands it
    to the evening customer service."""
    courier = courier_check(courier)
    province = bounded(province, 20, _("省份"))
    note = bounded(note, 300, _("说明"))
    with transaction.atomic():
        if lock_rows(
            CourierDelay.objects.filter(
                courier=courier, province=province, lifted_at__isnull=True
            )
        ):
            raise ValidationError(_("该快递延误已登记，尚未解除"))
        delay = CourierDelay.objects.create(
            courier=courier,
            province=province,
            note=note,
            declared_at=clock.now(),
            declared_by=_actor(actor),
        )
        holds = _hold_orders(actor=actor, delay=delay)
        audit_record(
            actor=actor,
            verb="courier_delay.declare",
            obj=delay,
            action=AuditEntry.Action.CREATE,
            changes={"courier": courier, "province": province, "orders": len(holds)},
        )
    return delay


def _hold_orders(*, actor: Actor, delay: CourierDelay) -> list[Hold]:
    """Hold the delay's orders not yet held for a courier delay; return the new holds.

    The delay also takes on the courier-delay holds its orders already had (another
    delay's, or one made by hand), so that lifting the last delay that covers an
    order releases its hold.
    """
    text = delay.note or _("%s延误") % delay
    names = names_of(delay.courier)
    holds: list[Hold] = []
    for name in names:
        if unshipped_orders(courier=name, province=delay.province).exists():
            holds += order_hold_bulk(
                actor=actor,
                reason=HoldReason.COURIER_DELAY,
                note=text,
                courier=name,
                province=delay.province,
            )
    covered = Hold.objects.filter(
        reason=HoldReason.COURIER_DELAY,
        released_at__isnull=True,
        order__status=Order.Status.PAID,
        order__courier__in=names,
    )
    if delay.province:
        covered = covered.filter(order__province=delay.province)
    delay.holds.add(*covered)
    return holds


def courier_delay_apply(*, actor: Actor, delay: CourierDelay) -> int:
    """Hold the orders of a delayed courier that arrived since it was declared."""
    with transaction.atomic():
        delay = lock_row(CourierDelay.objects.all(), delay.pk)
        if not delay.active:
            raise ValidationError(_("该快递延误已解除"))
        holds = _hold_orders(actor=actor, delay=delay)
        audit_record(
            actor=actor,
            verb="courier_delay.apply",
            obj=delay,
            changes={"orders": len(holds)},
        )
    return len(holds)


def courier_delay_lift(
    *, actor: Actor, delay: CourierDelay, release_holds: bool = True
) -> CourierDelay:
    """Lift a delay; by default release the holds it made, except where another
    active delay of the same courier still covers the order's province."""
    with transaction.atomic():
        delay = lock_row(CourierDelay.objects.all(), delay.pk)
        if not delay.active:
            raise ValidationError(_("该快递延误已解除"))
        delay.lifted_at = clock.now()
        delay.lifted_by = _actor(actor)
        delay.save(update_fields=["lifted_at", "lifted_by"])
        released = 0
        if release_holds:
            open_holds = delay.holds.filter(released_at__isnull=True)
            # The orders first, all at once by key (`core.locks`), then each hold.
            lock_rows(Order.objects.filter(pk__in=open_holds.values("order_id")))
            for hold in open_holds.select_related("order").order_by("pk"):
                if selectors.delay_covering(
                    courier=delay.courier, province=hold.order.province
                ):
                    continue
                hold_release(actor=actor, hold=hold, note=_("快递已恢复"))
                released += 1
        audit_record(
            actor=actor,
            verb="courier_delay.lift",
            obj=delay,
            changes={"released_holds": released},
        )
    return delay


# --- hand-off problems (LOG-2.6) ------------------------------------------------


def handoff_problem_record(
    *,
    actor: Actor,
    courier: str,
    kind: str,
    note: str = "",
    order: Order | None = None,
    at: dt.datetime | None = None,
) -> HandoffProblem:
    """Log a problem at the hand-off to a courier, for the weekly analysis."""
    courier = courier_check(courier)
    if kind not in HandoffProblem.Kind.values:
        raise ValidationError(_("未知问题类型：%s") % kind)
    note = bounded(note, 300, _("说明"))
    now = clock.now()
    at = at or now
    if at > now + dt.timedelta(minutes=5):
        raise ValidationError(_("发生时间不能晚于现在"))
    with transaction.atomic():
        problem = HandoffProblem.objects.create(
            courier=courier,
            kind=kind,
            note=note,
            order=order,
            at=at,
            recorded_by=_actor(actor),
        )
        audit_record(
            actor=actor,
            verb="handoff_problem.record",
            obj=problem,
            action=AuditEntry.Action.CREATE,
            changes={
                "courier": courier,
                "kind": kind,
                "order": order.order_no if order else "",
            },
        )
    return problem
