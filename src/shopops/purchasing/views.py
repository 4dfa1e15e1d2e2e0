"""Purchasing pages: the day's suggestions (edit, accept, cut-off), the formula's
settings, suppliers' terms and prices, purchase orders (list, detail, print, XLSX) and
receiving against them. Thin: parse, call a service or selector, render."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from shopops.catalog.models import Supplier
from shopops.core import clock
from shopops.core.views import (
    error_text,
    is_htmx,
    post_service,
    query_date,
    query_int,
)
from shopops.purchasing import exports, selectors, services
from shopops.purchasing.forms import CancelForm, PriceForm, SettingsForm, TermsForm
from shopops.purchasing.models import (
    PurchaseOrder,
    PurchaseSuggestion,
)
from shopops.stock.selectors import location_choices, putaway_locations

ROWS_PER_PAGE = 200


def _suggestions_url(day: dt.date, **params: Any) -> str:
    query = "&".join(f"{k}={v}" for k, v in params.items() if v not in (None, ""))
    url = reverse("purchasing:suggestions") + f"?day={day.isoformat()}"
    return url + (f"&{query}" if query else "")


# --- suggestions --------------------------------------------------------------


@login_required
@permission_required("purchasing.view_purchasesuggestion", raise_exception=True)
def suggestions(request: HttpRequest) -> HttpResponse:
    current = selectors.purchasing_day()
    day = query_date(request.GET.get("day")) or current
    supplier_raw = request.GET.get("supplier", "")
    supplier_id = 0 if supplier_raw == "none" else query_int(supplier_raw)
    show_all = request.GET.get("show") == "all"
    qs = selectors.suggestion_list(
        day=day,
        supplier_id=supplier_id,
        needs_only=not show_all,
        search=request.GET.get("q", "").strip(),
    )
    page = Paginator(qs, ROWS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "purchasing/suggestions.html",
        {
            "day": day,
            "current_day": current,
            "editable": day >= current,
            "cutoff": clock.at(day, selectors.CUTOFF),
            "page": page,
            "summary": selectors.suggestion_summary(day=day),
            "settings": selectors.purchase_settings_get(),
            "filters": request.GET,
            "supplier_filter": supplier_raw,
        },
    )


@login_required
@permission_required("purchasing.change_purchasesuggestion", raise_exception=True)
@require_POST
def suggestions_build(request: HttpRequest) -> HttpResponse:
    day = selectors.purchasing_day()
    result = services.purchase_suggestions_build(day=day, actor=request.user)
    messages.success(
        request,
        _("已计算 %(day)s 的采购建议：%(skus)d 个 SKU，%(needs)d 个需要采购")
        % {"day": day, "skus": result.skus, "needs": result.needs},
    )
    return redirect(_suggestions_url(day))


def _row_response(
    request: HttpRequest, row: PurchaseSuggestion, moved_from: dt.date | None
) -> HttpResponse:
    if moved_from is not None and row.day != moved_from:
        note = _("已过 %(day)s 18:00 截止，已转入 %(next)s 的采购") % {
            "day": moved_from,
            "next": row.day,
        }
    else:
        note = ""
    if is_htmx(request):
        row = selectors.suggestion_list(day=row.day).get(pk=row.pk)
        return render(
            request,
            "purchasing/_suggestion_row.html",
            {"s": row, "editable": True, "row_note": note},
        )
    if note:
        messages.info(request, note)
    return redirect(_suggestions_url(row.day))


@login_required
@permission_required("purchasing.change_purchasesuggestion", raise_exception=True)
@require_POST
def suggestion_quantity(request: HttpRequest, pk: int) -> HttpResponse:
    suggestion = get_object_or_404(PurchaseSuggestion, pk=pk)
    raw = request.POST.get("quantity", "").strip()
    quantity = query_int(raw)

    def set_quantity() -> PurchaseSuggestion:
        if raw and quantity is None:
            raise ValidationError(_("数量必须是整数"))
        return services.purchase_suggestion_set_quantity(
            actor=request.user, suggestion=suggestion, quantity=quantity
        )

    return _row_action(request, suggestion, set_quantity)


@login_required
@permission_required("purchasing.change_purchasesuggestion", raise_exception=True)
@require_POST
def suggestion_accept(request: HttpRequest, pk: int) -> HttpResponse:
    suggestion = get_object_or_404(PurchaseSuggestion, pk=pk)
    accepted = request.POST.get("accepted", "1") == "1"
    return _row_action(
        request,
        suggestion,
        lambda: services.purchase_suggestion_accept(
            actor=request.user, suggestion=suggestion, accepted=accepted
        ),
    )


def _row_action(
    request: HttpRequest,
    suggestion: PurchaseSuggestion,
    act: Callable[[], PurchaseSuggestion],
) -> HttpResponse:
    """A suggestion row's edit: from htmx, the row again (or 422 with the refusal);
    else back to the day's list, with the refusal as a message."""
    try:
        row = act()
    except ValidationError as exc:
        if is_htmx(request):
            return HttpResponse(error_text(exc), status=422)
        messages.error(request, error_text(exc))
        return redirect(_suggestions_url(suggestion.day))
    return _row_response(request, row, suggestion.day)


