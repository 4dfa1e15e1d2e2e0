"""Uploaded order reports are deleted once their import is long finished: the nightly
job and `shopops purge-imports`; the batch and its page stay."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.core.management.base import CommandError

from shopops.core.models import AuditEntry
from shopops.orders import retention, tasks
from shopops.orders.models import ImportBatch

pytestmark = pytest.mark.django_db


@pytest.fixture
def media(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path
    settings.IMPORT_RETENTION_DAYS = 90
    return tmp_path


@pytest.fixture
def batches(shop: Any, media: Path, frozen_clock: Any) -> dict[str, ImportBatch]:
    """Batches finished 120 and 30 days ago, one that failed 100 days ago, and one
    uploaded 200 days ago that is somehow still running."""
    now = frozen_clock("2026-11-26 03:30")
    made = {}
    for key, state, age in (
        ("old", ImportBatch.State.DONE, 120),
        ("recent", ImportBatch.State.DONE, 30),
        ("failed", ImportBatch.State.FAILED, 100),
        ("running", ImportBatch.State.RUNNING, 200),
    ):
        batch = ImportBatch(
            shop=shop,
            orders_filename=f"ExportOrderList-{key}.csv",
            items_filename=f"ExportOrderDetailList-{key}.csv" if key == "old" else "",
            state=state,
            finished_at=None
            if state == ImportBatch.State.RUNNING
            else now - dt.timedelta(days=age),
        )
        batch.orders_file.save(f"{key}.csv", ContentFile(b"x" * 1000), save=False)
        if key == "old":
            batch.items_file.save(
                f"{key}-items.csv", ContentFile(b"y" * 500), save=False
            )
        batch.save()
        made[key] = batch
    return made


def _on_disk(media: Path) -> set[str]:
    return {p.name for p in media.rglob("*.csv")}


def test_the_files_of_long_finished_imports_are_deleted(
    batches: dict[str, ImportBatch],
    media: Path,
    django_capture_on_commit_callbacks: Any,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        result = retention.import_files_purge()

    assert sorted(result.batches) == sorted([batches["old"].pk, batches["failed"].pk])
    assert (result.files, result.bytes) == (3, 2500)
    assert _on_disk(media) == {"recent.csv", "running.csv"}
    old = ImportBatch.objects.get(pk=batches["old"].pk)
    assert not old.orders_file
    assert not old.items_file
    assert old.orders_filename == "ExportOrderList-old.csv"  # the page still says
    entry = AuditEntry.objects.get(verb="import.purge", object_id=str(old.pk))
    assert entry.changes["retention_days"] == 90
    # nothing left to do the second time
    assert retention.import_files_purge().batches == []


def test_a_dry_run_deletes_nothing(
    batches: dict[str, ImportBatch], media: Path
) -> None:
    out = io.StringIO()
    call_command("purge_imports", "--dry-run", stdout=out)
    assert "would delete 3 files" in out.getvalue()
    assert len(_on_disk(media)) == 5
    assert ImportBatch.objects.exclude(orders_file="").count() == 4


def test_the_command_takes_its_own_retention(
    batches: dict[str, ImportBatch],
    media: Path,
    django_capture_on_commit_callbacks: Any,
) -> None:
    out = io.StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("purge_imports", "--days", "7", stdout=out)
    assert "deleted 4 files" in out.getvalue()
    assert _on_disk(media) == {"running.csv"}
    with pytest.raises(CommandError, match="at least 1"):
        call_command("purge_imports", "--days", "0")


def test_retention_zero_keeps_everything(
    batches: dict[str, ImportBatch], media: Path, settings: Any
) -> None:
    settings.IMPORT_RETENTION_DAYS = 0
    assert tasks.purge_import_files.call_local() == 0
    assert len(_on_disk(media)) == 5


def test_the_nightly_job_purges_and_the_page_says_so(
    batches: dict[str, ImportBatch],
    media: Path,
    client: Any,
    people: Any,
    login: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.purge_import_files.call_local() == 2
    login(client, people.logistics)
    html = client.get(f"/orders/import/{batches['old'].pk}/").content.decode()
    assert "ExportOrderList-old.csv" in html
    assert 'data-testid="files-purged"' in html
    kept = client.get(f"/orders/import/{batches['recent'].pk}/").content.decode()
    assert 'data-testid="files-purged"' not in kept
