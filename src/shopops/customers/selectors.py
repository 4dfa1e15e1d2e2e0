"""Reads of customers that more than one caller needs."""

from __future__ import annotations

from django.db.models import QuerySet

from shopops.customers.models import Customer


def messageable_customers(*, shop_id: int) -> QuerySet[Customer]:
    """The shop's customers who may be sent a greeting or an SMS: those with a real
    number (`phone_key`, E.164). A masked number or a phone that is none never is.

    Send to `customer.messageable_phone`, never to `customer.phone` (the text as
    exported)."""
    return Customer.objects.filter(shop_id=shop_id).exclude(phone_key="")
