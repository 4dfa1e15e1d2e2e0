"""Writes of purchasing: settings and supplier terms, the day's suggestions, the 18:00
cut-off that turns accepted suggestions into purchase orders, and receipts that put the
goods into stock through the ledger (`stock.services.stock_receive`)."""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils.translation import gettext as _

from shopops.catalog.models import Sku, Supplier
from shopops.core import clock
from shopops.core.actors import Actor, signed_in
from shopops.core.audit import audit_record, diff, snapshot
from shopops.core.locks import lock_row, lock_rows
from shopops.core.models import AuditEntry
from shopops.core.notifications import notify_roles
from shopops.core.roles import Role
from shopops.purchasing import selectors
from shopops.purchasing.models import (
    RECEIVABLE_STATES,
    PurchaseOrder,
    PurchaseOrderLine,
    PurchaseSettings,
    PurchaseSuggestion,
    Receipt,
    ReceiptLine,
    SupplierPrice,
    SupplierTerms,
)
from shopops.stock.locks import lock_levels
from shopops.stock.models import Location
from shopops.stock.selectors import putaway_locations
from shopops.stock.services import stock_receive, stock_serve_held_orders

log = logging.getLogger(__name__)

MAX_QUANTITY = 1_000_000
SETTINGS_FIELDS = [
    "sales_window_days",
    "review_days",
    "safety_stock_days",
    "default_lead_time_days",
]


# --- settings, terms and prices ---------------------------------------------------


def _settings_locked() -> PurchaseSettings:
    """Return the settings row, created if missing, locked: it also serialises builds."""
    PurchaseSettings.objects.get_or_create(pk=1)
    return lock_row(PurchaseSettings.objects.all(), 1)


def purchase_settings_update(*, actor: Actor, **values: int) -> PurchaseSettings:
    """Change the figures of the suggestion formula."""
    unknown = set(values) - set(SETTINGS_FIELDS)
    if unknown:
        raise ValidationError(_("未知参数：%s") % ", ".join(sorted(unknown)))
    for name, value in values.items():
        if (
            not isinstance(value, int)
            or isinstance(value, bool)
            or not 0 <= value <= 365
        ):
            raise ValidationError(_("%s 必须是 0 到 365 的整数") % name)
    if values.get("sales_window_days", 1) < 1:
        raise ValidationError(_("销量统计窗口至少 1 天"))
    with transaction.atomic():
        row = _settings_locked()
        before = snapshot(row, SETTINGS_FIELDS)
        for name, value in values.items():
            setattr(row, name, value)
        row.save()
        audit_record(
            actor=actor,
            verb="purchasing.settings",
            obj=row,
            changes=diff(before, snapshot(row, SETTINGS_FIELDS)),
        )
    return row


def supplier_terms_update(
    *,
    actor: Actor,
    supplier: Supplier,
    payment_terms: str = "",
    review_days: int | None = None,
    note: str = "",
) -> SupplierTerms:
    """Record a supplier's payment terms and its own review period."""
    if review_days is not None and not 0 <= review_days <= 365:
        raise ValidationError(_("复核周期必须是 0 到 365 天"))
    fields = ["payment_terms", "review_days", "note"]
    with transaction.atomic():
        terms, created = SupplierTerms.objects.get_or_create(supplier=supplier)
        before = snapshot(terms, fields)
        terms.payment_terms = payment_terms.strip()[:200]
        terms.review_days = review_days
        terms.note = note.strip()[:300]
        terms.save()
        audit_record(
            actor=actor,
            verb="purchasing.supplier_terms",
            obj=terms,
            action=AuditEntry.Action.CREATE if created else AuditEntry.Action.UPDATE,
            changes=diff(before, snapshot(terms, fields)),
        )
    return terms


