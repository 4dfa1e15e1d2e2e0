"""Writes of the stock ledger. Every change appends a Movement and updates the cached
StockLevel in the same transaction; the database's check constraints refuse anything
that would make a quantity negative."""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import F
from django.utils.translation import gettext as _

from shopops.catalog.models import Sku
from shopops.core import bulk, clock
from shopops.core.actors import Actor, signed_in
from shopops.core.audit import audit_record, audit_records
from shopops.core.locks import lock_row, lock_rows
from shopops.core.models import AuditEntry
from shopops.orders.models import HoldReason, Order, OrderLine
from shopops.stock.locks import lock_levels, with_lock_retries
from shopops.stock.models import (
    Location,
    Lot,
    Movement,
    Reservation,
    StockLevel,
    Warehouse,
)

DEFAULT_WAREHOUSE = "main"
_SLUG = re.compile(r"[-a-zA-Z0-9_]+")
DEFAULT_LOCATION = "DEFAULT"


def default_location() -> Location:
    """Return the default warehouse's default location, creating both if needed."""
    warehouse = Warehouse.objects.filter(is_default=True).first()
    if warehouse is None:
        warehouse, _created = Warehouse.objects.get_or_create(
            code=DEFAULT_WAREHOUSE, defaults={"name": _("主仓库"), "is_default": True}
        )
    location, _created = Location.objects.get_or_create(
        warehouse=warehouse, code=DEFAULT_LOCATION
    )
    return location


def _lot(
    sku: Sku,
    lot_no: str,
    production_date: dt.date | None,
    expiry_date: dt.date | None,
) -> Lot:
    lot, created = Lot.objects.get_or_create(
        sku=sku,
        lot_no=lot_no.strip(),
        defaults={"production_date": production_date, "expiry_date": expiry_date},
    )
    if not created and expiry_date and lot.expiry_date != expiry_date:
        raise ValidationError(
            _("批号 %(lot)s 已存在，有效期是 %(date)s")
            % {"lot": lot.lot_no, "date": lot.expiry_date}
        )
    return lot


def _move(
    level: StockLevel,
    *,
    kind: str,
    actor: Actor,
    on_hand: int = 0,
    reserved: int = 0,
    quarantined: int = 0,
    order: Order | None = None,
    reference: str = "",
    reason: str = "",
) -> Movement:
    """Apply one movement to a level (already locked) and append it to the ledger."""
    StockLevel.objects.filter(pk=level.pk).update(
        on_hand=F("on_hand") + on_hand,
        reserved=F("reserved") + reserved,
        quarantined=F("quarantined") + quarantined,
    )
    level.on_hand += on_hand
    level.reserved += reserved
    level.quarantined += quarantined
    return Movement.objects.create(
        at=clock.now(),
        kind=kind,
        level=level,
        on_hand_delta=on_hand,
        reserved_delta=reserved,
        quarantined_delta=quarantined,
        order=order,
        reference=reference,
        reason=reason[:200],
        actor=signed_in(actor),
    )


@with_lock_retries
def stock_receive(
    *,
    actor: Actor,
    sku: Sku,
    quantity: int,
    location: Location | None = None,
    lot_no: str = "",
    production_date: dt.date | None = None,
    expiry_date: dt.date | None = None,
    reference: str = "",
    reason: str = "",
    kind: str = Movement.Kind.RECEIPT,
) -> Movement:
    """Put `quantity` units of a SKU lot on a location (a receipt or a return)."""
    if quantity <= 0:
        raise ValidationError(_("入库数量必须大于 0"))
    if sku.product.shelf_life_days and not expiry_date:
        raise ValidationError(_("%s 有保质期，入库需要填写有效期") % sku.outer_code)
    with transaction.atomic():
        location = location or default_location()
        lot = _lot(sku, lot_no, production_date, expiry_date)
        level, _created = StockLevel.objects.get_or_create(
            sku=sku, location=location, lot=lot
        )
        lock_levels(sku_ids=[sku.pk])
        movement = _move(
            level,
            kind=kind,
            actor=actor,
            on_hand=quantity,
            reference=reference,
            reason=reason,
        )
        audit_record(
            actor=actor,
            verb=f"stock.{kind}",
            obj=movement,
            action=AuditEntry.Action.CREATE,
            changes={"sku": sku.outer_code, "lot": lot.lot_no, "quantity": quantity},
        )
    return movement