@login_required
@permission_required("purchasing.change_purchasesuggestion", raise_exception=True)
@require_POST
def supplier_accept(request: HttpRequest) -> HttpResponse:
    day = query_date(request.POST.get("day")) or selectors.purchasing_day()
    supplier = get_object_or_404(
        Supplier, pk=query_int(request.POST.get("supplier")) or 0
    )
    accepted = request.POST.get("accepted", "1") == "1"

    def accept() -> str:
        count = services.purchase_suggestions_accept_supplier(
            actor=request.user, day=day, supplier=supplier, accepted=accepted
        )
        text = (
            _("已确认 %(n)d 条（%(supplier)s）")
            if accepted
            else _("已取消确认 %(n)d 条（%(supplier)s）")
        )
        return text % {"n": count, "supplier": supplier.name}

    return post_service(request, accept, to=_suggestions_url(day))


@login_required
@permission_required("purchasing.add_purchaseorder", raise_exception=True)
@require_POST
def cutoff(request: HttpRequest) -> HttpResponse:
    day = selectors.purchasing_day()
    result = services.purchase_cutoff(day=day, actor=request.user)
    orders = result.created + result.extended
    if orders:
        messages.success(
            request,
            _("已生成 %(n)d 张采购单：%(numbers)s")
            % {"n": len(orders), "numbers": "、".join(o.number for o in orders)},
        )
    else:
        messages.info(request, _("没有待下单的已确认建议"))
    if result.skipped:
        messages.warning(
            request,
            _("%d 条建议未下单：该供应商当天的采购单已到货或已取消") % result.skipped,
        )
    return redirect(_suggestions_url(day))


@login_required
@permission_required("purchasing.view_purchasesettings", raise_exception=True)
def settings_page(request: HttpRequest) -> HttpResponse:
    current = selectors.purchase_settings_get()
    if request.method == "POST":
        if not request.user.has_perm("purchasing.change_purchasesettings"):
            raise PermissionDenied
        form = SettingsForm(request.POST)
        if form.is_valid():
            try:
                services.purchase_settings_update(
                    actor=request.user, **form.cleaned_data
                )
            except ValidationError as exc:
                messages.error(request, error_text(exc))
            else:
                messages.success(request, _("采购参数已保存"))
                return redirect("purchasing:settings")
    else:
        form = SettingsForm(
            initial={name: getattr(current, name) for name in services.SETTINGS_FIELDS}
        )
    return render(request, "purchasing/settings.html", {"form": form})


# --- arrivals for held orders ----------------------------------------------------


