"""Stock pages: levels by SKU, the movements ledger, manual receipts and adjustments,
warehouses and locations, counts (LOG-1.3) and the monthly report (LOG-1.4).
Thin: check the permission, parse, call a service or selector, render."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from shopops.catalog.selectors import category_choices
from shopops.core import clock
from shopops.core.views import (
    Done,
    error_text,
    post_service,
    query_date,
    query_int,
    query_text,
)
from shopops.stock import counts, reports, selectors, services
from shopops.stock.forms import (
    AdjustForm,
    CountLineAddForm,
    CountLineForm,
    CountSheetForm,
    LocationForm,
    QuarantineForm,
    QuarantineResolveForm,
    ReceiveForm,
    ReportBuildForm,
    TransferForm,
    WarehouseForm,
)
from shopops.stock.models import (
    CountLine,
    CountSheet,
    Movement,
    StockLevel,
    StockReport,
)

EXPIRY_WARN_DAYS = 30


def _level_filters(request: HttpRequest) -> selectors.LevelFilters:
    return selectors.LevelFilters(
        category_id=query_int(request.GET.get("category")),
        warehouse_id=query_int(request.GET.get("warehouse")),
        location_id=query_int(request.GET.get("location")),
        search=query_text(request, "q"),
        stockout=request.GET.get("stockout") == "1",
        quarantined=request.GET.get("quarantined") == "1",
    )


def _mark_expiry(levels: list[StockLevel], today: dt.date) -> None:
    for level in levels:
        expiry = level.lot.expiry_date
        level.days_left = (expiry - today).days if expiry else None  # type: ignore[attr-defined]


# --- levels and the ledger ------------------------------------------------------


@login_required
@permission_required("stock.view_stocklevel", raise_exception=True)
def level_list(request: HttpRequest) -> HttpResponse:
    filters = _level_filters(request)
    page = Paginator(selectors.sku_stock_list(filters), 50).get_page(
        request.GET.get("page")
    )
    skus = list(page)
    by_sku = selectors.levels_for_skus([s.pk for s in skus], filters)
    today = clock.today()
    for levels in by_sku.values():
        _mark_expiry(levels, today)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "stock/levels.html",
        {
            "page": page,
            "rows": [{"sku": s, "levels": by_sku.get(s.pk, [])} for s in skus],
            "categories": category_choices(),
            "warehouses": selectors.warehouse_choices(),
            "locations": selectors.location_list(),
            "filters": query,
            "warn_days": EXPIRY_WARN_DAYS,
        },
    )


@login_required
@permission_required("stock.view_movement", raise_exception=True)
def movement_list(request: HttpRequest) -> HttpResponse:
    qs = selectors.movement_list(
        kind=query_text(request, "kind", 20),
        sku=query_text(request, "sku"),
        level_id=query_int(request.GET.get("level")),
        date_from=query_date(request.GET.get("from")),
        date_to=query_date(request.GET.get("to")),
    )
    page = Paginator(qs, 100).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "stock/movements.html",
        {"page": page, "kinds": Movement.Kind.choices, "filters": query},
    )


@login_required
@permission_required("stock.add_movement", raise_exception=True)
def receive(request: HttpRequest) -> HttpResponse:
    form = ReceiveForm(request.POST or None)

    def receive_stock() -> Done:
        data = form.cleaned_data
        movement = services.stock_receive(
            actor=request.user,
            sku=data["sku"],
            quantity=data["quantity"],
            location=data["location"],
            lot_no=data["lot_no"],
            production_date=data["production_date"],
            expiry_date=data["expiry_date"],
            reference=data["reference"],
            reason=data["reason"] or _("手工入库"),
        )
        return Done(
            _("已入库 %(code)s × %(n)d")
            % {"code": data["sku"].outer_code, "n": movement.on_hand_delta},
            to=reverse("stock:levels") + f"?q={data['sku'].outer_code}",
        )

    def page() -> HttpResponse:
        return render(request, "stock/receive.html", {"form": form})

    if request.method != "POST":
        return page()
    return post_service(
        request,
        receive_stock,
        form=form,
        to="stock:receive",
        render_again=page,
        sep="；",
    )


@login_required
@permission_required("stock.add_movement", raise_exception=True)
def level_adjust(request: HttpRequest, pk: int) -> HttpResponse:
    level = _level(pk)

    def adjust(data: dict[str, Any]) -> str:
        services.stock_adjust(
            actor=request.user, level=level, delta=data["delta"], reason=data["reason"]
        )
        return _("已调整 %(code)s：%(delta)+d") % {
            "code": level.sku.outer_code,
            "delta": data["delta"],
        }

    return _level_action(
        request, level, AdjustForm(request.POST or None), "adjust", adjust, _back(level)
    )


@login_required
@permission_required("stock.add_movement", raise_exception=True)
@require_POST
def level_transfer(request: HttpRequest, pk: int) -> HttpResponse:
    level = _level(pk)

    def transfer(data: dict[str, Any]) -> str:
        services.stock_transfer(
            actor=request.user,
            level=level,
            quantity=data["quantity"],
            location=data["location"],
            reason=data["reason"],
        )
        return _("已移库 %(code)s × %(n)d：%(from)s → %(to)s") % {
            "code": level.sku.outer_code,
            "n": data["quantity"],
            "from": level.location.code,
            "to": data["location"].code,
        }

    form = TransferForm(request.POST, level=level)
    return _level_action(request, level, form, "transfer", transfer, _back(level))


@login_required
@permission_required("stock.add_movement", raise_exception=True)
@require_POST
def level_quarantine(request: HttpRequest, pk: int) -> HttpResponse:
    level = _level(pk)

    def quarantine(data: dict[str, Any]) -> str:
        services.stock_quarantine(
            actor=request.user,
            level=level,
            quantity=data["quantity"],
            reason=data["reason"],
        )
        return _("已隔离 %(code)s × %(n)d") % {
            "code": level.sku.outer_code,
            "n": data["quantity"],
        }

    form = QuarantineForm(request.POST)
    here = reverse("stock:adjust", args=[level.pk])
    return _level_action(request, level, form, "quarantine", quarantine, here)


@login_required
@permission_required("stock.add_movement", raise_exception=True)
@require_POST
def level_quarantine_resolve(request: HttpRequest, pk: int) -> HttpResponse:
    level = _level(pk)

    def resolve(data: dict[str, Any]) -> str:
        movement = services.stock_quarantine_resolve(
            actor=request.user,
            level=level,
            quantity=data["quantity"],
            outcome=data["outcome"],
            reason=data["reason"],
        )
        return _("%(what)s %(code)s × %(n)d") % {
            "what": movement.get_kind_display(),
            "code": level.sku.outer_code,
            "n": data["quantity"],
        }

    form = QuarantineResolveForm(request.POST)
    here = reverse("stock:adjust", args=[level.pk])
    return _level_action(request, level, form, "resolve", resolve, here)


def _back(level: StockLevel) -> str:
    """The stock list, filtered to the level's SKU."""
    return reverse("stock:levels") + f"?q={level.sku.outer_code}"


