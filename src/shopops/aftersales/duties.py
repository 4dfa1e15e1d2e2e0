"""After-sales' plug-ins for the duty registry: LOG-4.2 (logistics confirms) and CS-2
(customer service follows its requests) share one worklist."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from shopops.core.duties import Worklist, registry


def _after_sale_worklist(user: Any, day: dt.date) -> Worklist:
    from shopops.aftersales.selectors import after_sale_queue

    return Worklist(
        count=after_sale_queue().count(),
        url=reverse("aftersales:list"),
        label=_("待物流确认的售后"),
    )


def plug_in() -> None:
    registry.provide("LOG-4.2", _after_sale_worklist)
    registry.provide("CS-2", _after_sale_worklist)
