from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrdersConfig(AppConfig):
    name = "shopops.orders"
    label = "orders"
    verbose_name = _("订单")

    def ready(self) -> None:
        from shopops.orders import duties

        duties.plug_in()
