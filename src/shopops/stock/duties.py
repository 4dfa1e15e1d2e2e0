"""The stock ledger's duties: LOG-1.2 (watch the whole stock), LOG-1.3 (counts) and
LOG-1.4 (the monthly stock and shelf-life report, built on the 1st at 09:00)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from shopops.core.duties import Duty, Occurrence, Worklist, registry

COUNT_EVERY_DAYS = 7  # LOG-1.3 is weekly: a week without a posted count is due work


def stockouts_worklist(user: Any, day: dt.date) -> Worklist:
    """LOG-1.2: the SKUs on sale with nothing available."""
    from shopops.stock.selectors import stockouts

    return Worklist(
        count=stockouts().count(),
        url=reverse("stock:levels") + "?stockout=1",
        label=_("在售 SKU 断货（可用 ≤ 0）"),
    )


def counts_worklist(user: Any, day: dt.date) -> Worklist:
    """LOG-1.3: unfinished count sheets, and how long since a count was posted."""
    from shopops.stock.selectors import count_status

    status = count_status()
    days = status.days_since_last_post(day)
    since = _("还没有过账的盘点") if days is None else _("距上次盘点过账 %d 天") % days
    count = status.pending
    if not count and (days is None or days >= COUNT_EVERY_DAYS):
        count = 1  # nothing open, and a count is due: open one
    return Worklist(
        count=count,
        url=reverse("stock:counts"),
        label=_("未完成的盘点单（%(since)s）") % {"since": since},
    )


def monthly_report_worklist(user: Any, day: dt.date) -> Worklist:
    """LOG-1.4: has last month's report been built this month?"""
    from shopops.stock.models import StockReport
    from shopops.stock.reports import previous_month

    month = previous_month(day)
    report = StockReport.objects.filter(month=month).only("pk").first()
    if report is None:
        return Worklist(
            count=1,
            url=reverse("stock:reports"),
            label=_("%s 库存与保质期月报未生成") % f"{month:%Y-%m}",
        )
    return Worklist(
        count=0,
        url=reverse("stock:report_detail", args=[report.pk]),
        label=_("%s 库存与保质期月报已生成") % f"{month:%Y-%m}",
    )


def build_monthly_report(duty: Duty, occurrence: Occurrence) -> None:
    """On the 1st at 09:00: build last month's report (once) and tell the operations
    manager. The occurrence's key is this month ("2026-12"): the report is November's."""
    from shopops.core import clock
    from shopops.stock.reports import previous_month, stock_report_build

    due_day = occurrence.due.astimezone(clock.shop_zone()).date()
    stock_report_build(actor=None, month=previous_month(due_day))


def plug_in() -> None:
    registry.provide("LOG-1.2", stockouts_worklist)
    registry.provide("LOG-1.3", counts_worklist)
    registry.provide("LOG-1.4", monthly_report_worklist)
    registry.on_deadline("LOG-1.4", build_monthly_report)