def _level_action(
    request: HttpRequest,
    level: StockLevel,
    form: Any,
    slot: str,
    act: Callable[[dict[str, Any]], str],
    done: str,
) -> HttpResponse:
    """The four forms of a level's page: with valid data, run `act` (a service call
    that returns the success message) and go to `done`; a refusal or invalid data
    shows the page again with the form, in its `slot`, and its errors."""
    return post_service(
        request,
        lambda: act(form.cleaned_data),
        form=form,
        to=done,
        render_again=lambda: _level_page(request, level, **{slot: form}),
        sep="；",
    )


def _level(pk: int) -> StockLevel:
    return get_object_or_404(selectors.level_with_place(), pk=pk)


def _level_page(
    request: HttpRequest,
    level: StockLevel,
    *,
    adjust: AdjustForm | None = None,
    transfer: TransferForm | None = None,
    quarantine: QuarantineForm | None = None,
    resolve: QuarantineResolveForm | None = None,
) -> HttpResponse:
    """The level's page: adjust it, move it, set units aside or settle those set
    aside, and its recent movements."""
    return render(
        request,
        "stock/adjust.html",
        {
            "level": level,
            "form": adjust or AdjustForm(),
            "transfer_form": transfer or TransferForm(level=level),
            "quarantine_form": quarantine or QuarantineForm(),
            "resolve_form": resolve or QuarantineResolveForm(),
            "movements": selectors.movement_list(level_id=level.pk)[:20],
        },
    )


# --- warehouses and locations ------------------------------------------------------


@login_required
@permission_required("stock.view_warehouse", raise_exception=True)
def warehouse_list(request: HttpRequest) -> HttpResponse:
    warehouses = selectors.warehouses_with_locations()
    return render(
        request,
        "stock/warehouses.html",
        {
            "warehouses": warehouses,
            "warehouse_form": WarehouseForm(),
            "location_form": LocationForm(),
        },
    )


@login_required
@permission_required("stock.add_warehouse", raise_exception=True)
@require_POST
def warehouse_new(request: HttpRequest) -> HttpResponse:
    form = WarehouseForm(request.POST)

    def create() -> str:
        warehouse = services.warehouse_create(actor=request.user, **form.cleaned_data)
        return _("已添加仓库 %s") % warehouse.name

    return post_service(
        request,
        create,
        form=form,
        to="stock:warehouses",
        invalid=_("仓库代码只能用字母、数字、- 和 _；名称必填"),
        sep="；",
    )


