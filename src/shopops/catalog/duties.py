"""The catalog's duties: LOG-4.1 (items in the warehouse or flagged for violation)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from shopops.core.duties import Worklist, registry


def listings_to_fix(user: Any, day: dt.date) -> Worklist:
    from shopops.catalog.selectors import listings_needing_attention

    return Worklist(
        count=listings_needing_attention().count(),
        url=reverse("catalog:listings") + "?attention=1",
        label=_("仓库中或违规中的宝贝"),
    )


def plug_in() -> None:
    registry.provide("LOG-4.1", listings_to_fix)
