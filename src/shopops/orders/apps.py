from django.apps import AppConfig
from django.utils.translation import pgettext_lazy


class OrdersConfig(AppConfig):
    name = "shopops.orders"
    label = "orders"
    verbose_name = pgettext_lazy("plural", "订单")

    def ready(self) -> None:
        from shopops.orders import duties

        duties.plug_in()
