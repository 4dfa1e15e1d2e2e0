"""After-sales pages: the confirmation queue (LOG-4.2), raising a request from an
order's page (CS-2) and the evening shift's outcome of a hold, which raises one. Thin:
parse, call a service or selector, render. The URLs are those the pages had under
`/orders/` before the app was split out."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required, permission_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from shopops.aftersales import selectors, services
from shopops.aftersales.forms import (
    AfterSaleDecisionForm,
    AfterSaleForm,
    HoldOutcomeForm,
)
from shopops.aftersales.models import AfterSale
from shopops.core.views import post_service
from shopops.orders.models import Hold, Order
from shopops.stock.selectors import returnable_by_line


@login_required
@permission_required("orders.handle_hold", raise_exception=True)
@require_POST
def hold_outcome(request: HttpRequest, pk: int) -> HttpResponse:
    hold = get_object_or_404(Hold, pk=pk)
    form = HoldOutcomeForm(request.POST)

    def record() -> str:
        data = form.cleaned_data
        services.hold_outcome_record(
            actor=request.user,
            hold=hold,
            outcome=data["outcome"],
            note=data["note"],
            refund_amount=data["refund_amount"],
            exchange_sku=data["exchange_sku"],
            exchange_quantity=data["exchange_quantity"] or 1,
        )
        return _("已记录：订单 %s") % hold.order.order_no

    return post_service(
        request, record, form=form, to="orders:evening_queue", back=True
    )


@login_required
@permission_required("aftersales.view_aftersale", raise_exception=True)
def after_sale_list(request: HttpRequest) -> HttpResponse:
    decided = selectors.after_sales_decided()[:50]
    queue = list(selectors.after_sale_queue().prefetch_related("order__lines"))
    returnable = returnable_by_line([a.order_id for a in queue])
    rows = [
        {
            "after_sale": a,
            # the lines whose shipped goods may come back with this request
            "returns": [
                (line, returnable[line.pk])
                for line in a.order.lines.all()
                if line.pk in returnable
            ]
            if a.kind != AfterSale.Kind.REFUND_ONLY
            else [],
        }
        for a in queue
    ]
    return render(
        request,
        "aftersales/list.html",
        {"queue": rows, "decided": decided},
    )


@login_required
@permission_required("aftersales.add_aftersale", raise_exception=True)
@require_POST
def after_sale_new(request: HttpRequest, pk: int) -> HttpResponse:
    order = get_object_or_404(Order, pk=pk)
    form = AfterSaleForm(request.POST)

    def raise_after_sale() -> str:
        data = form.cleaned_data
        services.after_sale_raise(
            actor=request.user,
            order=order,
            kind=data["kind"],
            reason=data["reason"],
            amount=data["amount"],
            exchange_sku=data["exchange_sku"],
            exchange_quantity=data["exchange_quantity"] or 0,
        )
        return _("已提交售后，等待物流确认")

    return post_service(
        request, raise_after_sale, form=form, to=reverse("orders:detail", args=[pk])
    )


@login_required
@permission_required("aftersales.change_aftersale", raise_exception=True)
@require_POST
def after_sale_decide(request: HttpRequest, pk: int, decision: str) -> HttpResponse:
    after_sale = get_object_or_404(AfterSale, pk=pk)
    confirm = decision == "confirm"
    # only a confirmation says what came back
    form = AfterSaleDecisionForm(
        request.POST, lines=after_sale.order.lines.all() if confirm else ()
    )

    def decide() -> str:
        note = form.cleaned_data["note"]
        if confirm:
            services.after_sale_confirm(
                actor=request.user,
                after_sale=after_sale,
                note=note,
                returned=form.returned(),
            )
        else:
            services.after_sale_reject(
                actor=request.user, after_sale=after_sale, note=note
            )
        return _("已处理：%s") % after_sale

    return post_service(request, decide, form=form, to="aftersales:list", back=True)
