from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AftersalesConfig(AppConfig):
    name = "shopops.aftersales"
    label = "aftersales"
    verbose_name = _("售后")

    def ready(self) -> None:
        from shopops.aftersales import duties

        duties.plug_in()