@login_required
@permission_required("stock.add_location", raise_exception=True)
@require_POST
def location_new(request: HttpRequest) -> HttpResponse:
    form = LocationForm(request.POST)

    def create() -> str:
        location = services.location_create(actor=request.user, **form.cleaned_data)
        return _("已添加库位 %s") % location

    return post_service(
        request,
        create,
        form=form,
        to="stock:warehouses",
        invalid=_("请选择仓库并填写库位代码"),
        sep="；",
    )


# --- counts (LOG-1.3) ----------------------------------------------------------------


@login_required
@permission_required("stock.view_countsheet", raise_exception=True)
def count_list(request: HttpRequest) -> HttpResponse:
    state = request.GET.get("state", "")
    if state not in CountSheet.State.values:
        state = ""
    page = Paginator(selectors.count_sheet_list(state=state), 50).get_page(
        request.GET.get("page")
    )
    status = selectors.count_status()
    return render(
        request,
        "stock/counts.html",
        {
            "page": page,
            "form": CountSheetForm(),
            "states": CountSheet.State.choices,
            "state": state,
            "filters": {"state": state} if state else None,
            "days_since": status.days_since_last_post(clock.today()),
        },
    )


@login_required
@permission_required("stock.add_countsheet", raise_exception=True)
@require_POST
def count_new(request: HttpRequest) -> HttpResponse:
    form = CountSheetForm(request.POST)

    def create() -> Done:
        sheet = counts.count_sheet_create(actor=request.user, **form.cleaned_data)
        return Done(
            _("已开盘点单 #%(id)d，共 %(n)d 行")
            % {"id": sheet.pk, "n": sheet.lines.count()},
            to=reverse("stock:count_detail", args=[sheet.pk]),
        )

    return post_service(
        request,
        create,
        form=form,
        to="stock:counts",
        invalid=_("盘点范围填写不完整"),
        sep="；",
    )


def _count_lines(sheet: CountSheet) -> Any:
    return sheet.lines.select_related(
        "level__sku__product", "level__lot", "level__location__warehouse"
    ).order_by("level__location__code", "level__sku__outer_code", "pk")


@login_required
@permission_required("stock.view_countsheet", raise_exception=True)
def count_detail(request: HttpRequest, pk: int) -> HttpResponse:
    sheet = get_object_or_404(selectors.count_sheets_with_scope(), pk=pk)
    lines = _count_lines(sheet)
    all_lines = list(lines)
    todo = request.GET.get("todo") == "1"
    search = query_text(request, "q")
    shown = [
        line
        for line in all_lines
        if (not todo or line.counted is None)
        and (
            not search
            or search.lower() in line.level.sku.outer_code.lower()
            or search == line.level.sku.barcode
            or search.lower() in line.level.lot.lot_no.lower()
        )
    ]
    return render(
        request,
        "stock/count_detail.html",
        {
            "sheet": sheet,
            "lines": shown,
            "total": len(all_lines),
            "counted": sum(1 for line in all_lines if line.counted is not None),
            "differences": sum(
                1 for line in all_lines if line.difference not in (None, 0)
            ),
            "editable": sheet.state == CountSheet.State.OPEN
            and request.user.has_perm("stock.change_countsheet"),
            "qualities": CountLine.Quality.choices,
            "add_form": CountLineAddForm(sheet=sheet),
            "todo": todo,
            "q": search,
        },
    )


@login_required
@permission_required("stock.change_countsheet", raise_exception=True)
@require_POST
def count_line_record(request: HttpRequest, pk: int, line_pk: int) -> HttpResponse:
    line = get_object_or_404(selectors.count_line_list(sheet_id=pk), pk=line_pk)
    form = CountLineForm(request.POST)
    error = ""
    if form.is_valid():
        data = form.cleaned_data
        try:
            line = counts.count_line_record(
                actor=request.user,
                line=line,
                counted=data["counted"],
                quality=data["quality"] or CountLine.Quality.GOOD,
                problem_quantity=data["problem_quantity"],
                note=data["note"],
            )
        except ValidationError as exc:
            error = error_text(exc, "；")
    else:
        error = _("实盘数量应为 0 或正整数")
    if request.headers.get("HX-Request"):
        # The row, and the sheet's progress out of band.
        sheet = selectors.count_sheets_with_scope().get(pk=pk)
        progress = selectors.count_sheet_progress(sheet)
        return render(
            request,
            "stock/partials/count_line.html",
            {
                "line": _count_lines(sheet).get(pk=line.pk),
                "sheet": sheet,
                "editable": True,
                "qualities": CountLine.Quality.choices,
                "error": error,
                "saved": not error,
                "oob_progress": True,
                **progress,
            },
        )
    if error:
        messages.error(request, f"{line.level.sku.outer_code}：{error}")
    return redirect(reverse("stock:count_detail", args=[pk]) + f"#line-{line.pk}")


