from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from shopops.core.roles import Role, Shift


class Shop(models.Model):
    """A storefront on a marketplace (one company runs several)."""

    class Platform(models.TextChoices):
        TAOBAO = "taobao", _("淘宝")
        TMALL = "tmall", _("天猫")
        JD = "jd", _("京东")
        PDD = "pdd", _("拼多多")
        OWN = "own", _("自营网站")

    code = models.SlugField(_("代码"), max_length=32, unique=True)
    name = models.CharField(_("名称"), max_length=100)
    platform = models.CharField(_("平台"), max_length=16, choices=Platform.choices)
    marketplace_shop_id = models.CharField(_("平台店铺ID"), max_length=64, blank=True)
    time_zone = models.CharField(_("时区"), max_length=64, default="Asia/Shanghai")
    active = models.BooleanField(_("营业中"), default=True)

    class Meta:
        verbose_name = _("店铺")
        verbose_name_plural = _("店铺")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class Department(models.Model):
    code = models.SlugField(_("代码"), max_length=32, unique=True)
    name = models.CharField(_("名称"), max_length=100)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级部门"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )

    class Meta:
        verbose_name = _("部门")
        verbose_name_plural = _("部门")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class Staff(models.Model):
    """A person of the department: their login, role, place and manager."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登录账号"),
        on_delete=models.CASCADE,
        related_name="staff",
    )
    name = models.CharField(_("姓名"), max_length=50)
    role = models.CharField(_("角色"), max_length=32, choices=Role.choices)
    shift = models.CharField(
        _("班次"), max_length=16, choices=Shift.choices, blank=True
    )
    department = models.ForeignKey(
        Department,
        verbose_name=_("部门"),
        on_delete=models.PROTECT,
        related_name="staff",
    )
    manager = models.ForeignKey(
        "self",
        verbose_name=_("直接上级"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reports",
    )
    phone = models.CharField(_("手机"), max_length=20, blank=True)
    hire_date = models.DateField(_("入职日期"), null=True, blank=True)
    active = models.BooleanField(_("在职"), default=True)

    class Meta:
        verbose_name = _("员工")
        verbose_name_plural = _("员工")
        ordering = ["department__code", "name"]

    def __str__(self) -> str:
        return f"{self.name}（{self.get_role_display()}）"


class ApiToken(models.Model):
    """A bearer token for the API; only its SHA-256 is stored."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(_("名称"), max_length=100)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("API 令牌")
        verbose_name_plural = _("API 令牌")

    def __str__(self) -> str:
        return self.name
