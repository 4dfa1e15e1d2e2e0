"""`shopops sales-summary --shop CODE --from YYYY-MM-DD --to YYYY-MM-DD [--json]`."""

from __future__ import annotations

import json
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from shopops.orders.management.options import date_option, shop_option
from shopops.orders.summary import SalesFigures, sales_summary

COLUMNS = [
    ("orders", "orders", 8),
    ("paid_orders", "paid orders", 11),
    ("total_amount", "total", 14),
    ("paid_amount", "paid amount", 14),
    ("refunded_amount", "refunded", 12),
    ("average_order_value", "avg order", 10),
]


class Command(BaseCommand):
    help = (
        "Print a shop's sales over shop-local days FROM..TO (inclusive): orders, paid "
        "orders, total, paid and refunded amounts, average order value; by day and "
        "by province."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--shop", required=True, metavar="CODE", help="shop code")
        parser.add_argument(
            "--from", dest="date_from", required=True, metavar="YYYY-MM-DD"
        )
        parser.add_argument("--to", dest="date_to", required=True, metavar="YYYY-MM-DD")
        parser.add_argument(
            "--json",
            action="store_true",
            help="print JSON (money as decimal strings)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        code = options["shop"]
        date_from = date_option(options["date_from"], "--from")
        date_to = date_option(options["date_to"], "--to")
        shop = shop_option(code)
        try:
            summary = sales_summary(
                shop_id=shop.pk, date_from=date_from, date_to=date_to
            )
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        if options["json"]:
            self.stdout.write(
                json.dumps(summary.as_json(), ensure_ascii=False, indent=2)
            )
            return
        self.stdout.write(
            f"{shop.name} ({shop.code}) {date_from} .. {date_to} ({summary.time_zone})"
        )
        self._table("", [("total", summary.totals)])
        self._table("by day", [(str(d.day), d.figures) for d in summary.days])
        self._table(
            "by province",
            [(p.province or "(unknown)", p.figures) for p in summary.provinces],
        )

    def _table(self, title: str, rows: list[tuple[str, SalesFigures]]) -> None:
        if title:
            self.stdout.write("")
            self.stdout.write(title)
        width = max([12, *(_width(label) for label, _f in rows)])
        header = "".ljust(width) + "".join(
            name.rjust(size + 2) for _k, name, size in COLUMNS
        )
        self.stdout.write(header)
        for label, figures in rows:
            values = figures.as_json()
            cells = "".join(
                str(values[key] if values[key] is not None else "-").rjust(size + 2)
                for key, _n, size in COLUMNS
            )
            self.stdout.write(label + " " * (width - _width(label)) + cells)


def _width(text: str) -> int:
    """Return the terminal width of `text`: a Chinese character takes two columns."""
    return sum(2 if ord(ch) > 0x2E7F else 1 for ch in text)
