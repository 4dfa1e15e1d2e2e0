from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from shopops.core.fields import MoneyField
from shopops.org.models import Shop


class Category(models.Model):
    name = models.CharField(_("名称"), max_length=100, unique=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级类目"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )

    class Meta:
        verbose_name = _("类目")
        verbose_name_plural = _("类目")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Supplier(models.Model):
    """Who the goods are bought from (purchasing adds terms and prices per SKU)."""

    code = models.SlugField(_("代码"), max_length=32, unique=True)
    name = models.CharField(_("名称"), max_length=100)
    contact = models.CharField(_("联系人"), max_length=50, blank=True)
    phone = models.CharField(_("电话"), max_length=30, blank=True)
    city = models.CharField(_("城市"), max_length=50, blank=True)
    lead_time_days = models.PositiveSmallIntegerField(_("交货周期（天）"), default=3)
    active = models.BooleanField(_("合作中"), default=True)

    class Meta:
        verbose_name = _("供应商")
        verbose_name_plural = _("供应商")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class Product(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active", _("在售")
        DRAFT = "draft", _("草稿")
        DISCONTINUED = "discontinued", _("停售")

    code = models.CharField(_("商品编码"), max_length=64, unique=True)
    title = models.CharField(_("标题"), max_length=200)
    category = models.ForeignKey(
        Category,
        verbose_name=_("类目"),
        on_delete=models.PROTECT,
        related_name="products",
    )
    shelf_life_days = models.PositiveIntegerField(
        _("保质期（天）"), null=True, blank=True, help_text=_("无保质期留空")
    )
    cost_price = MoneyField(_("成本价"))
    list_price = MoneyField(_("标价"))
    default_supplier = models.ForeignKey(
        Supplier,
        verbose_name=_("默认供应商"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="products",
    )
    status = models.CharField(
        _("状态"), max_length=16, choices=Status.choices, default=Status.ACTIVE
    )

    class Meta:
        verbose_name = _("商品")
        verbose_name_plural = _("商品")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(cost_price__gte=0), name="product_cost_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(list_price__gte=0), name="product_price_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(shelf_life_days__isnull=True) | Q(shelf_life_days__gt=0),
                name="product_shelf_life_positive",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class Sku(models.Model):
    """A sellable variant; `outer_code` (商家编码) is the key marketplace exports carry."""

    product = models.ForeignKey(
        Product, verbose_name=_("商品"), on_delete=models.CASCADE, related_name="skus"
    )
    outer_code = models.CharField(_("商家编码"), max_length=64, unique=True)
    attributes = models.CharField(_("销售属性"), max_length=200, blank=True)
    barcode = models.CharField(_("条码"), max_length=64, blank=True)
    price = MoneyField(
        _("售价"), null=True, blank=True, help_text=_("留空则用商品标价")
    )
    active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("SKU")
        verbose_name_plural = _("SKU")
        ordering = ["outer_code"]

    def __str__(self) -> str:
        return f"{self.outer_code} {self.attributes}".strip()


class Listing(models.Model):
    """A product as one shop shows it: on sale, in the warehouse, or flagged."""

    class State(models.TextChoices):
        ON_SALE = "on_sale", _("出售中")
        IN_WAREHOUSE = "in_warehouse", _("仓库中")
        VIOLATION = "violation", _("违规中")

    shop = models.ForeignKey(
        Shop, verbose_name=_("店铺"), on_delete=models.CASCADE, related_name="listings"
    )
    product = models.ForeignKey(
        Product,
        verbose_name=_("商品"),
        on_delete=models.CASCADE,
        related_name="listings",
    )
    marketplace_item_id = models.CharField(_("宝贝ID"), max_length=64, blank=True)
    title = models.CharField(_("宝贝标题"), max_length=200)
    state = models.CharField(
        _("状态"), max_length=16, choices=State.choices, default=State.IN_WAREHOUSE
    )
    state_note = models.CharField(_("说明"), max_length=200, blank=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("店铺宝贝")
        verbose_name_plural = _("店铺宝贝")
        ordering = ["shop", "product"]
        constraints = [
            models.UniqueConstraint(
                fields=["shop", "product"], name="listing_once_per_shop"
            )
        ]

    def __str__(self) -> str:
        return f"{self.shop.code}: {self.title}"