def supplier_price_set(
    *,
    actor: Actor,
    supplier: Supplier,
    sku: Sku,
    price: Decimal,
    min_order_quantity: int = 1,
    order_multiple: int = 1,
) -> SupplierPrice:
    """Record (or change) what a supplier charges for a SKU and its order quantities."""
    if not isinstance(price, Decimal) or not price.is_finite() or price < 0:
        raise ValidationError(_("采购价必须是不小于 0 的金额"))
    if not 1 <= min_order_quantity <= MAX_QUANTITY:
        raise ValidationError(_("起订量至少为 1"))
    if not 1 <= order_multiple <= MAX_QUANTITY:
        raise ValidationError(_("订购倍数至少为 1"))
    fields = ["price", "min_order_quantity", "order_multiple"]
    with transaction.atomic():
        row, created = SupplierPrice.objects.get_or_create(
            supplier=supplier,
            sku=sku,
            defaults={"price": price.quantize(Decimal("0.01"))},
        )
        before = {} if created else snapshot(row, fields)
        row.price = price.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
        row.min_order_quantity = min_order_quantity
        row.order_multiple = order_multiple
        row.save()
        audit_record(
            actor=actor,
            verb="purchasing.supplier_price",
            obj=row,
            action=AuditEntry.Action.CREATE if created else AuditEntry.Action.UPDATE,
            changes=diff(before, snapshot(row, fields)),
        )
    return row


# --- suggestions ------------------------------------------------------------------


