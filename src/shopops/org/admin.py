from django.contrib import admin
from django.contrib.auth.models import Group

from shopops.org.models import ApiToken, Department, Shop, Staff
from shopops.org.services import staff_set_role


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

    def save_model(self, request, obj, form, change):
        """Keep the role group in step: a role change goes through its service."""
        role_changed = change and {"role", "shift"} & set(form.changed_data)
        if role_changed:
            role, shift = obj.role, obj.shift
            obj.role, obj.shift = form.initial["role"], form.initial.get("shift", "")
        super().save_model(request, obj, form, change)
        if role_changed:
            staff_set_role(actor=request.user, staff=obj, role=role, shift=shift)
        elif not change:
            obj.user.groups.add(Group.objects.get(name=obj.role))


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Tokens are issued with `shopops api-token create` (the secret is shown once);
    here they can be looked at and revoked."""

    list_display = ["name", "user", "created_at", "last_used_at"]
    readonly_fields = ["user", "name", "key_hash", "created_at", "last_used_at"]

    def has_add_permission(self, request):
        return False
