"""Jobs of the orders app. They only call services."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from shopops.orders import imports, retention


@db_task()
def import_batch_job(batch_id: int) -> None:
    """Import an uploaded ImportBatch (see `orders.imports.import_batch_run`)."""
    imports.import_batch_run(batch_id=batch_id)


@db_periodic_task(crontab(hour="19", minute="30"))  # 03:30 in China (Huey runs in UTC)
def purge_import_files() -> int:
    """Nightly: delete the uploaded reports of imports finished long ago."""
    return len(retention.import_files_purge().batches)
