from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import pgettext_lazy


class OrdersConfig(AppConfig):
    name = "shopops.orders"
    label = "orders"
    verbose_name = pgettext_lazy("plural", "订单")

    def ready(self) -> None:
        from shopops.orders import duties

        duties.plug_in()
        post_migrate.connect(_repair_search_index, sender=self)


def _repair_search_index(using: str = "default", **kwargs: Any) -> None:
    """Put back the search index's SQLite triggers if a table rebuild dropped them."""
    from django.db import connections

    from shopops.orders import search_index

    search_index.repair(connections[using])
