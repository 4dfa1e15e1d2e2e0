"""Deleting uploaded order reports once their import is long finished.

The seller center's reports hold buyers' names, phones and addresses; once an import has
finished, everything shopops needs from them is in the database (the orders, and the
batch's report of what happened). The files of batches finished more than
`IMPORT_RETENTION_DAYS` ago are deleted by a nightly job (`orders.tasks`) or by
`shopops purge-imports`; the batch keeps its file names, so its page still says what
was imported. Batches still queued or running are never touched.
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q, QuerySet

from shopops.core import clock
from shopops.core.actors import Actor
from shopops.core.audit import audit_record
from shopops.core.models import AuditEntry
from shopops.orders.models import ImportBatch

log = logging.getLogger(__name__)

FINISHED = [ImportBatch.State.DONE, ImportBatch.State.FAILED]


@dataclass
class PurgeResult:
    batches: list[int] = field(default_factory=list)  # ids whose files were deleted
    files: int = 0
    bytes: int = 0


def purgeable_batches(*, days: int, now: dt.datetime | None = None) -> QuerySet[Any]:
    """Finished batches older than `days` that still have a file."""
    cutoff = (now or clock.now()) - dt.timedelta(days=days)
    return (
        ImportBatch.objects.filter(state__in=FINISHED, finished_at__lt=cutoff)
        .exclude(Q(orders_file="") & Q(items_file=""))
        .order_by("finished_at", "pk")
    )


def import_files_purge(
    *, actor: Actor = None, days: int | None = None, dry_run: bool = False
) -> PurgeResult:
    """Delete the uploaded files of batches finished more than `days` ago (default:
    the `IMPORT_RETENTION_DAYS` setting; 0 or less keeps everything). Each batch is
    cleared in its own transaction; a file already gone from disk counts as deleted."""
    days = settings.IMPORT_RETENTION_DAYS if days is None else days
    result = PurgeResult()
    if days <= 0:
        return result
    for batch in purgeable_batches(days=days):
        files = [f for f in (batch.orders_file, batch.items_file) if f]
        result.batches.append(batch.pk)
        result.files += len(files)
        result.bytes += sum(_size(f) for f in files)
        if dry_run:
            continue
        with transaction.atomic():
            names = [f.name for f in files]
            ImportBatch.objects.filter(pk=batch.pk).update(
                orders_file="", items_file=""
            )
            audit_record(
                actor=actor,
                verb="import.purge",
                obj=batch,
                action=AuditEntry.Action.DELETE,
                changes={"files": names, "retention_days": days},
            )
            # Files go only once the batch no longer points at them.
            transaction.on_commit(functools.partial(_delete, files))
    return result


def _size(file: Any) -> int:
    try:
        return int(file.size)
    except OSError:  # already gone
        return 0


def _delete(files: list[Any]) -> None:
    for file in files:
        try:
            file.storage.delete(file.name)
        except OSError:
            log.warning("could not delete %s", file.name, exc_info=True)
