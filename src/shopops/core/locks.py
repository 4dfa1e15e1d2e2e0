"""Row locks, taken in one order across the whole project, and bounded retries for
the lock and serialisation errors that concurrent writers meet.

Two transactions that lock the same rows in opposite orders can each wait for the
other (a deadlock on PostgreSQL). Every service that locks rows of more than one kind
therefore locks them through this module, which owns the order:

1. the document a flow starts from: the purchasing settings (which serialise a day's
   suggestions), then the suggestions (the cut-off turns them into purchase orders),
   an after-sale request, a courier delay, a purchase order (cut off or received), a
   count sheet being posted;
2. **orders**, by primary key;
3. **customers**, by primary key (the daily rollups' buyers: `orders.rollups` locks the
   orders a change touches, then their customers, in chunks of plain SQL for speed —
   in this order, by key);
4. **stock levels**, by primary key;
5. **holds**, by primary key;
6. the pick list a shipment closes.

`LOCK_ORDER` names the models by label, so `core` imports no app; callers hand in
querysets. `lock(*querysets)` sorts the querysets it is given into that order and
each one's rows by primary key, so a caller cannot get the order wrong within one
call; a service that locks in several steps makes each step a later kind than the
one before (or rows it already holds). Rows are locked with
`select_for_update(of=("self",))`: rows joined by `select_related` (a level's lot and
location, a hold's order) are read, not locked.

On PostgreSQL the rows are locked; on SQLite `select_for_update` is a no-op and the
IMMEDIATE transaction (settings) holds the database's write lock from `BEGIN`, so
writers queue behind each other.
"""

from __future__ import annotations

import functools
import logging
import random
import time
from collections.abc import Callable
from typing import Any, ParamSpec, TypeVar

from django.db import OperationalError, connection, models, transaction
from django.db.models import QuerySet
from django.db.utils import DatabaseError

log = logging.getLogger(__name__)
P = ParamSpec("P")
T = TypeVar("T")
M = TypeVar("M", bound=models.Model)

# The one order in which rows are locked, by model label (see the module's docstring).
LOCK_ORDER: tuple[str, ...] = (
    "purchasing.PurchaseSettings",
    "purchasing.PurchaseSuggestion",
    "aftersales.AfterSale",
    "shipping.CourierDelay",
    "purchasing.PurchaseOrder",
    "stock.CountSheet",
    "orders.Order",
    "customers.Customer",
    "stock.StockLevel",
    "orders.Hold",
    "shipping.PickList",
)
RANK = {label: rank for rank, label in enumerate(LOCK_ORDER)}

RETRIES = 5
# PostgreSQL's serialization_failure and deadlock_detected.
RETRYABLE_PGCODES = {"40001", "40P01"}


def rank_of(model: type[models.Model]) -> int:
    """Return the place of `model` in `LOCK_ORDER`; refuse a model that has none."""
    label = model._meta.label
    if label not in RANK:
        raise ValueError(f"{label} has no place in core.locks.LOCK_ORDER")
    return RANK[label]


def _check(queryset: QuerySet[Any]) -> None:
    rank_of(queryset.model)
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("row locks must be taken inside a transaction")


def lock_rows(queryset: QuerySet[M]) -> list[M]:
    """Lock the rows of `queryset` in primary-key order and return them."""
    _check(queryset)
    return list(queryset.order_by("pk").select_for_update(of=("self",)))


def lock_row(queryset: QuerySet[M], pk: Any) -> M:
    """Lock one row of `queryset` and return it; raise DoesNotExist if it is not there."""
    _check(queryset)
    return queryset.select_for_update(of=("self",)).get(pk=pk)


def lock(*querysets: QuerySet[Any]) -> list[list[Any]]:
    """Lock the rows of several querysets, kind by kind in `LOCK_ORDER` and each
    kind's rows by primary key; return each queryset's rows, in the order given."""
    ranks = [rank_of(qs.model) for qs in querysets]
    if len(set(ranks)) != len(ranks):
        raise ValueError("lock() takes one queryset per kind of row")
    locked: dict[int, list[Any]] = {}
    for index in sorted(range(len(querysets)), key=ranks.__getitem__):
        locked[index] = lock_rows(querysets[index])
    return [locked[index] for index in range(len(querysets))]


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
