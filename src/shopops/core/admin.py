from django.contrib import admin
from django.db import models

from shopops.core.models import (
    AuditEntry,
    DutyJobRun,
    DutyRun,
    Notification,
    NotificationChannel,
)


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = ["at", "actor", "action", "verb", "object_repr"]
    list_filter = ["action", "content_type"]
    search_fields = ["verb", "object_repr"]
    date_hierarchy = "at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["created_at", "recipient", "title", "read_at"]
    list_filter = ["read_at"]
    search_fields = ["title"]


@admin.register(NotificationChannel)
class NotificationChannelAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "active"]
    # Robot webhooks are https; an address typed without a scheme is taken as such.
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}


@admin.register(DutyRun)
class DutyRunAdmin(admin.ModelAdmin):
    list_display = ["duty_id", "period_key", "done_by", "done_at"]
    list_filter = ["duty_id"]


@admin.register(DutyJobRun)
class DutyJobRunAdmin(admin.ModelAdmin):
    list_display = ["duty_id", "period_key", "event", "ran_at"]
