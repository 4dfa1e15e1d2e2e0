"""Purchasing: prices and terms per supplier, the day's purchase suggestions, purchase
orders made at the 18:00 cut-off, and receipts against them (LOG-1.1).

Suppliers themselves live in `catalog` (a product names its default supplier); this app
adds what buying from them needs."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from shopops.catalog.models import Sku, Supplier
from shopops.core.fields import MoneyField


class PurchaseSettings(models.Model):
    """The figures of the suggestion formula: one row (pk 1) for the whole company."""

    sales_window_days = models.PositiveSmallIntegerField(
        _("销量统计窗口（天）"),
        default=28,
        help_text=_("日均销量 = 最近这么多天付款订单的销量 ÷ 天数"),
    )
    review_days = models.PositiveSmallIntegerField(
        _("复核周期（天）"),
        default=1,
        help_text=_("多久采购一次：每天采购为 1"),
    )
    safety_stock_days = models.PositiveSmallIntegerField(
        _("安全库存（天）"),
        default=3,
        help_text=_("安全库存 = 日均销量 × 这么多天，向上取整"),
    )
    default_lead_time_days = models.PositiveSmallIntegerField(
        _("默认交货周期（天）"),
        default=3,
        help_text=_("SKU 没有供应商时使用"),
    )
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("采购参数")
        verbose_name_plural = _("采购参数")
        constraints = [
            models.CheckConstraint(
                condition=Q(sales_window_days__gt=0), name="purchase_window_positive"
            ),
            models.CheckConstraint(condition=Q(pk=1), name="purchase_settings_one_row"),
        ]

    def __str__(self) -> str:
        return str(_("采购参数"))


class SupplierTerms(models.Model):
    """What purchasing agreed with a supplier beyond catalog's contact and lead time."""

    supplier = models.OneToOneField(
        Supplier,
        verbose_name=_("供应商"),
        on_delete=models.CASCADE,
        related_name="purchase_terms",
    )
    payment_terms = models.CharField(
        _("付款条件"),
        max_length=200,
        blank=True,
        help_text=_("如：月结 30 天、款到发货"),
    )
    review_days = models.PositiveSmallIntegerField(
        _("复核周期（天）"),
        null=True,
        blank=True,
        help_text=_("留空则用采购参数的复核周期"),
    )
    note = models.CharField(_("备注"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("供应商条款")
        verbose_name_plural = _("供应商条款")

    def __str__(self) -> str:
        return f"{self.supplier}: {self.payment_terms}"


class SupplierPrice(models.Model):
    """The price a supplier charges for a SKU and how much must be ordered at once."""

    supplier = models.ForeignKey(
        Supplier,
        verbose_name=_("供应商"),
        on_delete=models.CASCADE,
        related_name="prices",
    )
    sku = models.ForeignKey(
        Sku,
        verbose_name=_("SKU"),
        on_delete=models.CASCADE,
        related_name="supplier_prices",
    )
    price = MoneyField(_("采购价"))
    min_order_quantity = models.PositiveIntegerField(_("起订量"), default=1)
    order_multiple = models.PositiveIntegerField(
        _("订购倍数"), default=1, help_text=_("按箱订购时填每箱件数")
    )
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("供应商报价")
        verbose_name_plural = _("供应商报价")
        ordering = ["supplier", "sku"]
        constraints = [
            models.UniqueConstraint(
                fields=["supplier", "sku"], name="supplier_price_once"
            ),
            models.CheckConstraint(
                condition=Q(price__gte=0), name="supplier_price_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(min_order_quantity__gt=0), name="supplier_moq_positive"
            ),
            models.CheckConstraint(
                condition=Q(order_multiple__gt=0), name="supplier_multiple_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.supplier} {self.sku}: {self.price}"


class PurchaseOrder(models.Model):
    """An order to one supplier; the 18:00 cut-off makes one per supplier and day."""

    class State(models.TextChoices):
        DRAFT = "draft", _("草稿")
        ORDERED = "ordered", _("已下单")
        PARTIALLY_RECEIVED = "partially_received", _("部分到货")
        RECEIVED = "received", _("已到货")
        CANCELLED = "cancelled", _("已取消")

    number = models.CharField(_("采购单号"), max_length=64, unique=True)
    supplier = models.ForeignKey(
        Supplier,
        verbose_name=_("供应商"),
        on_delete=models.PROTECT,
        related_name="purchase_orders",
    )
    state = models.CharField(
        _("状态"), max_length=20, choices=State.choices, default=State.DRAFT
    )
    cutoff_day = models.DateField(
        _("截单日"),
        null=True,
        blank=True,
        db_index=True,
        help_text=_("由这一天 18:00 截单生成"),
    )
    created_at = models.DateTimeField(_("创建时间"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("创建人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    ordered_at = models.DateTimeField(_("下单时间"), null=True, blank=True)
    expected_date = models.DateField(_("预计到货"), null=True, blank=True)
    payment_terms = models.CharField(_("付款条件"), max_length=200, blank=True)
    note = models.CharField(_("备注"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("采购单")
        verbose_name_plural = _("采购单")
        ordering = ["-created_at", "-pk"]
        # Customer service sees when held orders' goods arrive, not prices or suppliers.
        permissions = [("view_arrivals", _("可以查看缺货订单的到货预告"))]
        constraints = [
            models.UniqueConstraint(
                fields=["supplier", "cutoff_day"],
                condition=Q(cutoff_day__isnull=False),
                name="purchase_order_once_per_cutoff",
            )
        ]
        indexes = [models.Index(fields=["state"])]

    def __str__(self) -> str:
        return self.number

    @property
    def is_open(self) -> bool:
        """Return True while goods are still expected."""
        return self.state in OPEN_STATES


OPEN_STATES = (
    PurchaseOrder.State.DRAFT,
    PurchaseOrder.State.ORDERED,
    PurchaseOrder.State.PARTIALLY_RECEIVED,
)
RECEIVABLE_STATES = (
    PurchaseOrder.State.ORDERED,
    PurchaseOrder.State.PARTIALLY_RECEIVED,
)


class PurchaseOrderLine(models.Model):
    order = models.ForeignKey(
        PurchaseOrder,
        verbose_name=_("采购单"),
        on_delete=models.CASCADE,
        related_name="lines",
    )
    sku = models.ForeignKey(
        Sku, verbose_name=_("SKU"), on_delete=models.PROTECT, related_name="+"
    )
    quantity = models.PositiveIntegerField(_("订购数量"))
    unit_price = MoneyField(_("单价"))
    received_quantity = models.PositiveIntegerField(_("已到货"), default=0)

    class Meta:
        verbose_name = _("采购明细")
        verbose_name_plural = _("采购明细")
        ordering = ["order", "sku__outer_code"]
        constraints = [
            models.UniqueConstraint(fields=["order", "sku"], name="po_line_sku_once"),
            models.CheckConstraint(
                condition=Q(quantity__gt=0), name="po_line_quantity_positive"
            ),
            models.CheckConstraint(
                condition=Q(unit_price__gte=0), name="po_line_price_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(received_quantity__gte=0),
                name="po_line_received_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.order_id} {self.sku_id} × {self.quantity}"

    @property
    def outstanding(self) -> int:
        """Return the units still expected (never negative)."""
        return max(0, self.quantity - self.received_quantity)

    @property
    def over_delivered(self) -> int:
        return max(0, self.received_quantity - self.quantity)

    @property
    def amount(self) -> Decimal:
        return self.unit_price * self.quantity


class PurchaseSuggestion(models.Model):
    """What to buy of one SKU on one shop-local day, with the figures that led to it.

    suggested = max(0, open-order shortage + reorder point − (available + on order)),
    rounded up to the supplier's minimum order quantity and order multiple;
    reorder point = ⌈avg daily sales × (lead time + review days)⌉ + safety stock.
    """

    day = models.DateField(_("采购日"), db_index=True)
    sku = models.ForeignKey(
        Sku, verbose_name=_("SKU"), on_delete=models.CASCADE, related_name="+"
    )
    supplier = models.ForeignKey(
        Supplier,
        verbose_name=_("供应商"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    sold_in_window = models.PositiveIntegerField(_("窗口销量"), default=0)
    window_days = models.PositiveSmallIntegerField(_("窗口天数"))
    avg_daily_sales = models.DecimalField(
        _("日均销量"), max_digits=12, decimal_places=3, default=0
    )
    lead_time_days = models.PositiveSmallIntegerField(_("交货周期"))
    review_days = models.PositiveSmallIntegerField(_("复核周期"))
    safety_stock = models.PositiveIntegerField(_("安全库存"), default=0)
    reorder_point = models.PositiveIntegerField(_("再订货点"), default=0)
    open_order_shortage = models.PositiveIntegerField(_("待发订单缺口"), default=0)
    available = models.IntegerField(_("可用库存"), default=0)
    on_order = models.PositiveIntegerField(_("在途"), default=0)
    net_need = models.PositiveIntegerField(_("净需求"), default=0)
    min_order_quantity = models.PositiveIntegerField(_("起订量"), default=1)
    order_multiple = models.PositiveIntegerField(_("订购倍数"), default=1)
    suggested_quantity = models.PositiveIntegerField(_("建议数量"), default=0)
    edited_quantity = models.PositiveIntegerField(
        _("修改后数量"), null=True, blank=True
    )
    unit_price = MoneyField(_("单价"), null=True, blank=True)
    reasoning = models.JSONField(_("计算过程"), default=dict, blank=True)
    accepted = models.BooleanField(_("已确认"), default=False)
    accepted_at = models.DateTimeField(_("确认时间"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("确认人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    purchase_order = models.ForeignKey(
        PurchaseOrder,
        verbose_name=_("采购单"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="suggestions",
    )
    computed_at = models.DateTimeField(_("计算时间"))

    class Meta:
        verbose_name = _("采购建议")
        verbose_name_plural = _("采购建议")
        ordering = ["day", "supplier", "sku"]
        constraints = [
            models.UniqueConstraint(
                fields=["day", "sku"], name="suggestion_once_per_day"
            ),
            models.CheckConstraint(
                condition=Q(window_days__gt=0), name="suggestion_window_positive"
            ),
            models.CheckConstraint(
                condition=Q(unit_price__isnull=True) | Q(unit_price__gte=0),
                name="suggestion_price_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(suggested_quantity__gte=F("net_need")),
                name="suggestion_covers_need",
            ),
        ]
        indexes = [models.Index(fields=["day", "accepted"])]

    def __str__(self) -> str:
        return f"{self.day} {self.sku_id} × {self.quantity}"

    @property
    def quantity(self) -> int:
        """Return the quantity to order: the edited one, else the suggested one."""
        if self.edited_quantity is not None:
            return self.edited_quantity
        return self.suggested_quantity

    @property
    def ordered(self) -> bool:
        return self.purchase_order_id is not None


class Receipt(models.Model):
    """One delivery received against a purchase order."""

    number = models.CharField(_("入库单号"), max_length=80, unique=True)
    purchase_order = models.ForeignKey(
        PurchaseOrder,
        verbose_name=_("采购单"),
        on_delete=models.PROTECT,
        related_name="receipts",
    )
    received_at = models.DateTimeField(_("到货时间"))
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("收货人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    closes_order = models.BooleanField(
        _("结单"), default=False, help_text=_("供应商不再补发：短缺记为少到")
    )
    note = models.CharField(_("备注"), max_length=300, blank=True)
    served_orders = models.JSONField(
        _("到货预留的订单"),
        default=list,
        blank=True,
        help_text=_("缺货扣留的订单因这次到货预留了库存并解除扣留"),
    )

    class Meta:
        verbose_name = _("采购入库")
        verbose_name_plural = _("采购入库")
        ordering = ["purchase_order", "received_at", "pk"]

    def __str__(self) -> str:
        return self.number


class ReceiptLine(models.Model):
    """Units of one order line in one delivery, with their lot, and how far they were
    over or under what was still expected (`difference` > 0: over-delivered)."""

    receipt = models.ForeignKey(
        Receipt,
        verbose_name=_("入库单"),
        on_delete=models.CASCADE,
        related_name="lines",
    )
    order_line = models.ForeignKey(
        PurchaseOrderLine,
        verbose_name=_("采购明细"),
        on_delete=models.PROTECT,
        related_name="receipt_lines",
    )
    quantity = models.PositiveIntegerField(_("到货数量"))
    expected_quantity = models.PositiveIntegerField(_("应到数量"))
    lot_no = models.CharField(_("批号"), max_length=64, blank=True)
    production_date = models.DateField(_("生产日期"), null=True, blank=True)
    expiry_date = models.DateField(_("有效期至"), null=True, blank=True)
    location = models.ForeignKey(
        "stock.Location",
        verbose_name=_("入库库位"),
        null=True,  # receipts from before put-away was recorded
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("入库明细")
        verbose_name_plural = _("入库明细")
        ordering = ["receipt", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(quantity__gt=0), name="receipt_line_quantity_positive"
            ),
            models.CheckConstraint(
                condition=Q(expiry_date__isnull=True)
                | Q(production_date__isnull=True)
                | Q(expiry_date__gte=F("production_date")),
                name="receipt_line_expires_after_production",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.receipt_id} {self.order_line_id} × {self.quantity}"

    @property
    def difference(self) -> int:
        """Return units over (positive) or under (negative) what was expected."""
        return self.quantity - self.expected_quantity
