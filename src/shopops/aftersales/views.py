"""After-sales pages: the confirmation queue (LOG-4.2), raising a request from an
order's page (CS-2) and the evening shift's outcome of a hold, which raises one. Thin:
parse, call a service or selector, render. The URLs are those the pages had under
`/orders/` before the app was split out."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from shopops.aftersales import selectors, services
from shopops.aftersales.models import AfterSale
from shopops.catalog.models import Sku
from shopops.orders.models import Hold, Order
from shopops.orders.views import _back, _int
from shopops.stock.selectors import returnable_by_line
from shopops.stock.services import ReturnedLine


@login_required
@permission_required("orders.handle_hold", raise_exception=True)
@require_POST
def hold_outcome(request: HttpRequest, pk: int) -> HttpResponse:
    hold = get_object_or_404(Hold, pk=pk)
    try:
        amount_text = request.POST.get("refund_amount", "").strip()
        amount = Decimal(amount_text) if amount_text else None
        sku_id = _int(request.POST.get("exchange_sku"))
        services.hold_outcome_record(
            actor=request.user,
            hold=hold,
            outcome=request.POST.get("outcome", ""),
            note=request.POST.get("note", ""),
            refund_amount=amount,
            exchange_sku=Sku.objects.filter(pk=sku_id).first() if sku_id else None,
            exchange_quantity=_int(request.POST.get("exchange_quantity")) or 1,
        )
    except InvalidOperation:
        messages.error(request, _("退款金额不是数字"))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("已记录：订单 %s") % hold.order.order_no)
    return _back(request, "orders:evening_queue")


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
    try:
        amount_text = request.POST.get("amount", "").strip()
        sku_id = _int(request.POST.get("exchange_sku"))
        services.after_sale_raise(
            actor=request.user,
            order=order,
            kind=request.POST.get("kind", ""),
            reason=request.POST.get("reason", ""),
            amount=Decimal(amount_text) if amount_text else None,
            exchange_sku=Sku.objects.filter(pk=sku_id).first() if sku_id else None,
            exchange_quantity=_int(request.POST.get("exchange_quantity")) or 0,
        )
    except InvalidOperation:
        messages.error(request, _("退款金额不是数字"))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("已提交售后，等待物流确认"))
    return redirect("orders:detail", pk)


@login_required
@permission_required("aftersales.change_aftersale", raise_exception=True)
@require_POST
def after_sale_decide(request: HttpRequest, pk: int, decision: str) -> HttpResponse:
    after_sale = get_object_or_404(AfterSale, pk=pk)
    note = request.POST.get("note", "")
    try:
        if decision == "confirm":
            services.after_sale_confirm(
                actor=request.user,
                after_sale=after_sale,
                note=note,
                returned=_returned_lines(request, after_sale),
            )
        else:
            services.after_sale_reject(
                actor=request.user, after_sale=after_sale, note=note
            )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("已处理：%s") % after_sale)
    return _back(request, "aftersales:list")


def _returned_lines(request: HttpRequest, after_sale: AfterSale) -> list[ReturnedLine]:
    """Parse `good_<line id>` and `damaged_<line id>` of the confirm form."""
    returned, errors = [], []
    for line in after_sale.order.lines.all():
        counts = {}
        for key in ("good", "damaged"):
            raw = request.POST.get(f"{key}_{line.pk}", "").strip()
            counts[key] = _int(raw) or 0
            if raw and _int(raw) is None:
                errors.append(_("%s：退回件数必须是整数") % line.outer_code)
        if counts["good"] or counts["damaged"]:
            returned.append(ReturnedLine(line_id=line.pk, **counts))
    if errors:
        raise ValidationError(errors)
    return returned