@login_required
@permission_required("purchasing.view_arrivals", raise_exception=True)
def arrivals(request: HttpRequest) -> HttpResponse:
    """The orders held as out of stock and when their goods arrive: what the evening
    shift tells buyers, and what logistics has not bought yet."""
    rows = selectors.held_order_arrivals()
    return render(
        request,
        "purchasing/arrivals.html",
        {
            "rows": rows,
            "uncovered": sum(1 for row in rows if row.uncovered),
            "today": clock.today(),
        },
    )


# --- suppliers ------------------------------------------------------------------


@login_required
@permission_required("purchasing.view_supplierprice", raise_exception=True)
def supplier_list(request: HttpRequest) -> HttpResponse:
    return render(
        request, "purchasing/suppliers.html", {"suppliers": selectors.supplier_list()}
    )


@login_required
@permission_required("purchasing.view_supplierprice", raise_exception=True)
def supplier_detail(request: HttpRequest, pk: int) -> HttpResponse:
    supplier = get_object_or_404(Supplier, pk=pk)
    terms = selectors.supplier_terms_get(supplier)
    terms_form = TermsForm(
        initial={
            "payment_terms": terms.payment_terms if terms else "",
            "review_days": terms.review_days if terms else None,
            "note": terms.note if terms else "",
        }
    )
    price_form = PriceForm()
    if request.method == "POST":
        if not request.user.has_perm("purchasing.change_supplierprice"):
            raise PermissionDenied
        if request.POST.get("form") == "terms":
            terms_form = TermsForm(request.POST)
            if terms_form.is_valid():
                services.supplier_terms_update(
                    actor=request.user, supplier=supplier, **terms_form.cleaned_data
                )
                messages.success(request, _("供应商条款已保存"))
                return redirect("purchasing:supplier_detail", pk)
        else:
            price_form = PriceForm(request.POST)
            if price_form.is_valid():
                data = price_form.cleaned_data
                try:
                    services.supplier_price_set(
                        actor=request.user,
                        supplier=supplier,
                        sku=data["sku"],
                        price=data["price"],
                        min_order_quantity=data["min_order_quantity"],
                        order_multiple=data["order_multiple"],
                    )
                except ValidationError as exc:
                    messages.error(request, error_text(exc))
                else:
                    messages.success(
                        request, _("已保存 %s 的报价") % data["sku"].outer_code
                    )
                    return redirect("purchasing:supplier_detail", pk)
    prices = Paginator(
        selectors.supplier_price_list(supplier_id=supplier.pk), 100
    ).get_page(request.GET.get("page"))
    return render(
        request,
        "purchasing/supplier_detail.html",
        {
            "supplier": supplier,
            "terms": terms,
            "terms_form": terms_form,
            "price_form": price_form,
            "page": prices,
            "orders": selectors.purchase_order_list(supplier_id=supplier.pk)[:20],
        },
    )


# --- purchase orders --------------------------------------------------------------


@login_required
@permission_required("purchasing.view_purchaseorder", raise_exception=True)
def order_list(request: HttpRequest) -> HttpResponse:
    state = request.GET.get("state", "")
    if state not in PurchaseOrder.State.values:
        state = ""
    qs = selectors.purchase_order_list(
        state=state, supplier_id=query_int(request.GET.get("supplier"))
    )
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "purchasing/orders.html",
        {
            "page": page,
            "states": PurchaseOrder.State.choices,
            "suppliers": selectors.supplier_choices(),
            "filters": request.GET,
        },
    )


def _order(pk: int) -> PurchaseOrder:
    try:
        return selectors.purchase_order_get(pk)
    except PurchaseOrder.DoesNotExist as exc:
        raise Http404(_("没有这张采购单")) from exc


