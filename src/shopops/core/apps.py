from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "shopops.core"
    label = "core"
    verbose_name = _("核心")

    def ready(self) -> None:
        from shopops.core import duty_catalog

        duty_catalog.register_all()
