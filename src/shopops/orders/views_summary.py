"""The sales summary page: a shop, a period (the last 30 days by default), its figures
and charts. Thin: parse the form, call `summary.sales_summary`, render."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from shopops.core import clock
from shopops.orders.summary import SalesSummary, period_check
from shopops.orders.summary import sales_summary as summarise
from shopops.org import selectors as org_selectors

DEFAULT_DAYS = 30


class SummaryForm(forms.Form):
    shop = forms.ModelChoiceField(
        queryset=org_selectors.shop_choices(),
        label=gettext_lazy("店铺"),
        empty_label=None,
    )
    date_from = forms.DateField(label=gettext_lazy("开始日期"))
    date_to = forms.DateField(label=gettext_lazy("结束日期"))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("date_from") and data.get("date_to"):
            try:
                period_check(data["date_from"], data["date_to"])
            except ValidationError as exc:
                raise forms.ValidationError(exc.messages) from exc
        return data


def _initial() -> dict[str, Any]:
    today = clock.today()
    shop = org_selectors.shop_default()
    return {
        "shop": shop.pk if shop else None,
        "date_from": (today - dt.timedelta(days=DEFAULT_DAYS - 1)).isoformat(),
        "date_to": today.isoformat(),
    }


def _chart_data(summary: SalesSummary) -> dict[str, Any]:
    """Return the series the charts draw; money stays a decimal string."""
    return {
        "labels": {"orders": _("订单数"), "paid": _("实付金额")},
        "days": [d.day.isoformat() for d in summary.days],
        "orders": [d.figures.orders for d in summary.days],
        "paid": [str(d.figures.paid_amount) for d in summary.days],
        "provinces": [p.province or _("未知") for p in summary.provinces],
        "province_paid": [str(p.figures.paid_amount) for p in summary.provinces],
        "province_orders": [p.figures.orders for p in summary.provinces],
    }


@login_required
@permission_required("orders.view_order", raise_exception=True)
def sales_summary(request: HttpRequest) -> HttpResponse:
    data = {**_initial(), **{k: v for k, v in request.GET.items() if v}}
    form = SummaryForm(data)
    summary = None
    if form.is_valid():
        summary = summarise(
            shop_id=form.cleaned_data["shop"].pk,
            date_from=form.cleaned_data["date_from"],
            date_to=form.cleaned_data["date_to"],
        )
    return render(
        request,
        "orders/summary.html",
        {
            "form": form,
            "shops": org_selectors.shop_choices(),
            "summary": summary,
            "chart_json": _chart_data(summary) if summary else None,
        },
    )
