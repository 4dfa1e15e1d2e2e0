"""`shopops rollups rebuild|check [--shop CODE] [--from YYYY-MM-DD --to YYYY-MM-DD]`."""

from __future__ import annotations

import datetime as dt
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from shopops.orders.management.options import date_option, shop_option
from shopops.orders.rollups import rollups_check, rollups_rebuild
from shopops.orders.summary import FIRST_DAY, LAST_DAY

# Differences printed before the rest are only counted.
SHOWN = 200


def _date(value: str | None, option: str) -> dt.date | None:
    if value is None:
        return None
    day = date_option(value, option)
    if not FIRST_DAY <= day <= LAST_DAY:
        raise CommandError(
            f"{option} {value} is not between {FIRST_DAY} and {LAST_DAY}"
        )
    return day


class Command(BaseCommand):
    help = (
        "The daily rollups behind every sales figure. 'rebuild' recomputes them from "
        "the orders; 'check' compares them with the orders, prints every figure that "
        "differs and exits 1 if any does."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["rebuild", "check"])
        parser.add_argument(
            "--shop", metavar="CODE", help="one shop (default: every shop)"
        )
        parser.add_argument(
            "--from",
            dest="date_from",
            metavar="YYYY-MM-DD",
            help="first shop-local day (default: the first order's)",
        )
        parser.add_argument(
            "--to",
            dest="date_to",
            metavar="YYYY-MM-DD",
            help="last shop-local day (default: the last order's)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        date_from = _date(options["date_from"], "--from")
        date_to = _date(options["date_to"], "--to")
        if date_from and date_to and date_from > date_to:
            raise CommandError(f"--from {date_from} is after --to {date_to}")
        shop_id = None
        if options["shop"] is not None:
            shop_id = shop_option(options["shop"]).pk
        started = time.monotonic()
        if options["action"] == "rebuild":
            counts = rollups_rebuild(
                actor=None, shop_id=shop_id, date_from=date_from, date_to=date_to
            )
            self.stdout.write(
                f"rebuilt {counts['days']} day rows, {counts['provinces']} province "
                f"rows, {counts['skus']} SKU rows "
                f"in {time.monotonic() - started:.1f} s"
            )
            return
        differences = rollups_check(
            shop_id=shop_id, date_from=date_from, date_to=date_to
        )
        seconds = time.monotonic() - started
        if not differences:
            self.stdout.write(
                f"rollups agree with the orders (checked in {seconds:.1f} s)"
            )
            return
        for difference in differences[:SHOWN]:
            self.stdout.write(str(difference))
        if len(differences) > SHOWN:
            self.stdout.write(f"… and {len(differences) - SHOWN} more")
        raise CommandError(
            f"{len(differences)} rollup figures differ from the orders; "
            "`shopops rollups rebuild` recomputes them",
            returncode=1,
        )
