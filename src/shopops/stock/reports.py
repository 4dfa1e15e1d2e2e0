"""The monthly stock and shelf-life report (LOG-1.4).

`stock_report_figures(month=…)` reads the ledger as of the month's last day (movements
before the next month's first midnight, shop time), so a report built on the 1st at
09:00 is not disturbed by that morning's shipments:

- stock value by category: units on hand × the product's cost price (Decimal);
- lots expiring within 30, 60 and 90 days of the month's last day (buckets 1–30,
  31–60, 61–90 days left), and expired lots (expiry date on or before that day);
- slow stock: SKUs with units on hand and no sale in the 60 days up to the month's end
  (no line in an order paid then and not closed);
- stock-outs: SKUs on sale with nothing available (on hand − reserved − quarantined ≤ 0).

`stock_report_build` keeps it as a `StockReport` row (money as decimal strings), once per
month, and notifies the operations manager; `stock_report_xlsx` writes it out.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.http import FileResponse
from django.urls import reverse
from django.utils.translation import gettext as _

from shopops.core import clock, exports
from shopops.core.actors import Actor, signed_in
from shopops.core.audit import audit_record
from shopops.core.models import AuditEntry
from shopops.core.money import ZERO, money_str
from shopops.core.notifications import notify_roles
from shopops.core.roles import Role
from shopops.stock.models import Movement, StockLevel, StockReport
from shopops.stock.selectors import active_skus, last_sales

EXPIRY_BUCKETS = (30, 60, 90)
SLOW_DAYS = 60


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def previous_month(day: dt.date) -> dt.date:
    """Return the first day of the month before `day`'s."""
    return month_start(month_start(day) - dt.timedelta(days=1))


def next_month(day: dt.date) -> dt.date:
    return month_start(month_start(day) + dt.timedelta(days=32))


def month_last_day(month: dt.date) -> dt.date:
    return next_month(month) - dt.timedelta(days=1)


def bucket_for(days_left: int) -> int | None:
    """Return the expiry bucket (30, 60 or 90) for a lot with `days_left` days left."""
    for limit in EXPIRY_BUCKETS:
        if 0 < days_left <= limit:
            return limit
    return None


@dataclass
class _Lot:
    level: StockLevel
    units: int = 0
    quarantined: int = 0
    places: set[str] = field(default_factory=set)


def _quantities_at(end: dt.datetime) -> dict[int, tuple[int, int, int]]:
    """Return (on hand, reserved, quarantined) per level id from the ledger before
    `end`."""
    rows = (
        Movement.objects.filter(at__lt=end)
        .values("level_id")
        .annotate(
            on_hand=Sum("on_hand_delta"),
            reserved=Sum("reserved_delta"),
            quarantined=Sum("quarantined_delta"),
        )
        .values_list("level_id", "on_hand", "reserved", "quarantined")
    )
    return {pk: (a or 0, b or 0, c or 0) for pk, a, b, c in rows}


