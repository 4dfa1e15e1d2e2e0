"""The stock ledger: every change is an append-only Movement; StockLevel caches the
quantities per SKU, location and lot, kept in the same transaction, with check
constraints so that nothing is ever negative and available never goes below zero."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from shopops.catalog.models import Sku
from shopops.orders.models import Order, OrderLine


class Warehouse(models.Model):
    code = models.SlugField(_("代码"), max_length=32, unique=True)
    name = models.CharField(_("名称"), max_length=100)
    is_default = models.BooleanField(_("默认仓库"), default=False)

    class Meta:
        verbose_name = _("仓库")
        verbose_name_plural = _("仓库")
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_default"],
                condition=Q(is_default=True),
                name="one_default_warehouse",
            )
        ]

    def __str__(self) -> str:
        return self.name


class Location(models.Model):
    """A shelf place in a warehouse; pick lists walk them in `code` order."""

    warehouse = models.ForeignKey(
        Warehouse,
        verbose_name=_("仓库"),
        on_delete=models.PROTECT,
        related_name="locations",
    )
    code = models.CharField(_("库位"), max_length=32)

    class Meta:
        verbose_name = _("库位")
        verbose_name_plural = _("库位")
        ordering = ["warehouse", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["warehouse", "code"], name="location_code_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.warehouse.code}/{self.code}"


class Lot(models.Model):
    """A production lot of a SKU. SKUs without a shelf life use one lot with no number."""

    sku = models.ForeignKey(
        Sku, verbose_name=_("SKU"), on_delete=models.PROTECT, related_name="lots"
    )
    lot_no = models.CharField(_("批号"), max_length=64, blank=True)
    production_date = models.DateField(_("生产日期"), null=True, blank=True)
    expiry_date = models.DateField(_("有效期至"), null=True, blank=True, db_index=True)

    class Meta:
        verbose_name = _("批次")
        verbose_name_plural = _("批次")
        ordering = ["sku", "expiry_date", "lot_no"]
        constraints = [
            models.UniqueConstraint(
                fields=["sku", "lot_no"], name="lot_no_once_per_sku"
            ),
            models.CheckConstraint(
                condition=Q(expiry_date__isnull=True)
                | Q(production_date__isnull=True)
                | Q(expiry_date__gte=F("production_date")),
                name="lot_expires_after_production",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.sku.outer_code} {self.lot_no or '-'}"


class StockLevel(models.Model):
    """Quantities of one SKU lot at one location: derived from the movements."""

    sku = models.ForeignKey(
        Sku,
        verbose_name=_("SKU"),
        on_delete=models.PROTECT,
        related_name="stock_levels",
    )
    location = models.ForeignKey(
        Location,
        verbose_name=_("库位"),
        on_delete=models.PROTECT,
        related_name="stock_levels",
    )
    lot = models.ForeignKey(
        Lot,
        verbose_name=_("批次"),
        on_delete=models.PROTECT,
        related_name="stock_levels",
    )
    on_hand = models.IntegerField(_("在库"), default=0)
    reserved = models.IntegerField(_("已预留"), default=0)
    quarantined = models.IntegerField(_("隔离"), default=0)

    class Meta:
        verbose_name = _("库存")
        verbose_name_plural = _("库存")
        ordering = ["sku", "location", "lot"]
        constraints = [
            models.UniqueConstraint(
                fields=["sku", "location", "lot"], name="stock_level_once"
            ),
            models.CheckConstraint(
                condition=Q(on_hand__gte=0), name="stock_on_hand_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(reserved__gte=0), name="stock_reserved_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(quarantined__gte=0), name="stock_quarantined_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(on_hand__gte=F("reserved") + F("quarantined")),
                name="stock_available_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.sku} @ {self.location}: {self.on_hand}"

    @property
    def available(self) -> int:
        return self.on_hand - self.reserved - self.quarantined


class Movement(models.Model):
    """One change of stock, never edited or deleted."""

    class Kind(models.TextChoices):
        RECEIPT = "receipt", _("入库")
        RESERVATION = "reservation", _("预留")
        RELEASE = "release", _("释放")
        SHIPMENT = "shipment", _("出库")
        RETURN = "return", _("退货入库")
        ADJUSTMENT = "adjustment", _("调整")
        QUARANTINE = "quarantine", _("隔离")
        COUNT_CORRECTION = "count_correction", _("盘点修正")

    at = models.DateTimeField(_("时间"), db_index=True)
    kind = models.CharField(_("类型"), max_length=20, choices=Kind.choices)
    level = models.ForeignKey(
        StockLevel,
        verbose_name=_("库存"),
        on_delete=models.PROTECT,
        related_name="movements",
    )
    on_hand_delta = models.IntegerField(_("在库变化"), default=0)
    reserved_delta = models.IntegerField(_("预留变化"), default=0)
    quarantined_delta = models.IntegerField(_("隔离变化"), default=0)
    order = models.ForeignKey(
        Order, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reference = models.CharField(_("单据"), max_length=64, blank=True)
    reason = models.CharField(_("原因"), max_length=200, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("库存流水")
        verbose_name_plural = _("库存流水")
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.level_id}"


class Reservation(models.Model):
    """Stock set aside for an order line, lot by lot (first expiry first out)."""

    class State(models.TextChoices):
        ACTIVE = "active", _("预留中")
        SHIPPED = "shipped", _("已出库")
        RELEASED = "released", _("已释放")

    line = models.ForeignKey(
        OrderLine,
        verbose_name=_("订单明细"),
        on_delete=models.PROTECT,
        related_name="reservations",
    )
    level = models.ForeignKey(
        StockLevel,
        verbose_name=_("库存"),
        on_delete=models.PROTECT,
        related_name="reservations",
    )
    quantity = models.PositiveIntegerField(_("数量"))
    state = models.CharField(
        _("状态"), max_length=16, choices=State.choices, default=State.ACTIVE
    )
    created_at = models.DateTimeField(_("预留时间"))

    class Meta:
        verbose_name = _("预留")
        verbose_name_plural = _("预留")
        constraints = [
            models.CheckConstraint(
                condition=Q(quantity__gt=0), name="reservation_quantity_positive"
            )
        ]
        indexes = [models.Index(fields=["line", "state"])]

    def __str__(self) -> str:
        return f"{self.line_id} × {self.quantity}"
