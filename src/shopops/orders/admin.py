from django.contrib import admin

from shopops.orders.models import Order, OrderLine


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