def stock_report_figures(*, month: dt.date) -> dict[str, Any]:
    """Return the report of `month` (any day in it) as plain JSON data."""
    month = month_start(month)
    as_of = month_last_day(month)
    end = clock.at(as_of + dt.timedelta(days=1), dt.time.min)
    quantities = _quantities_at(end)
    levels = StockLevel.objects.select_related(
        "sku__product__category", "lot", "location__warehouse"
    ).order_by("pk")

    per_sku: dict[int, list[int]] = defaultdict(lambda: [0, 0, 0])
    sku_info: dict[int, Any] = {}
    categories: dict[str, dict[str, Any]] = {}
    lots: dict[int, _Lot] = {}
    for level in levels:
        on_hand, reserved, quarantined = quantities.get(level.pk, (0, 0, 0))
        sku = level.sku
        sku_info[sku.pk] = sku
        totals = per_sku[sku.pk]
        totals[0] += on_hand
        totals[1] += reserved
        totals[2] += quarantined
        if on_hand <= 0:
            continue
        value = sku.product.cost_price * on_hand
        name = sku.product.category.name
        cat = categories.setdefault(
            name, {"category": name, "skus": set(), "units": 0, "value": ZERO}
        )
        cat["skus"].add(sku.pk)
        cat["units"] += on_hand
        cat["value"] += value
        if level.lot.expiry_date is not None:
            entry = lots.setdefault(level.lot_id, _Lot(level=level))
            entry.units += on_hand
            entry.quarantined += quarantined
            entry.places.add(str(level.location))

    def lot_row(entry: _Lot) -> dict[str, Any]:
        lot, sku = entry.level.lot, entry.level.sku
        assert lot.expiry_date is not None  # noqa: S101 - only lots with expiry here
        return {
            "outer_code": sku.outer_code,
            "title": sku.product.title,
            "category": sku.product.category.name,
            "lot_no": lot.lot_no,
            "production_date": lot.production_date.isoformat()
            if lot.production_date
            else None,
            "expiry_date": lot.expiry_date.isoformat(),
            "days_left": (lot.expiry_date - as_of).days,
            "units": entry.units,
            "quarantined": entry.quarantined,
            "value": money_str(sku.product.cost_price * entry.units),
            "locations": "、".join(sorted(entry.places)),
        }

    expiring, expired = [], []
    for entry in lots.values():
        row = lot_row(entry)
        if row["days_left"] <= 0:
            expired.append(row)
        elif (bucket := bucket_for(row["days_left"])) is not None:
            expiring.append({"bucket": bucket, **row})
    expiring.sort(key=lambda r: (r["expiry_date"], r["outer_code"], r["lot_no"]))
    expired.sort(key=lambda r: (r["expiry_date"], r["outer_code"], r["lot_no"]))

    sales = last_sales(before=end)
    slow_since = end - dt.timedelta(days=SLOW_DAYS)

    def last_sale_day(sku_id: int) -> dt.date | None:
        last = sales.get(sku_id)
        return last.astimezone(clock.shop_zone()).date() if last else None

    slow = []
    for sku_id, (on_hand, _reserved, _quarantined) in per_sku.items():
        last = sales.get(sku_id)
        if on_hand <= 0 or (last is not None and last >= slow_since):
            continue
        sku = sku_info[sku_id]
        day = last_sale_day(sku_id)
        slow.append(
            {
                "outer_code": sku.outer_code,
                "title": sku.product.title,
                "category": sku.product.category.name,
                "units": on_hand,
                "value": money_str(sku.product.cost_price * on_hand),
                "last_sale": day.isoformat() if day else None,
                "days_since_sale": (as_of - day).days if day else None,
            }
        )
    slow.sort(key=lambda r: (-Decimal(r["value"]), r["outer_code"]))

    stockouts = []
    for sku in active_skus().select_related("product__category").order_by("outer_code"):
        on_hand, reserved, quarantined = per_sku.get(sku.pk, (0, 0, 0))
        available = on_hand - reserved - quarantined
        if available > 0:
            continue
        day = last_sale_day(sku.pk)
        stockouts.append(
            {
                "outer_code": sku.outer_code,
                "title": sku.product.title,
                "category": sku.product.category.name,
                "on_hand": on_hand,
                "reserved": reserved,
                "quarantined": quarantined,
                "available": available,
                "last_sale": day.isoformat() if day else None,
            }
        )

    by_category = sorted(
        (
            {
                "category": c["category"],
                "skus": len(c["skus"]),
                "units": c["units"],
                "value": money_str(c["value"]),
            }
            for c in categories.values()
        ),
        key=lambda r: (-Decimal(r["value"]), r["category"]),
    )
    total_value = sum((Decimal(r["value"]) for r in by_category), ZERO)
    summary = {
        "units": sum(r["units"] for r in by_category),
        "value": money_str(total_value),
        "skus_in_stock": sum(1 for t in per_sku.values() if t[0] > 0),
        "expiring": {
            str(b): sum(1 for r in expiring if r["bucket"] == b) for b in EXPIRY_BUCKETS
        },
        "expiring_units": sum(r["units"] for r in expiring),
        "expired_lots": len(expired),
        "expired_units": sum(r["units"] for r in expired),
        "expired_value": money_str(sum((Decimal(r["value"]) for r in expired), ZERO)),
        "slow_skus": len(slow),
        "slow_units": sum(r["units"] for r in slow),
        "slow_value": money_str(sum((Decimal(r["value"]) for r in slow), ZERO)),
        "stockouts": len(stockouts),
    }
    set_aside = _quarantined_rows(levels, quantities)
    scrapped = _scrapped_rows(start=clock.at(month, dt.time.min), end=end)
    summary.update(
        quarantined_units=sum(r["units"] for r in set_aside),
        quarantined_value=money_str(
            sum((Decimal(r["value"]) for r in set_aside), ZERO)
        ),
        scrapped_units=sum(r["units"] for r in scrapped),
        scrapped_value=money_str(sum((Decimal(r["value"]) for r in scrapped), ZERO)),
    )
    return {
        "month": f"{month:%Y-%m}",
        "as_of": as_of.isoformat(),
        "slow_days": SLOW_DAYS,
        "summary": summary,
        "value_by_category": by_category,
        "expiring": expiring,
        "expired": expired,
        "slow": slow,
        "stockouts": stockouts,
        "quarantined": set_aside,
        "scrapped": scrapped,
    }


