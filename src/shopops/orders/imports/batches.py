"""Import batches: an upload saved, imported by a job with a progress bar.

`import_batch_create` saves the uploaded files as an `ImportBatch` and queues the job
(`orders.tasks.import_batch_job`), which calls `import_batch_run`: it runs
`orders_import` on the files and keeps the batch's state, progress and report.
"""

from __future__ import annotations

import contextlib
import logging
import time
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connection, connections, transaction
from django.utils.translation import gettext as _

from shopops.core import clock
from shopops.core.actors import Actor, signed_in
from shopops.core.audit import audit_record
from shopops.core.importers import ImportReport, RowError, source_name
from shopops.core.models import AuditEntry
from shopops.orders.imports.service import orders_import
from shopops.orders.models import ImportBatch
from shopops.org.models import Shop

log = logging.getLogger(__name__)


def import_batch_create(
    *,
    actor: Actor,
    shop: Shop,
    orders_file: Any,
    items_file: Any | None = None,
) -> ImportBatch:
    """Save an upload (under MEDIA_ROOT) as an ImportBatch and queue its import.

    `orders_file`/`items_file` are uploaded files (anything with a name that Django's
    storage can save). The job (`orders.tasks.import_batch_job`) starts once this
    transaction commits.
    """
    from shopops.orders import tasks

    orders_name = source_name(orders_file)
    items_name = source_name(items_file) if items_file is not None else ""
    with transaction.atomic():
        batch = ImportBatch(
            shop=shop,
            orders_filename=orders_name[:200],
            items_filename=items_name[:200],
            created_by=signed_in(actor),
        )
        batch.orders_file.save(orders_name, orders_file, save=False)
        if items_file is not None:
            batch.items_file.save(items_name, items_file, save=False)
        batch.save()
        audit_record(
            actor=actor,
            verb="orders.import_queued",
            obj=batch,
            action=AuditEntry.Action.CREATE,
            changes={
                "shop": shop.code,
                "orders_file": orders_name,
                "items_file": items_name,
            },
        )
        transaction.on_commit(lambda: tasks.import_batch_job(batch.pk))
    return batch


def import_batch_run(*, batch_id: int) -> ImportBatch | None:
    """Run a queued ImportBatch: import its files, keep its progress and report.

    Idempotent: a batch that is no longer pending (another worker took it, or it
    already ran) is left alone and None is returned.
    """
    taken = ImportBatch.objects.filter(
        pk=batch_id, state=ImportBatch.State.PENDING
    ).update(state=ImportBatch.State.RUNNING)
    if not taken:
        return None
    batch = ImportBatch.objects.select_related("shop", "created_by").get(pk=batch_id)
    publisher = BatchProgress(batch.pk)
    try:
        with contextlib.ExitStack() as files:
            orders_file = files.enter_context(batch.orders_file.open("rb"))
            items_file = (
                files.enter_context(batch.items_file.open("rb"))
                if batch.items_file
                else None
            )
            report = orders_import(
                actor=batch.created_by,
                shop=batch.shop,
                orders_file=orders_file,
                items_file=items_file,
                orders_filename=batch.orders_filename,
                items_filename=batch.items_filename or None,
                progress=publisher,
            )
    except Exception:
        log.exception("order import %s failed", batch_id)
        report = ImportReport()
        report.add_error(
            RowError(
                batch.orders_filename,
                None,
                "",
                "",
                _("导入时出现内部错误，未导入任何数据；请联系管理员"),
            )
        )
    finally:
        publisher.close()
    rows = report.rows + int(report.extra.get("item_rows", 0))
    ImportBatch.objects.filter(pk=batch_id).update(
        state=ImportBatch.State.DONE if report.ok else ImportBatch.State.FAILED,
        report=report.as_dict(),
        rows_total=rows,
        rows_done=rows,
        finished_at=clock.now(),
    )
    batch.refresh_from_db()
    return batch


class BatchProgress:
    """Keep an ImportBatch's progress up to date while its import runs.

    Pass 1 (reading and checking) runs outside any transaction, so its progress is
    written through the job's own connection and seen at once. Pass 2 (writing) runs
    in one transaction, because the files are taken whole or not at all: an update of
    the batch row in that transaction would be seen only at its end. So the batch
    enters the "writing" state just before that transaction opens, and then:

    - on PostgreSQL the row is updated through a second connection of its own, in
      autocommit (the import's transaction never touches that row, so nobody waits);
    - on SQLite a second connection would wait for the import's write lock (one writer
      at a time), so nothing is written: the page shows "writing" with the bar at the
      end of pass 1 until the import commits.

    Updates are at most two a second.
    """

    INTERVAL = 0.5

    def __init__(self, batch_id: int) -> None:
        self.batch_id = batch_id
        self.phase = ""
        self.last = 0.0
        self.side: Any = None

    def __call__(self, phase: str, done: int, total: int) -> None:
        now = time.monotonic()
        if phase == self.phase and now - self.last < self.INTERVAL:
            return
        self.last = now
        total = max(total, done, 1)
        if phase != self.phase:
            self.phase = phase
            state = (
                ImportBatch.State.WRITING
                if phase == "writing"
                else ImportBatch.State.RUNNING
            )
            ImportBatch.objects.filter(pk=self.batch_id).update(
                state=state, rows_done=done, rows_total=total
            )
            return
        if phase == "reading":
            ImportBatch.objects.filter(pk=self.batch_id).update(
                rows_done=done, rows_total=total
            )
        elif connection.vendor == "postgresql":
            self._side_update(done, total)

    def _side_update(self, done: int, total: int) -> None:
        if self.side is None:
            self.side = connections.create_connection(DEFAULT_DB_ALIAS)
        meta = ImportBatch._meta
        quote = self.side.ops.quote_name
        with self.side.cursor() as cursor:
            cursor.execute(
                f"UPDATE {quote(meta.db_table)} SET {quote('rows_done')} = %s, "  # noqa: S608
                f"{quote('rows_total')} = %s WHERE {quote('id')} = %s",
                [done, total, self.batch_id],
            )

    def close(self) -> None:
        if self.side is not None:
            self.side.close()
            self.side = None
