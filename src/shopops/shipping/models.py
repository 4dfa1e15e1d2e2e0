"""Picking, the quality check at packing, shipments, courier delays and the hand-off
problems between shipping and the couriers (LOG-2.1, LOG-2.3, LOG-2.5, LOG-2.6)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from shopops.catalog.models import Sku
from shopops.orders.models import Hold, Order, OrderLine
from shopops.org.models import Shop
from shopops.shipping.couriers import Courier
from shopops.stock.models import StockLevel


class PickList(models.Model):
    """A wave of paid, reserved orders, picked in one walk through the warehouse."""

    class State(models.TextChoices):
        OPEN = "open", _("拣货中")
        DONE = "done", _("已完成")

    shop = models.ForeignKey(
        Shop,
        verbose_name=_("店铺"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    state = models.CharField(
        _("状态"), max_length=8, choices=State.choices, default=State.OPEN
    )
    orders = models.ManyToManyField(
        Order, through="PickListOrder", related_name="pick_lists"
    )
    created_at = models.DateTimeField(_("生成时间"), db_index=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("生成人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    closed_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("拣货单")
        verbose_name_plural = _("拣货单")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(state="open", closed_at__isnull=True)
                | Q(state="done", closed_at__isnull=False),
                name="pick_list_done_has_time",
            )
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def number(self) -> str:
        return f"JH{self.pk or 0:06d}"


class PickListOrder(models.Model):
    pick_list = models.ForeignKey(
        PickList, on_delete=models.CASCADE, related_name="entries"
    )
    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="+")
    position = models.PositiveIntegerField(_("序号"))

    class Meta:
        verbose_name = _("拣货单订单")
        verbose_name_plural = _("拣货单订单")
        ordering = ["pick_list", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["pick_list", "order"], name="pick_list_order_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.pick_list_id} {self.order_id}"


class PickListLine(models.Model):
    """What to take from one shelf place: a SKU lot, the units, and for which orders."""

    pick_list = models.ForeignKey(
        PickList, on_delete=models.CASCADE, related_name="lines"
    )
    position = models.PositiveIntegerField(_("序号"))
    level = models.ForeignKey(
        StockLevel, verbose_name=_("库存"), on_delete=models.PROTECT, related_name="+"
    )
    sku = models.ForeignKey(
        Sku, verbose_name=_("SKU"), on_delete=models.PROTECT, related_name="+"
    )
    location_code = models.CharField(_("库位"), max_length=32)
    outer_code = models.CharField(_("商家编码"), max_length=64)
    title = models.CharField(_("商品"), max_length=200)
    lot_no = models.CharField(_("批号"), max_length=64, blank=True)
    quantity = models.PositiveIntegerField(_("数量"))
    # {order number: units} — which orders the units are for, to sort at the bench.
    order_quantities = models.JSONField(_("订单数量"), default=dict)

    class Meta:
        verbose_name = _("拣货明细")
        verbose_name_plural = _("拣货明细")
        ordering = ["pick_list", "position"]
        constraints = [
            models.CheckConstraint(
                condition=Q(quantity__gt=0), name="pick_line_quantity_positive"
            )
        ]

    def __str__(self) -> str:
        return f"{self.location_code} {self.outer_code} × {self.quantity}"


class QualityCheck(models.Model):
    """The check of some units of an order line at the pack station (LOG-2.1)."""

    class Result(models.TextChoices):
        PASS = "pass", _("合格")
        FAIL = "fail", _("不合格")

    class Defect(models.TextChoices):
        DAMAGED = "damaged", _("破损")
        DEFECTIVE = "defective", _("功能缺陷")
        WRONG_ITEM = "wrong_item", _("错货")
        EXPIRED = "expired", _("过期")
        OTHER = "other", _("其他")

    order = models.ForeignKey(
        Order, verbose_name=_("订单"), on_delete=models.CASCADE, related_name="+"
    )
    line = models.ForeignKey(
        OrderLine,
        verbose_name=_("订单明细"),
        on_delete=models.CASCADE,
        related_name="quality_checks",
    )
    sku = models.ForeignKey(
        Sku,
        verbose_name=_("SKU"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    quantity = models.PositiveIntegerField(_("件数"))
    result = models.CharField(_("结果"), max_length=8, choices=Result.choices)
    defect_reason = models.CharField(
        _("问题"), max_length=16, choices=Defect.choices, blank=True
    )
    note = models.CharField(_("说明"), max_length=300, blank=True)
    photo = models.FileField(_("照片"), upload_to="qc/%Y/%m/", blank=True)
    checked_at = models.DateTimeField(_("质检时间"), db_index=True)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("质检人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("质检")
        verbose_name_plural = _("质检")
        ordering = ["checked_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(quantity__gt=0), name="qc_quantity_positive"
            ),
            models.CheckConstraint(
                condition=Q(result="pass", defect_reason="")
                | (Q(result="fail") & ~Q(defect_reason="")),
                name="qc_fail_has_reason",
            ),
        ]
        indexes = [models.Index(fields=["line", "checked_at"])]

    def __str__(self) -> str:
        return f"{self.line_id} {self.get_result_display()} × {self.quantity}"


class Shipment(models.Model):
    """An order handed to a courier with its tracking number (LOG-2.5)."""

    order = models.OneToOneField(
        Order,
        verbose_name=_("订单"),
        on_delete=models.PROTECT,
        related_name="shipment",
    )
    courier = models.CharField(_("快递公司"), max_length=8, choices=Courier.choices)
    tracking_no = models.CharField(_("运单号"), max_length=32)
    pick_list = models.ForeignKey(
        PickList,
        verbose_name=_("拣货单"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="shipments",
    )
    shipped_at = models.DateTimeField(_("发货时间"), db_index=True)
    shipped_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("发货人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("发货")
        verbose_name_plural = _("发货")
        ordering = ["-shipped_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["courier", "tracking_no"], name="tracking_no_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.order} {self.courier} {self.tracking_no}"


class CourierDelay(models.Model):
    """A courier (in one province, or everywhere) that cannot carry today (LOG-2.3)."""

    courier = models.CharField(_("快递公司"), max_length=8, choices=Courier.choices)
    province = models.CharField(
        _("省份"), max_length=20, blank=True, help_text=_("留空表示全国")
    )
    note = models.CharField(_("说明"), max_length=300, blank=True)
    declared_at = models.DateTimeField(_("登记时间"))
    declared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登记人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    lifted_at = models.DateTimeField(_("解除时间"), null=True, blank=True)
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("解除人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    holds = models.ManyToManyField(Hold, blank=True, related_name="courier_delays")

    class Meta:
        verbose_name = _("快递延误")
        verbose_name_plural = _("快递延误")
        ordering = ["-declared_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["courier", "province"],
                condition=Q(lifted_at__isnull=True),
                name="courier_delay_one_active",
            )
        ]

    def __str__(self) -> str:
        where = self.province or _("全国")
        return f"{self.get_courier_display()} {where}"

    @property
    def active(self) -> bool:
        return self.lifted_at is None


class HandoffProblem(models.Model):
    """A problem at the hand-off between shipping and a courier, logged by shipping."""

    class Kind(models.TextChoices):
        LATE_PICKUP = "late_pickup", _("揽收延迟")
        MISSED_PICKUP = "missed_pickup", _("未上门揽收")
        LOST_PARCEL = "lost_parcel", _("丢件")
        DAMAGED_IN_TRANSIT = "damaged_in_transit", _("运输破损")
        WRONG_LABEL = "wrong_label", _("面单错误")
        OTHER = "other", _("其他")

    courier = models.CharField(_("快递公司"), max_length=8, choices=Courier.choices)
    kind = models.CharField(_("问题"), max_length=24, choices=Kind.choices)
    note = models.CharField(_("说明"), max_length=300, blank=True)
    order = models.ForeignKey(
        Order,
        verbose_name=_("订单"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    at = models.DateTimeField(_("发生时间"), db_index=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登记人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("交接问题")
        verbose_name_plural = _("交接问题")
        ordering = ["-at", "-pk"]
        permissions = [("view_analysis", _("可以查看每周发货分析"))]

    def __str__(self) -> str:
        return f"{self.get_courier_display()} {self.get_kind_display()}"
