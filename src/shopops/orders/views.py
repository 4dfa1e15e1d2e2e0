"""Order pages: the list and its export, the detail, holds, the evening queue and
complaints (after-sales, and the evening shift's outcomes that raise them, are in
`aftersales.views`). Thin: parse, call a service or selector, render."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from shopops.catalog.selectors import active_skus
from shopops.core.views import post_service, query_date, query_int
from shopops.orders import exports, selectors, services
from shopops.orders.forms import (
    ComplaintForm,
    ComplaintUpdateForm,
    HoldBulkForm,
    HoldForm,
    HoldReasonSettingForm,
    HoldReleaseForm,
)
from shopops.orders.models import Complaint, Hold, HoldReason, Order
from shopops.org.selectors import shop_choices


def _filters(request: HttpRequest) -> selectors.OrderFilters:
    held = request.GET.get("held", "")
    return selectors.OrderFilters(
        shop_id=query_int(request.GET.get("shop")),
        status=request.GET.get("status", ""),
        date_from=query_date(request.GET.get("from")),
        date_to=query_date(request.GET.get("to")),
        flag=query_int(request.GET.get("flag")),
        held={"1": True, "0": False}.get(held),
        province=request.GET.get("province", "").strip(),
        search=request.GET.get("q", "").strip(),
    )


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
            "shops": shop_choices(),
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
    form = HoldForm(request.POST)

    def hold() -> str:
        services.order_hold(actor=request.user, order=order, **form.cleaned_data)
        return _("已扣留订单 %s，已交晚班客服") % order.order_no

    return post_service(
        request, hold, form=form, to=reverse("orders:detail", args=[pk]), back=True
    )


@login_required
@permission_required("orders.view_hold", raise_exception=True)
def hold_list(request: HttpRequest) -> HttpResponse:
    reason = request.GET.get("reason", "")
    qs = selectors.active_holds().select_related("order", "order__shop", "handled_by")
    if reason:
        qs = qs.filter(reason=reason)
    by_reason = selectors.active_holds_by_reason()
    return render(
        request,
        "orders/holds.html",
        {
            "holds": qs.order_by("-created_at")[:500],
            "reasons": HoldReason.choices,
            "by_reason": [
                (label, by_reason.get(value, 0)) for value, label in HoldReason.choices
            ],
            "couriers": selectors.paid_order_couriers(),
            "shops": shop_choices(),
            "filters": request.GET,
        },
    )


@login_required
@permission_required("orders.add_hold", raise_exception=True)
@require_POST
def hold_bulk(request: HttpRequest) -> HttpResponse:
    form = HoldBulkForm(request.POST)

    def hold_bulk() -> str:
        data = form.cleaned_data
        holds = services.order_hold_bulk(
            actor=request.user,
            reason=data["reason"],
            note=data["note"],
            shop_id=data["shop"],
            courier=data["courier"],
            province=data["province"],
        )
        return _("已扣留 %d 个订单，已交晚班客服") % len(holds)

    return post_service(request, hold_bulk, form=form, to="orders:holds")


@login_required
@permission_required("orders.change_hold", raise_exception=True)
@require_POST
def hold_release(request: HttpRequest, pk: int) -> HttpResponse:
    hold = get_object_or_404(Hold, pk=pk)
    form = HoldReleaseForm(request.POST)

    def release() -> str:
        services.hold_release(actor=request.user, hold=hold, **form.cleaned_data)
        return _("已解除扣留：%s") % hold

    return post_service(request, release, form=form, to="orders:holds", back=True)


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
            "skus": active_skus(),
        },
    )


@login_required
@permission_required("orders.view_complaint", raise_exception=True)
def complaint_list(request: HttpRequest) -> HttpResponse:
    show_all = request.GET.get("all") == "1"
    qs = selectors.complaint_list(show_all=show_all)
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
    form = ComplaintForm(request.POST)

    def complain() -> str:
        services.complaint_create(actor=request.user, order=order, **form.cleaned_data)
        return _("已登记")

    return post_service(
        request, complain, form=form, to=reverse("orders:detail", args=[pk])
    )


@login_required
@permission_required("orders.change_complaint", raise_exception=True)
@require_POST
def complaint_update(request: HttpRequest, pk: int) -> HttpResponse:
    complaint = get_object_or_404(Complaint, pk=pk)
    form = ComplaintUpdateForm(request.POST)

    def update() -> str:
        services.complaint_update(
            actor=request.user, complaint=complaint, **form.cleaned_data
        )
        return _("已更新")

    return post_service(request, update, form=form, to="orders:complaints", back=True)


@login_required
@permission_required("orders.view_holdreasonsetting", raise_exception=True)
def hold_reasons(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        if not request.user.has_perm("orders.change_holdreasonsetting"):
            raise PermissionDenied
        form = HoldReasonSettingForm(request.POST)

        def save() -> str:
            data = form.cleaned_data
            services.hold_reason_setting_update(
                actor=request.user,
                reason=data["reason"],
                flag=data["flag"] or 0,
                message_template=data["message_template"],
            )
            return _("已保存")

        return post_service(request, save, form=form, to="orders:hold_reasons")
    return render(
        request,
        "orders/hold_reasons.html",
        {
            "settings": selectors.hold_reason_setting_list(),
            "flags": Order.Flag.choices,
        },
    )