@with_lock_retries
def stock_adjust(
    *,
    actor: Actor,
    level: StockLevel,
    delta: int,
    reason: str,
    kind: str = Movement.Kind.ADJUSTMENT,
) -> Movement:
    """Correct the on-hand quantity of a level (counts, damage, found goods)."""
    if not reason.strip():
        raise ValidationError(_("调整库存需要填写原因"))
    if delta == 0:
        raise ValidationError(_("调整数量不能为 0"))
    with transaction.atomic():
        locked = {lv.pk: lv for lv in lock_levels(sku_ids=[level.sku_id])}[level.pk]
        if locked.available + delta < 0:
            raise ValidationError(
                _("可用库存只有 %(available)d，不能减少 %(delta)d")
                % {"available": locked.available, "delta": -delta}
            )
        movement = _move(locked, kind=kind, actor=actor, on_hand=delta, reason=reason)
        audit_record(
            actor=actor,
            verb=f"stock.{kind}",
            obj=movement,
            action=AuditEntry.Action.CREATE,
            changes={"level": level.pk, "delta": delta, "reason": reason},
        )
    return movement


@dataclass(frozen=True)
class Transfer:
    """The two movements of a transfer: out of one level, into another."""

    out: Movement
    into: Movement


@with_lock_retries
def stock_transfer(
    *,
    actor: Actor,
    level: StockLevel,
    quantity: int,
    location: Location,
    reason: str = "",
) -> Transfer:
    """Move available units of a level to another location (移库): same SKU and lot,
    two movements of kind TRANSFER in one transaction. Reserved units stay where their
    orders' reservations point and quarantined ones where they were set aside."""
    if quantity <= 0:
        raise ValidationError(_("移库数量必须大于 0"))
    if location.pk == level.location_id:
        raise ValidationError(_("目标库位与原库位相同"))
    with transaction.atomic():
        target, _created = StockLevel.objects.get_or_create(
            sku_id=level.sku_id, lot_id=level.lot_id, location=location
        )
        locked = {lv.pk: lv for lv in lock_levels(sku_ids=[level.sku_id])}
        source, target = locked[level.pk], locked[target.pk]
        if source.available < quantity:
            raise ValidationError(
                _("%(code)s 在 %(place)s 可用只有 %(available)d，不能移出 %(n)d")
                % {
                    "code": source.sku.outer_code,
                    "place": source.location.code,
                    "available": source.available,
                    "n": quantity,
                }
            )
        route = f"{source.location.code} → {location.code}"
        reason = (reason.strip() or _("移库")) + f"（{route}）"
        out = _move(
            source,
            kind=Movement.Kind.TRANSFER,
            actor=actor,
            on_hand=-quantity,
            reference=route,
            reason=reason,
        )
        into = _move(
            target,
            kind=Movement.Kind.TRANSFER,
            actor=actor,
            on_hand=quantity,
            reference=route,
            reason=reason,
        )
        audit_record(
            actor=actor,
            verb="stock.transfer",
            obj=out,
            action=AuditEntry.Action.CREATE,
            changes={
                "sku": source.sku.outer_code,
                "lot": source.lot.lot_no,
                "from": source.location.code,
                "to": location.code,
                "quantity": quantity,
            },
        )
    return Transfer(out=out, into=into)


@with_lock_retries
def stock_quarantine(
    *, actor: Actor, level: StockLevel, quantity: int, reason: str
) -> Movement:
    """Set units aside (damaged, failed QC): they stay on hand but are not available."""
    if quantity <= 0:
        raise ValidationError(_("隔离数量必须大于 0"))
    with transaction.atomic():
        locked = {lv.pk: lv for lv in lock_levels(sku_ids=[level.sku_id])}[level.pk]
        if locked.available < quantity:
            raise ValidationError(_("可用库存只有 %d") % locked.available)
        movement = _move(
            locked,
            kind=Movement.Kind.QUARANTINE,
            actor=actor,
            quarantined=quantity,
            reason=reason,
        )
        audit_record(
            actor=actor,
            verb="stock.quarantine",
            obj=movement,
            action=AuditEntry.Action.CREATE,
            changes={"level": level.pk, "quantity": quantity, "reason": reason},
        )
    return movement


