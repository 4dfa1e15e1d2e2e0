"""Order import pages: upload the seller center's reports, then watch the job's
progress bar turn into its report. Thin: parse, call a service, render."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required, permission_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from shopops.orders import imports, selectors
from shopops.orders.forms import OrderImportForm
from shopops.orders.importers import taobao

RECENT_BATCHES = 10


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
    batches = selectors.import_batches()[:RECENT_BATCHES]
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
    batch = get_object_or_404(selectors.import_batches(), pk=pk)
    return render(request, "orders/import_batch.html", {"batch": batch})


@login_required
@permission_required("orders.view_importbatch", raise_exception=True)
def order_import_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """The progress bar (polled by htmx every second) and, once done, the report."""
    batch = get_object_or_404(selectors.import_batches(), pk=pk)
    return render(request, "orders/import_progress.html", {"batch": batch})
