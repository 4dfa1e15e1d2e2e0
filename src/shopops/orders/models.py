from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from shopops.catalog.models import Sku
from shopops.core.fields import MoneyField
from shopops.customers.models import Customer
from shopops.org.models import Shop


class Order(models.Model):
    """A marketplace order, keyed by the marketplace's order number within a shop."""

    class Status(models.TextChoices):
        AWAITING_PAYMENT = "awaiting_payment", _("等待买家付款")
        PAID = "paid", _("买家已付款，等待卖家发货")
        SHIPPED = "shipped", _("卖家已发货，等待买家确认")
        COMPLETED = "completed", _("交易成功")
        CLOSED = "closed", _("交易关闭")

    class Flag(models.IntegerChoices):
        GREY = 0, _("灰旗")
        RED = 1, _("红旗")
        YELLOW = 2, _("黄旗")
        GREEN = 3, _("绿旗")
        BLUE = 4, _("蓝旗")
        PURPLE = 5, _("紫旗")

    shop = models.ForeignKey(
        Shop, verbose_name=_("店铺"), on_delete=models.PROTECT, related_name="orders"
    )
    order_no = models.CharField(_("订单编号"), max_length=32)
    customer = models.ForeignKey(
        Customer,
        verbose_name=_("客户"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="orders",
    )
    buyer_member_name = models.CharField(_("买家会员名"), max_length=100, blank=True)
    receiver_name = models.CharField(_("收货人姓名"), max_length=50, blank=True)
    receiver_phone = models.CharField(_("联系手机"), max_length=20, blank=True)
    address = models.CharField(_("收货地址"), max_length=300, blank=True)
    province = models.CharField(_("省份"), max_length=20, blank=True, db_index=True)
    city = models.CharField(_("城市"), max_length=30, blank=True)
    district = models.CharField(_("区县"), max_length=30, blank=True)
    goods_amount = MoneyField(_("买家应付货款"), null=True, blank=True)
    postage = MoneyField(_("买家应付邮费"), null=True, blank=True)
    total_amount = MoneyField(_("总金额"), null=True, blank=True)
    paid_amount = MoneyField(_("买家实际支付金额"), null=True, blank=True)
    refunded_amount = MoneyField(_("退款金额"), null=True, blank=True)
    service_fee = MoneyField(_("服务费"), null=True, blank=True)
    status = models.CharField(_("订单状态"), max_length=24, choices=Status.choices, blank=True)
    created_at = models.DateTimeField(_("订单创建时间"), db_index=True)
    paid_at = models.DateTimeField(_("订单付款时间"), null=True, blank=True)
    shipped_at = models.DateTimeField(_("发货时间"), null=True, blank=True)
    confirmed_at = models.DateTimeField(_("确认收货时间"), null=True, blank=True)
    buyer_message = models.TextField(_("买家留言"), blank=True)
    seller_memo = models.TextField(_("商家备忘"), blank=True)
    flag = models.PositiveSmallIntegerField(
        _("旗帜"), choices=Flag.choices, null=True, blank=True
    )
    item_count = models.PositiveIntegerField(_("宝贝总数量"), null=True, blank=True)

    class Meta:
        verbose_name = _("订单")
        verbose_name_plural = _("订单")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["shop", "order_no"], name="order_no_once_per_shop"),
            models.CheckConstraint(
                condition=Q(paid_amount__isnull=True) | Q(paid_amount__gte=0),
                name="order_paid_not_negative",
            ),
        ]
        indexes = [models.Index(fields=["shop", "created_at"])]

    def __str__(self) -> str:
        return self.order_no


class OrderLine(models.Model):
    order = models.ForeignKey(
        Order, verbose_name=_("订单"), on_delete=models.CASCADE, related_name="lines"
    )
    sku = models.ForeignKey(
        Sku, verbose_name=_("SKU"), null=True, blank=True, on_delete=models.SET_NULL
    )
    outer_code = models.CharField(_("商家编码"), max_length=64, blank=True)
    title = models.CharField(_("标题"), max_length=200)
    attributes = models.CharField(_("商品属性"), max_length=200, blank=True)
    price = MoneyField(_("价格"))
    quantity = models.PositiveIntegerField(_("购买数量"))

    class Meta:
        verbose_name = _("订单明细")
        verbose_name_plural = _("订单明细")
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="order_line_quantity_positive")
        ]

    def __str__(self) -> str:
        return f"{self.order_id} {self.title} × {self.quantity}"
