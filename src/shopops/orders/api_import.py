"""Order imports in the API: upload the seller center's reports, follow the job.

POST /api/v1/imports (multipart: shop, orders_file, items_file) queues an import and
answers 202 with the batch; GET /api/v1/imports/{id} gives its state, percent and,
once finished, the report (created, updated, unchanged, every bad row; money as
decimal strings).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import File, Form, Router, Schema, Status
from ninja.errors import HttpError
from ninja.files import UploadedFile

from shopops.core.api_auth import require_perm
from shopops.core.api_helpers import Id, get_or_404
from shopops.orders import imports, selectors
from shopops.orders.models import ImportBatch
from shopops.org import selectors as org_selectors

router = Router(tags=["imports"])

RECENT_LIMIT = 200


class ImportBatchOut(Schema):
    id: int
    shop: str
    state: str
    percent: int
    rows_done: int
    rows_total: int
    orders_filename: str
    items_filename: str
    created_at: dt.datetime
    finished_at: dt.datetime | None
    created_by: str | None
    # Once finished: ok, rows, item_rows, created, updated, unchanged, error_count,
    # errors [{file, row, column, value, reason}], lines_created, customers_created…
    report: dict[str, Any]


def _batch_out(batch: ImportBatch) -> dict[str, Any]:
    return {
        "id": batch.pk,
        "shop": batch.shop.code,
        "state": batch.state,
        "percent": batch.percent,
        "rows_done": batch.rows_done,
        "rows_total": batch.rows_total,
        "orders_filename": batch.orders_filename,
        "items_filename": batch.items_filename,
        "created_at": batch.created_at,
        "finished_at": batch.finished_at,
        "created_by": batch.created_by.username if batch.created_by else None,
        "report": batch.report or {},
    }


@router.post("/imports", response={202: ImportBatchOut})
def import_create(
    request: HttpRequest,
    shop: Form[str],
    orders_file: File[UploadedFile],
    items_file: File[UploadedFile | None] = None,
) -> Status[dict[str, Any]]:
    """Queue an import of the seller center's order report (and item report).

    The files are taken whole or not at all; follow the batch at GET /imports/{id}.
    """
    require_perm(request, "orders.add_importbatch")
    found = org_selectors.shop_get(shop.strip())
    if found is None:
        raise HttpError(422, f"unknown shop: {shop}")
    batch = imports.import_batch_create(
        actor=request.user,
        shop=found,
        orders_file=orders_file,
        items_file=items_file,
    )
    batch.refresh_from_db()
    return Status(202, _batch_out(batch))


@router.get("/imports", response=list[ImportBatchOut])
def import_list(request: HttpRequest, limit: int = 20) -> list[dict[str, Any]]:
    """The latest imports, newest first."""
    require_perm(request, "orders.view_importbatch")
    qs = selectors.import_batches()
    return [_batch_out(b) for b in qs[: max(1, min(limit, RECENT_LIMIT))]]


@router.get("/imports/{batch_id}", response=ImportBatchOut)
def import_get(request: HttpRequest, batch_id: Id) -> dict[str, Any]:
    """An import's state (pending, running, writing, done, failed), percent, report."""
    require_perm(request, "orders.view_importbatch")
    batch = get_or_404(selectors.import_batches(), batch_id, "import")
    return _batch_out(batch)
