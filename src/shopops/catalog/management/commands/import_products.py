"""`shopops import-products FILE [--json] [--user USERNAME]`: products from CSV/XLSX."""

import json as jsonlib
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from shopops.catalog.services import product_import
from shopops.core.importers import ImportReport


class Command(BaseCommand):
    help = (
        "Import products and SKUs from a CSV or XLSX file, columns by header name. "
        "The whole file or nothing: any bad row aborts the import, every bad row is "
        "listed and the exit code is 1."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("file", help="a .csv (UTF-8 or GBK) or .xlsx file")
        parser.add_argument(
            "--json", action="store_true", help="print the report as JSON"
        )
        parser.add_argument(
            "--user", help="username to record as the actor in the audit trail"
        )

    def handle(
        self, *args: Any, file: str, json: bool, user: str | None, **options: Any
    ) -> None:
        path = Path(file)
        if not path.is_file():
            raise CommandError(_("找不到文件：%(file)s") % {"file": file})
        actor = None
        if user:
            actor = get_user_model().objects.filter(username=user).first()
            if actor is None:
                raise CommandError(_("没有这个用户：%(user)s") % {"user": user})
        report = product_import(actor=actor, file=path, filename=path.name)
        if json:
            self.stdout.write(
                jsonlib.dumps(report.as_dict(), ensure_ascii=False, indent=2)
            )
        else:
            self.stdout.write(_summary(report, path.name))
        if not report.ok:
            if json:
                raise CommandError(
                    _("%(file)s 有 %(count)d 处错误，未导入任何数据")
                    % {"file": path.name, "count": report.error_count}
                )
            raise CommandError(_errors_text(report, path.name))


def _summary(report: ImportReport, name: str) -> str:
    text = _(
        "%(file)s：读取 %(rows)d 行；新建 %(created)d，更新 %(updated)d，"
        "未变 %(unchanged)d 个商品"
    ) % {
        "file": name,
        "rows": report.rows,
        "created": report.created,
        "updated": report.updated,
        "unchanged": report.unchanged,
    }
    if report.ok:
        text += _("；新增 SKU %(skus_created)d，更新 SKU %(skus_updated)d") % {
            "skus_created": report.extra.get("skus_created", 0),
            "skus_updated": report.extra.get("skus_updated", 0),
        }
    return text


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
