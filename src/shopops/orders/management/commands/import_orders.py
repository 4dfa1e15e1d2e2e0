"""`shopops import-orders --shop CODE ORDERS_FILE [--items ITEMS_FILE] [--json]`."""

from __future__ import annotations

import json as jsonlib
import sys
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from shopops.core.importers import ImportReport
from shopops.orders.imports import orders_import
from shopops.org.models import Shop


class Command(BaseCommand):
    help = (
        "Import the seller center's order report (订单报表, ExportOrderList*.csv) and "
        "optionally its item report (宝贝报表, ExportOrderDetailList*.csv) into a shop: "
        "CSV in GBK/GB18030/UTF-8 or XLSX, columns by header name. The whole files or "
        "nothing: any bad row aborts the import, every bad row is listed and the exit "
        "code is 1. Importing the same files again changes nothing."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("orders_file", help="the order report (.csv or .xlsx)")
        parser.add_argument("--shop", required=True, help="the shop's code")
        parser.add_argument(
            "--items", dest="items_file", help="the item report (.csv or .xlsx)"
        )
        parser.add_argument(
            "--json",
            action="store_true",
            help="print the report as JSON (created, updated, unchanged, errors)",
        )
        parser.add_argument(
            "--user", help="username to record as the actor in the audit trail"
        )

    def handle(
        self,
        *args: Any,
        orders_file: str,
        shop: str,
        items_file: str | None,
        json: bool,
        user: str | None,
        **options: Any,
    ) -> None:
        found = Shop.objects.filter(code=shop).first()
        if found is None:
            raise CommandError(_("没有这个店铺：%(shop)s") % {"shop": shop})
        paths = [Path(orders_file)] + ([Path(items_file)] if items_file else [])
        for path in paths:
            if not path.is_file():
                raise CommandError(_("找不到文件：%(file)s") % {"file": path})
        actor = None
        if user:
            actor = get_user_model().objects.filter(username=user).first()
            if actor is None:
                raise CommandError(_("没有这个用户：%(user)s") % {"user": user})
        bar = _ProgressBar(self.stderr) if not json and _is_tty(self.stderr) else None
        report = orders_import(
            actor=actor,
            shop=found,
            orders_file=paths[0],
            items_file=paths[1] if items_file else None,
            progress=bar,
        )
        if bar is not None:
            bar.finish()
        name = paths[0].name
        if json:
            self.stdout.write(
                jsonlib.dumps(report.as_dict(), ensure_ascii=False, indent=2)
            )
        else:
            self.stdout.write(_summary(report, name))
            if report.warnings:
                self.stdout.write(_warnings_text(report))
        if not report.ok:
            if json:
                raise CommandError(
                    _("%(file)s 有 %(count)d 处错误，未导入任何数据")
                    % {"file": name, "count": report.error_count}
                )
            raise CommandError(_errors_text(report, name))


def _is_tty(stream: Any) -> bool:
    isatty = getattr(getattr(stream, "_out", stream), "isatty", None)
    return bool(isatty and isatty())


class _ProgressBar:
    """A one-line progress bar on the terminal (stderr)."""

    WIDTH = 30

    def __init__(self, stream: Any) -> None:
        self.stream = stream
        self.shown = -1

    def __call__(self, phase: str, done: int, total: int) -> None:
        percent = min(100, done * 100 // max(total, 1))
        if percent == self.shown:
            return
        self.shown = percent
        filled = self.WIDTH * percent // 100
        label = _("检查") if phase == "reading" else _("写入")
        self.stream.write(
            f"\r{label} [{'#' * filled}{'.' * (self.WIDTH - filled)}] {percent:3d}%",
            ending="",
        )
        self.stream.flush()

    def finish(self) -> None:
        if self.shown >= 0:
            self.stream.write("", ending="\n")
        sys.stderr.flush()


def _summary(report: ImportReport, name: str) -> str:
    text = _(
        "%(file)s：读取 %(rows)d 行订单、%(items)d 行宝贝；新建 %(created)d，"
        "更新 %(updated)d，未变 %(unchanged)d 个订单"
    ) % {
        "file": name,
        "rows": report.rows,
        "items": report.extra.get("item_rows", 0),
        "created": report.created,
        "updated": report.updated,
        "unchanged": report.unchanged,
    }
    if report.ok:
        text += _("；新增明细 %(lines)d 行，新客户 %(customers)d 个") % {
            "lines": report.extra.get("lines_created", 0),
            "customers": report.extra.get("customers_created", 0),
        }
    return text


def _warnings_text(report: ImportReport) -> str:
    lines = [_("%(count)d 处提醒（已导入）：") % {"count": report.warning_count}]
    lines.extend(f"  {warning}" for warning in report.warnings)
    if report.warnings_omitted:
        lines.append(
            _("  另有 %(count)d 处提醒未列出") % {"count": report.warnings_omitted}
        )
    return "\n".join(lines)


def _errors_text(report: ImportReport, name: str) -> str:
    lines = [
        _("%(file)s 有 %(count)d 处错误，未导入任何数据：")
        % {"file": name, "count": report.error_count}
    ]
    lines.extend(f"  {error}" for error in report.errors)
    if report.errors_omitted:
        lines.append(
            _("  另有 %(count)d 处错误未列出") % {"count": report.errors_omitted}
        )
    return "\n".join(lines)
