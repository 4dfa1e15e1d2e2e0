"""The stock API: the monthly report (LOG-1.4)."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest, HttpResponseBase
from ninja import Status

from shopops.core.api_auth import require_perm
from shopops.core.api_helpers import Id, get_or_404, service_errors
from shopops.stock import reports, selectors
from shopops.stock.api.base import router
from shopops.stock.api.schemas import (
    ReportBuildIn,
    StockReportDetailOut,
    StockReportOut,
)
from shopops.stock.models import (
    StockReport,
)


@router.get("/stock/reports", response=list[StockReportOut])
def stock_reports(request: HttpRequest) -> list[StockReport]:
    require_perm(request, "stock.view_stockreport")
    return list(selectors.stock_report_list()[:240])


@router.get("/stock/reports/{report_id}", response=StockReportDetailOut)
def stock_report_detail(request: HttpRequest, report_id: Id) -> StockReport:
    require_perm(request, "stock.view_stockreport")
    return get_or_404(selectors.stock_report_list(), report_id, "report")


@router.get("/stock/reports/{report_id}/xlsx")
def stock_report_xlsx(request: HttpRequest, report_id: Id) -> HttpResponseBase:
    """The report as an XLSX workbook, one sheet per section."""
    require_perm(request, "stock.view_stockreport")
    report = get_or_404(StockReport, report_id, "report")
    return reports.stock_report_response(report)


@router.post(
    "/stock/reports", response={200: StockReportDetailOut, 201: StockReportDetailOut}
)
def stock_report_build(request: HttpRequest, payload: ReportBuildIn) -> Status:
    """Build (once) the report of a month that has ended; `rebuild` builds it again."""
    require_perm(request, "stock.add_stockreport")
    month = dt.date.fromisoformat(f"{payload.month}-01")
    with service_errors():
        report, created = reports.stock_report_build(
            actor=request.user, month=month, rebuild=payload.rebuild
        )
    return Status(
        201 if created else 200,
        get_or_404(selectors.stock_report_list(), report.pk, "report"),
    )
