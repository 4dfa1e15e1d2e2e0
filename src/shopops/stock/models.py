"""The stock ledger: every change is an append-only Movement; StockLevel caches the
quantities per SKU, location and lot, kept in the same transaction, with check
constraints so that nothing is ever negative and available never goes below zero."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from shopops.catalog.models import Category, Sku
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
        TRANSFER = "transfer", _("移库")
        UNQUARANTINE = "unquarantine", _("解除隔离")
        SCRAP = "scrap", _("报废")

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
    # Of a shipped reservation: the units the buyer sent back (to this same level).
    returned_quantity = models.PositiveIntegerField(_("已退回"), default=0)

    class Meta:
        verbose_name = _("预留")
        verbose_name_plural = _("预留")
        constraints = [
            models.CheckConstraint(
                condition=Q(quantity__gt=0), name="reservation_quantity_positive"
            ),
            models.CheckConstraint(
                condition=Q(returned_quantity__lte=F("quantity")),
                name="reservation_returned_at_most_shipped",
            ),
        ]
        indexes = [models.Index(fields=["line", "state"])]

    def __str__(self) -> str:
        return f"{self.line_id} × {self.quantity}"


class CountSheet(models.Model):
    """A stock count (盘点单) of one warehouse, location or category: its lines hold the
    book quantity when counted and what was found; posting turns the differences into
    count-correction movements."""

    class Scope(models.TextChoices):
        WAREHOUSE = "warehouse", _("按仓库")
        LOCATION = "location", _("按库位")
        CATEGORY = "category", _("按类目")

    class State(models.TextChoices):
        OPEN = "open", _("盘点中")
        SUBMITTED = "submitted", _("待过账")
        POSTED = "posted", _("已过账")

    scope = models.CharField(_("范围"), max_length=16, choices=Scope.choices)
    warehouse = models.ForeignKey(
        Warehouse,
        verbose_name=_("仓库"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="count_sheets",
    )
    location = models.ForeignKey(
        Location,
        verbose_name=_("库位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="count_sheets",
    )
    category = models.ForeignKey(
        Category,
        verbose_name=_("类目"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="count_sheets",
    )
    state = models.CharField(
        _("状态"), max_length=16, choices=State.choices, default=State.OPEN
    )
    note = models.CharField(_("备注"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("创建人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("创建时间"))
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("提交人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    posted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("过账人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    posted_at = models.DateTimeField(_("过账时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("盘点单")
        verbose_name_plural = _("盘点单")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(scope="warehouse", warehouse__isnull=False)
                | Q(scope="location", location__isnull=False)
                | Q(scope="category", category__isnull=False),
                name="count_sheet_scope_complete",
            ),
            models.CheckConstraint(
                condition=~Q(state="posted") | Q(posted_at__isnull=False),
                name="count_sheet_posted_has_time",
            ),
        ]
        indexes = [models.Index(fields=["state", "posted_at"])]

    def __str__(self) -> str:
        return f"#{self.pk} {self.scope_label}"

    @property
    def scope_label(self) -> str:
        """Return what the sheet counts ("主仓库", "main/A-01", "帐篷 @ 主仓库")."""
        if self.scope == self.Scope.LOCATION and self.location is not None:
            return str(self.location)
        if self.scope == self.Scope.CATEGORY and self.category is not None:
            where = f" @ {self.warehouse}" if self.warehouse is not None else ""
            return f"{self.category}{where}"
        return str(self.warehouse or "")


class CountLine(models.Model):
    """One stock level on a count sheet: the book quantity, what was counted, and how
    many of the counted units are damaged or expired."""

    class Quality(models.TextChoices):
        GOOD = "good", _("完好")
        DAMAGED = "damaged", _("破损")
        EXPIRED = "expired", _("过期")

    sheet = models.ForeignKey(
        CountSheet,
        verbose_name=_("盘点单"),
        on_delete=models.CASCADE,
        related_name="lines",
    )
    level = models.ForeignKey(
        StockLevel,
        verbose_name=_("库存"),
        on_delete=models.PROTECT,
        related_name="count_lines",
    )
    expected = models.IntegerField(
        _("账面数量"), help_text=_("开单时的在库数，录入实盘时更新为当时的在库数")
    )
    counted = models.IntegerField(_("实盘数量"), null=True, blank=True)
    quality = models.CharField(
        _("质量"), max_length=16, choices=Quality.choices, default=Quality.GOOD
    )
    problem_quantity = models.IntegerField(
        _("问题数量"), default=0, help_text=_("实盘数量中破损或过期的件数")
    )
    note = models.CharField(_("备注"), max_length=200, blank=True)
    counted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("盘点人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    counted_at = models.DateTimeField(_("盘点时间"), null=True, blank=True)
    posted_delta = models.IntegerField(_("过账差异"), null=True, blank=True)
    posted_quarantine = models.IntegerField(_("过账隔离"), null=True, blank=True)

    class Meta:
        verbose_name = _("盘点明细")
        verbose_name_plural = _("盘点明细")
        ordering = ["sheet", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["sheet", "level"], name="count_line_level_once"
            ),
            models.CheckConstraint(
                condition=Q(expected__gte=0), name="count_line_expected_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(counted__isnull=True) | Q(counted__gte=0),
                name="count_line_counted_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(problem_quantity__gte=0)
                & (
                    Q(counted__isnull=True, problem_quantity=0)
                    | Q(problem_quantity__lte=F("counted"))
                ),
                name="count_line_problem_within_counted",
            ),
            models.CheckConstraint(
                condition=Q(quality="good", problem_quantity=0) | ~Q(quality="good"),
                name="count_line_good_has_no_problem",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.sheet_id}: {self.level_id}"

    @property
    def difference(self) -> int | None:
        """Return counted − book quantity (None until counted)."""
        return None if self.counted is None else self.counted - self.expected


class StockReport(models.Model):
    """The monthly stock and shelf-life report (LOG-1.4), kept for history.

    `data` is the report as built (JSON; money and quantities of money as decimal
    strings), so a report reads the same later, whatever happened to the stock since.
    """

    month = models.DateField(_("月份"), unique=True, help_text=_("该月的 1 日"))
    as_of = models.DateField(_("截至"))
    built_at = models.DateTimeField(_("生成时间"))
    built_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("生成人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    data = models.JSONField(_("内容"), default=dict)

    class Meta:
        verbose_name = _("库存与保质期月报")
        verbose_name_plural = _("库存与保质期月报")
        ordering = ["-month"]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m}"
