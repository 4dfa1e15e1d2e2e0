from django.contrib import admin

from shopops.catalog.models import Category, Listing, Product, Sku, Supplier


class SkuInline(admin.TabularInline):
    model = Sku
    extra = 0


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "parent"]


@admin.register(Supplier)
class SupplierAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "contact", "phone", "lead_time_days", "active"]


@admin.register(Product)
class ProductAdmin(admin.ModelAdmin):
    list_display = [
        "code",
        "title",
        "category",
        "shelf_life_days",
        "cost_price",
        "list_price",
        "status",
    ]
    list_filter = ["category", "status"]
    search_fields = ["code", "title", "skus__outer_code"]
    inlines = [SkuInline]


@admin.register(Sku)
class SkuAdmin(admin.ModelAdmin):
    list_display = ["outer_code", "product", "attributes", "price", "active"]
    search_fields = ["outer_code"]


@admin.register(Listing)
class ListingAdmin(admin.ModelAdmin):
    list_display = ["shop", "title", "state", "updated_at"]
    list_filter = ["shop", "state"]