QUARANTINE_OUTCOMES = (Movement.Kind.UNQUARANTINE, Movement.Kind.SCRAP)


@with_lock_retries
def stock_quarantine_resolve(
    *, actor: Actor, level: StockLevel, quantity: int, outcome: str, reason: str
) -> Movement:
    """Settle quarantined units once inspected: UNQUARANTINE puts them back on sale
    (available rises); SCRAP writes them off (on hand and quarantined fall together,
    available does not move)."""
    if outcome not in QUARANTINE_OUTCOMES:
        raise ValidationError(_("未知处理方式：%s") % outcome)
    if not reason.strip():
        raise ValidationError(_("处理隔离品需要填写原因"))
    if quantity <= 0:
        raise ValidationError(_("处理数量必须大于 0"))
    with transaction.atomic():
        locked = {lv.pk: lv for lv in lock_levels(sku_ids=[level.sku_id])}[level.pk]
        if locked.quarantined < quantity:
            raise ValidationError(
                _("%(place)s 只有 %(n)d 件隔离品")
                % {"place": locked.location.code, "n": locked.quarantined}
            )
        scrap = outcome == Movement.Kind.SCRAP
        movement = _move(
            locked,
            kind=outcome,
            actor=actor,
            on_hand=-quantity if scrap else 0,
            quarantined=-quantity,
            reason=reason.strip(),
        )
        audit_record(
            actor=actor,
            verb=f"stock.{outcome}",
            obj=movement,
            action=AuditEntry.Action.CREATE,
            changes={"level": level.pk, "quantity": quantity, "reason": reason},
        )
    return movement


@dataclass
class ReserveResult:
    """What reserving an order did: reserved it whole, or found these shortages."""

    reserved: bool
    shortages: dict[str, int] = field(default_factory=dict)  # outer code → units short
    reservations: list[Reservation] = field(default_factory=list)


def _fefo_key(level: StockLevel) -> tuple[dt.date, int, str]:
    """First expiry first out; lots without expiry last; then the older lot, the place."""
    return (level.lot.expiry_date or dt.date.max, level.lot_id, level.location.code)


def _open_quantities(order: Order) -> dict[OrderLine, int]:
    """Return each line with a SKU and the units it still needs reserved."""
    return _open_quantities_of([order]).get(order.pk, {})


def _open_quantities_of(orders: list[Order]) -> dict[int, dict[OrderLine, int]]:
    """Return, per order id, each line with a SKU and the units it still needs
    reserved (lines in primary-key order): two queries for any number of orders."""
    lines = list(
        OrderLine.objects.filter(order__in=orders, sku__isnull=False)
        .only("order_id", "sku_id", "outer_code", "quantity")
        .order_by("pk")
    )
    held: dict[int, int] = defaultdict(int)
    for line_id, quantity in Reservation.objects.filter(
        line__order__in=orders,
        state__in=[Reservation.State.ACTIVE, Reservation.State.SHIPPED],
    ).values_list("line_id", "quantity"):
        held[line_id] += quantity
    needs: dict[int, dict[OrderLine, int]] = defaultdict(dict)
    for line in lines:
        if line.quantity > held[line.pk]:
            needs[line.order_id][line] = line.quantity - held[line.pk]
    return needs


Plan = list[tuple[OrderLine, StockLevel, int]]


def _by_sku_fefo(levels: list[StockLevel]) -> dict[int, list[StockLevel]]:
    """Group locked levels by SKU, each SKU's in the order they are taken (FEFO)."""
    by_sku: dict[int, list[StockLevel]] = defaultdict(list)
    for level in sorted(levels, key=_fefo_key):
        by_sku[level.sku_id].append(level)
    return by_sku


