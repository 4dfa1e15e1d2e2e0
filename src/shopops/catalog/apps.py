from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CatalogConfig(AppConfig):
    name = "shopops.catalog"
    label = "catalog"
    verbose_name = _("商品")

    def ready(self) -> None:
        from shopops.catalog import duties

        duties.plug_in()