@login_required
@permission_required("purchasing.view_purchaseorder", raise_exception=True)
def order_detail(request: HttpRequest, pk: int) -> HttpResponse:
    order = _order(pk)
    lines = list(order.lines.all())
    receivable = order.state in ("ordered", "partially_received")
    usual = putaway_locations([line.sku_id for line in lines]) if receivable else {}
    return render(
        request,
        "purchasing/order_detail.html",
        {
            "order": order,
            "rows": [(line, usual.get(line.sku_id)) for line in lines],
            "locations": location_choices() if receivable else [],
            "receivable": receivable,
            "cancellable": order.state in ("draft", "ordered"),
            "today": clock.today(),
        },
    )


@login_required
@permission_required("purchasing.view_purchaseorder", raise_exception=True)
def order_print(request: HttpRequest, pk: int) -> HttpResponse:
    order = _order(pk)
    lines = list(order.lines.all())
    return render(
        request,
        "purchasing/order_print.html",
        {
            "order": order,
            "lines": lines,
            "total": sum((line.amount for line in lines), start=Decimal("0.00")),
            "units": sum(line.quantity for line in lines),
            "printed_at": clock.local_now(),
        },
    )


@login_required
@permission_required("purchasing.view_purchaseorder", raise_exception=True)
def order_export(request: HttpRequest, pk: int) -> HttpResponseBase:
    return exports.purchase_order_xlsx(_order(pk))


def _receive_lines(request: HttpRequest, order: PurchaseOrder) -> list[Any]:
    """Read the receive form: per order line `qty_<id>`, `lot_<id>`, `prod_<id>`,
    `exp_<id>`; lines left empty are not part of the delivery."""
    lines = []
    errors = []
    for line in order.lines.all():
        raw = request.POST.get(f"qty_{line.pk}", "").strip()
        if not raw:
            continue
        quantity = query_int(raw)
        if quantity is None:
            errors.append(_("%s：数量必须是整数") % line.sku.outer_code)
            continue
        dates = {}
        for key in ("prod", "exp"):
            text = request.POST.get(f"{key}_{line.pk}", "").strip()
            dates[key] = query_date(text)
            if text and dates[key] is None:
                errors.append(_("%s：日期格式应为 YYYY-MM-DD") % line.sku.outer_code)
        location_raw = request.POST.get(f"loc_{line.pk}", "").strip()
        location_id = query_int(location_raw)
        if location_raw and location_id is None:
            errors.append(_("%s：库位无效") % line.sku.outer_code)
        lines.append(
            services.ReceiveLine(
                order_line_id=line.pk,
                quantity=quantity,
                location_id=location_id,
                lot_no=request.POST.get(f"lot_{line.pk}", "")[:64],
                production_date=dates["prod"],
                expiry_date=dates["exp"],
            )
        )
    if errors:
        raise ValidationError(errors)
    return lines


@login_required
@permission_required("purchasing.add_receipt", raise_exception=True)
@require_POST
def order_receive(request: HttpRequest, pk: int) -> HttpResponse:
    order = _order(pk)

    def receive() -> None:
        receipt = services.purchase_order_receive(
            actor=request.user,
            purchase_order=order,
            lines=_receive_lines(request, order),
            note=request.POST.get("note", ""),
            close=request.POST.get("close") == "1",
        )
        messages.success(request, _("已入库 %s") % receipt.number)
        if receipt.served_orders:
            messages.success(
                request,
                _("%(n)d 个缺货订单已预留库存并解除扣留：%(orders)s")
                % {
                    "n": len(receipt.served_orders),
                    "orders": "、".join(receipt.served_orders),
                },
            )

    return post_service(
        request, receive, to=reverse("purchasing:order_detail", args=[pk])
    )


@login_required
@permission_required("purchasing.change_purchaseorder", raise_exception=True)
@require_POST
def order_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    order = get_object_or_404(PurchaseOrder, pk=pk)
    form = CancelForm(request.POST)

    def cancel() -> str:
        services.purchase_order_cancel(
            actor=request.user, purchase_order=order, **form.cleaned_data
        )
        return _("已取消采购单 %s") % order.number

    return post_service(
        request, cancel, form=form, to=reverse("purchasing:order_detail", args=[pk])
    )
