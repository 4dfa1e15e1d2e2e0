from django.contrib import admin

from shopops.orders.models import (
    Complaint,
    Hold,
    HoldReasonSetting,
    ImportBatch,
    Order,
    OrderLine,
    OrderStatusChange,
)


class OrderLineInline(admin.TabularInline):
    model = OrderLine
    extra = 0
    raw_id_fields = ["sku"]


@admin.register(Order)
class OrderAdmin(admin.ModelAdmin):
    list_display = [
        "order_no",
        "shop",
        "buyer_member_name",
        "status",
        "total_amount",
        "created_at",
    ]
    list_filter = ["shop", "status", "flag"]
    search_fields = ["order_no", "buyer_member_name", "receiver_phone"]
    raw_id_fields = ["customer"]
    date_hierarchy = "created_at"
    inlines = [OrderLineInline]


@admin.register(OrderLine)
class OrderLineAdmin(admin.ModelAdmin):
    list_display = ["order", "outer_code", "title", "price", "quantity"]
    search_fields = ["order__order_no", "outer_code"]
    raw_id_fields = ["order", "sku"]


@admin.register(OrderStatusChange)
class OrderStatusChangeAdmin(admin.ModelAdmin):
    """The order's history is written by the import and the services only."""

    list_display = ["order", "at", "source", "status_from", "status_to", "note"]
    list_filter = ["source"]
    raw_id_fields = ["order"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Hold)
class HoldAdmin(admin.ModelAdmin):
    list_display = ["order", "reason", "flag", "created_at", "outcome", "released_at"]
    list_filter = ["reason", "outcome"]
    raw_id_fields = ["order"]


@admin.register(HoldReasonSetting)
class HoldReasonSettingAdmin(admin.ModelAdmin):
    list_display = ["reason", "flag"]


@admin.register(Complaint)
class ComplaintAdmin(admin.ModelAdmin):
    list_display = ["order", "kind", "state", "raised_at", "resolved_at"]
    list_filter = ["kind", "state"]
    raw_id_fields = ["order"]


@admin.register(ImportBatch)
class ImportBatchAdmin(admin.ModelAdmin):
    list_display = [
        "orders_filename",
        "shop",
        "state",
        "rows_done",
        "rows_total",
        "created_at",
    ]
    list_filter = ["state"]
