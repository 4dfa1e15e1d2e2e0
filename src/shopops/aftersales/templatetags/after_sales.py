"""`{% order_after_sales order %}`: the after-sales panel of an order's page (its
requests and the form to raise one). The order page (`orders/detail.html`) includes it
by this tag, so that orders' Python code imports nothing of after-sales."""

from __future__ import annotations

from typing import Any

from django import template

from shopops.aftersales.models import AfterSale
from shopops.catalog.models import Sku
from shopops.orders.models import Order

register = template.Library()


@register.inclusion_tag("aftersales/order_panel.html", takes_context=True)
def order_after_sales(context: template.Context, order: Order) -> dict[str, Any]:
    perms = context.get("perms")
    can_raise = bool(perms and perms["aftersales"]["add_aftersale"])
    return {
        "order": order,
        "perms": perms,
        "csrf_token": context.get("csrf_token"),
        "after_sale_kinds": AfterSale.Kind.choices,
        # the SKUs an exchange may go to; only for those who may raise one
        "skus": Sku.objects.filter(active=True).order_by("outer_code")[:500]
        if can_raise
        else [],
    }
