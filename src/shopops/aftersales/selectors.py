"""Reads of after-sales that more than one caller needs."""

from __future__ import annotations

from django.db.models import QuerySet

from shopops.aftersales.models import AfterSale


def after_sale_queue() -> QuerySet[AfterSale]:
    """Return the after-sale requests waiting for logistics (LOG-4.2)."""
    return (
        AfterSale.objects.filter(state=AfterSale.State.REQUESTED)
        .select_related("order", "order__shop", "raised_by", "exchange_sku")
        .order_by("raised_at", "pk")
    )


def after_sales_decided() -> QuerySet[AfterSale]:
    """Return the after-sales logistics confirmed or rejected, latest first."""
    return (
        AfterSale.objects.exclude(state=AfterSale.State.REQUESTED)
        .select_related("order", "raised_by", "decided_by", "exchange_sku")
        .order_by("-decided_at")
    )


def after_sale_list() -> QuerySet[AfterSale]:
    """Every after-sale with its order, exchange SKU and who raised and decided it."""
    return AfterSale.objects.select_related(
        "order", "exchange_sku", "raised_by", "decided_by"
    )
