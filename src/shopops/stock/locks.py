"""The stock ledger's row locks: which levels a change locks. The order in which rows
of every kind are locked (orders, then levels, then holds, by primary key) and the
bounded retries live in `shopops.core.locks`."""

from __future__ import annotations

from collections.abc import Iterable

from shopops.core.locks import lock_rows, with_lock_retries
from shopops.stock.models import StockLevel

__all__ = ["lock_levels", "with_lock_retries"]


def lock_levels(*, sku_ids: Iterable[int]) -> list[StockLevel]:
    """Lock every stock level of `sku_ids`, in primary-key order, and return them
    (with their lot and location read, not locked)."""
    return lock_rows(
        StockLevel.objects.filter(sku_id__in=sorted(set(sku_ids))).select_related(
            "lot", "location"
        )
    )