def _plan(
    needs: dict[OrderLine, int],
    by_sku: dict[int, list[StockLevel]],
    left: dict[int, int],
) -> tuple[Plan, dict[str, int]]:
    """Plan one order on the locked levels: which level gives how many units to which
    line, first expiry first out. Return the plan and the shortages (outer code →
    units short); `left` (available units per level) is not changed — the caller
    takes the plan off it only when there is no shortage (all or nothing)."""
    plan: Plan = []
    shortages: dict[str, int] = {}
    taken: dict[int, int] = defaultdict(int)
    for line, quantity in needs.items():
        remaining = quantity
        for level in by_sku.get(line.sku_id or 0, []):
            take = min(remaining, left[level.pk] - taken[level.pk])
            if take > 0:
                plan.append((line, level, take))
                taken[level.pk] += take
                remaining -= take
            if remaining == 0:
                break
        if remaining:
            code = line.outer_code or str(line.sku_id)
            shortages[code] = shortages.get(code, 0) + remaining
    return plan, shortages


def _shortage_note(shortages: dict[str, int]) -> str:
    return "；".join(
        _("%(code)s 缺 %(n)d") % {"code": code, "n": n}
        for code, n in sorted(shortages.items())
    )


@with_lock_retries
def stock_reserve_order(*, actor: Actor, order: Order) -> ReserveResult:
    """Reserve every line of a paid order, or nothing: two orders never get the same
    unit. An order that cannot be reserved is held as out of stock, which hands it to
    the evening customer service."""
    from shopops.orders.services import order_hold

    with transaction.atomic():
        order = _lock_order(order)
        needs = _open_quantities(order)
        if not needs:
            return ReserveResult(reserved=True)
        levels = lock_levels(sku_ids=[line.sku_id for line in needs if line.sku_id])
        # Plan first, on the locked rows; write only when every line can be served.
        plan, shortages = _plan(
            needs, _by_sku_fefo(levels), {lv.pk: lv.available for lv in levels}
        )
        if shortages:
            if (
                not order.holds.filter(
                    reason=HoldReason.OUT_OF_STOCK, released_at__isnull=True
                ).exists()
                and order.status == Order.Status.PAID
            ):
                order_hold(
                    actor=actor,
                    order=order,
                    reason=HoldReason.OUT_OF_STOCK,
                    note=_shortage_note(shortages),
                )
            return ReserveResult(reserved=False, shortages=shortages)
        now = clock.now()
        reservations = []
        for line, level, quantity in plan:
            _move(
                level,
                kind=Movement.Kind.RESERVATION,
                actor=actor,
                reserved=quantity,
                order=order,
                reference=order.order_no,
            )
            reservations.append(
                Reservation.objects.create(
                    line=line, level=level, quantity=quantity, created_at=now
                )
            )
        audit_record(
            actor=actor,
            verb="stock.reserve",
            obj=order,
            action=AuditEntry.Action.ACTION,
            changes={"lines": len(needs), "units": sum(needs.values())},
        )
    return ReserveResult(reserved=True, reservations=reservations)


@with_lock_retries
def stock_reserve_orders(
    *, actor: Actor, order_ids: list[int]
) -> dict[int, ReserveResult]:
    """Reserve a wave of orders in one transaction, in the sequence given (oldest
    first): the same result as `stock_reserve_order` called for each in turn — every
    order all or nothing, first expiry first out, an order that cannot be served held
    as out of stock — but set-based: the orders are locked once, then the levels of
    all their SKUs once (`core.locks`: orders, then levels, by primary key), and the
    reservations, movements and audit rows are written in bulk, each level's reserved
    units in one update. Return each order's result by id."""
    from shopops.orders.models import Hold
    from shopops.orders.services import order_hold

    results: dict[int, ReserveResult] = {}
    with transaction.atomic():
        locked = {
            o.pk: o
            for o in lock_rows(
                Order.objects.filter(pk__in=order_ids).only("order_no", "status")
            )
        }
        wave = [locked[pk] for pk in dict.fromkeys(order_ids) if pk in locked]
        needs_of = _open_quantities_of(wave)
        levels = lock_levels(
            sku_ids={
                line.sku_id
                for needs in needs_of.values()
                for line in needs
                if line.sku_id
            }
        )
        by_sku = _by_sku_fefo(levels)
        left = {lv.pk: lv.available for lv in levels}
        planned: list[tuple[Order, Plan, dict[OrderLine, int]]] = []
        short: dict[int, dict[str, int]] = {}
        for order in wave:
            needs = needs_of.get(order.pk)
            if not needs:
                results[order.pk] = ReserveResult(reserved=True)
                continue
            plan, shortages = _plan(needs, by_sku, left)
            if shortages:
                short[order.pk] = shortages
                results[order.pk] = ReserveResult(reserved=False, shortages=shortages)
                continue
            for _line, level, quantity in plan:
                left[level.pk] -= quantity
            planned.append((order, plan, needs))
        _write_reservations(actor=actor, planned=planned, results=results)
        already_held = set(
            Hold.objects.filter(
                order_id__in=short,
                reason=HoldReason.OUT_OF_STOCK,
                released_at__isnull=True,
            ).values_list("order_id", flat=True)
        )
        for order_id, shortages in short.items():
            order = locked[order_id]
            if order_id not in already_held and order.status == Order.Status.PAID:
                order_hold(
                    actor=actor,
                    order=order,
                    reason=HoldReason.OUT_OF_STOCK,
                    note=_shortage_note(shortages),
                )
    return results


