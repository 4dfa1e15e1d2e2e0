from typing import Any

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from shopops.customers.phones import buyer_keys
from shopops.org.models import Shop


class Customer(models.Model):
    """A buyer of one shop, matched by member name, then by phone key.

    `phone` is the number as the seller center exported it (for display); `phone_key`
    is the real number in E.164 (`+8613900001111`, see `customers.phones`), "" when the
    phone is masked, bad or missing; `receiver_key` identifies a buyer known only by a
    masked phone together with the receiver's name and address. Only `phone_key` is
    ever messaged: see `messageable_phone`. `customers.services` writes them.
    """

    shop = models.ForeignKey(
        Shop, verbose_name=_("店铺"), on_delete=models.CASCADE, related_name="customers"
    )
    member_name = models.CharField(_("买家会员名"), max_length=100, blank=True)
    name = models.CharField(_("姓名"), max_length=50, blank=True)
    phone = models.CharField(_("手机"), max_length=20, blank=True)
    phone_key = models.CharField(_("手机号（规范化）"), max_length=20, blank=True)
    receiver_key = models.CharField(
        _("打码手机 + 收货人识别码"), max_length=40, blank=True
    )
    address = models.CharField(_("收货地址"), max_length=300, blank=True)
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
        indexes = [
            models.Index(fields=["shop", "phone_key"], name="customer_phone_key"),
            models.Index(fields=["shop", "receiver_key"], name="customer_receiver_key"),
        ]

    def __str__(self) -> str:
        return self.member_name or self.name or self.phone

    def save(self, *args: Any, **kwargs: Any) -> None:
        """Save, the match keys computed from the phone, name and address first."""
        keys = buyer_keys(self.phone, self.name, self.address)
        self.phone_key, self.receiver_key = keys.phone_key, keys.receiver_key
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and {"phone", "name", "address"} & set(
            update_fields
        ):
            kwargs["update_fields"] = {*update_fields, "phone_key", "receiver_key"}
        super().save(*args, **kwargs)

    @property
    def messageable_phone(self) -> str:
        """The number a greeting or SMS may go to (E.164); "" when there is none.

        A masked number (`138****5678`) or one that is not a phone is never messaged.
        """
        return self.phone_key
