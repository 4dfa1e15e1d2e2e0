from django.contrib import admin

from shopops.aftersales.models import AfterSale


@admin.register(AfterSale)
class AfterSaleAdmin(admin.ModelAdmin):
    list_display = ["order", "kind", "amount", "state", "raised_at", "decided_at"]
    list_filter = ["kind", "state"]
    raw_id_fields = ["order", "exchange_sku", "hold"]