def _write_reservations(
    *,
    actor: Actor,
    planned: list[tuple[Order, Plan, dict[OrderLine, int]]],
    results: dict[int, ReserveResult],
) -> None:
    """Write the planned reservations of a wave set-based: one statement run for
    every level (its reserved units, summed), for every movement and for every
    reservation, then the audit rows in bulk. The wave's results carry no
    `Reservation` objects (the rows are in the database)."""
    now = connection.ops.adapt_datetimefield_value(clock.now())
    by_user = user.pk if (user := signed_in(actor)) else None
    active = Reservation.State.ACTIVE.value
    per_level: dict[int, int] = defaultdict(int)
    movements: list[tuple[Any, ...]] = []
    reservations: list[tuple[Any, ...]] = []
    for order, plan, _needs in planned:
        for line, level, quantity in plan:
            per_level[level.pk] += quantity
            level.reserved += quantity
            movements.append(
                (now, Movement.Kind.RESERVATION.value, level.pk, quantity)
                + (order.pk, order.order_no, by_user)
            )
            reservations.append((line.pk, level.pk, quantity, active, now))
        results[order.pk] = ReserveResult(reserved=True)
    # The levels in key order (they are locked already), each in one update.
    _execute_many(
        "UPDATE {stocklevel} SET reserved = reserved + %s WHERE id = %s",
        [(quantity, pk) for pk, quantity in sorted(per_level.items())],
    )
    _execute_many(
        "INSERT INTO {movement} (at, kind, level_id, on_hand_delta, reserved_delta,"
        " quarantined_delta, order_id, reference, reason, actor_id)"
        " VALUES (%s, %s, %s, 0, %s, 0, %s, %s, '', %s)",
        movements,
    )
    _execute_many(
        "INSERT INTO {reservation} (line_id, level_id, quantity, state, created_at,"
        " returned_quantity) VALUES (%s, %s, %s, %s, %s, 0)",
        reservations,
    )
    audit_records(
        actor=actor,
        verb="stock.reserve",
        action=AuditEntry.Action.ACTION,
        entries=[
            (order, {"lines": len(needs), "units": sum(needs.values())})
            for order, _plan, needs in planned
        ],
    )


def _execute_many(sql: str, rows: list[tuple[Any, ...]]) -> None:
    """Run one statement of the ledger's tables (named in braces) for every row."""
    if not rows:
        return
    tables = {
        name: bulk.table(model)
        for name, model in (
            ("stocklevel", StockLevel),
            ("movement", Movement),
            ("reservation", Reservation),
        )
    }
    bulk.execute_many(sql.format(**tables), rows)


@with_lock_retries
def _serve_held_order(*, actor: Actor, order: Order, note: str) -> bool:
    """Reserve a held order and release its out-of-stock hold, together or not at all;
    the customer service who told the buyer it was out of stock hears that it ships."""
    from django.urls import reverse

    from shopops.core.notifications import notify
    from shopops.orders.models import Hold
    from shopops.orders.services import hold_release

    with transaction.atomic():
        if not stock_reserve_order(actor=actor, order=order).reserved:
            return False
        holds = Hold.objects.filter(
            order=order, reason=HoldReason.OUT_OF_STOCK, released_at__isnull=True
        ).select_related("handled_by")
        for hold in holds:
            hold_release(actor=actor, hold=hold, note=note)
            if hold.handled_by is not None:
                notify(
                    recipients=[hold.handled_by],
                    title=_("订单 %s 已到货，库存已预留，即将发货") % order.order_no,
                    url=reverse("orders:detail", args=[order.pk]),
                    target=hold,
                )
    return True


