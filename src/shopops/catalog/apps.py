from django.apps import AppConfig
from django.utils.translation import pgettext_lazy


class CatalogConfig(AppConfig):
    name = "shopops.catalog"
    label = "catalog"
    verbose_name = pgettext_lazy("plural", "商品")

    def ready(self) -> None:
        from shopops.catalog import duties

        duties.plug_in()
