"""`shopops shops list|create`: the company's storefronts."""

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from shopops.org import selectors, services
from shopops.org.models import Shop


class Command(BaseCommand):
    help = "List the shops, or create one."

    def add_arguments(self, parser: Any) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("list", help="list the shops")
        create = sub.add_parser("create", help="create a shop")
        create.add_argument("--code", required=True)
        create.add_argument("--name", required=True)
        create.add_argument("--platform", required=True, choices=Shop.Platform.values)
        create.add_argument("--marketplace-shop-id", default="")

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        if action == "list":
            for shop in selectors.shop_list():
                self.stdout.write(f"{shop.code}\t{shop.platform}\t{shop.name}")
            return
        try:
            shop = services.shop_create(
                actor=None,
                code=options["code"],
                name=options["name"],
                platform=options["platform"],
                marketplace_shop_id=options["marketplace_shop_id"],
            )
        except ValidationError as exc:
            errors = "; ".join(
                f"{field}: {' '.join(msgs)}" for field, msgs in exc.message_dict.items()
            )
            raise CommandError(f"cannot create shop: {errors}") from exc
        self.stdout.write(self.style.SUCCESS(f"created shop {shop.code} ({shop.name})"))
