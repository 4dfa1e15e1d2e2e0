"""The order import as a service: `orders_import`, the whole files or nothing.

Pass 1 (`reading`) reads and checks the files into the scratch file (`staging`),
writing nothing; when every row is good, pass 2 (`writer`) writes them in one
transaction, with one audit entry ("orders.import") that sums the import up.
"""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.db.models.deletion import ProtectedError
from django.utils.translation import gettext as _

from shopops.core.actors import Actor
from shopops.core.audit import audit_record
from shopops.core.importers import ImportReport, ImportSource, RowError, source_name
from shopops.core.models import AuditEntry
from shopops.orders.imports.reading import ImportJob, Progress, source_size
from shopops.orders.imports.staging import ConflictError, Staging
from shopops.orders.imports.writer import write_staged
from shopops.org.models import Shop

# Orders per batch: one query fetches a batch's existing orders, one statement inserts
# its new ones.
BATCH_SIZE = 2000
# Bad rows listed in a report; past it they are only counted (a file that is wrong on
# every line keeps memory flat).
ERROR_LIMIT = 2000


def orders_import(
    *,
    actor: Actor,
    shop: Shop,
    orders_file: ImportSource,
    items_file: ImportSource | None = None,
    orders_filename: str | None = None,
    items_filename: str | None = None,
    progress: Progress | None = None,
    batch_size: int = BATCH_SIZE,
) -> ImportReport:
    """Import the seller center's order report (and item report) into `shop`.

    The whole files or nothing: if any row is bad — a cell that cannot be read, an
    unknown status, an order number twice, an item row of an unknown order, a new
    order without its creation time — nothing is written and the report names every
    bad row. Otherwise new orders are created, changed ones updated (with a history
    row each), unchanged ones left alone, and one audit entry ("orders.import") sums
    the import up. See the module's docstring for how.
    """
    orders_name = source_name(orders_file, orders_filename)
    items_name = (
        source_name(items_file, items_filename) if items_file is not None else ""
    )
    if items_file is not None and items_name == orders_name:
        items_name = f"{items_name} ({_('宝贝报表')})"
    report = ImportReport(error_limit=ERROR_LIMIT)
    with Staging() as staging:
        job = ImportJob(
            shop=shop,
            actor=actor,
            staging=staging,
            report=report,
            progress=progress,
            batch_size=max(1, batch_size),
            orders_name=orders_name,
            items_name=items_name,
        )
        sizes = (source_size(orders_file) or 1, 0)
        if items_file is not None:
            sizes = (sizes[0], source_size(items_file) or sizes[0])
        job.sizes = sizes
        job.read_orders(orders_file, orders_name)
        if items_file is not None and job.fields:
            job.read_items(items_file, items_name)
        report.extra["item_rows"] = job.item_rows
        if report.ok:
            _write(job, orders_name, items_name)
    if report.errors_omitted:
        report.extra["errors_omitted"] = report.errors_omitted
    files = {orders_name: 0, items_name: 1}
    report.errors.sort(key=lambda e: (files.get(e.file, 2), e.row or 0))
    report.warnings.sort(key=lambda e: (files.get(e.file, 2), e.row or 0))
    return report


def _write(job: ImportJob, orders_name: str, items_name: str) -> None:
    report = job.report
    # Announce pass 2 before its transaction opens (see `BatchProgress`).
    job.writing(0, 1)
    try:
        with transaction.atomic():
            write_staged(job)
            counts = job.counts
            report.extra.update(
                lines_created=counts.lines_created,
                lines_updated=counts.lines_updated,
                lines_deleted=counts.lines_deleted,
                customers_created=counts.customers_created,
                history_rows=counts.history,
            )
            audit_record(
                actor=job.actor,
                verb="orders.import",
                obj=job.shop,
                action=AuditEntry.Action.IMPORT,
                changes={
                    "orders_file": orders_name,
                    "items_file": items_name,
                    "rows": report.rows,
                    "created": report.created,
                    "updated": report.updated,
                    "unchanged": report.unchanged,
                    **report.extra,
                },
            )
    except (IntegrityError, ConflictError):
        _reset(report)
        report.add_error(
            RowError(
                orders_name,
                None,
                "",
                "",
                _("导入时这些订单被同时修改（可能有另一个导入在进行），未导入；请重试"),
            )
        )
    except ProtectedError:
        _reset(report)
        report.add_error(
            RowError(
                items_name or orders_name,
                None,
                "",
                "",
                _(
                    "有订单的明细变了，但旧明细已被引用（如已预留库存），不能删除；未导入"
                ),
            )
        )


def _reset(report: ImportReport) -> None:
    report.created = report.updated = report.unchanged = 0
    item_rows = report.extra.get("item_rows", 0)
    report.extra.clear()
    report.extra["item_rows"] = item_rows