def _quarantined_rows(
    levels: Any, quantities: dict[int, tuple[int, int, int]]
) -> list[dict[str, Any]]:
    """Units set aside at the month's end (QC failures, damaged returns and counts)
    still waiting to be inspected: back on sale or scrapped."""
    rows = []
    for level in levels:
        units = quantities.get(level.pk, (0, 0, 0))[2]
        if units <= 0:
            continue
        sku = level.sku
        rows.append(
            {
                "outer_code": sku.outer_code,
                "title": sku.product.title,
                "category": sku.product.category.name,
                "lot_no": level.lot.lot_no,
                "location": str(level.location),
                "units": units,
                "value": money_str(sku.product.cost_price * units),
            }
        )
    return sorted(rows, key=lambda r: (-Decimal(r["value"]), r["outer_code"]))


def _scrapped_rows(*, start: dt.datetime, end: dt.datetime) -> list[dict[str, Any]]:
    """Units written off in the month, per SKU, at cost, with why."""
    by_sku: dict[int, dict[str, Any]] = {}
    for movement in (
        Movement.objects.filter(kind=Movement.Kind.SCRAP, at__gte=start, at__lt=end)
        .select_related("level__sku__product__category")
        .order_by("at", "pk")
    ):
        sku = movement.level.sku
        row = by_sku.setdefault(
            sku.pk,
            {
                "outer_code": sku.outer_code,
                "title": sku.product.title,
                "category": sku.product.category.name,
                "units": 0,
                "value": ZERO,
                "reasons": [],
            },
        )
        units = -movement.on_hand_delta
        row["units"] += units
        row["value"] += sku.product.cost_price * units
        if movement.reason and movement.reason not in row["reasons"]:
            row["reasons"].append(movement.reason)
    rows = [
        {**row, "value": money_str(row["value"]), "reasons": "；".join(row["reasons"])}
        for row in by_sku.values()
    ]
    return sorted(rows, key=lambda r: (-Decimal(r["value"]), r["outer_code"]))


def stock_report_build(
    *, actor: Actor, month: dt.date, rebuild: bool = False
) -> tuple[StockReport, bool]:
    """Build and keep the report of a month that has ended; return it and whether it
    is new. Once per month: a second call returns the kept report unless `rebuild`.
    A new report is announced to the operations manager."""
    month = month_start(month)
    if next_month(month) > clock.today():
        raise ValidationError(_("只能生成已经结束的月份的报告"))
    existing = StockReport.objects.filter(month=month).first()
    if existing is not None and not rebuild:
        return existing, False
    data = stock_report_figures(month=month)
    built_by = signed_in(actor)
    try:
        with transaction.atomic():
            report, created = StockReport.objects.update_or_create(
                month=month,
                defaults={
                    "as_of": month_last_day(month),
                    "built_at": clock.now(),
                    "built_by": built_by,
                    "data": data,
                },
            )
            audit_record(
                actor=actor,
                verb="stock.report_build",
                obj=report,
                action=AuditEntry.Action.CREATE
                if created
                else AuditEntry.Action.UPDATE,
                changes={"month": data["month"], "summary": data["summary"]},
            )
            if created:
                summary = data["summary"]
                notify_roles(
                    roles=[Role.OPS_MANAGER],
                    title=_("%(month)s 库存与保质期月报已生成")
                    % {"month": data["month"]},
                    body=_(
                        "库存金额 %(value)s 元；90 天内到期 %(expiring)d 批；"
                        "已过期 %(expired)d 批；滞销 %(slow)d 个 SKU；断货 %(out)d 个 SKU"
                    )
                    % {
                        "value": summary["value"],
                        "expiring": sum(summary["expiring"].values()),
                        "expired": summary["expired_lots"],
                        "slow": summary["slow_skus"],
                        "out": summary["stockouts"],
                    },
                    url=reverse("stock:report_detail", args=[report.pk]),
                    target=report,
                )
    except IntegrityError:
        # Another run (the job, a second click) kept this month's report first.
        return StockReport.objects.get(month=month), False
    return report, created


# --- XLSX ---------------------------------------------------------------------

MONEY_FORMAT = "#,##0.00"


def _sheet(
    title: str,
    columns: list[tuple[str, str]],
    rows: list[dict[str, Any]],
    money: tuple[str, ...] = ("value",),
    dates: tuple[str, ...] = (),
) -> exports.Sheet:
    def values(row: dict[str, Any]) -> list[Any]:
        out: list[Any] = []
        for key, _label in columns:
            value = row.get(key)
            if key in money and value is not None:
                value = Decimal(value)
            elif key in dates and value:
                value = dt.date.fromisoformat(value)
            out.append(value)
        return out

    return exports.Sheet(
        title,
        [
            exports.Column(
                label,
                width=22 if key == "title" else 14,
                number_format=MONEY_FORMAT if key in money else None,
            )
            for key, label in columns
        ],
        (values(row) for row in rows),
    )


