from django.conf import settings
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

    class RefundState(models.TextChoices):
        NONE = "", _("无退款")
        REQUESTED = "requested", _("退款申请中")
        PARTIAL = "partial", _("部分退款")
        REFUNDED = "refunded", _("退款成功")

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
    status = models.CharField(
        _("订单状态"), max_length=24, choices=Status.choices, blank=True
    )
    refund_state = models.CharField(
        _("退款状态"), max_length=16, choices=RefundState.choices, blank=True
    )
    close_reason = models.CharField(_("订单关闭原因"), max_length=200, blank=True)
    courier = models.CharField(_("物流公司"), max_length=50, blank=True)
    tracking_no = models.CharField(_("物流单号"), max_length=64, blank=True)
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
    # Fingerprints of the export rows this order was last imported from (its row of
    # the order report; its rows of the item report): a row that has not changed since
    # is known to be unchanged without being parsed again (see orders.imports).
    import_digest = models.BigIntegerField(null=True, blank=True, editable=False)
    lines_digest = models.BigIntegerField(null=True, blank=True, editable=False)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("订单")
        verbose_name_plural = _("订单")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["shop", "order_no"], name="order_no_once_per_shop"
            ),
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
            models.CheckConstraint(
                condition=Q(quantity__gt=0), name="order_line_quantity_positive"
            )
        ]

    def __str__(self) -> str:
        return f"{self.order_id} {self.title} × {self.quantity}"