def stock_serve_held_orders(
    *,
    actor: Actor,
    sku_ids: list[int] | None = None,
    shop_id: int | None = None,
    note: str = "",
) -> list[str]:
    """Give newly available stock to the orders held as out of stock, oldest paid
    first: each order that can now be reserved in full is, and its hold is released so
    that it joins the packing queue (a hold for another reason still stops it).
    Return the served orders' numbers.

    Each order is its own transaction, like `stock_reserve_order`: an order still short
    stays held and does not stop the next one.
    """
    from shopops.stock.selectors import orders_held_for_stock

    note = note or _("到货，库存已预留")
    served = []
    for order in list(orders_held_for_stock(sku_ids=sku_ids, shop_id=shop_id)):
        if _serve_held_order(actor=actor, order=order, note=note):
            served.append(order.order_no)
    return served


def _lock_order(order: Order) -> Order:
    """Lock the order row first: every stock service locks order, then levels
    (`core.locks`)."""
    return lock_row(Order.objects.all(), order.pk)


def _active_reservations(order: Order) -> list[Reservation]:
    return list(
        Reservation.objects.filter(line__order=order, state=Reservation.State.ACTIVE)
        .select_related("level")
        .order_by("pk")
    )


@with_lock_retries
def stock_release_order(*, actor: Actor, order: Order, reason: str = "") -> int:
    """Give back an order's reserved stock (cancelled, refunded); return the units."""
    with transaction.atomic():
        order = _lock_order(order)
        reservations = _active_reservations(order)
        if not reservations:
            return 0
        locked = {
            lv.pk: lv
            for lv in lock_levels(sku_ids=[r.level.sku_id for r in reservations])
        }
        for reservation in reservations:
            _move(
                locked[reservation.level_id],
                kind=Movement.Kind.RELEASE,
                actor=actor,
                reserved=-reservation.quantity,
                order=order,
                reference=order.order_no,
                reason=reason,
            )
        Reservation.objects.filter(pk__in=[r.pk for r in reservations]).update(
            state=Reservation.State.RELEASED
        )
        units = sum(r.quantity for r in reservations)
        audit_record(
            actor=actor,
            verb="stock.release",
            obj=order,
            action=AuditEntry.Action.ACTION,
            changes={"units": units, "reason": reason},
        )
    return units


@with_lock_retries
def stock_ship_order(*, actor: Actor, order: Order, reference: str = "") -> int:
    """Consume an order's reservations as it leaves the warehouse; return the units."""
    with transaction.atomic():
        order = _lock_order(order)
        reservations = _active_reservations(order)
        if not reservations:
            raise ValidationError(_("订单 %s 没有预留库存，不能出库") % order.order_no)
        locked = {
            lv.pk: lv
            for lv in lock_levels(sku_ids=[r.level.sku_id for r in reservations])
        }
        for reservation in reservations:
            _move(
                locked[reservation.level_id],
                kind=Movement.Kind.SHIPMENT,
                actor=actor,
                on_hand=-reservation.quantity,
                reserved=-reservation.quantity,
                order=order,
                reference=reference or order.order_no,
            )
        Reservation.objects.filter(pk__in=[r.pk for r in reservations]).update(
            state=Reservation.State.SHIPPED
        )
    return sum(r.quantity for r in reservations)


@dataclass(frozen=True)
class ReturnedLine:
    """What came back of one order line: units fit to sell, and damaged ones."""

    line_id: int
    good: int = 0
    damaged: int = 0


