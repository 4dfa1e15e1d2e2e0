"""Order import pages: upload the seller center's reports, then watch the job's
progress bar turn into its report. Thin: parse, call a service, render."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required, permission_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext_lazy as _

from shopops.orders import imports
from shopops.orders.importers import taobao
from shopops.orders.models import ImportBatch
from shopops.org.models import Shop

RECENT_BATCHES = 10


class OrderImportForm(forms.Form):
    shop = forms.ModelChoiceField(
        label=_("店铺"), queryset=Shop.objects.none(), empty_label=None
    )
    orders_file = forms.FileField(
        label=_("订单报表"),
        help_text=_("卖家中心导出的订单报表（ExportOrderList*.csv），或另存的 XLSX"),
    )
    items_file = forms.FileField(
        label=_("宝贝报表（可选）"),
        required=False,
        help_text=_(
            "同一次导出的宝贝报表（ExportOrderDetailList*.csv）：订单明细随订单导入"
        ),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["shop"]
        assert isinstance(field, forms.ModelChoiceField)  # noqa: S101
        field.queryset = Shop.objects.filter(active=True).order_by("code")


@login_required
@permission_required("orders.add_importbatch", raise_exception=True)
def order_import(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        form = OrderImportForm(request.POST, request.FILES)
        if form.is_valid():
            batch = imports.import_batch_create(
                actor=request.user,
                shop=form.cleaned_data["shop"],
                orders_file=form.cleaned_data["orders_file"],
                items_file=form.cleaned_data["items_file"],
            )
            return redirect("orders:import_batch", batch.pk)
    else:
        form = OrderImportForm()
    batches = ImportBatch.objects.select_related("shop", "created_by").order_by(
        "-created_at", "-pk"
    )[:RECENT_BATCHES]
    return render(
        request,
        "orders/import.html",
        {
            "form": form,
            "batches": batches,
            "order_columns": taobao.order_spec("Asia/Shanghai").columns,
            "item_columns": taobao.ITEM_SPEC.columns,
        },
    )


@login_required
@permission_required("orders.view_importbatch", raise_exception=True)
def order_import_batch(request: HttpRequest, pk: int) -> HttpResponse:
    batch = get_object_or_404(ImportBatch.objects.select_related("shop"), pk=pk)
    return render(request, "orders/import_batch.html", {"batch": batch})


@login_required
@permission_required("orders.view_importbatch", raise_exception=True)
def order_import_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """The progress bar (polled by htmx every second) and, once done, the report."""
    batch = get_object_or_404(ImportBatch.objects.select_related("shop"), pk=pk)
    return render(request, "orders/import_progress.html", {"batch": batch})