def _ceil_div(a: int, b: int) -> int:
    return -(-a // b)


def order_quantity(net_need: int, min_order_quantity: int, order_multiple: int) -> int:
    """Return `net_need` rounded up to the minimum order quantity, then up to a whole
    multiple (0 stays 0)."""
    if net_need <= 0:
        return 0
    quantity = max(net_need, min_order_quantity)
    return _ceil_div(quantity, order_multiple) * order_multiple


@dataclass(frozen=True)
class Figures:
    """The formula for one SKU, in whole units."""

    sold: int
    window_days: int
    lead_time_days: int
    review_days: int
    safety_stock_days: int
    shortage: int
    available: int
    on_order: int
    min_order_quantity: int = 1
    order_multiple: int = 1

    @property
    def avg_daily_sales(self) -> Decimal:
        return (Decimal(self.sold) / self.window_days).quantize(
            Decimal("0.001"), rounding=ROUND_HALF_UP
        )

    @property
    def safety_stock(self) -> int:
        """Return ⌈avg × safety days⌉, computed exactly as ⌈sold × days / window⌉."""
        return _ceil_div(self.sold * self.safety_stock_days, self.window_days)

    @property
    def reorder_point(self) -> int:
        """Return ⌈avg × (lead time + review days)⌉ + safety stock."""
        cover = self.lead_time_days + self.review_days
        return _ceil_div(self.sold * cover, self.window_days) + self.safety_stock

    @property
    def net_need(self) -> int:
        """Return max(0, shortage + reorder point − (available + on order))."""
        return max(
            0, self.shortage + self.reorder_point - (self.available + self.on_order)
        )

    @property
    def suggested(self) -> int:
        return order_quantity(
            self.net_need, self.min_order_quantity, self.order_multiple
        )


@dataclass
class BuildResult:
    day: dt.date
    rows: int = 0
    needs: int = 0
    kept: int = 0  # accepted or ordered rows left as they were
    skus: int = 0


def purchase_suggestions_build(*, day: dt.date, actor: Actor = None) -> BuildResult:
    """Compute the day's suggestions for every active SKU and store those that ask to
    buy something (plus those a person edited).

    A handful of aggregate queries (GROUP BY SKU) and dictionaries: never a query per
    SKU. Rows already accepted or ordered are left as they were; other rows are
    recomputed, keeping a quantity someone edited."""
    result = BuildResult(day=day)
    with transaction.atomic():
        settings = _settings_locked()
        window = settings.sales_window_days
        start, end = selectors.sales_window(day, window)
        sold = selectors.units_sold_by_sku(start=start, end=end)
        shortage = selectors.open_order_shortage_by_sku()
        available = selectors.available_by_sku()
        on_order = selectors.on_order_by_sku()
        sources = selectors.sku_sources(settings)
        existing = PurchaseSuggestion.objects.filter(day=day)
        frozen = set(
            existing.filter(accepted=True).values_list("sku_id", flat=True)
        ) | set(
            existing.filter(purchase_order__isnull=False).values_list(
                "sku_id", flat=True
            )
        )
        edited = dict(
            existing.filter(
                accepted=False,
                purchase_order__isnull=True,
                edited_quantity__isnull=False,
            ).values_list("sku_id", "edited_quantity")
        )
        existing.filter(accepted=False, purchase_order__isnull=True).delete()
        now = clock.now()
        rows = []
        for sku_id, source in sources.items():
            if sku_id in frozen:
                continue
            figures = Figures(
                sold=sold.get(sku_id, 0),
                window_days=window,
                lead_time_days=source.lead_time_days,
                review_days=source.review_days,
                safety_stock_days=settings.safety_stock_days,
                shortage=shortage.get(sku_id, 0),
                available=available.get(sku_id, 0),
                on_order=on_order.get(sku_id, 0),
                min_order_quantity=source.min_order_quantity,
                order_multiple=source.order_multiple,
            )
            suggested = figures.suggested
            if not suggested and sku_id not in edited:
                continue
            rows.append(
                PurchaseSuggestion(
                    day=day,
                    sku_id=sku_id,
                    supplier_id=source.supplier_id,
                    sold_in_window=figures.sold,
                    window_days=window,
                    avg_daily_sales=figures.avg_daily_sales,
                    lead_time_days=figures.lead_time_days,
                    review_days=figures.review_days,
                    safety_stock=figures.safety_stock,
                    reorder_point=figures.reorder_point,
                    open_order_shortage=figures.shortage,
                    available=figures.available,
                    on_order=figures.on_order,
                    net_need=figures.net_need,
                    min_order_quantity=figures.min_order_quantity,
                    order_multiple=figures.order_multiple,
                    suggested_quantity=suggested,
                    edited_quantity=edited.get(sku_id),
                    unit_price=source.unit_price,
                    reasoning={
                        "source": source.origin,
                        "safety_stock_days": settings.safety_stock_days,
                        "window_from": start.isoformat(),
                        "window_to": end.isoformat(),
                    },
                    computed_at=now,
                )
            )
            result.needs += suggested > 0
        PurchaseSuggestion.objects.bulk_create(rows, batch_size=2000)
        result.rows = len(rows)
        result.kept = len(frozen)
        result.skus = len(sources)
        audit_record(
            actor=actor,
            verb="purchasing.suggestions_build",
            action=AuditEntry.Action.ACTION,
            changes={
                "day": day,
                "skus": result.skus,
                "rows": result.rows,
                "needs": result.needs,
                "kept": result.kept,
            },
        )
    return result


def _carry_over(suggestion: PurchaseSuggestion) -> PurchaseSuggestion:
    """Return the row a change should go to: the suggestion itself while its day's
    cut-off has not passed, else the same SKU's row of the current purchasing day
    (copied from this one when there is none yet)."""
    target_day = selectors.purchasing_day()
    if suggestion.day >= target_day:
        return suggestion
    current = (
        PurchaseSuggestion.objects.select_for_update()
        .filter(day=target_day, sku_id=suggestion.sku_id)
        .order_by("pk")
        .first()
    )
    if current is not None:
        return current
    copy = PurchaseSuggestion.objects.get(pk=suggestion.pk)
    copy.pk = None
    copy.day = target_day
    copy.accepted = False
    copy.accepted_at = None
    copy.accepted_by = None
    copy.purchase_order = None
    copy.reasoning = {
        **suggestion.reasoning,
        "carried_from": suggestion.day.isoformat(),
    }
    copy.computed_at = clock.now()
    copy.save()
    return copy


def _open_suggestion(suggestion: PurchaseSuggestion) -> PurchaseSuggestion:
    """Lock the row and refuse one that was already ordered."""
    row = PurchaseSuggestion.objects.select_for_update().get(pk=suggestion.pk)
    row = _carry_over(row)
    if row.ordered:
        raise ValidationError(_("这条建议已生成采购单，不能再修改"))
    return row


def purchase_suggestion_set_quantity(
    *, actor: Actor, suggestion: PurchaseSuggestion, quantity: int | None
) -> PurchaseSuggestion:
    """Change the quantity to buy (None: back to the suggested one). After the day's
    cut-off the change goes to the next purchasing day's row."""
    if quantity is not None and not 0 <= quantity <= MAX_QUANTITY:
        raise ValidationError(_("数量必须在 0 到 %d 之间") % MAX_QUANTITY)
    with transaction.atomic():
        row = _open_suggestion(suggestion)
        before = row.edited_quantity
        row.edited_quantity = quantity
        row.save(update_fields=["edited_quantity"])
        audit_record(
            actor=actor,
            verb="purchasing.suggestion_quantity",
            obj=row,
            changes={"edited_quantity": [before, quantity]},
        )
    return row


def purchase_suggestion_accept(
    *, actor: Actor, suggestion: PurchaseSuggestion, accepted: bool = True
) -> PurchaseSuggestion:
    """Accept (or take back) a suggestion for the cut-off. After the day's cut-off an
    acceptance goes to the next purchasing day's row."""
    with transaction.atomic():
        row = _open_suggestion(suggestion)
        _set_accepted([row], actor=actor, accepted=accepted)
    row.refresh_from_db()
    return row


def _set_accepted(
    rows: list[PurchaseSuggestion], *, actor: Actor, accepted: bool
) -> int:
    if accepted and any(r.supplier_id is None for r in rows):
        raise ValidationError(_("没有供应商的 SKU 不能确认采购，请先设置供应商或报价"))
    changed = [r for r in rows if r.accepted != accepted]
    if not changed:
        return 0
    PurchaseSuggestion.objects.filter(pk__in=[r.pk for r in changed]).update(
        accepted=accepted,
        accepted_at=clock.now() if accepted else None,
        accepted_by=actor if accepted and getattr(actor, "pk", None) else None,
    )
    for row in changed:
        audit_record(
            actor=actor,
            verb="purchasing.suggestion_accept",
            obj=row,
            action=AuditEntry.Action.ACTION,
            changes={"accepted": [not accepted, accepted], "quantity": row.quantity},
        )
    return len(changed)


def purchase_suggestions_accept_supplier(
    *, actor: Actor, day: dt.date, supplier: Supplier, accepted: bool = True
) -> int:
    """Accept (or take back) every suggestion of a supplier that asks to buy; return
    how many changed. Refused once the day's cut-off has passed."""
    if day < selectors.purchasing_day():
        raise ValidationError(
            _("%(day)s 的采购已于 18:00 截止，请在 %(next)s 的建议中确认")
            % {"day": day, "next": selectors.purchasing_day()}
        )
    with transaction.atomic():
        rows = list(
            selectors.suggestion_list(day=day, supplier_id=supplier.pk, needs_only=True)
            .filter(purchase_order__isnull=True)
            .select_for_update(of=("self",))
            .order_by("pk")
        )
        return _set_accepted(rows, actor=actor, accepted=accepted)


# --- the 18:00 cut-off --------------------------------------------------------------


def _po_number(supplier: Supplier, day: dt.date) -> str:
    return f"PO{day:%Y%m%d}-{supplier.code}"


@dataclass
class CutoffResult:
    day: dt.date
    created: list[PurchaseOrder] = field(default_factory=list)
    extended: list[PurchaseOrder] = field(default_factory=list)
    lines: int = 0
    skipped: int = 0  # accepted, but the supplier's order of the day can take no more


def purchase_cutoff(*, day: dt.date, actor: Actor = None) -> CutoffResult:
    """Turn the day's accepted suggestions into purchase orders, one per supplier, and
    tell the operations manager.

    Idempotent: a suggestion that became an order line is marked with its order, so a
    second run finds nothing left. Suggestions accepted after a run (a cut-off made
    by hand before 18:00) join the same order while it has received nothing."""
    result = CutoffResult(day=day)
    with transaction.atomic():
        rows = lock_rows(
            PurchaseSuggestion.objects.filter(
                day=day,
                accepted=True,
                purchase_order__isnull=True,
                supplier__isnull=False,
            ).select_related("supplier", "sku__product")
        )
        by_supplier: dict[int, list[PurchaseSuggestion]] = defaultdict(list)
        for row in rows:
            if row.quantity > 0:
                by_supplier[row.supplier_id or 0].append(row)
        now = clock.now()
        for supplier_rows in by_supplier.values():
            supplier = supplier_rows[0].supplier
            assert supplier is not None  # noqa: S101 - filtered above
            order, created = _cutoff_order(supplier, day, actor, now)
            if order.state not in (
                PurchaseOrder.State.DRAFT,
                PurchaseOrder.State.ORDERED,
            ):
                result.skipped += len(supplier_rows)
                continue
            lines = {line.sku_id: line for line in order.lines.all()}
            for row in supplier_rows:
                price = row.unit_price
                if price is None:
                    price = row.sku.product.cost_price
                line = lines.get(row.sku_id)
                if line is None:
                    lines[row.sku_id] = PurchaseOrderLine.objects.create(
                        order=order,
                        sku_id=row.sku_id,
                        quantity=row.quantity,
                        unit_price=price,
                    )
                else:
                    PurchaseOrderLine.objects.filter(pk=line.pk).update(
                        quantity=F("quantity") + row.quantity
                    )
                result.lines += 1
            PurchaseSuggestion.objects.filter(
                pk__in=[r.pk for r in supplier_rows]
            ).update(purchase_order=order)
            if order.state == PurchaseOrder.State.DRAFT:
                order.state = PurchaseOrder.State.ORDERED
                order.ordered_at = now
                order.save(update_fields=["state", "ordered_at"])
            (result.created if created else result.extended).append(order)
            units = sum(r.quantity for r in supplier_rows)
            audit_record(
                actor=actor,
                verb="purchasing.cutoff",
                obj=order,
                action=AuditEntry.Action.CREATE
                if created
                else AuditEntry.Action.UPDATE,
                changes={
                    "day": day,
                    "lines": len(supplier_rows),
                    "units": units,
                    "state": order.state,
                },
            )
            notify_roles(
                roles=[Role.OPS_MANAGER],
                title=_(
                    "采购单 %(no)s：%(supplier)s，%(lines)d 个 SKU，共 %(units)d 件"
                )
                % {
                    "no": order.number,
                    "supplier": supplier.name,
                    "lines": len(supplier_rows),
                    "units": units,
                },
                url=reverse("purchasing:order_detail", args=[order.pk]),
                target=order,
                body=_("%(day)s 18:00 截单生成，预计 %(expected)s 到货")
                % {"day": day, "expected": order.expected_date},
            )
    return result


def _cutoff_order(
    supplier: Supplier, day: dt.date, actor: Actor, now: dt.datetime
) -> tuple[PurchaseOrder, bool]:
    terms = SupplierTerms.objects.filter(supplier=supplier).first()
    order, created = PurchaseOrder.objects.get_or_create(
        supplier=supplier,
        cutoff_day=day,
        defaults={
            "number": _po_number(supplier, day),
            "state": PurchaseOrder.State.DRAFT,
            "created_at": now,
            "created_by": signed_in(actor),
            "expected_date": day + dt.timedelta(days=supplier.lead_time_days),
            "payment_terms": terms.payment_terms if terms else "",
        },
    )
    if not created:
        # After the day's suggestions (`core.locks`), as a purchase receipt locks it.
        order = lock_row(PurchaseOrder.objects.all(), order.pk)
    return order, created


def purchase_order_cancel(
    *, actor: Actor, purchase_order: PurchaseOrder, reason: str
) -> PurchaseOrder:
    """Cancel an order that has received nothing; its units stop counting as on order."""
    if not reason.strip():
        raise ValidationError(_("取消采购单需要填写原因"))
    with transaction.atomic():
        order = PurchaseOrder.objects.select_for_update().get(pk=purchase_order.pk)
        if order.state not in (PurchaseOrder.State.DRAFT, PurchaseOrder.State.ORDERED):
            raise ValidationError(
                _("%(no)s 状态为%(state)s，不能取消")
                % {"no": order.number, "state": order.get_state_display()}
            )
        before = order.state
        order.state = PurchaseOrder.State.CANCELLED
        order.note = reason.strip()[:300]
        order.save(update_fields=["state", "note"])
        audit_record(
            actor=actor,
            verb="purchasing.order_cancel",
            obj=order,
            changes={"state": [before, order.state], "reason": reason},
        )
    return order


# --- receiving --------------------------------------------------------------------


@dataclass(frozen=True)
class ReceiveLine:
    """Units of one purchase-order line in a delivery."""

    order_line_id: int
    quantity: int
    lot_no: str = ""
    production_date: dt.date | None = None
    expiry_date: dt.date | None = None
    location_id: int | None = None  # the shelf it is put on; None: its usual shelf


def _check_receive_lines(
    order: PurchaseOrder, lines: list[ReceiveLine]
) -> tuple[dict[int, PurchaseOrderLine], dict[int, Location]]:
    """Return the order's lines by id and the locations the items name by id."""
    if not lines:
        raise ValidationError(_("请至少填写一行到货数量"))
    by_id = {
        line.pk: line
        for line in order.lines.select_related("sku", "sku__product").order_by("pk")
    }
    named = {item.location_id for item in lines if item.location_id is not None}
    locations = Location.objects.select_related("warehouse").in_bulk(named)
    errors: list[str] = []
    seen: set[tuple[int, str]] = set()
    for item in lines:
        po_line = by_id.get(item.order_line_id)
        if po_line is None:
            errors.append(_("采购明细 %d 不属于这张采购单") % item.order_line_id)
            continue
        code = po_line.sku.outer_code
        key = (item.order_line_id, item.lot_no.strip())
        if key in seen:
            errors.append(_("%s：同一批号填写了两次") % code)
        seen.add(key)
        if not 0 < item.quantity <= MAX_QUANTITY:
            errors.append(_("%s：到货数量必须大于 0") % code)
        if item.location_id is not None and item.location_id not in locations:
            errors.append(
                _("%(code)s：库位 %(id)s 不存在")
                % {"code": code, "id": item.location_id}
            )
        if po_line.sku.product.shelf_life_days:
            if not item.lot_no.strip():
                errors.append(_("%s 有保质期，需要填写批号") % code)
            if item.expiry_date is None:
                errors.append(_("%s 有保质期，需要填写有效期") % code)
        if (
            item.production_date
            and item.expiry_date
            and item.expiry_date < item.production_date
        ):
            errors.append(_("%s：有效期早于生产日期") % code)
    if errors:
        raise ValidationError(errors)
    return by_id, locations


def purchase_order_receive(
    *,
    actor: Actor,
    purchase_order: PurchaseOrder,
    lines: list[ReceiveLine],
    note: str = "",
    close: bool = False,
    serve_held: bool = True,
) -> Receipt:
    """Receive a delivery against a purchase order: each line's units go into stock
    (lot and expiry for products with a shelf life) on the location the line names, or
    the SKU's usual one (`putaway_locations`), with the order's number as the
    ledger's reference; over- and under-deliveries are recorded against what was still
    expected. The order becomes partially received, or received when every line is
    complete or `close` says the supplier will send no more.

    Then, once the receipt is committed, the goods serve the orders held as out of stock
    (`stock_serve_held_orders`); the receipt keeps their numbers in `served_orders`
    and shipping is told. A failure there leaves the receipt standing: the orders stay
    held and the pick-list page's reserve step tries them again.
    """
    with transaction.atomic():
        order = lock_row(PurchaseOrder.objects.all(), purchase_order.pk)
        if order.state not in RECEIVABLE_STATES:
            raise ValidationError(
                _("%(no)s 状态为%(state)s，不能收货")
                % {"no": order.number, "state": order.get_state_display()}
            )
        by_id, locations = _check_receive_lines(order, lines)
        # The purchase order, then every level of the receipt's SKUs at once, by key
        # (`core.locks`): each `stock_receive` below locks its SKU's levels again.
        lock_levels(sku_ids={line.sku_id for line in by_id.values()})
        usual = putaway_locations(sorted({line.sku_id for line in by_id.values()}))
        now = clock.now()
        receipt = Receipt.objects.create(
            number=f"{order.number}-R{order.receipts.count() + 1}",
            purchase_order=order,
            received_at=now,
            received_by=signed_in(actor),
            closes_order=close,
            note=note.strip()[:300],
        )
        over: list[str] = []
        under: list[str] = []
        received: dict[int, int] = defaultdict(int)
        received_skus: set[int] = set()
        for item in lines:
            po_line = by_id[item.order_line_id]
            expected = max(0, po_line.outstanding - received[po_line.pk])
            location = (
                locations[item.location_id]
                if item.location_id is not None
                else usual[po_line.sku_id]
            )
            ReceiptLine.objects.create(
                receipt=receipt,
                order_line=po_line,
                quantity=item.quantity,
                expected_quantity=expected,
                lot_no=item.lot_no.strip(),
                production_date=item.production_date,
                expiry_date=item.expiry_date,
                location=location,
            )
            received[po_line.pk] += item.quantity
            received_skus.add(po_line.sku_id)
            stock_receive(
                actor=actor,
                sku=po_line.sku,
                quantity=item.quantity,
                location=location,
                lot_no=item.lot_no,
                production_date=item.production_date,
                expiry_date=item.expiry_date,
                reference=order.number,
                reason=_("采购入库 %s") % receipt.number,
            )
        for line_id, units in received.items():
            PurchaseOrderLine.objects.filter(pk=line_id).update(
                received_quantity=F("received_quantity") + units
            )
        all_lines = list(order.lines.select_related("sku").order_by("pk"))
        for po_line in all_lines:
            if po_line.over_delivered and po_line.pk in received:
                over.append(f"{po_line.sku.outer_code} +{po_line.over_delivered}")
            if close and po_line.outstanding:
                under.append(f"{po_line.sku.outer_code} -{po_line.outstanding}")
        before = order.state
        complete = all(not line.outstanding for line in all_lines)
        order.state = (
            PurchaseOrder.State.RECEIVED
            if complete or close
            else PurchaseOrder.State.PARTIALLY_RECEIVED
        )
        order.save(update_fields=["state"])
        audit_record(
            actor=actor,
            verb="purchasing.receive",
            obj=receipt,
            action=AuditEntry.Action.CREATE,
            changes={
                "order": order.number,
                "state": [before, order.state],
                "units": sum(received.values()),
                "over": over,
                "under": under,
            },
        )
        if over or under:
            notify_roles(
                roles=[Role.OPS_MANAGER],
                title=_("采购单 %(no)s 到货数量不符：%(what)s")
                % {"no": order.number, "what": "；".join(over + under)},
                url=reverse("purchasing:order_detail", args=[order.pk]),
                target=receipt,
            )
    if serve_held:
        _serve_held_orders(actor=actor, receipt=receipt, sku_ids=list(received_skus))
    return receipt


def _serve_held_orders(*, actor: Actor, receipt: Receipt, sku_ids: list[int]) -> None:
    try:
        served = stock_serve_held_orders(
            actor=actor,
            sku_ids=sku_ids,
            note=_("采购到货 %s，库存已预留") % receipt.number,
        )
    except DatabaseError:  # each order rolled back alone; the receipt stands
        log.exception("serving held orders after %s failed", receipt.number)
        return
    if not served:
        return
    receipt.served_orders = served
    receipt.save(update_fields=["served_orders"])
    notify_roles(
        roles=[Role.SHIPPING],
        title=_("%(receipt)s 到货：%(n)d 个缺货订单已预留，可以拣货")
        % {"receipt": receipt.number, "n": len(served)},
        url=reverse("shipping:pick_lists"),
        target=receipt,
    )
