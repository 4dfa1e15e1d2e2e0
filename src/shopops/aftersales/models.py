"""After-sales: refunds and exchanges that customer service raises and logistics
confirms. The app sits above `orders` and `stock` and bridges them (as Odoo's
`sale_stock` bridges `sale` and `stock`)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from shopops.catalog.models import Sku
from shopops.core.fields import MoneyField
from shopops.orders.models import Hold, Order


class AfterSale(models.Model):
    """A refund or exchange that customer service raises and logistics confirms."""

    class Kind(models.TextChoices):
        REFUND_ONLY = "refund_only", _("仅退款")
        RETURN_REFUND = "return_refund", _("退货退款")
        EXCHANGE = "exchange", _("换货")

    class State(models.TextChoices):
        REQUESTED = "requested", _("待确认")
        CONFIRMED = "confirmed", _("已确认")
        REJECTED = "rejected", _("已驳回")

    order = models.ForeignKey(
        Order,
        verbose_name=_("订单"),
        on_delete=models.CASCADE,
        related_name="after_sales",
    )
    kind = models.CharField(_("类型"), max_length=16, choices=Kind.choices)
    amount = MoneyField(_("退款金额"), default=0)
    reason = models.CharField(_("原因"), max_length=300)
    exchange_sku = models.ForeignKey(
        Sku,
        verbose_name=_("换成"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    exchange_quantity = models.PositiveIntegerField(_("换货数量"), default=0)
    state = models.CharField(
        _("状态"), max_length=16, choices=State.choices, default=State.REQUESTED
    )
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("发起人"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    raised_at = models.DateTimeField(_("发起时间"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("确认人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("确认时间"), null=True, blank=True)
    decision_note = models.CharField(_("确认说明"), max_length=300, blank=True)
    hold = models.ForeignKey(
        Hold,
        verbose_name=_("来自扣留"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="after_sales",
    )

    class Meta:
        # The table keeps the name it had in `orders` (the model moved here with its
        # rows: see migrations/0001_initial.py).
        db_table = "orders_aftersale"
        verbose_name = _("售后")
        verbose_name_plural = _("售后")
        ordering = ["-raised_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gte=0), name="after_sale_amount_not_negative"
            ),
            models.CheckConstraint(
                condition=~Q(kind="exchange")
                | Q(exchange_sku__isnull=False, exchange_quantity__gt=0),
                name="after_sale_exchange_has_sku",
            ),
            models.CheckConstraint(
                condition=Q(kind="exchange") | Q(amount__gt=0),
                name="after_sale_refund_has_amount",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.order} {self.get_kind_display()}"
