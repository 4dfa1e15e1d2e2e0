"""Row locks for the stock ledger, always taken in one order (by primary key), and
bounded retries for the lock and serialisation errors that concurrent writers meet.

On PostgreSQL `select_for_update` locks the rows; on SQLite the IMMEDIATE transaction
(settings) already holds the database's write lock, so writers queue behind each other.
"""

from __future__ import annotations

import functools
import logging
import random
import time
from collections.abc import Callable, Iterable
from typing import ParamSpec, TypeVar

from django.db import OperationalError, connection, transaction
from django.db.utils import DatabaseError

from shopops.stock.models import StockLevel

log = logging.getLogger(__name__)
P = ParamSpec("P")
T = TypeVar("T")

RETRIES = 5
# PostgreSQL's serialization_failure and deadlock_detected.
RETRYABLE_PGCODES = {"40001", "40P01"}


def lock_levels(*, sku_ids: Iterable[int]) -> list[StockLevel]:
    """Lock every stock level of `sku_ids`, in primary-key order, and return them."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("lock_levels must run inside a transaction")
    return list(
        StockLevel.objects.filter(sku_id__in=sorted(set(sku_ids)))
        .select_related("lot", "location")
        .order_by("pk")
        .select_for_update()
    )


def _retryable(exc: DatabaseError) -> bool:
    if isinstance(exc, OperationalError) and "locked" in str(exc):
        return True  # SQLite: the busy timeout ran out
    cause = exc.__cause__
    return getattr(cause, "sqlstate", None) in RETRYABLE_PGCODES


def with_lock_retries(func: Callable[P, T]) -> Callable[P, T]:
    """Run `func` (which opens its own transaction) again, a bounded number of times,
    when the database says the rows were busy; then let the error through."""

    @functools.wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> T:
        if connection.in_atomic_block:
            return func(*args, **kwargs)  # the caller's transaction owns the retry
        for attempt in range(1, RETRIES + 1):
            try:
                return func(*args, **kwargs)
            except DatabaseError as exc:
                if attempt == RETRIES or not _retryable(exc):
                    raise
                log.info(
                    "retrying %s after %s (attempt %d)", func.__name__, exc, attempt
                )
                time.sleep(0.05 * attempt + random.random() * 0.05)  # noqa: S311
        raise AssertionError("unreachable")

    return wrapper
