"""`shopops purge-imports [--days N] [--dry-run]`: delete the uploaded order reports of
imports finished more than N days ago (default: SHOPOPS_IMPORT_RETENTION_DAYS)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from shopops.orders.retention import import_files_purge


class Command(BaseCommand):
    help = (
        "Delete the uploaded order reports of imports finished more than --days ago; "
        "the batches and their reports stay."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--days",
            type=int,
            default=None,
            help=f"keep files this many days (default {settings.IMPORT_RETENTION_DAYS})",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="only say what would be deleted"
        )

    def handle(
        self, *args: Any, days: int | None, dry_run: bool, **options: Any
    ) -> None:
        if days is not None and days < 1:
            raise CommandError("--days must be at least 1")
        result = import_files_purge(days=days, dry_run=dry_run)
        verb = "would delete" if dry_run else "deleted"
        self.stdout.write(
            f"{verb} {result.files} files ({result.bytes / 1_048_576:.1f} MB) "
            f"of {len(result.batches)} import batches"
        )