def stock_report_sheets(report: StockReport) -> list[exports.Sheet]:
    """Return the report's sheets: a summary, then one sheet per section."""
    data = report.data
    summary = data["summary"]
    figures: list[tuple[str, Any]] = [
        (_("月份"), data["month"]),
        (_("截至"), dt.date.fromisoformat(data["as_of"])),
        (_("生成时间"), report.built_at),
        (_("在库件数"), summary["units"]),
        (_("库存金额（成本）"), Decimal(summary["value"])),
        (_("30 天内到期批次"), summary["expiring"]["30"]),
        (_("31–60 天到期批次"), summary["expiring"]["60"]),
        (_("61–90 天到期批次"), summary["expiring"]["90"]),
        (_("已过期批次"), summary["expired_lots"]),
        (_("已过期件数"), summary["expired_units"]),
        (_("已过期金额"), Decimal(summary["expired_value"])),
        (_("滞销 SKU"), summary["slow_skus"]),
        (_("滞销金额"), Decimal(summary["slow_value"])),
        (_("断货 SKU"), summary["stockouts"]),
        (_("待处理隔离品件数"), summary.get("quarantined_units", 0)),
        (_("待处理隔离品金额"), Decimal(summary.get("quarantined_value", "0"))),
        (_("本月报废件数"), summary.get("scrapped_units", 0)),
        (_("本月报废金额"), Decimal(summary.get("scrapped_value", "0"))),
    ]
    first = exports.Sheet(
        _("概要"),
        [exports.Column("", width=20), exports.Column("", width=20)],
        [
            [
                label,
                exports.Cell(value, number_format=MONEY_FORMAT)
                if isinstance(value, Decimal)
                else value,
            ]
            for label, value in figures
        ],
        header=False,
    )
    lot_columns = [
        ("outer_code", _("商家编码")),
        ("title", _("商品")),
        ("category", _("类目")),
        ("lot_no", _("批号")),
        ("production_date", _("生产日期")),
        ("expiry_date", _("有效期至")),
        ("days_left", _("剩余天数")),
        ("units", _("在库")),
        ("quarantined", _("隔离")),
        ("value", _("金额")),
        ("locations", _("库位")),
    ]
    lot_dates = ("production_date", "expiry_date")
    return [
        first,
        _sheet(
            _("分类库值"),
            [
                ("category", _("类目")),
                ("skus", _("SKU 数")),
                ("units", _("在库件数")),
                ("value", _("金额")),
            ],
            data["value_by_category"],
        ),
        _sheet(
            _("临期批次"),
            [("bucket", _("天内到期")), *lot_columns],
            data["expiring"],
            dates=lot_dates,
        ),
        _sheet(_("过期库存"), lot_columns, data["expired"], dates=lot_dates),
        _sheet(
            _("滞销库存"),
            [
                ("outer_code", _("商家编码")),
                ("title", _("商品")),
                ("category", _("类目")),
                ("units", _("在库")),
                ("value", _("金额")),
                ("last_sale", _("最后销售")),
                ("days_since_sale", _("未销售天数")),
            ],
            data["slow"],
            dates=("last_sale",),
        ),
        _sheet(
            _("断货"),
            [
                ("outer_code", _("商家编码")),
                ("title", _("商品")),
                ("category", _("类目")),
                ("on_hand", _("在库")),
                ("reserved", _("已预留")),
                ("quarantined", _("隔离")),
                ("available", _("可用")),
                ("last_sale", _("最后销售")),
            ],
            data["stockouts"],
            money=(),
            dates=("last_sale",),
        ),
        _sheet(
            _("隔离品"),
            [
                ("outer_code", _("商家编码")),
                ("title", _("商品")),
                ("category", _("类目")),
                ("lot_no", _("批号")),
                ("location", _("库位")),
                ("units", _("隔离")),
                ("value", _("金额")),
            ],
            data.get("quarantined", []),
        ),
        _sheet(
            _("本月报废"),
            [
                ("outer_code", _("商家编码")),
                ("title", _("商品")),
                ("category", _("类目")),
                ("units", _("报废件数")),
                ("value", _("金额")),
                ("reasons", _("原因")),
            ],
            data.get("scrapped", []),
        ),
    ]


def stock_report_xlsx(report: StockReport) -> bytes:
    """Return the report as an XLSX workbook: a summary, then one sheet per section."""
    return exports.xlsx_bytes(stock_report_sheets(report))


def stock_report_response(report: StockReport) -> FileResponse:
    """Return the report's XLSX as a download, `stock-report-YYYY-MM.xlsx`."""
    return exports.xlsx_response(
        f"stock-report-{report.month:%Y-%m}.xlsx", stock_report_sheets(report)
    )
