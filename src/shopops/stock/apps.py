from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StockConfig(AppConfig):
    name = "shopops.stock"
    label = "stock"
    verbose_name = _("库存")

    def ready(self) -> None:
        from shopops.stock import duties

        duties.plug_in()