@login_required
@permission_required("stock.change_countsheet", raise_exception=True)
@require_POST
def count_line_add(request: HttpRequest, pk: int) -> HttpResponse:
    sheet = get_object_or_404(CountSheet, pk=pk)
    form = CountLineAddForm(request.POST, sheet=sheet)

    def add() -> Done:
        line = counts.count_line_add(
            actor=request.user, sheet=sheet, **form.cleaned_data
        )
        return Done(
            _("已添加 %s，请录入实盘数量") % line.level.sku.outer_code,
            to=reverse("stock:count_detail", args=[pk]) + f"#line-{line.pk}",
        )

    return post_service(
        request,
        add,
        form=form,
        to=reverse("stock:count_detail", args=[pk]),
        sep="；",
    )


@login_required
@permission_required("stock.change_countsheet", raise_exception=True)
@require_POST
def count_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    sheet = get_object_or_404(CountSheet, pk=pk)

    def act() -> str:
        if action == "submit":
            counts.count_sheet_submit(actor=request.user, sheet=sheet)
            return _("盘点单 #%d 已提交，等待过账") % sheet.pk
        if action == "reopen":
            counts.count_sheet_reopen(actor=request.user, sheet=sheet)
            return _("盘点单 #%d 已退回重盘") % sheet.pk
        result = counts.count_sheet_post(actor=request.user, sheet=sheet)
        messages.success(
            request,
            _(
                "盘点单 #%(id)d 已过账：盘盈 %(gained)d 件，盘亏 %(lost)d 件，"
                "隔离 %(quarantined)d 件"
            )
            % {
                "id": sheet.pk,
                "gained": result.gained,
                "lost": result.lost,
                "quarantined": result.quarantined,
            },
        )
        if result.not_quarantined:
            messages.warning(
                request,
                _("%d 件破损或过期的商品已被订单预留，未能隔离，请在发货质检时拦截")
                % result.not_quarantined,
            )
        return ""

    return post_service(
        request, act, to=reverse("stock:count_detail", args=[pk]), sep="；"
    )


# --- the monthly report (LOG-1.4) ------------------------------------------------------


@login_required
@permission_required("stock.view_stockreport", raise_exception=True)
def report_list(request: HttpRequest) -> HttpResponse:
    last_month = reports.previous_month(clock.today())
    return render(
        request,
        "stock/reports.html",
        {
            "reports": selectors.stock_report_list()[:120],
            "form": ReportBuildForm(initial={"month": f"{last_month:%Y-%m}"}),
            "last_month": last_month,
        },
    )


@login_required
@permission_required("stock.add_stockreport", raise_exception=True)
@require_POST
def report_build(request: HttpRequest) -> HttpResponse:
    form = ReportBuildForm(request.POST)

    def build() -> Done:
        report, created = reports.stock_report_build(
            actor=request.user,
            month=form.cleaned_data["month"],
            rebuild=form.cleaned_data["rebuild"],
        )
        to = reverse("stock:report_detail", args=[report.pk])
        if created or form.cleaned_data["rebuild"]:
            return Done(_("已生成 %s 的报告") % f"{report.month:%Y-%m}", to=to)
        return Done(
            _("%s 的报告已经生成过") % f"{report.month:%Y-%m}",
            to=to,
            level=messages.INFO,
        )

    return post_service(
        request,
        build,
        form=form,
        to="stock:reports",
        invalid=_("月份格式应为 2026-11"),
        sep="；",
    )


@login_required
@permission_required("stock.view_stockreport", raise_exception=True)
def report_detail(request: HttpRequest, pk: int) -> HttpResponse:
    report = get_object_or_404(selectors.stock_report_list(), pk=pk)
    data = report.data
    return render(
        request,
        "stock/report_detail.html",
        {
            "report": report,
            "data": data,
            "summary": data.get("summary", {}),
            "buckets": [
                (b, [r for r in data.get("expiring", []) if r["bucket"] == b])
                for b in reports.EXPIRY_BUCKETS
            ],
        },
    )


@login_required
@permission_required("stock.view_stockreport", raise_exception=True)
def report_xlsx(request: HttpRequest, pk: int) -> HttpResponseBase:
    report = get_object_or_404(StockReport, pk=pk)
    return reports.stock_report_response(report)
