"""Jobs of the orders app. They only call services."""

from huey.contrib.djhuey import db_task

from shopops.orders import imports


@db_task()
def import_batch_job(batch_id: int) -> None:
    """Import an uploaded ImportBatch (see `orders.imports.import_batch_run`)."""
    imports.import_batch_run(batch_id=batch_id)
