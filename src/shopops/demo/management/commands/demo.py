"""`shopops demo`: build the demo outdoor-gear company, or keep the data there is."""

from __future__ import annotations

import time
import unicodedata
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import IntegrityError, transaction

from shopops.demo.generator import SCALES, demo_build, demo_logins, demo_reset
from shopops.org.models import Shop


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _pad(text: str, width: int) -> str:
    """Return `text` padded to `width` terminal columns (a Chinese character is two)."""
    return text + " " * max(0, width - _width(text))


class Command(BaseCommand):
    help = (
        "Build the demo shop: an outdoor-gear company with two storefronts, staff in "
        "every role, a catalog, customers and fifteen months of orders; since last "
        "month its warehouse, purchasing, shipping and customer service at work, and "
        "today's work waiting for every role."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--seed", type=int, default=42, help="random seed (default 42)"
        )
        parser.add_argument(
            "--scale",
            choices=sorted(SCALES),
            default="full",
            help="full: 30,000+ orders (default); small: a few hundred, for tests",
        )
        existing = parser.add_mutually_exclusive_group()
        existing.add_argument(
            "--if-empty",
            action="store_true",
            help="do nothing when the database already has a shop",
        )
        existing.add_argument(
            "--reset",
            action="store_true",
            help=(
                "delete the shops, staff, catalog, customers, orders, stock, "
                "purchasing, shipping and after-sales first"
            ),
        )
        parser.add_argument(
            "--print-logins",
            action="store_true",
            help="print each role's username and password",
        )
        parser.add_argument(
            "--url",
            default="http://127.0.0.1:8000/",
            help="the address printed with the logins",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        verbosity = options["verbosity"]

        def log(line: str) -> None:
            if verbosity >= 1:
                self.stdout.write(line)

        shops = Shop.objects.count()
        if shops and options["if_empty"]:
            log(f"The database has {shops} shop(s): the data is kept, no demo built.")
        elif shops and not options["reset"]:
            raise CommandError(
                f"The database already has {shops} shop(s). Use --reset to replace "
                "everything with the demo, or --if-empty to keep it."
            )
        else:
            started = time.monotonic()
            log(f"Building the {options['scale']} demo (seed {options['seed']}) …")
            try:
                with transaction.atomic():
                    if options["reset"]:
                        demo_reset(log=log)
                    counts = demo_build(
                        seed=options["seed"], scale=options["scale"], log=log
                    )
            except (ValidationError, IntegrityError) as exc:
                raise CommandError(
                    f"Cannot build the demo beside the data there is ({exc}). "
                    "Use --reset to replace it."
                ) from exc
            log(
                self.style.SUCCESS(
                    f"Demo built in {time.monotonic() - started:.1f} s: "
                    + ", ".join(
                        f"{n:,} {k.replace('_', ' ')}" for k, n in counts.items()
                    )
                )
            )
        if options["print_logins"]:
            self.print_logins(options["url"])

    def print_logins(self, url: str) -> None:
        logins = demo_logins()
        if not logins:
            self.stdout.write("No staff logins yet.")
            return
        label_width = max(_width(x.role_label) for x in logins) + 2
        user_width = max(len(x.username) for x in logins) + 2
        self.stdout.write(f"Logins (open {url}):")
        for login in logins:
            password = login.password or "(changed by its owner)"
            self.stdout.write(
                f"  {_pad(login.role_label, label_width)}"
                f"{login.username.ljust(user_width)}{password.ljust(16)}{url}"
            )
