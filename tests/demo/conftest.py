"""The small demo, built once per test module under a frozen clock and rolled back at
the module's end; each test runs in a savepoint inside it."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterator
from typing import Any

import pytest
import time_machine
from django.core.management import call_command
from django.db import transaction

from shopops.core import clock

NOW = "2026-11-20 10:30"


def build(*args: str) -> str:
    """Run `shopops demo --scale small` with `args`; return what it printed."""
    out = io.StringIO()
    call_command("demo", "--scale", "small", *args, stdout=out)
    return out.getvalue()


@pytest.fixture(scope="module")
def built(django_db_setup: None, django_db_blocker: Any) -> Iterator[str]:
    """Build the small demo once for the module's readers; roll it back at the end."""
    instant = dt.datetime.fromisoformat(NOW).replace(tzinfo=clock.shop_zone())
    with (
        django_db_blocker.unblock(),
        time_machine.travel(instant, tick=False),
        transaction.atomic(),
    ):
        yield build()
        transaction.set_rollback(True)


@pytest.fixture
def demo(built: str, db: None) -> str:
    """Return the small demo's output; each test runs in a savepoint inside it."""
    return built


def import_batch(actor: Any) -> Any:
    """An order import of the demo's first shop, run to its end (the demo writes its
    orders without one), so that the import pages and endpoints have a batch to show."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from shopops.orders.imports import import_batch_create, import_batch_run
    from shopops.org.models import Shop

    batch = import_batch_create(
        actor=actor,
        shop=Shop.objects.order_by("pk")[0],
        orders_file=SimpleUploadedFile(
            "ExportOrderList.csv", "订单编号,买家会员名\n1,someone\n".encode()
        ),
    )
    import_batch_run(batch_id=batch.pk)
    batch.refresh_from_db()
    return batch