@with_lock_retries
def stock_return_order(
    *, actor: Actor, order: Order, lines: list[ReturnedLine], reason: str = ""
) -> list[Movement]:
    """Take back goods a buyer returned: each line's units go back to the levels (lot
    and location) they shipped from, as RETURN movements; damaged units are set aside
    in the same movement (quarantined). A line may bring back at most what it shipped
    and has not had back yet. All or nothing."""
    from shopops.stock.selectors import returnable_by_line

    wanted = [item for item in lines if item.good or item.damaged]
    if not wanted:
        raise ValidationError(_("请填写退回的件数"))
    with transaction.atomic():
        order = _lock_order(order)
        codes = dict(order.lines.values_list("pk", "outer_code"))
        returnable = returnable_by_line([order.pk])
        errors = []
        for item in wanted:
            code = codes.get(item.line_id)
            if code is None:
                errors.append(_("明细 %d 不属于这个订单") % item.line_id)
            elif item.good < 0 or item.damaged < 0:
                errors.append(_("%s：件数不能为负") % code)
            elif item.good + item.damaged > returnable.get(item.line_id, 0):
                errors.append(
                    _("%(code)s：最多可退回 %(n)d 件")
                    % {"code": code, "n": returnable.get(item.line_id, 0)}
                )
        if errors:
            raise ValidationError(errors)
        shipped = list(
            Reservation.objects.filter(
                line_id__in=[item.line_id for item in wanted],
                state=Reservation.State.SHIPPED,
                returned_quantity__lt=F("quantity"),
            )
            .select_related("level")
            .order_by("pk")
        )
        locked = {
            lv.pk: lv for lv in lock_levels(sku_ids={r.level.sku_id for r in shipped})
        }
        reason = reason.strip() or _("买家退货")
        movements = []
        for item in wanted:
            good, damaged = item.good, item.damaged
            for reservation in (r for r in shipped if r.line_id == item.line_id):
                take = min(
                    good + damaged, reservation.quantity - reservation.returned_quantity
                )
                if take == 0:
                    continue
                set_aside = min(damaged, take)
                damaged -= set_aside
                good -= take - set_aside
                movements.append(
                    _move(
                        locked[reservation.level_id],
                        kind=Movement.Kind.RETURN,
                        actor=actor,
                        on_hand=take,
                        quarantined=set_aside,
                        order=order,
                        reference=order.order_no,
                        reason=reason,
                    )
                )
                Reservation.objects.filter(pk=reservation.pk).update(
                    returned_quantity=F("returned_quantity") + take
                )
        audit_record(
            actor=actor,
            verb="stock.return",
            obj=order,
            action=AuditEntry.Action.ACTION,
            changes={
                "lines": {
                    codes[item.line_id]: [item.good, item.damaged] for item in wanted
                },
                "reason": reason,
            },
        )
    return movements


def warehouse_create(*, actor: Actor, code: str, name: str) -> Warehouse:
    """Add a warehouse (the first one becomes the default) with its default location."""
    code, name = code.strip(), name.strip()
    if not code or not name:
        raise ValidationError(_("仓库代码和名称都要填写"))
    if len(code) > 32 or len(name) > 100 or not _SLUG.fullmatch(code):
        raise ValidationError(_("仓库代码只能用字母、数字、- 和 _，最多 32 个字符"))
    if Warehouse.objects.filter(code=code).exists():
        raise ValidationError(_("仓库代码 %s 已存在") % code)
    with transaction.atomic():
        warehouse = Warehouse.objects.create(
            code=code,
            name=name,
            is_default=not Warehouse.objects.filter(is_default=True).exists(),
        )
        Location.objects.create(warehouse=warehouse, code=DEFAULT_LOCATION)
        audit_record(
            actor=actor,
            verb="stock.warehouse_create",
            obj=warehouse,
            action=AuditEntry.Action.CREATE,
            changes={"code": code, "name": name},
        )
    return warehouse


def location_create(*, actor: Actor, warehouse: Warehouse, code: str) -> Location:
    """Add a shelf place to a warehouse (codes sort in walking order: A-01-02)."""
    code = code.strip().upper()
    if not code:
        raise ValidationError(_("库位代码不能为空"))
    if len(code) > 32:
        raise ValidationError(_("库位代码最多 32 个字符"))
    if Location.objects.filter(warehouse=warehouse, code=code).exists():
        raise ValidationError(
            _("%(warehouse)s 已有库位 %(code)s")
            % {"warehouse": warehouse.name, "code": code}
        )
    with transaction.atomic():
        location = Location.objects.create(warehouse=warehouse, code=code)
        audit_record(
            actor=actor,
            verb="stock.location_create",
            obj=location,
            action=AuditEntry.Action.CREATE,
            changes={"warehouse": warehouse.code, "code": code},
        )
    return location
