from django.contrib import admin

from shopops.purchasing.models import (
    PurchaseOrder,
    PurchaseOrderLine,
    PurchaseSettings,
    PurchaseSuggestion,
    Receipt,
    ReceiptLine,
    SupplierPrice,
    SupplierTerms,
)


@admin.register(PurchaseSettings)
class PurchaseSettingsAdmin(admin.ModelAdmin):
    list_display = [
        "sales_window_days",
        "review_days",
        "safety_stock_days",
        "default_lead_time_days",
    ]


@admin.register(SupplierTerms)
class SupplierTermsAdmin(admin.ModelAdmin):
    list_display = ["supplier", "payment_terms", "review_days"]


@admin.register(SupplierPrice)
class SupplierPriceAdmin(admin.ModelAdmin):
    list_display = ["supplier", "sku", "price", "min_order_quantity", "order_multiple"]
    list_filter = ["supplier"]
    search_fields = ["sku__outer_code"]
    raw_id_fields = ["sku"]


@admin.register(PurchaseSuggestion)
class PurchaseSuggestionAdmin(admin.ModelAdmin):
    list_display = [
        "day",
        "sku",
        "supplier",
        "suggested_quantity",
        "edited_quantity",
        "accepted",
        "purchase_order",
    ]
    list_filter = ["day", "accepted"]
    search_fields = ["sku__outer_code"]
    raw_id_fields = ["sku", "purchase_order"]


class PurchaseOrderLineInline(admin.TabularInline):
    model = PurchaseOrderLine
    raw_id_fields = ["sku"]
    extra = 0


@admin.register(PurchaseOrder)
class PurchaseOrderAdmin(admin.ModelAdmin):
    list_display = ["number", "supplier", "state", "cutoff_day", "expected_date"]
    list_filter = ["state", "supplier"]
    search_fields = ["number"]
    inlines = [PurchaseOrderLineInline]


class ReceiptLineInline(admin.TabularInline):
    model = ReceiptLine
    raw_id_fields = ["order_line"]
    extra = 0


@admin.register(Receipt)
class ReceiptAdmin(admin.ModelAdmin):
    list_display = ["number", "purchase_order", "received_at", "received_by"]
    search_fields = ["number"]
    inlines = [ReceiptLineInline]
