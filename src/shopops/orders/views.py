"""Order pages: the list and its export, the detail, holds, the evening queue and
complaints (after-sales, and the evening shift's outcomes that raise them, are in
`aftersales.views`). Thin: parse, call a service or selector, render."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from shopops.catalog.models import Sku
from shopops.orders import exports, selectors, services
from shopops.orders.models import (
    Complaint,
    Hold,
    HoldReason,
    HoldReasonSetting,
    Order,
)
from shopops.org.models import Shop


def _date(value: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        return None


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value not in (None, "") else None
    except ValueError:
        return None


def _filters(request: HttpRequest) -> selectors.OrderFilters:
    held = request.GET.get("held", "")
    return selectors.OrderFilters(
        shop_id=_int(request.GET.get("shop")),
        status=request.GET.get("status", ""),
        date_from=_date(request.GET.get("from")),
        date_to=_date(request.GET.get("to")),
        flag=_int(request.GET.get("flag")),
        held={"1": True, "0": False}.get(held),
        province=request.GET.get("province", "").strip(),
        search=request.GET.get("q", "").strip(),
    )


def _back(request: HttpRequest, fallback: str, *args: object) -> HttpResponse:
    target = request.POST.get("next", "")
    if target.startswith("/") and not target.startswith("//"):
        return redirect(target)
    return redirect(fallback, *args)


@login_required
@permission_required("orders.view_order", raise_exception=True)
def order_list(request: HttpRequest) -> HttpResponseBase:
    qs = selectors.order_search(_filters(request))
    export = request.GET.get("export")
    if export in ("csv", "xlsx"):
        return exports.orders_response(qs, export)
    page = Paginator(qs.order_by("-created_at", "-pk"), 50).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "orders/list.html",
        {
            "page": page,
            "shops": Shop.objects.all(),
            "statuses": Order.Status.choices,
            "flags": Order.Flag.choices,
            "filters": request.GET,
            "export_query": request.GET.urlencode(),
        },
    )


@login_required
@permission_required("orders.view_order", raise_exception=True)
def order_detail(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        order = selectors.order_get(pk)
    except Order.DoesNotExist as exc:
        raise Http404(_("没有这个订单")) from exc
    settings_by_reason = selectors.hold_reason_settings()
    holds = [
        {"hold": h, "message": services.hold_message(h, settings_by_reason)}
        for h in order.holds.all()
    ]
    return render(
        request,
        "orders/detail.html",
        {
            "order": order,
            "holds": holds,
            "reasons": HoldReason.choices,
            "complaint_kinds": Complaint.Kind.choices,
        },
    )


@login_required
@permission_required("orders.add_hold", raise_exception=True)
@require_POST
def order_hold(request: HttpRequest, pk: int) -> HttpResponse:
    order = get_object_or_404(Order, pk=pk)
    try:
        services.order_hold(
            actor=request.user,
            order=order,
            reason=request.POST.get("reason", ""),
            note=request.POST.get("note", ""),
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("已扣留订单 %s，已交晚班客服") % order.order_no)
    return _back(request, "orders:detail", pk)


@login_required
@permission_required("orders.view_hold", raise_exception=True)
def hold_list(request: HttpRequest) -> HttpResponse:
    reason = request.GET.get("reason", "")
    qs = selectors.active_holds().select_related("order", "order__shop", "handled_by")
    if reason:
        qs = qs.filter(reason=reason)
    couriers = (
        Order.objects.filter(status=Order.Status.PAID)
        .exclude(courier="")
        .values_list("courier", flat=True)
        .distinct()
        .order_by("courier")
    )
    by_reason = dict(
        selectors.active_holds()
        .values_list("reason")
        .annotate(n=Count("pk"))
        .values_list("reason", "n")
    )
    return render(
        request,
        "orders/holds.html",
        {
            "holds": qs.order_by("-created_at")[:500],
            "reasons": HoldReason.choices,
            "by_reason": [
                (label, by_reason.get(value, 0)) for value, label in HoldReason.choices
            ],
            "couriers": list(couriers),
            "shops": Shop.objects.all(),
            "filters": request.GET,
        },
    )


@login_required
@permission_required("orders.add_hold", raise_exception=True)
@require_POST
def hold_bulk(request: HttpRequest) -> HttpResponse:
    try:
        holds = services.order_hold_bulk(
            actor=request.user,
            reason=request.POST.get("reason", ""),
            note=request.POST.get("note", ""),
            shop_id=_int(request.POST.get("shop")),
            courier=request.POST.get("courier", "").strip(),
            province=request.POST.get("province", "").strip(),
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("已扣留 %d 个订单，已交晚班客服") % len(holds))
    return redirect("orders:holds")


@login_required
@permission_required("orders.change_hold", raise_exception=True)
@require_POST
def hold_release(request: HttpRequest, pk: int) -> HttpResponse:
    hold = get_object_or_404(Hold, pk=pk)
    try:
        services.hold_release(
            actor=request.user, hold=hold, note=request.POST.get("note", "")
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("已解除扣留：%s") % hold)
    return _back(request, "orders:holds")


@login_required
@permission_required("orders.handle_hold", raise_exception=True)
def evening_queue(request: HttpRequest) -> HttpResponse:
    settings_by_reason = selectors.hold_reason_settings()
    rows = [
        {"hold": h, "message": services.hold_message(h, settings_by_reason)}
        for h in selectors.evening_queue()
    ]
    return render(
        request,
        "orders/evening_queue.html",
        {
            "rows": rows,
            "handled": selectors.holds_handled_today()[:100],
            "outcomes": Hold.Outcome.choices,
            "skus": Sku.objects.filter(active=True).order_by("outer_code")[:500],
        },
    )


@login_required
@permission_required("orders.view_complaint", raise_exception=True)
def complaint_list(request: HttpRequest) -> HttpResponse:
    show_all = request.GET.get("all") == "1"
    qs = (
        Complaint.objects.select_related("order", "raised_by")
        if show_all
        else selectors.open_complaints().select_related("raised_by")
    )
    page = Paginator(qs.order_by("-raised_at"), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "orders/complaints.html",
        {"page": page, "states": Complaint.State.choices, "show_all": show_all},
    )


@login_required
@permission_required("orders.add_complaint", raise_exception=True)
@require_POST
def complaint_new(request: HttpRequest, pk: int) -> HttpResponse:
    order = get_object_or_404(Order, pk=pk)
    try:
        services.complaint_create(
            actor=request.user,
            order=order,
            kind=request.POST.get("kind", ""),
            description=request.POST.get("description", ""),
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("已登记"))
    return redirect("orders:detail", pk)


@login_required
@permission_required("orders.change_complaint", raise_exception=True)
@require_POST
def complaint_update(request: HttpRequest, pk: int) -> HttpResponse:
    complaint = get_object_or_404(Complaint, pk=pk)
    try:
        services.complaint_update(
            actor=request.user,
            complaint=complaint,
            state=request.POST.get("state", ""),
            outcome=request.POST.get("outcome", ""),
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("已更新"))
    return _back(request, "orders:complaints")


@login_required
@permission_required("orders.view_holdreasonsetting", raise_exception=True)
def hold_reasons(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        if not request.user.has_perm("orders.change_holdreasonsetting"):
            raise PermissionDenied
        try:
            services.hold_reason_setting_update(
                actor=request.user,
                reason=request.POST.get("reason", ""),
                flag=_int(request.POST.get("flag")) or 0,
                message_template=request.POST.get("message_template", ""),
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("已保存"))
        return redirect("orders:hold_reasons")
    return render(
        request,
        "orders/hold_reasons.html",
        {"settings": HoldReasonSetting.objects.all(), "flags": Order.Flag.choices},
    )
