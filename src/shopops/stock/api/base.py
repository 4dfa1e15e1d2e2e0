"""The stock API's router and the helpers its endpoint modules share."""

from __future__ import annotations

from django.db.models import QuerySet
from ninja import Router
from ninja.errors import HttpError

from shopops.catalog import selectors as catalog_selectors
from shopops.catalog.models import Sku
from shopops.core.api_helpers import M, get_or_404
from shopops.stock import selectors
from shopops.stock.models import (
    CountLine,
    CountSheet,
)

router = Router(tags=["stock"])


def _ref(model: type[M], pk: int | None, what: str) -> M | None:
    """Return the referenced row of a request body, or 422 when it does not exist."""
    if pk is None:
        return None
    return get_or_404(model, pk, what, status=422)


def _sku(code: str) -> Sku:
    sku = catalog_selectors.sku_get(outer_code=code)
    if sku is None:
        raise HttpError(422, f"SKU {code!r} not found")
    return sku


def _sheet_qs() -> QuerySet[CountSheet]:
    return selectors.count_sheet_list()


def _lines(sheet: CountSheet) -> list[CountLine]:
    return list(
        sheet.lines.select_related(
            "level__sku__product",
            "level__lot",
            "level__location__warehouse",
            "counted_by",
        ).order_by("level__location__code", "level__sku__outer_code", "pk")
    )


def _sheet_detail(pk: int) -> CountSheet:
    return get_or_404(_sheet_qs(), pk, "count sheet")
