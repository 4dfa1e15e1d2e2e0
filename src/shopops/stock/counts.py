"""Stock counts (盘点, LOG-1.3): the services that write count sheets.

A sheet is opened for a warehouse, a location or a category: one line per stock level
there with stock on hand, its book quantity snapshotted. The counter records, line by
line, how many units are on the shelf and how many of them are damaged or expired;
recording refreshes the book quantity to the level's on-hand at that moment, so goods
that shipped between opening the sheet and counting the shelf are not counted as lost.
Posting turns each difference (counted − book) into a count-correction movement through
`stock_adjust`, and sets the damaged or expired units aside through `stock_quarantine`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from shopops.catalog.models import Category, Sku
from shopops.core import clock
from shopops.core.actors import Actor, signed_in
from shopops.core.audit import audit_record
from shopops.core.locks import lock_row
from shopops.core.models import AuditEntry
from shopops.stock import services
from shopops.stock.locks import lock_levels
from shopops.stock.models import (
    CountLine,
    CountSheet,
    Location,
    Movement,
    StockLevel,
    Warehouse,
)
from shopops.stock.selectors import category_with_descendants


def _scope_levels(
    *,
    scope: str,
    warehouse: Warehouse | None,
    location: Location | None,
    category: Category | None,
) -> Q:
    if scope == CountSheet.Scope.WAREHOUSE:
        if warehouse is None:
            raise ValidationError(_("按仓库盘点需要选择仓库"))
        return Q(location__warehouse=warehouse)
    if scope == CountSheet.Scope.LOCATION:
        if location is None:
            raise ValidationError(_("按库位盘点需要选择库位"))
        return Q(location=location)
    if scope == CountSheet.Scope.CATEGORY:
        if category is None:
            raise ValidationError(_("按类目盘点需要选择类目"))
        q = Q(sku__product__category_id__in=category_with_descendants(category.pk))
        if warehouse is not None:
            q &= Q(location__warehouse=warehouse)
        return q
    raise ValidationError(_("盘点范围只能是仓库、库位或类目"))


def count_sheet_create(
    *,
    actor: Actor,
    scope: str,
    warehouse: Warehouse | None = None,
    location: Location | None = None,
    category: Category | None = None,
    note: str = "",
) -> CountSheet:
    """Open a count sheet with a line for every stock level in scope that has stock,
    in walking order (location, then SKU, then lot by expiry)."""
    where = _scope_levels(
        scope=scope, warehouse=warehouse, location=location, category=category
    )
    if scope == CountSheet.Scope.LOCATION:
        warehouse, category = None, None
    elif scope == CountSheet.Scope.WAREHOUSE:
        location, category = None, None
    else:
        location = None
    with transaction.atomic():
        sheet = CountSheet.objects.create(
            scope=scope,
            warehouse=warehouse,
            location=location,
            category=category,
            note=note.strip()[:200],
            created_by=signed_in(actor),
            created_at=clock.now(),
        )
        levels = (
            StockLevel.objects.filter(where, on_hand__gt=0)
            .select_related("location", "sku", "lot")
            .order_by("location__code", "sku__outer_code", "lot__expiry_date", "pk")
        )
        lines = CountLine.objects.bulk_create(
            CountLine(sheet=sheet, level=level, expected=level.on_hand)
            for level in levels
        )
        audit_record(
            actor=actor,
            verb="stock.count_sheet_create",
            obj=sheet,
            action=AuditEntry.Action.CREATE,
            changes={"scope": sheet.scope_label, "lines": len(lines)},
        )
    return sheet


def _lock_sheet(sheet: CountSheet, *states: str) -> CountSheet:
    locked = lock_row(CountSheet.objects.all(), sheet.pk)
    if locked.state not in states:
        raise ValidationError(
            _("盘点单 #%(id)d 状态是「%(state)s」，不能这样操作")
            % {"id": locked.pk, "state": locked.get_state_display()}
        )
    return locked


def count_line_record(
    *,
    actor: Actor,
    line: CountLine,
    counted: int,
    quality: str = CountLine.Quality.GOOD,
    problem_quantity: int | None = None,
    note: str = "",
) -> CountLine:
    """Record what is on the shelf for one line: the units counted and, when the
    quality is damaged or expired, how many of them (all, unless told)."""
    if counted < 0:
        raise ValidationError(_("实盘数量不能小于 0"))
    if quality not in CountLine.Quality.values:
        raise ValidationError(_("质量只能是完好、破损或过期"))
    if quality == CountLine.Quality.GOOD:
        problem_quantity = 0
    else:
        problem_quantity = counted if problem_quantity is None else problem_quantity
        if counted == 0:
            raise ValidationError(_("实盘为 0 时不能标记破损或过期"))
        if not 0 < problem_quantity <= counted:
            raise ValidationError(_("问题数量应在 1 到实盘数量 %d 之间") % counted)
    with transaction.atomic():
        _lock_sheet(line.sheet, CountSheet.State.OPEN)
        line = CountLine.objects.select_related("level").get(pk=line.pk)
        before = {
            "counted": line.counted,
            "quality": line.quality,
            "problem_quantity": line.problem_quantity,
        }
        line.expected = line.level.on_hand  # the book quantity at the time of counting
        line.counted = counted
        line.quality = quality
        line.problem_quantity = problem_quantity
        line.note = note.strip()[:200]
        line.counted_by = signed_in(actor)
        line.counted_at = clock.now()
        line.save()
        audit_record(
            actor=actor,
            verb="stock.count_line_record",
            obj=line.sheet,
            action=AuditEntry.Action.UPDATE,
            changes={
                "line": line.pk,
                "level": line.level_id,
                "expected": line.expected,
                "before": before,
                "counted": counted,
                "quality": quality,
                "problem_quantity": problem_quantity,
            },
        )
    return line


def count_line_add(
    *,
    actor: Actor,
    sheet: CountSheet,
    sku: Sku,
    location: Location,
    lot_no: str = "",
    production_date: dt.date | None = None,
    expiry_date: dt.date | None = None,
) -> CountLine:
    """Add a line for goods found on the shelf that the sheet does not list (盘盈):
    its book quantity is what the ledger holds there, usually 0."""
    if sheet.scope == CountSheet.Scope.LOCATION and location != sheet.location:
        raise ValidationError(_("这张盘点单只盘库位 %s") % sheet.location)
    if sheet.warehouse_id and location.warehouse_id != sheet.warehouse_id:
        raise ValidationError(_("这张盘点单只盘仓库 %s") % sheet.warehouse)
    if sku.product.shelf_life_days and not expiry_date and not lot_no.strip():
        raise ValidationError(_("%s 有保质期，请填写批号或有效期") % sku.outer_code)
    with transaction.atomic():
        sheet = _lock_sheet(sheet, CountSheet.State.OPEN)
        lot = services._lot(sku, lot_no, production_date, expiry_date)
        if sku.product.shelf_life_days and lot.expiry_date is None:
            raise ValidationError(_("%s 有保质期，请填写有效期") % sku.outer_code)
        level, _created = StockLevel.objects.get_or_create(
            sku=sku, location=location, lot=lot
        )
        line, created = CountLine.objects.get_or_create(
            sheet=sheet, level=level, defaults={"expected": level.on_hand}
        )
        if created:
            audit_record(
                actor=actor,
                verb="stock.count_line_add",
                obj=sheet,
                action=AuditEntry.Action.UPDATE,
                changes={"line": line.pk, "sku": sku.outer_code, "lot": lot.lot_no},
            )
    return line


def _require_counted(sheet: CountSheet) -> None:
    missing = sheet.lines.filter(counted__isnull=True).count()
    if missing:
        raise ValidationError(_("还有 %d 行没有录入实盘数量") % missing)


def count_sheet_submit(*, actor: Actor, sheet: CountSheet) -> CountSheet:
    """Hand a fully counted sheet over for posting."""
    with transaction.atomic():
        sheet = _lock_sheet(sheet, CountSheet.State.OPEN)
        _require_counted(sheet)
        sheet.state = CountSheet.State.SUBMITTED
        sheet.submitted_by = signed_in(actor)
        sheet.submitted_at = clock.now()
        sheet.save(update_fields=["state", "submitted_by", "submitted_at"])
        audit_record(
            actor=actor,
            verb="stock.count_sheet_submit",
            obj=sheet,
            action=AuditEntry.Action.ACTION,
        )
    return sheet


def count_sheet_reopen(*, actor: Actor, sheet: CountSheet) -> CountSheet:
    """Send a submitted sheet back for recounting."""
    with transaction.atomic():
        sheet = _lock_sheet(sheet, CountSheet.State.SUBMITTED)
        sheet.state = CountSheet.State.OPEN
        sheet.save(update_fields=["state"])
        audit_record(
            actor=actor,
            verb="stock.count_sheet_reopen",
            obj=sheet,
            action=AuditEntry.Action.ACTION,
        )
    return sheet


@dataclass
class CountPostResult:
    """What posting a sheet changed in the ledger."""

    sheet: CountSheet
    corrections: list[Movement] = field(default_factory=list)
    quarantines: list[Movement] = field(default_factory=list)
    gained: int = 0  # units found beyond the book quantity
    lost: int = 0  # units missing against it
    quarantined: int = 0
    not_quarantined: int = 0  # damaged units that are reserved for orders


def count_sheet_post(*, actor: Actor, sheet: CountSheet) -> CountPostResult:
    """Post a counted sheet, all or nothing: each difference becomes a count-correction
    movement with the sheet as its reason, each damaged or expired unit not yet set
    aside is quarantined. Units that orders have reserved cannot be quarantined here
    (they are counted in `not_quarantined`; the check before shipping stops them)."""
    with transaction.atomic():
        sheet = _lock_sheet(sheet, CountSheet.State.OPEN, CountSheet.State.SUBMITTED)
        _require_counted(sheet)
        result = CountPostResult(sheet=sheet)
        lines = list(
            sheet.lines.select_related("level__sku", "level__lot").order_by("pk")
        )
        # The sheet, then every level of its SKUs at once, by key (`core.locks`): each
        # adjustment and quarantine below locks its SKU's levels again.
        lock_levels(sku_ids={line.level.sku_id for line in lines})
        for line in lines:
            delta = (line.counted or 0) - line.expected
            code = line.level.sku.outer_code
            reason = _("盘点单 #%(id)d") % {"id": sheet.pk}
            if line.note:
                reason += f"：{line.note}"
            if delta:
                try:
                    movement = services.stock_adjust(
                        actor=actor,
                        level=line.level,
                        delta=delta,
                        reason=reason,
                        kind=Movement.Kind.COUNT_CORRECTION,
                    )
                except ValidationError as exc:
                    raise ValidationError(
                        f"{code} {line.level.lot.lot_no}：" + "；".join(exc.messages)
                    ) from exc
                result.corrections.append(movement)
                if delta > 0:
                    result.gained += delta
                else:
                    result.lost -= delta
            level = StockLevel.objects.get(pk=line.level_id)
            wanted = max(0, line.problem_quantity - level.quarantined)
            quarantine = min(wanted, level.available)
            if quarantine:
                result.quarantines.append(
                    services.stock_quarantine(
                        actor=actor,
                        level=level,
                        quantity=quarantine,
                        reason=f"{reason}（{line.get_quality_display()}）",
                    )
                )
            result.quarantined += quarantine
            result.not_quarantined += wanted - quarantine
            line.posted_delta = delta
            line.posted_quarantine = quarantine
            line.save(update_fields=["posted_delta", "posted_quarantine"])
        sheet.state = CountSheet.State.POSTED
        sheet.posted_by = signed_in(actor)
        sheet.posted_at = clock.now()
        sheet.save(update_fields=["state", "posted_by", "posted_at"])
        audit_record(
            actor=actor,
            verb="stock.count_sheet_post",
            obj=sheet,
            action=AuditEntry.Action.ACTION,
            changes={
                "lines": len(lines),
                "corrections": len(result.corrections),
                "gained": result.gained,
                "lost": result.lost,
                "quarantined": result.quarantined,
                "not_quarantined": result.not_quarantined,
            },
        )
    return result
