"""Shipping pages: pick lists, the pack station (scan → check → ship), shipments and
their bulk-shipping export, courier delays, hand-off problems and the weekly analysis.
Thin: check the permission, parse, call a service or selector, render."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBase,
)
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from shopops.core import clock
from shopops.core.views import Done, post_service, query_date, query_int
from shopops.orders.models import Order
from shopops.orders.selectors import (
    order_active_holds,
    order_line_get,
    orders_by_no,
    paid_order_provinces,
)
from shopops.org.selectors import shop_choices
from shopops.shipping import exports, selectors, services
from shopops.shipping.couriers import TRACKING_HINTS, Courier, courier_from_name
from shopops.shipping.forms import (
    CourierDelayForm,
    CourierDelayLiftForm,
    HandoffProblemForm,
    QualityCheckForm,
    ShipForm,
    WaveForm,
)
from shopops.shipping.models import (
    CourierDelay,
    HandoffProblem,
    PickList,
    QualityCheck,
)

# --- pick lists -------------------------------------------------------------------


@login_required
@permission_required("shipping.view_picklist", raise_exception=True)
def pick_lists(request: HttpRequest) -> HttpResponse:
    shop_id = query_int(request.GET.get("shop"))
    return render(
        request,
        "shipping/pick_lists.html",
        {
            "open_lists": selectors.pick_list_list(state=PickList.State.OPEN),
            "done_lists": selectors.pick_list_list(state=PickList.State.DONE)[:20],
            "ready": selectors.orders_ready_to_pick(shop_id=shop_id).count(),
            "unreserved": selectors.orders_waiting_for_reservation(
                shop_id=shop_id
            ).count(),
            "shops": shop_choices(),
            "filters": request.GET,
        },
    )


@login_required
@permission_required("shipping.add_picklist", raise_exception=True)
@require_POST
def reserve_waiting(request: HttpRequest) -> HttpResponse:
    form = WaveForm(request.POST)

    def reserve() -> None:
        summary = services.orders_reserve_waiting(
            actor=request.user,
            shop_id=form.cleaned_data["shop"],
            limit=form.cleaned_data["limit"] or services.MAX_RESERVE_WAVE,
        )
        messages.success(
            request,
            _("已预留 %(ok)d 个订单；%(short)d 个缺货已扣留并交晚班客服")
            % {"ok": len(summary.reserved), "short": len(summary.short)},
        )
        if summary.released:
            messages.info(
                request,
                _("其中 %(n)d 个原缺货扣留的订单已有库存，已解除扣留：%(orders)s")
                % {"n": len(summary.released), "orders": "、".join(summary.released)},
            )

    return post_service(request, reserve, form=form, to="shipping:pick_lists")


@login_required
@permission_required("shipping.add_picklist", raise_exception=True)
@require_POST
def pick_list_new(request: HttpRequest) -> HttpResponse:
    form = WaveForm(request.POST)

    def create() -> Done:
        pick_list = services.pick_list_create(
            actor=request.user,
            shop_id=form.cleaned_data["shop"],
            limit=form.cleaned_data["limit"] or 50,
        )
        return Done(
            _("已生成拣货单 %s") % pick_list.number,
            to=reverse("shipping:pick_list", args=[pick_list.pk]),
        )

    return post_service(request, create, form=form, to="shipping:pick_lists")


@login_required
@permission_required("shipping.view_picklist", raise_exception=True)
def pick_list_detail(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        pick_list = selectors.pick_list_get(pk)
    except PickList.DoesNotExist as exc:
        raise Http404(_("没有这张拣货单")) from exc
    lines = list(pick_list.lines.all())
    return render(
        request,
        "shipping/pick_list.html",
        {
            "pick_list": pick_list,
            "lines": lines,
            "units": sum(line.quantity for line in lines),
            "orders": selectors.pick_list_orders(pick_list),
        },
    )


@login_required
@permission_required("shipping.change_picklist", raise_exception=True)
@require_POST
def pick_list_close(request: HttpRequest, pk: int) -> HttpResponse:
    pick_list = get_object_or_404(PickList, pk=pk)

    def close() -> str:
        services.pick_list_close(actor=request.user, pick_list=pick_list)
        return _("拣货单 %s 已完成") % pick_list.number

    return post_service(request, close, to=reverse("shipping:pick_list", args=[pk]))


# --- the pack station -------------------------------------------------------------


def _pack_url(order: Order) -> str:
    return reverse("shipping:pack_station") + "?" + urlencode({"q": order.order_no})


@login_required
@permission_required("shipping.add_shipment", raise_exception=True)
def pack_station(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()
    order = None
    matches: list[Order] = []
    if query:
        matches = list(orders_by_no(query).order_by("shop__code"))
        pk = query_int(request.GET.get("order"))
        chosen = [o for o in matches if o.pk == pk] if pk else matches
        if len(chosen) == 1:
            order = chosen[0]
        elif not matches:
            messages.warning(request, _("没有找到订单 %s") % query[:40])
    context: dict[str, object] = {
        "query": query,
        "matches": matches if order is None else [],
        "order": order,
        "couriers": Courier.choices,
        "hints": {code: str(hint) for code, hint in TRACKING_HINTS.items()},
        "defects": QualityCheck.Defect.choices,
    }
    if order is None:
        context["pending"] = selectors.qc_pending_orders()[:50]
    else:
        statuses = selectors.qc_status(order)
        context.update(
            statuses=statuses,
            qc_done=selectors.qc_passed(statuses),
            holds=order_active_holds(order),
            shipment=getattr(order, "shipment", None),
            default_courier=courier_from_name(order.courier),
            delay=selectors.delay_covering(
                courier=courier_from_name(order.courier), province=order.province
            )
            if order.courier
            else None,
        )
    return render(request, "shipping/pack_station.html", context)


@login_required
@permission_required("shipping.add_qualitycheck", raise_exception=True)
@require_POST
def qc_record(request: HttpRequest, pk: int) -> HttpResponse:
    order = get_object_or_404(Order, pk=pk)
    form = QualityCheckForm(request.POST, request.FILES)

    def record() -> str | Done:
        data = form.cleaned_data
        line = order_line_get(order, data["line"] or 0)
        if line is None:
            raise ValidationError(_("请选择订单明细"))
        services.qc_record(
            actor=request.user,
            order=order,
            line=line,
            result=data["result"],
            quantity=data["quantity"],
            defect_reason=data["defect_reason"],
            note=data["note"],
            photo=data["photo"],
        )
        if data["result"] == QualityCheck.Result.FAIL:
            return Done(
                _("已记录不合格：商品已隔离，订单 %s 已扣留并交晚班客服")
                % order.order_no,
                level=messages.WARNING,
            )
        return _("已记录质检合格")

    return post_service(request, record, form=form, to=_pack_url(order))


@login_required
@permission_required("shipping.add_qualitycheck", raise_exception=True)
@require_POST
def qc_pass_all(request: HttpRequest, pk: int) -> HttpResponse:
    order = get_object_or_404(Order, pk=pk)

    def pass_all() -> str:
        services.qc_pass_all(actor=request.user, order=order)
        return _("订单 %s 全部质检合格") % order.order_no

    return post_service(request, pass_all, to=_pack_url(order))


@login_required
@permission_required("shipping.add_shipment", raise_exception=True)
@require_POST
def ship(request: HttpRequest, pk: int) -> HttpResponse:
    order = get_object_or_404(Order, pk=pk)
    form = ShipForm(request.POST)

    def ship_order() -> str:
        shipment = services.shipment_create(
            actor=request.user, order=order, **form.cleaned_data
        )
        return _("订单 %(no)s 已发货：%(courier)s %(tracking)s") % {
            "no": order.order_no,
            "courier": shipment.get_courier_display(),
            "tracking": shipment.tracking_no,
        }

    return post_service(
        request,
        ship_order,
        form=form,
        to="shipping:pack_station",
        failed=_pack_url(order),
    )


@login_required
@permission_required("shipping.view_qualitycheck", raise_exception=True)
def qc_photo(request: HttpRequest, pk: int) -> FileResponse:
    check = get_object_or_404(QualityCheck, pk=pk)
    if not check.photo:
        raise Http404(_("该质检记录没有照片"))
    try:
        handle = check.photo.open("rb")
    except FileNotFoundError as exc:
        raise Http404(_("照片文件不存在")) from exc
    response = FileResponse(handle)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'"
    return response


# --- shipments and the bulk-shipping export ----------------------------------------


@login_required
@permission_required("shipping.view_shipment", raise_exception=True)
def shipment_list(request: HttpRequest) -> HttpResponseBase:
    today = clock.today()
    date_from = query_date(request.GET.get("from")) or today
    date_to = query_date(request.GET.get("to")) or today
    if date_from > date_to:
        date_from, date_to = date_to, date_from
    shop_id = query_int(request.GET.get("shop"))
    qs = selectors.shipment_list(date_from=date_from, date_to=date_to, shop_id=shop_id)
    if request.GET.get("export") == "csv":
        return exports.bulk_shipping_response(qs, date_from, date_to)
    page = Paginator(qs.order_by("-shipped_at", "-pk"), 100).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "shipping/shipments.html",
        {
            "page": page,
            "date_from": date_from,
            "date_to": date_to,
            "shops": shop_choices(),
            "filters": request.GET,
            "export_query": urlencode(
                {
                    "from": date_from.isoformat(),
                    "to": date_to.isoformat(),
                    "shop": shop_id or "",
                    "export": "csv",
                }
            ),
        },
    )


# --- courier delays -----------------------------------------------------------------


@login_required
@permission_required("shipping.view_courierdelay", raise_exception=True)
def delay_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "shipping/delays.html",
        {
            "active": selectors.delay_list().filter(lifted_at__isnull=True),
            "lifted": selectors.delay_list().filter(lifted_at__isnull=False)[:30],
            "couriers": Courier.choices,
            "provinces": paid_order_provinces(),
        },
    )


@login_required
@permission_required("shipping.add_courierdelay", raise_exception=True)
@require_POST
def delay_new(request: HttpRequest) -> HttpResponse:
    form = CourierDelayForm(request.POST)

    def declare() -> str:
        delay = services.courier_delay_declare(actor=request.user, **form.cleaned_data)
        return _("已登记%(delay)s延误，扣留 %(n)d 个未发货订单并交晚班客服") % {
            "delay": delay,
            "n": delay.holds.count(),
        }

    return post_service(request, declare, form=form, to="shipping:delays")


@login_required
@permission_required("shipping.add_courierdelay", raise_exception=True)
@require_POST
def delay_apply(request: HttpRequest, pk: int) -> HttpResponse:
    delay = get_object_or_404(CourierDelay, pk=pk)

    def apply() -> str:
        n = services.courier_delay_apply(actor=request.user, delay=delay)
        return _("又扣留了 %d 个新订单") % n

    return post_service(request, apply, to="shipping:delays")


@login_required
@permission_required("shipping.change_courierdelay", raise_exception=True)
@require_POST
def delay_lift(request: HttpRequest, pk: int) -> HttpResponse:
    delay = get_object_or_404(CourierDelay, pk=pk)
    form = CourierDelayLiftForm(request.POST)

    def lift() -> str:
        services.courier_delay_lift(
            actor=request.user, delay=delay, **form.cleaned_data
        )
        return _("已解除%s延误") % delay

    return post_service(request, lift, form=form, to="shipping:delays")


# --- hand-off problems and the weekly analysis -------------------------------------


@login_required
@permission_required("shipping.view_handoffproblem", raise_exception=True)
def problem_list(request: HttpRequest) -> HttpResponse:
    try:
        week = selectors.week_parse(request.GET.get("week"))
    except ValueError:
        week = clock.this_week()
    start, end = selectors.week_bounds(week)
    return render(
        request,
        "shipping/problems.html",
        {
            "problems": selectors.handoff_problem_list(start=start, end=end),
            "week": week,
            "previous": clock.iso_week(week.monday - dt.timedelta(days=7)),
            "next": clock.iso_week(week.monday + dt.timedelta(days=7)),
            "couriers": Courier.choices,
            "kinds": HandoffProblem.Kind.choices,
        },
    )


@login_required
@permission_required("shipping.add_handoffproblem", raise_exception=True)
@require_POST
def problem_new(request: HttpRequest) -> HttpResponse:
    form = HandoffProblemForm(request.POST)

    def record() -> str:
        data = form.cleaned_data
        order = None
        if data["order_no"]:
            order = orders_by_no(data["order_no"]).first()
            if order is None:
                raise ValidationError(_("没有找到订单 %s") % data["order_no"][:40])
        services.handoff_problem_record(
            actor=request.user,
            courier=data["courier"],
            kind=data["kind"],
            note=data["note"],
            order=order,
        )
        return _("已登记交接问题")

    return post_service(request, record, form=form, to="shipping:problems")


@login_required
@permission_required("shipping.view_analysis", raise_exception=True)
def analysis(request: HttpRequest) -> HttpResponse:
    try:
        week = selectors.week_parse(request.GET.get("week"))
    except ValueError as exc:
        messages.error(request, str(exc))
        week = clock.this_week()
    result = selectors.shipping_analysis_for_week(week)
    return render(
        request,
        "shipping/analysis.html",
        {
            "a": result,
            "week": week,
            "previous": clock.iso_week(week.monday - dt.timedelta(days=7)),
            "next": clock.iso_week(week.monday + dt.timedelta(days=7)),
            "chart_json": result.chart_data(),
        },
    )
