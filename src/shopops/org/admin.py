from django.contrib import admin

from shopops.org.models import ApiToken, Department, Shop, Staff


@admin.register(Shop)
class ShopAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "platform", "marketplace_shop_id", "active"]
    list_filter = ["platform", "active"]


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "parent"]


@admin.register(Staff)
class StaffAdmin(admin.ModelAdmin):
    list_display = ["name", "user", "role", "shift", "department", "manager", "active"]
    list_filter = ["role", "department", "active"]
    search_fields = ["name", "user__username", "phone"]


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["name", "user", "created_at", "last_used_at"]
    readonly_fields = ["key_hash"]