class OrderStatusChange(models.Model):
    """The order's history: every change of status or amounts, and where it came from."""

    class Source(models.TextChoices):
        IMPORT = "import", _("导入")
        SERVICE = "service", _("操作")

    order = models.ForeignKey(
        Order, verbose_name=_("订单"), on_delete=models.CASCADE, related_name="history"
    )
    at = models.DateTimeField(_("时间"))
    source = models.CharField(_("来源"), max_length=16, choices=Source.choices)
    status_from = models.CharField(_("原状态"), max_length=24, blank=True)
    status_to = models.CharField(_("新状态"), max_length=24, blank=True)
    changes = models.JSONField(_("变更"), default=dict, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    note = models.CharField(_("说明"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("订单历史")
        verbose_name_plural = _("订单历史")
        ordering = ["order", "at", "pk"]

    def __str__(self) -> str:
        return f"{self.order_id} {self.status_from}→{self.status_to}"

    @staticmethod
    def _status_label(status: str) -> str:
        return (
            str(Order.Status(status).label) if status in Order.Status.values else status
        )

    @property
    def status_from_label(self) -> str:
        return self._status_label(self.status_from)

    @property
    def status_to_label(self) -> str:
        return self._status_label(self.status_to)


class HoldReason(models.TextChoices):
    QUALITY = "quality", _("质量问题")
    OUT_OF_STOCK = "out_of_stock", _("缺货")
    CANNOT_BUY = "cannot_buy", _("无法订购")
    COURIER_DELAY = "courier_delay", _("快递延误")
    OTHER = "other", _("其他")


class HoldReasonSetting(models.Model):
    """Per reason: the seller flag it sets and what evening customer service tells buyers."""

    reason = models.CharField(
        _("原因"), max_length=16, choices=HoldReason.choices, unique=True
    )
    flag = models.PositiveSmallIntegerField(_("旗帜"), choices=Order.Flag.choices)
    message_template = models.TextField(
        _("话术模板"),
        help_text=_("可用占位符：{receiver} 收货人，{order_no} 订单编号，{note} 备注"),
    )

    class Meta:
        verbose_name = _("扣留原因设置")
        verbose_name_plural = _("扣留原因设置")
        ordering = ["reason"]

    def __str__(self) -> str:
        return self.get_reason_display()


class Hold(models.Model):
    """An order that cannot ship today: a hand-off to evening customer service.

    While a hold is active (not released) the order cannot be packed or shipped.
    """

    class Outcome(models.TextChoices):
        INFORMED = "informed", _("已告知")
        AGREED_TO_WAIT = "agreed_to_wait", _("同意等待")
        REFUND = "refund", _("退款")
        EXCHANGE = "exchange", _("换货")
        UNREACHABLE = "unreachable", _("联系不上")

    order = models.ForeignKey(
        Order, verbose_name=_("订单"), on_delete=models.CASCADE, related_name="holds"
    )
    reason = models.CharField(_("原因"), max_length=16, choices=HoldReason.choices)
    note = models.CharField(_("备注"), max_length=300, blank=True)
    flag = models.PositiveSmallIntegerField(_("旗帜"), choices=Order.Flag.choices)
    created_at = models.DateTimeField(_("扣留时间"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("扣留人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("负责人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="owned_holds",
        help_text=_("留空表示晚班客服任何人"),
    )
    outcome = models.CharField(
        _("处理结果"), max_length=16, choices=Outcome.choices, blank=True
    )
    outcome_note = models.CharField(_("处理说明"), max_length=300, blank=True)
    handled_at = models.DateTimeField(_("处理时间"), null=True, blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("处理人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    released_at = models.DateTimeField(_("解除时间"), null=True, blank=True)
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("解除人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("扣留")
        verbose_name_plural = _("扣留")
        ordering = ["-created_at", "-pk"]
        permissions = [("handle_hold", _("可以记录晚班客服的处理结果"))]
        constraints = [
            models.UniqueConstraint(
                fields=["order", "reason"],
                condition=Q(released_at__isnull=True),
                name="hold_one_active_per_reason",
            ),
            models.CheckConstraint(
                condition=Q(outcome="") | Q(handled_at__isnull=False),
                name="hold_outcome_has_time",
            ),
        ]
        indexes = [models.Index(fields=["released_at", "handled_at"])]

    def __str__(self) -> str:
        return f"{self.order} {self.get_reason_display()}"

    @property
    def active(self) -> bool:
        return self.released_at is None


class Complaint(models.Model):
    """A complaint or a marketplace dispute, with its state and outcome (OPS-2.5)."""

    class Kind(models.TextChoices):
        COMPLAINT = "complaint", _("投诉")
        DISPUTE = "dispute", _("纠纷")

    class State(models.TextChoices):
        OPEN = "open", _("待处理")
        IN_PROGRESS = "in_progress", _("处理中")
        RESOLVED = "resolved", _("已解决")
        CLOSED = "closed", _("已关闭")

    order = models.ForeignKey(
        Order,
        verbose_name=_("订单"),
        on_delete=models.CASCADE,
        related_name="complaints",
    )
    kind = models.CharField(_("类型"), max_length=16, choices=Kind.choices)
    description = models.TextField(_("内容"))
    state = models.CharField(
        _("状态"), max_length=16, choices=State.choices, default=State.OPEN
    )
    outcome = models.TextField(_("结果"), blank=True)
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登记人"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    raised_at = models.DateTimeField(_("登记时间"))
    resolved_at = models.DateTimeField(_("解决时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("投诉纠纷")
        verbose_name_plural = _("投诉纠纷")
        ordering = ["-raised_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.order} {self.get_kind_display()}"


class ImportBatch(models.Model):
    """One upload of the seller center's reports, imported by a job with progress."""

    class State(models.TextChoices):
        PENDING = "pending", _("排队中")
        RUNNING = "running", _("检查中")
        WRITING = "writing", _("写入中")
        DONE = "done", _("已完成")
        FAILED = "failed", _("未导入")

    shop = models.ForeignKey(Shop, verbose_name=_("店铺"), on_delete=models.CASCADE)
    orders_file = models.FileField(_("订单报表"), upload_to="imports/%Y/%m/")
    items_file = models.FileField(_("宝贝报表"), upload_to="imports/%Y/%m/", blank=True)
    orders_filename = models.CharField(max_length=200)
    items_filename = models.CharField(max_length=200, blank=True)
    state = models.CharField(
        _("状态"), max_length=16, choices=State.choices, default=State.PENDING
    )
    rows_total = models.PositiveIntegerField(default=0)
    rows_done = models.PositiveIntegerField(default=0)
    report = models.JSONField(_("报告"), default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("上传时间"), auto_now_add=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("订单导入")
        verbose_name_plural = _("订单导入")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.orders_filename

    @property
    def percent(self) -> int:
        if self.state in (self.State.DONE, self.State.FAILED):
            return 100
        return (
            min(99, self.rows_done * 100 // self.rows_total) if self.rows_total else 0
        )


# --- daily rollups (see orders.rollups) ---------------------------------------------


class SumField(models.DecimalField):
    """A sum of CNY amounts: two places, room beyond a single order's 14 digits."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_digits", 20)
        kwargs.setdefault("decimal_places", 2)
        kwargs.setdefault("default", 0)
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        return name, "django.db.models.DecimalField", args, kwargs


class DailySales(models.Model):
    """A shop's orders of one shop-local day, counted on the day they were created.

    Written by `orders.rollups` in the transaction of every change that moves it;
    `shopops rollups check` compares it with the orders.
    """

    shop = models.ForeignKey(
        Shop, verbose_name=_("店铺"), on_delete=models.CASCADE, related_name="+"
    )
    day = models.DateField(_("日期"))
    orders = models.IntegerField(_("订单数"), default=0)
    paid_orders = models.IntegerField(_("付款订单数"), default=0)
    total_amount = SumField(_("总金额"))
    paid_amount = SumField(_("实付金额"))
    refunded_amount = SumField(_("退款金额"))
    items = models.IntegerField(_("件数"), default=0)
    new_buyers = models.IntegerField(_("新买家"), default=0)
    returning_buyers = models.IntegerField(_("回头买家"), default=0)

    class Meta:
        verbose_name = _("每日销售")
        verbose_name_plural = _("每日销售")
        ordering = ["shop", "day"]
        constraints = [
            models.UniqueConstraint(fields=["shop", "day"], name="daily_sales_once")
        ]

    def __str__(self) -> str:
        return f"{self.shop_id} {self.day}"


class DailyProvinceSales(models.Model):
    """A shop's orders of one shop-local day to one province ("" when unknown)."""

    shop = models.ForeignKey(
        Shop, verbose_name=_("店铺"), on_delete=models.CASCADE, related_name="+"
    )
    day = models.DateField(_("日期"))
    province = models.CharField(_("省份"), max_length=20, blank=True)
    orders = models.IntegerField(_("订单数"), default=0)
    paid_orders = models.IntegerField(_("付款订单数"), default=0)
    total_amount = SumField(_("总金额"))
    paid_amount = SumField(_("实付金额"))
    refunded_amount = SumField(_("退款金额"))
    items = models.IntegerField(_("件数"), default=0)

    class Meta:
        verbose_name = _("每日分省销售")
        verbose_name_plural = _("每日分省销售")
        ordering = ["shop", "day", "province"]
        constraints = [
            models.UniqueConstraint(
                fields=["shop", "day", "province"], name="daily_province_sales_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.shop_id} {self.day} {self.province}"


class DailySkuSales(models.Model):
    """A SKU's sales in a shop on one shop-local day: the lines of the paid orders
    created that day, and the share of their refunds."""

    shop = models.ForeignKey(
        Shop, verbose_name=_("店铺"), on_delete=models.CASCADE, related_name="+"
    )
    day = models.DateField(_("日期"))
    sku = models.ForeignKey(
        Sku, verbose_name=_("SKU"), on_delete=models.CASCADE, related_name="+"
    )
    units = models.IntegerField(_("件数"), default=0)
    revenue = SumField(_("销售额"))
    refunds = SumField(_("退款额"))

    class Meta:
        verbose_name = _("每日 SKU 销售")
        verbose_name_plural = _("每日 SKU 销售")
        ordering = ["shop", "day", "sku"]
        constraints = [
            models.UniqueConstraint(
                fields=["shop", "day", "sku"], name="daily_sku_sales_once"
            )
        ]
        indexes = [models.Index(fields=["sku", "day"])]

    def __str__(self) -> str:
        return f"{self.shop_id} {self.day} {self.sku_id}"
