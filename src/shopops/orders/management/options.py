"""What the orders' commands (`sales-summary`, `rollups`) read from their options, the
same way and with the same messages."""

from __future__ import annotations

import datetime as dt

from django.core.management.base import CommandError

from shopops.org.models import Shop
from shopops.org.selectors import shop_choices, shop_get


def date_option(value: str, option: str) -> dt.date:
    """Return the date `value` of `option` (YYYY-MM-DD), or refuse it by name."""
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise CommandError(
            f"{option} {value!r} is not a date; write it as YYYY-MM-DD"
        ) from None


def shop_option(code: str) -> Shop:
    """Return the shop of `code`, or refuse it, naming the shops there are."""
    shop = shop_get(code)
    if shop is None:
        known = ", ".join(shop_choices().values_list("code", flat=True)) or "none"
        raise CommandError(f"no shop with code {code!r} (shops: {known})")
    return shop
