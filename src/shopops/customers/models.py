from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from shopops.org.models import Shop


class Customer(models.Model):
    """A buyer of one shop, deduplicated by member name, then phone."""

    shop = models.ForeignKey(
        Shop, verbose_name=_("店铺"), on_delete=models.CASCADE, related_name="customers"
    )
    member_name = models.CharField(_("买家会员名"), max_length=100, blank=True)
    name = models.CharField(_("姓名"), max_length=50, blank=True)
    phone = models.CharField(_("手机"), max_length=20, blank=True)
    province = models.CharField(_("省份"), max_length=20, blank=True)
    city = models.CharField(_("城市"), max_length=30, blank=True)
    birthday = models.DateField(_("生日"), null=True, blank=True)
    created_at = models.DateTimeField(_("首次出现"), auto_now_add=True)

    class Meta:
        verbose_name = _("客户")
        verbose_name_plural = _("客户")
        ordering = ["shop", "member_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["shop", "member_name"],
                condition=~Q(member_name=""),
                name="customer_member_once_per_shop",
            )
        ]
        indexes = [models.Index(fields=["shop", "phone"])]

    def __str__(self) -> str:
        return self.member_name or self.name or self.phone
