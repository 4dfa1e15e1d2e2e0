from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditEntry(models.Model):
    """Who changed what, when: written by services in the same transaction."""

    class Action(models.TextChoices):
        CREATE = "create", _("新建")
        UPDATE = "update", _("修改")
        DELETE = "delete", _("删除")
        ACTION = "action", _("操作")
        IMPORT = "import", _("导入")

    at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    action = models.CharField(_("动作"), max_length=16, choices=Action.choices)
    verb = models.CharField(_("事项"), max_length=64)
    content_type = models.ForeignKey(
        ContentType, null=True, blank=True, on_delete=models.SET_NULL
    )
    object_id = models.CharField(max_length=64, blank=True)
    object_repr = models.CharField(_("对象"), max_length=200, blank=True)
    changes = models.JSONField(_("变更"), default=dict, blank=True)

    class Meta:
        verbose_name = _("审计记录")
        verbose_name_plural = _("审计记录")
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["content_type", "object_id"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.verb} {self.object_repr}"


class Notification(models.Model):
    """An in-app message to one person, pointing at the record it is about."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("收件人"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)
    read_at = models.DateTimeField(_("已读时间"), null=True, blank=True)
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("内容"), blank=True)
    url = models.CharField(_("链接"), max_length=300)
    content_type = models.ForeignKey(
        ContentType, null=True, blank=True, on_delete=models.SET_NULL
    )
    object_id = models.CharField(max_length=64, blank=True)
    target = GenericForeignKey("content_type", "object_id")

    class Meta:
        verbose_name = _("通知")
        verbose_name_plural = _("通知")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["recipient", "read_at"])]

    def __str__(self) -> str:
        return self.title


class NotificationChannel(models.Model):
    """Where notifications go besides the inbox: email, or a group robot's webhook."""

    class Kind(models.TextChoices):
        EMAIL = "email", _("邮件")
        WECOM = "wecom", _("企业微信群机器人")
        DINGTALK = "dingtalk", _("钉钉群机器人")

    name = models.CharField(_("名称"), max_length=100)
    kind = models.CharField(_("类型"), max_length=16, choices=Kind.choices)
    webhook_url = models.URLField(_("Webhook 地址"), blank=True)
    roles = models.JSONField(
        _("角色"), default=list, blank=True, help_text=_("留空表示所有角色")
    )
    active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("通知渠道")
        verbose_name_plural = _("通知渠道")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind="email") | ~models.Q(webhook_url=""),
                name="channel_robot_needs_webhook",
            )
        ]

    def __str__(self) -> str:
        return self.name


class DutyRun(models.Model):
    """A duty marked done for one occurrence (its period key), by whom and when."""

    duty_id = models.CharField(_("职责"), max_length=16)
    period_key = models.CharField(_("周期"), max_length=32)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("完成人"),
        on_delete=models.PROTECT,
        related_name="duty_runs",
    )
    done_at = models.DateTimeField(_("完成时间"))
    note = models.TextField(_("备注"), blank=True)

    class Meta:
        verbose_name = _("职责完成记录")
        verbose_name_plural = _("职责完成记录")
        ordering = ["-done_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["duty_id", "period_key"], name="duty_run_once_per_period"
            )
        ]

    def __str__(self) -> str:
        return f"{self.duty_id} {self.period_key}"


class DutyJobRun(models.Model):
    """The scheduler ran a duty's jobs for an occurrence: makes the tick idempotent."""

    class Event(models.TextChoices):
        START = "start", _("开始")
        DEADLINE = "deadline", _("截止")
        OVERDUE = "overdue", _("逾期")

    duty_id = models.CharField(max_length=16)
    period_key = models.CharField(max_length=32)
    event = models.CharField(max_length=16, choices=Event.choices)
    ran_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["duty_id", "period_key", "event"], name="duty_job_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.duty_id} {self.period_key} {self.event}"
