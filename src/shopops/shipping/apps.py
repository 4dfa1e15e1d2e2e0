from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ShippingConfig(AppConfig):
    name = "shopops.shipping"
    label = "shipping"
    verbose_name = _("发货")

    def ready(self) -> None:
        from shopops.shipping import duties

        duties.plug_in()
